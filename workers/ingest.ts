/**
 * Loading a user's file into a DuckDB table, checked.
 *
 *   detect format (magic bytes, then extension)
 *   → CSV: DuckDB's sniffer with store_rejects, retried for Latin-1 and decimal commas
 *     Parquet, JSON/NDJSON: read in JavaScript (DuckDB's readers are extensions that would be
 *     fetched from a third-party host) and handed over as Arrow
 *   → check: rows loaded + rows rejected = data lines counted in the file itself
 *   → report: rejected lines, renamed headers, retries, the dialect.
 */
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { LoadReport, RejectedLine } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { ident, literal, tableNameFor } from '../src/sql/sql';
import { encodeColumns, type ColumnValues } from './arrow-build';
import { queryRows, queryValue, type Db, type FileSource } from './db';
import { DATA_DIR } from './lockdown';
import { describeTable } from './tables';

export type Format = 'csv' | 'parquet' | 'json';

const CHUNK = 8 * 1024 * 1024;
const MAX_REJECTS_SHOWN = 100;

export interface IngestContext {
	db: Db;
	/** Table names already in use (the new one is added by the caller). */
	taken: ReadonlySet<string>;
	/** Load under exactly this name (re-attaching a notebook's file), replacing that table. */
	table?: string | undefined;
	/** A number unique in the session, for file paths and scratch tables. */
	seq: number;
	onPhase?: ((phase: string) => void) | undefined;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
	return magic.every((b, i) => bytes[i] === b);
}

/** Decide how to read a file: its first bytes win over its name. */
export function detectFormat(name: string, head: Uint8Array): Format {
	if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return 'parquet';
	if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
		throw new EngineError(
			'file-format',
			`${name} looks like an Excel workbook or a ZIP archive, not a text file. Save it as CSV (File → Save as → CSV UTF-8) and load that.`
		);
	}
	const ext = name.toLowerCase().split('.').pop() ?? '';
	if (ext === 'parquet') {
		throw new EngineError('file-format', `${name} is named .parquet but is not a Parquet file.`);
	}
	if (ext === 'json' || ext === 'ndjson' || ext === 'jsonl') return 'json';
	// A few NUL bytes in the first kilobytes mean binary, unless it is UTF-16 text.
	if (!isUtf16(head)) {
		const probe = head.subarray(0, 4096);
		let nul = 0;
		for (const b of probe) if (b === 0) nul++;
		if (nul > 2) {
			throw new EngineError(
				'file-format',
				`${name} looks like a binary file, not CSV, TSV, Parquet or JSON.`
			);
		}
	}
	return 'csv';
}

function isUtf16(head: Uint8Array): boolean {
	return startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]);
}

function isBlank(head: Uint8Array, size: number): boolean {
	if (size === 0) return true;
	if (size > head.byteLength) return false;
	for (const b of head) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
	return true;
}

export async function ingest(ctx: IngestContext, source: FileSource): Promise<LoadReport> {
	const started = performance.now();
	const head = await source.slice(0, Math.min(source.size, 65536));
	if (isBlank(head, source.size)) {
		throw new EngineError(
			'file-empty',
			`${source.name} is empty: it has no header and no rows. Check you exported the right file.`
		);
	}
	const format = detectFormat(source.name, head);
	const table = ctx.table ?? tableNameFor(source.name, ctx.taken);
	const report =
		format === 'csv'
			? await ingestCsv(ctx, source, table, head)
			: format === 'parquet'
				? await ingestParquet(ctx, source, table)
				: await ingestJson(ctx, source, table);
	if (report.rowsLoaded === 0 && report.rowsRejected === 0) {
		await ctx.db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
		throw new EngineError(
			'no-data-rows',
			`${source.name} has a header (${report.table.columns.map((c) => c.name).join(', ')}) but no data rows.`
		);
	}
	return { ...report, ms: performance.now() - started };
}

interface CsvAttempt {
	encoding: 'utf-8' | 'utf-16' | 'latin-1';
	decimalComma: boolean;
}

function csvOptions(attempt: CsvAttempt, rejects: string): string {
	const options = [
		`encoding = ${literal(attempt.encoding)}`,
		`store_rejects = true`,
		`rejects_table = ${literal(rejects)}`,
		`rejects_scan = ${literal(rejects + '_scan')}`
	];
	if (attempt.decimalComma) options.push(`decimal_separator = ','`);
	return options.join(', ');
}

async function ingestCsv(
	ctx: IngestContext,
	source: FileSource,
	table: string,
	head: Uint8Array
): Promise<Omit<LoadReport, 'ms'>> {
	const { db } = ctx;
	const path = `${DATA_DIR}${ctx.seq}-${table}.csv`;
	const rejects = `segbook_rejects_${ctx.seq}`;
	await db.registerFile(path, source);
	const notes: string[] = [];
	const attempt: CsvAttempt = { encoding: isUtf16(head) ? 'utf-16' : 'utf-8', decimalComma: false };
	if (attempt.encoding === 'utf-16') notes.push('Read as UTF-16 text (byte-order mark found).');

	const read = async (): Promise<void> => {
		ctx.onPhase?.(`Reading ${source.name}`);
		await db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
		await db.run(`DROP TABLE IF EXISTS ${ident(rejects + '_scan')}`);
		await db.run(
			`CREATE OR REPLACE TABLE ${ident(table)} AS FROM read_csv(${literal(path)}, ${csvOptions(attempt, rejects)})`
		);
	};

	// Count the file's records in JavaScript while DuckDB reads it in its own worker.
	const counting = countRecords(source, '"').catch(() => -1);
	try {
		await read();
		// With store_rejects, bytes that are not UTF-8 become rejected lines, not an error:
		// retry as Latin-1, the usual encoding of older spreadsheet exports.
		if (attempt.encoding === 'utf-8' && (await hasEncodingRejects(db, rejects))) {
			attempt.encoding = 'latin-1';
			await read();
			notes.push(
				'The file is not valid UTF-8; it was read as Latin-1 (Windows Western European). Check accented letters look right.'
			);
		}
	} catch (e) {
		throw csvError(source.name, e);
	}

	const dialect = await sniffDialect(db, path, attempt);
	// Semicolon files from continental Europe write 12,5 for 12.5: retry when text columns
	// hold nothing but such numbers.
	if (dialect.delimiter !== ',') {
		const commaColumns = await decimalCommaColumns(db, table);
		if (commaColumns.length > 0) {
			attempt.decimalComma = true;
			await read();
			notes.push(`Read decimal commas as numbers in ${commaColumns.join(', ')}.`);
		}
	}

	const columns = await describeTable(db, table);
	const hasHeader = !columns.every((c, i) => c.name === `column${i}`);
	ctx.onPhase?.(`Checking every line of ${source.name} was read`);
	const records =
		dialect.quote === '"' ? await counting : await countRecords(source, dialect.quote);
	const dataLines = Math.max(0, records - (hasHeader ? 1 : 0) - dialect.skipRows);
	const rowsLoaded = Number(await queryValue(db, `SELECT count(*) FROM ${ident(table)}`));
	const { rejected, rowsRejected } = await readRejects(db, rejects);
	await db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
	await db.run(`DROP TABLE IF EXISTS ${ident(rejects + '_scan')}`);

	if (hasHeader)
		notes.push(
			...headerRenames(
				head,
				attempt,
				dialect.delimiter,
				columns.map((c) => c.name)
			)
		);
	if (rowsRejected > 0) {
		notes.push(
			`${rowsRejected.toLocaleString('en')} line${rowsRejected === 1 ? '' : 's'} could not be read and ${rowsRejected === 1 ? 'was' : 'were'} left out: see the rejected lines below.`
		);
	}
	if (rowsLoaded + rowsRejected !== dataLines) {
		notes.push(
			`Line check: the file has ${dataLines.toLocaleString('en')} data lines but ${rowsLoaded.toLocaleString('en')} rows were loaded and ${rowsRejected.toLocaleString('en')} rejected. Blank lines or quoted line breaks can explain a difference; otherwise check the file.`
		);
	}
	return {
		table: { name: table, source: source.name, rowCount: rowsLoaded, columns },
		format: 'csv',
		dataLines,
		rowsLoaded,
		rowsRejected,
		rejected,
		notes,
		dialect: describeDialect(dialect, hasHeader, attempt)
	};
}

function csvError(name: string, e: unknown): EngineError {
	const message = e instanceof Error ? e.message : String(e);
	if (/unicode|utf/i.test(message)) {
		return new EngineError(
			'encoding',
			`${name} is not in an encoding Segbook can read (tried UTF-8 and Latin-1). Save it as CSV UTF-8 and load it again.`
		);
	}
	const first = message.split('\n').slice(0, 3).join(' ');
	return new EngineError('file-format', `${name} could not be read as CSV: ${first}`);
}

interface Dialect {
	delimiter: string;
	quote: string;
	skipRows: number;
	dateFormat: string | null;
	timestampFormat: string | null;
}

async function sniffDialect(db: Db, path: string, attempt: CsvAttempt): Promise<Dialect> {
	const rows = await queryRows(
		db,
		`SELECT Delimiter, Quote, SkipRows, DateFormat, TimestampFormat
		 FROM sniff_csv(${literal(path)}, encoding = ${literal(attempt.encoding)}, store_rejects = true)`
	);
	const [delimiter, quote, skip, dateFormat, timestampFormat] = rows[0] ?? [];
	const text = (v: unknown): string | null =>
		typeof v === 'string' && v !== '(empty)' && v !== '' ? v : null;
	return {
		delimiter: text(delimiter) ?? ',',
		quote: text(quote) ?? '"',
		skipRows: Number(skip ?? 0),
		dateFormat: text(dateFormat),
		timestampFormat: text(timestampFormat)
	};
}

const DELIMITER_NAMES: Record<string, string> = {
	',': 'comma-separated',
	';': 'semicolon-separated',
	'\t': 'tab-separated',
	'|': 'pipe-separated'
};

function describeDialect(d: Dialect, hasHeader: boolean, attempt: CsvAttempt): string {
	const parts = [
		DELIMITER_NAMES[d.delimiter] ?? `separated by ${JSON.stringify(d.delimiter)}`,
		hasHeader ? 'header row' : 'no header row',
		attempt.encoding.toUpperCase()
	];
	if (attempt.decimalComma) parts.push('decimal comma');
	if (d.dateFormat) parts.push(`dates ${d.dateFormat}`);
	if (d.timestampFormat) parts.push(`timestamps ${d.timestampFormat}`);
	if (d.skipRows > 0) parts.push(`${d.skipRows} line(s) skipped at the top`);
	return parts.join(', ');
}

async function decimalCommaColumns(db: Db, table: string): Promise<string[]> {
	const columns = await describeTable(db, table);
	const text = columns.filter((c) => c.type === 'VARCHAR');
	if (text.length === 0) return [];
	const checks = text
		.map(
			(c) =>
				`count(${ident(c.name)}) > 0
				 AND bool_and(regexp_full_match(trim(${ident(c.name)}), '-?[0-9]+(,[0-9]+)?') OR ${ident(c.name)} IS NULL OR trim(${ident(c.name)}) = '')
				 AND bool_or(contains(${ident(c.name)}, ','))`
		)
		.join(', ');
	const rows = await queryRows(db, `SELECT ${checks} FROM (FROM ${ident(table)} LIMIT 20000)`);
	return text.filter((_, i) => rows[0]?.[i] === true).map((c) => c.name);
}

async function hasEncodingRejects(db: Db, rejects: string): Promise<boolean> {
	try {
		const n = await queryValue(
			db,
			`SELECT count(*) FROM ${ident(rejects)}
			 WHERE error_type::VARCHAR ILIKE '%unicode%' OR error_message ILIKE '%unicode%'`
		);
		return Number(n) > 0;
	} catch {
		return false;
	}
}

async function readRejects(
	db: Db,
	rejects: string
): Promise<{ rejected: RejectedLine[]; rowsRejected: number }> {
	try {
		const rowsRejected = Number(
			await queryValue(db, `SELECT count(DISTINCT line) FROM ${ident(rejects)}`)
		);
		const rows = await queryRows(
			db,
			`SELECT line, column_name, error_type::VARCHAR, error_message, csv_line
			 FROM ${ident(rejects)} ORDER BY line LIMIT ${MAX_REJECTS_SHOWN}`
		);
		const rejected = rows.map(([line, column, errorType, message, text]) => ({
			line: Number(line),
			column: typeof column === 'string' ? column : null,
			errorType: String(errorType),
			message: String(message).split('\n')[0] ?? '',
			text: String(text ?? '')
		}));
		return { rejected, rowsRejected };
	} catch {
		// No rejects table means DuckDB rejected nothing.
		return { rejected: [], rowsRejected: 0 };
	}
}

/**
 * Count the records of a CSV file, quote-aware and without loading it whole: line breaks
 * inside quotes do not end a record, and blank lines are not records (DuckDB skips them).
 */
export async function countRecords(source: FileSource, quote: string): Promise<number> {
	const q = quote.charCodeAt(0) || 0x22;
	let inQuote = false;
	let content = false;
	let count = 0;
	for (let offset = 0; offset < source.size; offset += CHUNK) {
		const bytes = await source.slice(offset, Math.min(source.size, offset + CHUNK));
		for (let i = 0; i < bytes.length; i++) {
			const b = bytes[i]!;
			if (b === q) {
				inQuote = !inQuote;
				content = true;
			} else if (b === 0x0a) {
				if (!inQuote) {
					if (content) count++;
					content = false;
				}
			} else if (b !== 0x0d && b !== 0x00) {
				content = true;
			}
		}
	}
	if (content) count++;
	return count;
}

/** Headers DuckDB renamed (empty or duplicate names), so the user can find their columns. */
function headerRenames(
	head: Uint8Array,
	attempt: CsvAttempt,
	delimiter: string,
	names: string[]
): string[] {
	if (attempt.encoding === 'utf-16') return [];
	const text = new TextDecoder(attempt.encoding === 'latin-1' ? 'latin1' : 'utf-8').decode(head);
	const firstLine = (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').trim();
	const raw = splitLine(firstLine, delimiter);
	if (raw.length !== names.length) return [];
	const renamed: string[] = [];
	raw.forEach((original, i) => {
		const name = names[i]!;
		if (original !== name) {
			renamed.push(`${original === '' ? '(empty)' : `“${original}”`} → ${name}`);
		}
	});
	return renamed.length > 0 ? [`Renamed headers: ${renamed.join(', ')}.`] : [];
}

function splitLine(line: string, delimiter: string): string[] {
	const out: string[] = [];
	let field = '';
	let inQuote = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i]!;
		if (c === '"') {
			if (inQuote && line[i + 1] === '"') {
				field += '"';
				i++;
			} else inQuote = !inQuote;
		} else if (c === delimiter && !inQuote) {
			out.push(field.trim());
			field = '';
		} else field += c;
	}
	out.push(field.trim());
	return out;
}

async function insertColumns(
	db: Db,
	table: string,
	columns: Map<string, ColumnValues>,
	seq: number
): Promise<void> {
	const scratch = `segbook_import_${seq}`;
	const { ipc, temporal } = encodeColumns(columns);
	await db.insertArrowIPC(ipc, scratch);
	const dates = temporal.map((c) => `epoch_ms(${ident(c)}::BIGINT) AS ${ident(c)}`).join(', ');
	await db.run(
		`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * ${dates ? `REPLACE (${dates})` : ''} FROM ${ident(scratch)}`
	);
	await db.run(`DROP TABLE IF EXISTS ${ident(scratch)}`);
}

async function ingestParquet(
	ctx: IngestContext,
	source: FileSource,
	table: string
): Promise<Omit<LoadReport, 'ms'>> {
	ctx.onPhase?.(`Reading ${source.name} (Parquet)`);
	const file = {
		byteLength: source.size,
		slice: async (start: number, end?: number): Promise<ArrayBuffer> => {
			const bytes = await source.slice(start, end ?? source.size);
			return bytes.slice().buffer;
		}
	};
	let metadata;
	try {
		metadata = await parquetMetadataAsync(file);
	} catch (e) {
		throw new EngineError(
			'file-format',
			`${source.name} is not a readable Parquet file: ${e instanceof Error ? e.message : String(e)}`
		);
	}
	const rowCount = Number(metadata.num_rows);
	const names = metadata.schema
		.slice(1)
		.filter((s) => s.num_children === undefined)
		.map((s) => s.name);
	const columns = new Map<string, unknown[]>(names.map((n) => [n, new Array<unknown>(rowCount)]));
	try {
		await parquetRead({
			file,
			metadata,
			compressors,
			onChunk: ({ columnName, columnData, rowStart }) => {
				const target = columns.get(columnName);
				if (!target) return;
				for (let i = 0; i < columnData.length; i++) target[rowStart + i] = columnData[i];
			}
		});
	} catch (e) {
		throw new EngineError(
			'file-format',
			`${source.name} could not be read: ${e instanceof Error ? e.message : String(e)}. Check the file is complete; re-export it from its source if it is.`
		);
	}
	await insertColumns(ctx.db, table, columns, ctx.seq);
	const described = await describeTable(ctx.db, table);
	return {
		table: { name: table, source: source.name, rowCount, columns: described },
		format: 'parquet',
		dataLines: rowCount,
		rowsLoaded: rowCount,
		rowsRejected: 0,
		rejected: [],
		notes: [],
		dialect: null
	};
}

async function ingestJson(
	ctx: IngestContext,
	source: FileSource,
	table: string
): Promise<Omit<LoadReport, 'ms'>> {
	ctx.onPhase?.(`Reading ${source.name} (JSON)`);
	const text = new TextDecoder('utf-8', { fatal: false })
		.decode(await source.slice(0, source.size))
		.replace(/^\uFEFF/, '');
	const records: unknown[] = [];
	const rejected: RejectedLine[] = [];
	const trimmed = text.trimStart();
	let dataLines: number;
	if (trimmed.startsWith('[')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(trimmed);
		} catch (e) {
			throw new EngineError(
				'file-format',
				`${source.name} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`
			);
		}
		if (!Array.isArray(parsed))
			throw new EngineError('file-format', `${source.name}: expected an array of records.`);
		records.push(...(parsed as unknown[]));
		dataLines = records.length;
	} else {
		// Newline-delimited JSON: one record a line; a bad line is rejected, not fatal.
		const lines = text.split(/\r?\n/);
		dataLines = 0;
		lines.forEach((line, i) => {
			if (line.trim() === '') return;
			dataLines++;
			try {
				records.push(JSON.parse(line));
			} catch (e) {
				rejected.push({
					line: i + 1,
					column: null,
					errorType: 'INVALID JSON',
					message: e instanceof Error ? e.message : String(e),
					text: line.slice(0, 500)
				});
			}
		});
	}
	const columns = new Map<string, unknown[]>();
	records.forEach((record, r) => {
		const entries: [string, unknown][] =
			record !== null && typeof record === 'object' && !Array.isArray(record)
				? Object.entries(record)
				: [['value', record]];
		for (const [key, value] of entries) {
			let column = columns.get(key);
			if (!column) {
				column = new Array<unknown>(records.length).fill(null);
				columns.set(key, column);
			}
			column[r] = value;
		}
	});
	if (columns.size === 0) columns.set('value', []);
	await insertColumns(ctx.db, table, columns, ctx.seq);
	const described = await describeTable(ctx.db, table);
	return {
		table: { name: table, source: source.name, rowCount: records.length, columns: described },
		format: 'json',
		dataLines,
		rowsLoaded: records.length,
		rowsRejected: rejected.length,
		rejected: rejected.slice(0, MAX_REJECTS_SHOWN),
		notes:
			rejected.length > 0
				? [`${rejected.length} line(s) are not valid JSON and were left out.`]
				: [],
		dialect: trimmed.startsWith('[') ? 'JSON array of records' : 'newline-delimited JSON'
	};
}
