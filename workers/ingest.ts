/**
 * Loading a user's file into a DuckDB table, checked.
 *
 *   detect format (magic bytes, then extension)
 *   → CSV and other text: csv/ingest-csv.ts (dialect, header and fixed-width guesses, a strict
 *     read with rejects, recovery of rejected lines, suspect rows, the line check)
 *     Parquet, JSON/NDJSON: read in JavaScript (DuckDB's readers are extensions that would be
 *     fetched from a third-party host) and handed over as Arrow
 *     Excel workbooks: the largest sheet as CSV text (xlsx.ts), then read as a CSV
 *   → report: rejected lines, renamed headers, retries, the dialect.
 *
 * A file is registered under a random directory in /data/, so no SQL run before the load can
 * have written to its path (COPY … TO is refused too: src/sql/file-names.ts).
 */
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { LoadReport, ReadOptions, RejectedLine } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { ident, tableNameFor } from '../src/sql/sql';
import { encodeColumns, type ColumnValues } from './arrow-build';
import { ingestCsv, isUtf16 } from './csv/ingest-csv';
import { sourceFromBytes, type Db, type FileSource } from './db';
import { DATA_DIR } from './lockdown';
import { describeTable } from './tables';
import { isWorkbook, readWorkbook } from './xlsx';

export type Format = 'csv' | 'parquet' | 'json' | 'zip';

const MAX_REJECTS_SHOWN = 100;
/** Bytes of the start of a file the dialect, header and fixed-width guesses look at. */
const HEAD = 256 * 1024;

export interface IngestContext {
	db: Db;
	/** Table names already in use (the new one is added by the caller). */
	taken: ReadonlySet<string>;
	/** Load under exactly this name (re-attaching a notebook's file), replacing that table. */
	table?: string | undefined;
	/** A number unique in the session, for file paths and scratch tables. */
	seq: number;
	/**
	 * What the load does now; `reading` when DuckDB reads the file through in this phase (its
	 * progress in percent: workers/read-progress.ts).
	 */
	onPhase?: ((phase: string, reading?: boolean) => void) | undefined;
	/** How far a phase that reads the file in JavaScript has got, 0–1 (Parquet). */
	onFraction?: ((fraction: number) => void) | undefined;
	/** Import settings for text files (absent fields are detected). */
	read?: ReadOptions | undefined;
	/** Called with the path the file was registered under, so SQL cells can read it by name. */
	onRegistered?: ((path: string) => void) | undefined;
}

function randomDir(): string {
	const bytes = new Uint8Array(12);
	crypto.getRandomValues(bytes);
	return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A path in /data/ no SQL can have guessed before the load. */
export function registrationPath(seq: number, table: string, ext: string): string {
	return `${DATA_DIR}u${randomDir()}/${seq}-${table}.${ext}`;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
	return magic.every((b, i) => bytes[i] === b);
}

/** Decide how to read a file: its first bytes win over its name. */
export function detectFormat(name: string, head: Uint8Array): Format {
	if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return 'parquet';
	// A ZIP archive: an Excel workbook (read by workers/xlsx.ts) or not (refused by ingest).
	if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
	if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
		throw new EngineError(
			'file-format',
			`${name} looks like an Excel 97–2003 workbook (.xls). Save it as .xlsx or as CSV (File → Save as → CSV UTF-8) and load that.`
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

function isBlank(head: Uint8Array, size: number): boolean {
	if (size === 0) return true;
	if (size > head.byteLength) return false;
	for (const b of head) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
	return true;
}

export async function ingest(ctx: IngestContext, source: FileSource): Promise<LoadReport> {
	const started = performance.now();
	const head = await source.slice(0, Math.min(source.size, HEAD));
	if (isBlank(head, source.size)) {
		throw new EngineError(
			'file-empty',
			`${source.name} is empty: it has no header and no rows. Check you exported the right file.`
		);
	}
	const format = detectFormat(source.name, head);
	const table = ctx.table ?? tableNameFor(source.name, ctx.taken);
	let report: Omit<LoadReport, 'ms'>;
	if (format === 'zip') {
		report = await ingestWorkbook(ctx, source, table);
	} else if (format === 'csv') {
		const path = registrationPath(ctx.seq, table, 'csv');
		await ctx.db.registerFile(path, source);
		ctx.onRegistered?.(path);
		report = await ingestCsv(
			{ db: ctx.db, seq: ctx.seq, path, onPhase: ctx.onPhase },
			source,
			table,
			head,
			ctx.read ?? {}
		);
	} else
		report =
			format === 'parquet'
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

/** An Excel workbook: its largest sheet as CSV text (workers/xlsx.ts), loaded as a CSV. */
async function ingestWorkbook(
	ctx: IngestContext,
	source: FileSource,
	table: string
): Promise<Omit<LoadReport, 'ms'>> {
	const bytes = await source.slice(0, source.size);
	if (!isWorkbook(bytes)) {
		throw new EngineError(
			'file-format',
			`${source.name} looks like an Excel workbook or a ZIP archive, but not one this browser can read as a workbook. Save it as CSV (File → Save as → CSV UTF-8) and load that, or unpack the archive and load the file inside.`
		);
	}
	ctx.onPhase?.(`Reading ${source.name} (Excel workbook)`);
	const { sheet, ...textOptions } = ctx.read ?? {};
	const book = readWorkbook(source.name, bytes, sheet);
	if (book.rows === 0) {
		throw new EngineError('file-empty', `${source.name}: the sheet “${book.sheet}” is empty.`);
	}
	const text = new TextEncoder().encode(book.csv);
	const csv = sourceFromBytes(source.name, text);
	const path = registrationPath(ctx.seq, table, 'csv');
	// A copy: DuckDB's worker takes the buffer it is given, and the CSV reader reads `text` after.
	await ctx.db.registerBuffer(path, text.slice());
	ctx.onRegistered?.(path);
	const head = await csv.slice(0, Math.min(csv.size, HEAD));
	const report = await ingestCsv(
		{ db: ctx.db, seq: ctx.seq, path, onPhase: ctx.onPhase },
		csv,
		table,
		head,
		// The CSV is ours: its dialect is known, never guessed (a one-column sheet could look
		// like fixed-width text). The header and the lines to skip stay the user's, or detected.
		{ ...textOptions, delimiter: ',', quote: '"', escape: '"', encoding: 'utf-8', decimal: '.' }
	);
	// Read from the workbook, not a CSV file: the exported pipeline reads the sheet natively.
	const { readCsvOptions: _csvOptions, ...rest } = report;
	return {
		...rest,
		format: 'xlsx',
		sheet: book.sheet,
		...(report.read
			? {
					read: {
						...report.read,
						used: { ...report.read.used, sheet: book.sheet },
						sheets: book.sheets,
						detected:
							sheet === undefined ? [...report.read.detected, 'sheet'] : report.read.detected
					}
				}
			: {}),
		dialect: `Excel workbook, sheet “${book.sheet}”`,
		notes: [...book.notes, ...report.notes]
	};
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
	ctx.onPhase?.(`Reading ${source.name} (Parquet)`, true);
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
	let decoded = 0;
	try {
		await parquetRead({
			file,
			metadata,
			compressors,
			onChunk: ({ columnName, columnData, rowStart }) => {
				const target = columns.get(columnName);
				if (!target) return;
				for (let i = 0; i < columnData.length; i++) target[rowStart + i] = columnData[i];
				// Values decoded over values in the file: the reading's progress.
				decoded += columnData.length;
				ctx.onFraction?.(decoded / Math.max(1, rowCount * names.length));
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
