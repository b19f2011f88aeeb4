/**
 * Recovering rejected lines (issue 17's "recover, then verify"). Each line DuckDB rejected is
 * tried again, in this order, and kept only when the result fits every column's type and
 * shape: as it is; without an empty field at its end or start (a stray delimiter there);
 * without one stray quote (quoting relaxed for that line only); split on another delimiter
 * (a line written with `;` in a `,` file); with one extra delimiter taken as part of a text
 * value, when exactly one place fits. A record a stray quote ran over several lines is split
 * back into its lines first. What cannot be recovered stays rejected, listed.
 */
import type { ColumnInfo, SuspectLine } from '../../src/engine/api';
import { ident } from '../../src/sql/sql';
import { parseRecords, physicalLines, type Dialect } from './parse';
import { convertSql, fittingRows, type TypeRules } from './verify';
import type { Db } from '../db';

const OTHER_DELIMITERS = [',', ';', '\t', '|'];
/** Lines tried at most (beyond, they stay rejected). */
export const MAX_RECOVERED = 5_000;

export interface RejectedRecord {
	/** Byte offset where the record starts. */
	offset: number;
	line: number;
	text: string;
}

interface Candidate {
	fields: string[];
	reason: string;
}

/**
 * A line's fields, or null when a quote is left over in an unquoted field or after a closing
 * quote: a repair must leave no stray quote behind.
 */
function parseLine(text: string, d: Dialect): string[] | null {
	const r = parseRecords(text, d, 1)[0];
	if (!r) return [''];
	if (r.openQuote || r.badClose) return null;
	if (d.quote !== '' && r.fields.some((f, i) => !r.quoted[i] && f.includes(d.quote))) return null;
	return r.fields;
}

function delimiterName(d: string): string {
	return d === '\t' ? 'TAB' : `“${d}”`;
}

/** Every repair of one line that has the right number of fields, most plausible first. */
export function candidatesFor(
	text: string,
	d: Dialect,
	n: number,
	names: readonly string[],
	mergeable: ReadonlySet<number>
): Candidate[][] {
	const out: Candidate[][] = [];
	const fields = parseLine(text, d) ?? [];
	if (fields.length === n) out.push([{ fields, reason: 'read as it is' }]);
	if (fields.length === n + 1 && fields[n]!.trim() === '') {
		out.push([
			{
				fields: fields.slice(0, n),
				reason:
					'an empty field after the last column was dropped (a stray delimiter at the end of the line)'
			}
		]);
	}
	if (fields.length === n + 1 && fields[0]!.trim() === '') {
		out.push([
			{
				fields: fields.slice(1),
				reason:
					'an empty field before the first column was dropped (a stray delimiter at the start of the line)'
			}
		]);
	}
	if (d.quote !== '') {
		const options: Candidate[] = [];
		for (let i = text.indexOf(d.quote); i >= 0; i = text.indexOf(d.quote, i + 1)) {
			const without = text.slice(0, i) + text.slice(i + 1);
			const f = parseLine(without, d);
			if (f !== null && f.length === n)
				options.push({ fields: f, reason: `a stray quote at character ${i + 1} was removed` });
		}
		if (options.length > 0) out.push(options);
	}
	for (const other of OTHER_DELIMITERS) {
		if (other === d.delimiter || !text.includes(other)) continue;
		const f = parseLine(text, { ...d, delimiter: other });
		if (f !== null && f.length === n) {
			out.push([
				{
					fields: f,
					reason: `the line is separated by ${delimiterName(other)} instead of ${delimiterName(d.delimiter)}`
				}
			]);
		}
	}
	if (fields.length === n + 1) {
		const merges: Candidate[] = [];
		for (let k = 0; k < n; k++) {
			// Only where the delimiter is at home: a text column other rows write it in.
			if (!mergeable.has(k)) continue;
			const merged = [
				...fields.slice(0, k),
				fields[k]! + d.delimiter + fields[k + 1]!,
				...fields.slice(k + 2)
			];
			merges.push({
				fields: merged,
				reason: `an extra ${delimiterName(d.delimiter)} inside ${names[k] ?? `column ${k + 1}`} was kept as part of the value`
			});
		}
		if (merges.length > 0) out.push(merges);
	}
	return out;
}

export interface Recovery {
	recovered: SuspectLine[];
	/** Rows to insert: the record's place among the data records, then its values as text. */
	rows: { place: number; fields: string[] }[];
	/** Records (by offset) that are now fully recovered. */
	done: Set<number>;
	/** Extra data lines found by splitting records a quote ran over (each split record adds lines − 1). */
	extraLines: number;
}

/**
 * Try every rejected record. A group of candidates counts only when exactly one of its
 * members fits (two fitting repairs mean the line is ambiguous: it stays rejected).
 */
export async function recoverRecords(
	db: Db,
	records: readonly RejectedRecord[],
	places: ReadonlyMap<number, number>,
	columns: readonly ColumnInfo[],
	shapes: ReadonlyMap<string, string>,
	rules: TypeRules,
	d: Dialect,
	mergeable: ReadonlySet<number>
): Promise<Recovery> {
	const n = columns.length;
	const names = columns.map((c) => c.name);
	const result: Recovery = { recovered: [], rows: [], done: new Set(), extraLines: 0 };
	type Line = {
		record: RejectedRecord;
		index: number;
		of: number;
		text: string;
		groups: Candidate[][];
	};
	const lines: Line[] = [];
	for (const record of records.slice(0, MAX_RECOVERED)) {
		const parts = physicalLines(record.text).filter((l) => l.trim() !== '');
		parts.forEach((text, index) => {
			lines.push({
				record,
				index,
				of: parts.length,
				text,
				groups: candidatesFor(text, d, n, names, mergeable)
			});
		});
	}
	const flat = lines.flatMap((l) => l.groups.flat());
	const fits = await fittingRows(
		db,
		columns,
		shapes,
		rules,
		flat.map((c) => c.fields)
	);
	let k = 0;
	const chosen = new Map<Line, Candidate | null>();
	for (const l of lines) {
		let pick: Candidate | null = null;
		for (const group of l.groups) {
			const ok = group.filter((_, i) => fits[k + i]);
			k += group.length;
			if (pick === null && ok.length === 1) pick = ok[0]!;
		}
		chosen.set(l, pick);
	}
	for (const record of records.slice(0, MAX_RECOVERED)) {
		const mine = lines.filter((l) => l.record === record);
		if (mine.length === 0 || mine.some((l) => chosen.get(l) === null)) continue;
		const place = places.get(record.offset);
		if (place === undefined) continue;
		result.done.add(record.offset);
		result.extraLines += mine.length - 1;
		for (const l of mine) {
			const pick = chosen.get(l)!;
			result.rows.push({ place: place + l.index / l.of, fields: pick.fields });
			result.recovered.push({
				line: record.line + l.index,
				kind: 'recovered',
				reason:
					mine.length > 1
						? `${pick.reason}; a quote had run this line into the next ones`
						: pick.reason,
				text: l.text.slice(0, 500)
			});
		}
	}
	return result;
}

/**
 * Put recovered rows back in their places: the loaded rows keep their order, and each rejected
 * record's slot (its place among the data records) gets its recovered rows.
 */
export async function insertRecovered(
	db: Db,
	table: string,
	columns: readonly ColumnInfo[],
	rules: TypeRules,
	rejectedPlaces: readonly number[],
	rows: readonly { place: number; fields: string[] }[],
	seq: number
): Promise<void> {
	if (rows.length === 0) return;
	const scratch = `segbook_recovered_${seq}`;
	const gaps = `segbook_gaps_${seq}`;
	const n = columns.length;
	const values = rows
		.map(
			(r) =>
				`(${r.place}, ${Array.from({ length: n }, (_, j) => {
					const v = r.fields[j] ?? '';
					return v.trim() === '' ? 'NULL::VARCHAR' : `'${v.replaceAll("'", "''")}'`;
				}).join(', ')})`
		)
		.join(', ');
	const vs = columns.map((_, j) => `v${j}`).join(', ');
	await db.run(
		`CREATE OR REPLACE TEMP TABLE ${ident(scratch)} AS FROM (VALUES ${values}) AS c(place, ${vs})`
	);
	// A loaded row at position p sits at place p + (rejected records before it): the j-th rejected
	// record (sorted) has p - j loaded rows before it.
	const sorted = [...rejectedPlaces].sort((a, b) => a - b);
	const gapRows = sorted.map((p, j) => `(${p - j})`).join(', ');
	await db.run(
		`CREATE OR REPLACE TEMP TABLE ${ident(gaps)} AS FROM (VALUES ${gapRows.length > 0 ? gapRows : '(-1)'}) AS g(k)`
	);
	const cols = columns.map((c) => ident(c.name)).join(', ');
	const converted = columns
		.map((c, j) => `${convertSql(`v${j}`, c.type, rules)} AS ${ident(c.name)}`)
		.join(', ');
	await db.run(
		`CREATE OR REPLACE TABLE ${ident(table)} AS
		 SELECT ${cols} FROM (
		   SELECT ${cols}, t.rowid + (SELECT count(*) FROM ${ident(gaps)} g WHERE g.k <= t.rowid) AS place FROM ${ident(table)} t
		   UNION ALL
		   SELECT ${converted}, place FROM ${ident(scratch)}
		 ) ORDER BY place`
	);
	await db.run(`DROP TABLE IF EXISTS ${ident(scratch)}`);
	await db.run(`DROP TABLE IF EXISTS ${ident(gaps)}`);
}
