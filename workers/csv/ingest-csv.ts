/**
 * A delimited text file into a DuckDB table, checked (the CSV half of workers/ingest.ts):
 *
 *   guess (sniff.ts): encoding, dialect, preamble, header rows or none, fixed width
 *   → types from DuckDB's sniffer under that dialect (strict_mode off, so one bad row cannot
 *     break the sniff), then a strict read with store_rejects: every row of the wrong shape is
 *     rejected with its line, never padded or cut silently
 *   → retries: Latin-1 when bytes are not UTF-8, decimal commas in `;` files
 *   → verify (verify.ts): loaded rows that do not fit their neighbours are listed as suspect
 *   → recover (recover.ts): rejected lines repaired where exactly one repair fits
 *   → the line check: data records counted in the file (count.ts) = loaded + rejected.
 */
import type {
	ColumnInfo,
	LoadReport,
	ReadOptions,
	RejectedLine,
	SuspectLine
} from '../../src/engine/api';
import { DEFAULT_MAX_LINE_SIZE } from '../../src/engine/read-options';
import { EngineError } from '../../src/engine/errors';
import { ident, literal } from '../../src/sql/sql';
import { queryRows, queryValue, type Db, type FileSource } from '../db';
import { describeTable } from '../tables';
import { countRecords } from './count';
import { readFixedWidth } from './fixed-width';
import {
	columnsOption,
	dialectOptions,
	readBufferOption,
	rejectOptions,
	type CsvRead,
	type Encoding
} from './options';
import { parseRecords, physicalLines, type Dialect } from './parse';
import { insertRecovered, recoverRecords } from './recover';
import {
	decimalCommaColumns,
	delimiterColumns,
	hasEncodingRejects,
	readRejects,
	sniffColumns
} from './duck';
import { detectDialect, detectLayout, proposeFixedWidth } from './sniff';
import { describeRead, headerRenames, lineTooLong, uniqueNames } from './report';
import { dominantShapes, findSuspects, quoteFilter, type TypeRules } from './verify';

const MAX_REJECTS_SHOWN = 100;
const MAX_SUSPECTS_SHOWN = 100;

export interface CsvContext {
	db: Db;
	seq: number;
	/** Where the file is registered for DuckDB. */
	path: string;
	onPhase?: ((phase: string, reading?: boolean) => void) | undefined;
}

export function isUtf16(head: Uint8Array): boolean {
	return (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

function decode(head: Uint8Array, encoding: Encoding): string {
	const label =
		encoding === 'latin-1'
			? 'latin1'
			: encoding === 'utf-16'
				? head[0] === 0xfe
					? 'utf-16be'
					: 'utf-16le'
				: 'utf-8';
	return new TextDecoder(label).decode(head).replace(/^\uFEFF/, '');
}

function validUtf8(head: Uint8Array, complete: boolean): boolean {
	// A multi-byte character cut by the end of the sample is not an error.
	const bytes = complete ? head : head.subarray(0, Math.max(0, head.length - 4));
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

function csvError(name: string, e: unknown): EngineError {
	const message = e instanceof Error ? e.message : String(e);
	const long = lineTooLong(name, message);
	if (long) return long;
	if (/unicode|utf/i.test(message)) {
		return new EngineError(
			'encoding',
			`${name} is not in an encoding Segbook can read (tried UTF-8 and Latin-1). Save it as CSV UTF-8 and load it again, or choose its encoding in Read as.`
		);
	}
	const first = message.split('\n').slice(0, 3).join(' ');
	return new EngineError(
		'file-format',
		`${name} could not be read as CSV: ${first}. Check the delimiter and quote in Read as.`
	);
}

/** Places (0-based among the data records) of loaded rows, given the rejected records' places. */
function placeOf(position: number, gaps: readonly number[]): number {
	let place = position;
	for (const g of gaps) if (g <= position) place++;
	return place;
}

export async function ingestCsv(
	ctx: CsvContext,
	source: FileSource,
	table: string,
	head: Uint8Array,
	options: ReadOptions
): Promise<Omit<LoadReport, 'ms'>> {
	const { db, path } = ctx;
	const notes: string[] = [];
	const guesses: string[] = [];
	const detected: (keyof ReadOptions)[] = [];
	const complete = head.length >= source.size;
	if (head[0] === 0xfe && head[1] === 0xff && options.encoding === undefined) {
		// DuckDB's reader takes UTF-16 in little-endian order only; big-endian files are rare
		// (old Mac and Java tools) and would load as nonsense, so they are refused by name.
		throw new EngineError(
			'encoding',
			`${source.name} is UTF-16 in big-endian byte order, which the reader cannot take. Save it as "CSV UTF-8" (or UTF-16 little-endian, Excel's "Unicode text") and load it again.`
		);
	}
	let encoding: Encoding;
	if (options.encoding) encoding = options.encoding;
	else {
		detected.push('encoding');
		encoding = isUtf16(head) ? 'utf-16' : validUtf8(head, complete) ? 'utf-8' : 'latin-1';
		if (encoding === 'utf-16') notes.push('Read as UTF-16 text (byte-order mark found).');
		if (encoding === 'latin-1') {
			notes.push(
				'The file is not valid UTF-8; it was read as Latin-1 (Windows Western European). Check accented letters look right, or choose the encoding in Read as.'
			);
		}
	}
	const text = decode(head, encoding);
	const preview = physicalLines(text, 12).map((l) => l.slice(0, 200));
	const proposedFixedWidth = proposeFixedWidth(text);
	const forced: Partial<Dialect> = {};
	if (options.delimiter !== undefined) forced.delimiter = options.delimiter;
	if (options.quote !== undefined) forced.quote = options.quote;
	if (options.escape !== undefined) forced.escape = options.escape;
	const guess = detectDialect(text, complete, forced);
	const maxLineSize = options.maxLineSize ?? DEFAULT_MAX_LINE_SIZE;

	const fixedAuto =
		options.fixedWidth === undefined &&
		options.delimiter === undefined &&
		(guess.width <= 1 || guess.consistency < 0.5) &&
		proposedFixedWidth !== null;
	if ((options.fixedWidth !== undefined && options.fixedWidth.length > 0) || fixedAuto) {
		const cuts = options.fixedWidth ?? proposedFixedWidth!;
		if (fixedAuto) {
			detected.push('fixedWidth');
			guesses.push(
				`Read as fixed-width columns starting at characters ${[1, ...cuts.map((c) => c + 1)].join(', ')} (found from how the first lines line up); change them in Read as.`
			);
		}
		return readFixedWidth({
			...ctx,
			source,
			table,
			text,
			complete,
			encoding,
			cuts,
			options,
			maxLineSize,
			notes,
			guesses,
			detected,
			preview,
			proposedFixedWidth
		});
	}

	const dialect = guess.dialect;
	for (const k of ['delimiter', 'quote', 'escape'] as const)
		if (options[k] === undefined) detected.push(k);
	const records = parseRecords(text, dialect, 400, complete);
	const layout = detectLayout(records, guess.width, {
		header: options.header,
		headerRows: options.headerRows,
		skip: options.skip
	});
	if (options.skip === undefined) detected.push('skip');
	if (options.header === undefined || options.header === 'auto') detected.push('header');
	guesses.push(...layout.reasons);
	const headerRecord = records[layout.preamble];
	if (layout.headerRows > 0 && layout.firstRecordIsData && headerRecord) {
		notes.push(
			`The header (line ${headerRecord.line}: “${headerRecord.raw.slice(0, 80)}”) looks like data: it is typed like the records after it. If the file has no header, choose Header: No in Read as.`
		);
	}
	const counting = countRecords(source, dialect, undefined, guess.width).catch(() => null);

	const headerRecords = layout.preamble + layout.headerRows;
	const firstData = records[headerRecords];
	const read: CsvRead = {
		dialect,
		encoding,
		decimalComma: options.decimal === ',',
		skipLines:
			layout.headerRows <= 1 ? layout.skipLines : firstData ? firstData.line - 1 : layout.skipLines,
		header: layout.headerRows === 1,
		dateFormat: options.dateFormat ?? null,
		timestampFormat:
			options.dateFormat && /%H/.test(options.dateFormat) ? options.dateFormat : null,
		maxLineSize
	};
	if (options.decimal === undefined) detected.push('decimal');
	if (options.dateFormat === undefined) detected.push('dateFormat');
	const rejects = `segbook_rejects_${ctx.seq}`;
	let columns: ColumnInfo[] = [];
	let rules: TypeRules = { dateFormat: null, timestampFormat: null, decimalComma: false };
	/** read_csv's options as last run (columns and dialect): the exported pipeline reads the same. */
	let readerOptions = '';
	const load = async (): Promise<void> => {
		ctx.onPhase?.(`Detecting the columns of ${source.name}`);
		await db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
		await db.run(`DROP TABLE IF EXISTS ${ident(rejects + '_scan')}`);
		const sniffed = await sniffColumns(db, path, read);
		columns = sniffed.columns;
		if (layout.headerRows > 1 && layout.names) {
			const merged = uniqueNames(layout.names);
			columns = columns.map((c, i) => ({ ...c, name: merged[i] ?? c.name }));
		}
		rules = {
			dateFormat: sniffed.dateFormat,
			timestampFormat: sniffed.timestampFormat,
			decimalComma: read.decimalComma
		};
		const formats = {
			...read,
			dateFormat: sniffed.dateFormat,
			timestampFormat: sniffed.timestampFormat
		};
		readerOptions = [columnsOption(columns), ...dialectOptions(formats)].join(', ');
		ctx.onPhase?.(`Reading ${source.name}`, true);
		await db.run(
			`CREATE OR REPLACE TABLE ${ident(table)} AS FROM read_csv(${literal(path)}, auto_detect = false, ${columnsOption(columns)}, ${[...dialectOptions(formats), ...rejectOptions(rejects), readBufferOption(maxLineSize)].join(', ')})`
		);
	};
	try {
		await load();
		if (
			options.encoding === undefined &&
			read.encoding === 'utf-8' &&
			(await hasEncodingRejects(db, rejects))
		) {
			read.encoding = 'latin-1';
			await load();
			notes.push(
				'The file is not valid UTF-8; it was read as Latin-1 (Windows Western European). Check accented letters look right, or choose the encoding in Read as.'
			);
		}
		if (options.decimal === undefined && dialect.delimiter !== ',') {
			const commaColumns = await decimalCommaColumns(db, table);
			if (commaColumns.length > 0) {
				read.decimalComma = true;
				await load();
				notes.push(`Read decimal commas as numbers in ${commaColumns.join(', ')}.`);
			}
		}
	} catch (e) {
		const error = csvError(source.name, e);
		if (error.code === 'line-too-long') {
			const longest = (await counting)?.longest;
			throw (
				lineTooLong(
					source.name,
					'LINE SIZE OVER MAXIMUM',
					maxLineSize,
					longest?.line,
					longest?.bytes
				) ?? error
			);
		}
		throw error;
	}

	const raw = await readRejects(db, rejects);
	await db.run(`DROP TABLE IF EXISTS ${ident(rejects)}`);
	await db.run(`DROP TABLE IF EXISTS ${ident(rejects + '_scan')}`);
	if (raw.lineTooLong) {
		await db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
		throw lineTooLong(
			source.name,
			'LINE SIZE OVER MAXIMUM',
			maxLineSize,
			raw.records.find((r) => r.errorType === 'LINE SIZE OVER MAXIMUM')?.line
		)!;
	}

	ctx.onPhase?.(`Checking every line of ${source.name} was read`);
	const count = await counting;
	if (count === null)
		throw new EngineError(
			'file-format',
			`${source.name} could not be read to the end. Check the file is complete.`
		);
	// Where each rejected record sits among the data records, from its byte offset.
	const located =
		raw.records.length > 0
			? await countRecords(source, dialect, { offsets: raw.records.map((r) => r.offset) })
			: null;
	const places = new Map<number, number>();
	for (const r of raw.records) {
		const index = located?.recordAt.get(r.offset);
		if (index !== undefined) places.set(r.offset, index - headerRecords);
	}
	const gaps = [...places.values()].sort((a, b) => a - b).map((p, j) => p - j);
	const loadedColumns = await describeTable(db, table);

	// Verify the loaded rows before recovered ones join them (shapes only when there is cause).
	const filter = quoteFilter(loadedColumns, dialect.quote);
	// A file without a quote mark cannot have put one in a value: no scan of the table for one.
	const cause =
		raw.records.length > 0 ||
		(filter !== null &&
			count.quoteMarks &&
			(await queryRows(db, `SELECT 1 FROM ${ident(table)} WHERE ${filter} LIMIT 1`)).length > 0);
	const shapes = cause ? await dominantShapes(db, table, loadedColumns) : new Map<string, string>();
	const found = cause
		? await findSuspects(
				db,
				table,
				loadedColumns,
				shapes,
				dialect.quote,
				dialect.delimiter,
				MAX_SUSPECTS_SHOWN
			)
		: { rows: [], total: 0 };
	const suspectPlaces = found.rows.map((s) => placeOf(s.position, gaps));
	const lines =
		found.rows.length > 0
			? await countRecords(source, dialect, {
					records: suspectPlaces.map((p) => p + headerRecords)
				})
			: null;
	const suspectText =
		found.rows.length > 0
			? await queryRows(
					db,
					`SELECT rowid, concat_ws(${literal(dialect.delimiter)}, ${loadedColumns.map((c) => `coalesce(${ident(c.name)}::VARCHAR, '')`).join(', ')}) FROM ${ident(table)} WHERE rowid IN (${found.rows.map((s) => s.position).join(', ')})`
				)
			: [];
	const textAt = new Map(suspectText.map(([r, t]) => [Number(r), String(t)]));
	const accepted: SuspectLine[] = [];
	let extraSuspects = 0;
	const suspect: SuspectLine[] = found.rows.map((s, i) => ({
		line: lines?.lineOf.get(suspectPlaces[i]! + headerRecords) ?? 0,
		kind: 'suspect',
		reason: s.reason,
		text: (textAt.get(s.position) ?? '').slice(0, 500)
	}));

	// Records of another width that DuckDB read without a word (it drops an empty last field).
	const rejectedOffsets = new Set(raw.records.map((r) => r.offset));
	for (const o of count.odd) {
		if (o.record < headerRecords || rejectedOffsets.has(o.offset)) continue;
		if (o.fields === guess.width + 1 && o.lastEmpty) {
			accepted.push({
				line: o.line,
				kind: 'recovered',
				reason:
					'an empty field after the last column was dropped (a stray delimiter at the end of the line)',
				text: ''
			});
		} else if (suspect.length < MAX_SUSPECTS_SHOWN) {
			suspect.push({
				line: o.line,
				kind: 'suspect',
				reason: `It has ${o.fields} fields where the table has ${guess.width}, and was read anyway: check its values.`,
				text: ''
			});
			extraSuspects++;
		}
	}
	let recovered: SuspectLine[] = [...accepted];
	let extraLines = 0;
	let done = new Set<number>();
	if (raw.records.length > 0) {
		const mergeable = await delimiterColumns(db, table, loadedColumns, dialect.delimiter);
		const recovery = await recoverRecords(
			db,
			raw.records,
			places,
			loadedColumns,
			shapes,
			rules,
			dialect,
			mergeable
		);
		await insertRecovered(
			db,
			table,
			loadedColumns,
			rules,
			[...places.values()],
			recovery.rows,
			ctx.seq
		);
		recovered = [...accepted, ...recovery.recovered].sort((a, b) => a.line - b.line);
		extraLines = recovery.extraLines;
		done = recovery.done;
	}
	const left = raw.records.filter((r) => !done.has(r.offset));
	const rejected: RejectedLine[] = left.slice(0, MAX_REJECTS_SHOWN).map((r) => ({
		line: r.line,
		column: r.column,
		errorType: r.errorType,
		message: r.message,
		text: r.text.slice(0, 500)
	}));
	const rowsRejected = left.length;
	const rowsLoaded = Number(await queryValue(db, `SELECT count(*) FROM ${ident(table)}`));
	const dataLines = Math.max(0, count.records - headerRecords + extraLines);

	if (layout.headerRows === 1)
		notes.push(
			...headerRenames(
				records[layout.preamble]?.fields ?? [],
				columns.map((c) => c.name)
			)
		);
	if (recovered.length > 0) {
		notes.push(
			`${recovered.length.toLocaleString('en')} line${recovered.length === 1 ? ' was' : 's were'} rejected at first and recovered: see the recovered lines below.`
		);
	}
	if (rowsRejected > 0) {
		notes.push(
			`${rowsRejected.toLocaleString('en')} line${rowsRejected === 1 ? '' : 's'} could not be read and ${rowsRejected === 1 ? 'was' : 'were'} left out: see the rejected lines below.`
		);
	}
	const suspectCount = found.total + extraSuspects;
	if (suspectCount > 0) {
		notes.push(
			`${suspectCount.toLocaleString('en')} loaded row${suspectCount === 1 ? ' does' : 's do'} not fit the rest of ${suspectCount === 1 ? 'its' : 'their'} columns: see the suspect lines below, and check the delimiter and quote in Read as.`
		);
	}
	if (rowsLoaded + rowsRejected !== dataLines) {
		notes.push(
			`Line check: the file has ${dataLines.toLocaleString('en')} data lines but ${rowsLoaded.toLocaleString('en')} rows were loaded and ${rowsRejected.toLocaleString('en')} rejected. Blank lines or quoted line breaks can explain a difference; otherwise check the file.`
		);
	}
	const described = await describeTable(db, table);
	return {
		table: { name: table, source: source.name, rowCount: rowsLoaded, columns: described },
		format: 'csv',
		dataLines,
		rowsLoaded,
		rowsRejected,
		rejected,
		headerLines: layout.headerRows,
		skippedLines: layout.skipLines,
		suspect,
		suspectCount,
		recovered,
		notes,
		dialect: describeRead(dialect, layout.headerRows, read, layout.preamble),
		readCsvOptions: readerOptions,
		read: {
			used: {
				header: layout.headerRows > 0 ? 'yes' : 'no',
				headerRows: Math.max(1, layout.headerRows),
				delimiter: dialect.delimiter,
				quote: dialect.quote,
				escape: dialect.escape,
				decimal: read.decimalComma ? ',' : '.',
				encoding: read.encoding,
				skip: layout.skipLines,
				dateFormat: rules.dateFormat,
				fixedWidth: null,
				sheet: null,
				maxLineSize
			},
			detected,
			guesses,
			sheets: null,
			proposedFixedWidth,
			preview,
			lineEnding: count.lineEnding
		}
	};
}
