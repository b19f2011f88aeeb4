/**
 * Checking loaded rows against their neighbours, and testing repaired rows before they are
 * kept. Types are checked by DuckDB's own casts; text columns where nearly every value has one
 * shape (`$9.9`, `9-9-9`, `a9`: digits, letters and the punctuation between them) are checked
 * by that shape, so a value pushed into the wrong column stands out.
 */
import type { ColumnInfo } from '../../src/engine/api';
import { ident, literal } from '../../src/sql/sql';
import { queryRows, type Db } from '../db';

export interface TypeRules {
	dateFormat: string | null;
	timestampFormat: string | null;
	decimalComma: boolean;
}

/** A text value's shape: signed digit runs → 9, letter runs → a, spaces → one space. */
export function shapeSql(x: string): string {
	return `regexp_replace(regexp_replace(regexp_replace(trim(${x}), '[-+]?[0-9]+([.,][0-9]+)*', '9', 'g'), '[[:alpha:]]+', 'a', 'g'), '\\s+', ' ', 'g')`;
}

/** Marks whose presence in a text value is worth a closer look: the file's quote and `"`. */
export function quoteMarks(quote: string): string[] {
	return [...new Set([quote, '"'].filter((m) => m !== ''))];
}

/**
 * Rows worth checking at all: a text value holds a quote mark. Rows DuckDB accepted with the
 * right number of fields but wrong values come from quotes read in the wrong places, so this
 * cheap test (no regular expression) keeps the check fast on clean files of any size.
 */
export function quoteFilter(columns: readonly ColumnInfo[], quote: string): string | null {
	const terms = columns
		.filter((c) => c.type === 'VARCHAR')
		.flatMap((c) => quoteMarks(quote).map((m) => `contains(${ident(c.name)}, ${literal(m)})`));
	return terms.length > 0 ? terms.join(' OR ') : null;
}

/** SQL that converts text `x` to a column's type as the load did (NULL when it does not fit). */
export function convertSql(x: string, type: string, rules: TypeRules): string {
	const v = `trim(${x})`;
	if (type === 'VARCHAR') return x;
	if (type === 'DATE' && rules.dateFormat) {
		return `CAST(try_strptime(${v}, ${literal(rules.dateFormat)}) AS DATE)`;
	}
	if (type.startsWith('TIMESTAMP') && rules.timestampFormat) {
		return `CAST(try_strptime(${v}, ${literal(rules.timestampFormat)}) AS ${type})`;
	}
	if (rules.decimalComma && (type === 'DOUBLE' || type.startsWith('DECIMAL'))) {
		return `TRY_CAST(replace(${v}, ',', '.') AS ${type})`;
	}
	return `TRY_CAST(${v} AS ${type})`;
}

/** Text columns whose values nearly all share one shape (95% of a sample), with that shape. */
export async function dominantShapes(
	db: Db,
	table: string,
	columns: readonly ColumnInfo[]
): Promise<Map<string, string>> {
	const out = new Map<string, string>();
	const text = columns.filter((c) => c.type === 'VARCHAR').slice(0, 60);
	if (text.length === 0) return out;
	const sample = `(SELECT ${text.map((c, i) => `${shapeSql(ident(c.name))} AS s${i}`).join(', ')} FROM (FROM ${ident(table)} LIMIT 2000))`;
	const modes =
		(
			await queryRows(
				db,
				`SELECT ${text.map((_, i) => `mode(s${i}), count(s${i})`).join(', ')} FROM ${sample}`
			)
		)[0] ?? [];
	const candidates = text
		.map((c, i) => ({ c, i, shape: modes[2 * i], total: Number(modes[2 * i + 1]) }))
		.filter((x): x is typeof x & { shape: string } => typeof x.shape === 'string' && x.total >= 20);
	if (candidates.length === 0) return out;
	const shares =
		(
			await queryRows(
				db,
				`SELECT ${candidates.map((x) => `count(*) FILTER (s${x.i} = ${literal(x.shape)})`).join(', ')} FROM ${sample}`
			)
		)[0] ?? [];
	candidates.forEach((x, k) => {
		if (Number(shares[k]) >= 0.95 * x.total) out.set(x.c.name, x.shape);
	});
	return out;
}

/** The conditions under which a loaded row is suspect (see the module comment). */
export function suspectConditions(
	columns: readonly ColumnInfo[],
	shapes: ReadonlyMap<string, string>,
	quote: string,
	delimiter: string
): { odd: string; stray: string } | null {
	const oddTerms: string[] = [];
	const strayTerms: string[] = [];
	for (const c of columns) {
		if (c.type !== 'VARCHAR') continue;
		const col = ident(c.name);
		const shape = shapes.get(c.name);
		if (shape !== undefined) {
			oddTerms.push(`(${col} IS NOT NULL AND ${shapeSql(col)} <> ${literal(shape)})::INT`);
			const marks = [quote, delimiter].filter((m) => m !== '');
			if (marks.length > 0) {
				strayTerms.push(
					`(${col} IS NOT NULL AND ${shapeSql(col)} <> ${literal(shape)} AND (${marks.map((m) => `contains(${col}, ${literal(m)})`).join(' OR ')}))`
				);
			}
		}
		// The file's quote, and the double quote even where the file quotes with something else.
		for (const mark of quoteMarks(quote)) {
			const q = literal(mark);
			strayTerms.push(
				`((starts_with(${col}, ${q}) OR ends_with(${col}, ${q})) AND (length(${col}) - length(replace(${col}, ${q}, ''))) % 2 = 1)`
			);
		}
	}
	if (oddTerms.length === 0 && strayTerms.length === 0) return null;
	return {
		odd: oddTerms.length > 0 ? oddTerms.join(' + ') : '0',
		stray: strayTerms.length > 0 ? strayTerms.join(' OR ') : 'false'
	};
}

export interface SuspectRow {
	/** Position of the row in the loaded table (rowid, 0-based). */
	position: number;
	reason: string;
}

/** Rows of the table that do not fit their neighbours: at most `limit`, and how many in all. */
export async function findSuspects(
	db: Db,
	table: string,
	columns: readonly ColumnInfo[],
	shapes: ReadonlyMap<string, string>,
	quote: string,
	delimiter: string,
	limit: number
): Promise<{ rows: SuspectRow[]; total: number }> {
	const cond = suspectConditions(columns, shapes, quote, delimiter);
	const filter = quoteFilter(columns, quote);
	if (!cond || !filter) return { rows: [], total: 0 };
	const rows = await queryRows(
		db,
		`WITH q AS (SELECT rowid AS segbook_row, * FROM ${ident(table)} WHERE ${filter}),
		      c AS (SELECT segbook_row AS r, ${cond.odd} AS odd, (${cond.stray}) AS stray FROM q)
		 SELECT r, odd, stray, count(*) OVER () FROM c WHERE odd >= 2 OR stray ORDER BY r LIMIT ${limit}`
	);
	let total = 0;
	const out = rows.map(([r, odd, stray, n]) => {
		total = Number(n);
		return {
			position: Number(r),
			reason:
				stray === true
					? 'A value holds a stray quote or delimiter: the line may be split in the wrong places.'
					: `${Number(odd)} values do not look like the rest of their columns: they may be shifted by a missing or extra delimiter.`
		};
	});
	return { rows: out, total };
}

/** Which candidate rows (text fields, '' = empty) fit the table's types and shapes. */
export async function fittingRows(
	db: Db,
	columns: readonly ColumnInfo[],
	shapes: ReadonlyMap<string, string>,
	rules: TypeRules,
	candidates: readonly (readonly string[])[]
): Promise<boolean[]> {
	if (candidates.length === 0) return [];
	const n = columns.length;
	const values = candidates
		.map(
			(fields, i) =>
				`(${i}, ${Array.from({ length: n }, (_, j) => {
					const v = fields[j] ?? '';
					return v.trim() === '' ? 'NULL::VARCHAR' : literal(v);
				}).join(', ')})`
		)
		.join(', ');
	const names = ['i', ...columns.map((_, j) => `v${j}`)].join(', ');
	const checks = columns
		.map((c, j) => {
			const v = `v${j}`;
			const typed =
				c.type === 'VARCHAR'
					? 'true'
					: `(${v} IS NULL OR ${convertSql(v, c.type, rules)} IS NOT NULL)`;
			const shape = shapes.get(c.name);
			return shape === undefined
				? typed
				: `${typed} AND (${v} IS NULL OR ${shapeSql(v)} = ${literal(shape)})`;
		})
		.join(' AND ');
	const rows = await queryRows(
		db,
		`SELECT i, ${checks} FROM (VALUES ${values}) AS c(${names}) ORDER BY i`
	);
	const out = new Array<boolean>(candidates.length).fill(false);
	for (const [i, ok] of rows) out[Number(i)] = ok === true;
	return out;
}
