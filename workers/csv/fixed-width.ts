/**
 * A fixed-width text file (columns found by position, not by a delimiter) into a table: each
 * line is read whole, cut at the boundaries with SQL substrings, trimmed and typed. Types come
 * from the first lines (yyyymmdd runs become dates, numbers with leading zeros stay text: they
 * are identifiers), and a type is kept only if every value of the column converts.
 */
import type { LoadReport, ReadOptions } from '../../src/engine/api';
import { EngineError } from '../../src/engine/errors';
import { ident, literal } from '../../src/sql/sql';
import { queryRows, queryValue, type FileSource } from '../db';
import { describeTable } from '../tables';
import { countRecords } from './count';
import type { CsvContext } from './ingest-csv';
import type { Encoding } from './options';
import { physicalLines, type ParsedRecord } from './parse';
import { lineTooLong, uniqueNames } from './report';
import { detectLayout, splitFixed, valueKind } from './sniff';

export interface FixedInput extends CsvContext {
	source: FileSource;
	table: string;
	text: string;
	complete: boolean;
	encoding: Encoding;
	cuts: number[];
	options: ReadOptions;
	maxLineSize: number;
	notes: string[];
	guesses: string[];
	detected: (keyof ReadOptions)[];
	preview: string[];
	proposedFixedWidth: number[] | null;
}

const YYYYMMDD = /^(1[89]|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const NO_DELIMITER = '\u0001';

/** The SQL type a column's sampled values suggest, and how to convert text `x` to it. */
function typeFor(
	values: readonly string[],
	dateFormat: string | undefined
): { type: string; convert: (x: string) => string } {
	const filled = values.map((v) => v.trim()).filter((v) => v !== '');
	const kinds = new Set(filled.map(valueKind));
	const plain = { type: 'VARCHAR', convert: (x: string) => `NULLIF(${x}, '')` };
	if (filled.length === 0) return plain;
	if (dateFormat) {
		return {
			type: 'DATE',
			convert: (x) => `CAST(try_strptime(NULLIF(${x}, ''), ${literal(dateFormat)}) AS DATE)`
		};
	}
	if (kinds.size === 1 && kinds.has('int')) {
		if (filled.every((v) => YYYYMMDD.test(v))) {
			return {
				type: 'DATE',
				convert: (x) => `CAST(try_strptime(NULLIF(${x}, ''), '%Y%m%d') AS DATE)`
			};
		}
		if (filled.some((v) => /^[-+]?0\d/.test(v))) return plain;
		return { type: 'BIGINT', convert: (x) => `TRY_CAST(NULLIF(${x}, '') AS BIGINT)` };
	}
	if ([...kinds].every((k) => k === 'int' || k === 'number')) {
		return { type: 'DOUBLE', convert: (x) => `TRY_CAST(NULLIF(${x}, '') AS DOUBLE)` };
	}
	for (const [kind, type] of [
		['date', 'DATE'],
		['time', 'TIME'],
		['timestamp', 'TIMESTAMP'],
		['bool', 'BOOLEAN']
	] as const) {
		if (kinds.size === 1 && kinds.has(kind))
			return { type, convert: (x) => `TRY_CAST(NULLIF(${x}, '') AS ${type})` };
	}
	return plain;
}

export async function readFixedWidth(x: FixedInput): Promise<Omit<LoadReport, 'ms'>> {
	const { db, path, source, table, cuts, options } = x;
	const width = cuts.length + 1;
	let sample = physicalLines(x.text, 401);
	if (!x.complete) sample = sample.slice(0, -1);
	const records: ParsedRecord[] = [];
	sample.forEach((line, i) => {
		if (line.trim() !== '')
			records.push({
				fields: splitFixed(line, cuts),
				quoted: [],
				line: i + 1,
				openQuote: false,
				badClose: false,
				raw: line
			});
	});
	const layout = detectLayout(records, width, {
		header: options.header,
		headerRows: options.headerRows,
		skip: options.skip ?? 0
	});
	if (options.header === undefined || options.header === 'auto') x.detected.push('header');
	x.guesses.push(...layout.reasons);
	const headerRecords = layout.preamble + layout.headerRows;
	const firstData = records[headerRecords];
	const skipLines = firstData ? firstData.line - 1 : layout.skipLines;
	const body = records.slice(headerRecords);
	const names = layout.names
		? uniqueNames(layout.names)
		: Array.from({ length: width }, (_, i) => `column${i}`);
	const bounds = [0, ...cuts];
	const piece = (i: number): string =>
		i + 1 < bounds.length
			? `trim(substr(line, ${bounds[i]! + 1}, ${bounds[i + 1]! - bounds[i]!}))`
			: `trim(substr(line, ${bounds[i]! + 1}))`;
	const plans = names.map((_, i) =>
		typeFor(
			body.map((r) => r.fields[i] ?? ''),
			undefined
		)
	);

	const lines = `segbook_lines_${x.seq}`;
	const rejects = `segbook_rejects_${x.seq}`;
	x.onPhase?.(`Reading ${source.name} (fixed width)`, true);
	const counting = countRecords(source, { delimiter: NO_DELIMITER, quote: '', escape: '' }).catch(
		() => null
	);
	try {
		await db.run(
			`CREATE OR REPLACE TEMP TABLE ${ident(lines)} AS SELECT line FROM read_csv(${literal(path)},
			   columns = {'line': 'VARCHAR'}, delim = ${literal(NO_DELIMITER)}, quote = '', escape = '', header = false,
			   auto_detect = false, skip = ${skipLines}, encoding = ${literal(x.encoding)}, max_line_size = ${x.maxLineSize},
			   store_rejects = true, rejects_table = ${literal(rejects)}, rejects_scan = ${literal(rejects + '_scan')})`
		);
	} catch (e) {
		const message = e instanceof Error ? e.message : String(e);
		throw (
			lineTooLong(source.name, message, x.maxLineSize) ??
			new EngineError(
				'file-format',
				`${source.name} could not be read as fixed-width text: ${message.split('\n')[0]}`
			)
		);
	}
	const rejected = await queryRows(
		db,
		`SELECT line, error_type::VARCHAR, error_message, csv_line FROM ${ident(rejects)} ORDER BY line LIMIT 100`
	).catch(() => []);
	await db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
	await db.run(`DROP TABLE IF EXISTS ${ident(rejects + '_scan')}`);
	const long = rejected.find(([, type]) => type === 'LINE SIZE OVER MAXIMUM');
	if (long)
		throw lineTooLong(source.name, 'LINE SIZE OVER MAXIMUM', x.maxLineSize, Number(long[0]))!;

	// Keep a type only where every value of the column converts.
	const typed = plans.map((p, i) => ({ ...p, i })).filter((p) => p.type !== 'VARCHAR');
	if (typed.length > 0) {
		const checks = typed
			.map((p) => `count(*) FILTER (${piece(p.i)} <> '' AND ${p.convert(piece(p.i))} IS NULL)`)
			.join(', ');
		const fails = (await queryRows(db, `SELECT ${checks} FROM ${ident(lines)}`))[0] ?? [];
		typed.forEach((p, k) => {
			if (Number(fails[k]) > 0) {
				x.notes.push(
					`${names[p.i]} is kept as text: ${Number(fails[k]).toLocaleString('en')} of its values are not ${p.type === 'DATE' ? 'dates' : 'numbers'} like the first lines'.`
				);
				plans[p.i] = { type: 'VARCHAR', convert: (v) => `NULLIF(${v}, '')` };
			}
		});
	}
	await db.run(
		`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT ${names.map((n, i) => `${plans[i]!.convert(piece(i))} AS ${ident(n)}`).join(', ')} FROM ${ident(lines)}`
	);
	await db.run(`DROP TABLE IF EXISTS ${ident(lines)}`);
	const count = await counting;
	const rowsLoaded = Number(await queryValue(db, `SELECT count(*) FROM ${ident(table)}`));
	const dataLines = Math.max(0, (count?.records ?? rowsLoaded) - headerRecords);
	if (rowsLoaded !== dataLines) {
		x.notes.push(
			`Line check: the file has ${dataLines.toLocaleString('en')} data lines but ${rowsLoaded.toLocaleString('en')} rows were loaded. Check the file.`
		);
	}
	const columns = await describeTable(db, table);
	const dates = columns.filter(
		(c, i) => c.type === 'DATE' && /^int/.test(valueKind(body[0]?.fields[i] ?? ''))
	);
	if (dates.length > 0)
		x.guesses.push(`${dates.map((c) => c.name).join(', ')}: yyyymmdd numbers read as dates.`);
	return {
		table: { name: table, source: source.name, rowCount: rowsLoaded, columns },
		format: 'csv',
		dataLines,
		rowsLoaded,
		rowsRejected: 0,
		rejected: [],
		headerLines: layout.headerRows,
		skippedLines: layout.skipLines,
		suspect: [],
		suspectCount: 0,
		recovered: [],
		notes: x.notes,
		dialect: `fixed-width columns at ${[1, ...cuts.map((c) => c + 1)].join(', ')}, ${layout.headerRows === 0 ? 'no header row' : 'header row'}, ${x.encoding.toUpperCase()}`,
		read: {
			used: {
				header: layout.headerRows > 0 ? 'yes' : 'no',
				headerRows: Math.max(1, layout.headerRows),
				delimiter: '',
				quote: '',
				escape: '',
				decimal: '.',
				encoding: x.encoding,
				skip: layout.skipLines,
				dateFormat: options.dateFormat ?? null,
				fixedWidth: cuts,
				maxLineSize: x.maxLineSize,
				sheet: null
			},
			detected: x.detected,
			guesses: x.guesses,
			sheets: null,
			proposedFixedWidth: x.proposedFixedWidth,
			preview: x.preview,
			lineEnding: count?.lineEnding ?? 'LF'
		}
	};
}
