/**
 * Guesses made from the first part of a text file, before DuckDB reads it: the dialect (the
 * delimiter, quote and escape that give the most records one consistent shape, so one damaged
 * row cannot change it), preamble lines and multi-row headers, whether there is a header at
 * all (a first record typed like the rest is data), and fixed-width columns.
 */
import { parseRecords, physicalLines, type Dialect, type ParsedRecord } from './parse';

export type ValueKind =
	'empty' | 'int' | 'number' | 'date' | 'time' | 'timestamp' | 'bool' | 'text';

const INT = /^[-+]?\d+$/;
const NUMBER =
	/^[-+]?[$€£]?\s?(\d{1,3}([ ,.']\d{3})+|\d+)([.,]\d+)?([eE][-+]?\d+)?%?$|^[-+]?[.,]\d+$/;
const DATE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;
const TIME = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const TIMESTAMP =
	/^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[-+]\d{2}:?\d{2})?$/;
const BOOL = /^(true|false)$/i;

export function valueKind(value: string): ValueKind {
	const v = value.trim();
	if (v === '') return 'empty';
	if (INT.test(v)) return 'int';
	if (NUMBER.test(v)) return 'number';
	if (DATE.test(v)) return 'date';
	if (TIME.test(v)) return 'time';
	if (TIMESTAMP.test(v)) return 'timestamp';
	if (BOOL.test(v)) return 'bool';
	return 'text';
}

/** Does a value fit a column of this kind (an int fits a number column; empty fits all)? */
export function fitsKind(value: string, kind: ValueKind): boolean {
	const k = valueKind(value);
	if (k === 'empty' || kind === 'text') return true;
	if (kind === 'number') return k === 'number' || k === 'int';
	return k === kind;
}

/** The kind most values of a column share (80% of the non-empty ones), else text. */
export function columnKind(values: readonly string[]): ValueKind {
	const counts = new Map<ValueKind, number>();
	let n = 0;
	for (const v of values) {
		const k = valueKind(v);
		if (k === 'empty') continue;
		n++;
		counts.set(k, (counts.get(k) ?? 0) + 1);
	}
	if (n === 0) return 'empty';
	const ints = counts.get('int') ?? 0;
	const numbers = counts.get('number') ?? 0;
	if (ints >= 0.8 * n) return 'int';
	if (ints + numbers >= 0.8 * n) return 'number';
	for (const k of ['date', 'time', 'timestamp', 'bool'] as const) {
		if ((counts.get(k) ?? 0) >= 0.8 * n) return k;
	}
	return 'text';
}

const DELIMITERS = [',', ';', '\t', '|'];

function candidates(forced: Partial<Dialect>): Dialect[] {
	const out: Dialect[] = [];
	for (const delimiter of forced.delimiter !== undefined ? [forced.delimiter] : DELIMITERS) {
		for (const quote of forced.quote !== undefined ? [forced.quote] : ['"', "'", '']) {
			const escapes =
				forced.escape !== undefined ? [forced.escape] : quote === '' ? [''] : [quote, '\\'];
			for (const escape of escapes) out.push({ delimiter, quote, escape });
		}
	}
	return out;
}

export interface DialectGuess {
	dialect: Dialect;
	/** Fields per record most records have. */
	width: number;
	/** Share of the sampled records with that many fields. */
	consistency: number;
}

/** Modal field count and its share among records. */
function shape(records: readonly ParsedRecord[]): { width: number; share: number } {
	const counts = new Map<number, number>();
	for (const r of records) counts.set(r.fields.length, (counts.get(r.fields.length) ?? 0) + 1);
	let width = 1;
	let best = 0;
	for (const [w, c] of counts) {
		if (c > best || (c === best && w > width)) {
			width = w;
			best = c;
		}
	}
	return { width, share: records.length === 0 ? 0 : best / records.length };
}

/**
 * The dialect under which most records have the same number of fields (more than one), the
 * usual delimiter, quote and escape winning ties. Quotes that stay open to the end of a
 * record count against a candidate.
 */
export function detectDialect(
	text: string,
	complete: boolean,
	forced: Partial<Dialect> = {}
): DialectGuess {
	let best: DialectGuess | null = null;
	let bestScore = -1;
	for (const d of candidates(forced)) {
		const records = parseRecords(text, d, 400, complete);
		if (records.length === 0) continue;
		const { width, share } = shape(records);
		const open = records.filter((r) => r.openQuote || r.badClose).length / records.length;
		const score = width > 1 ? share - open : 0;
		if (score > bestScore + 1e-9) {
			best = { dialect: d, width, consistency: share };
			bestScore = score;
		}
	}
	return (
		best ?? {
			dialect: {
				delimiter: forced.delimiter ?? ',',
				quote: forced.quote ?? '"',
				escape: forced.escape ?? '"'
			},
			width: 1,
			consistency: 1
		}
	);
}

export interface Layout {
	/** Physical lines before the header (or before the first record when there is none). */
	skipLines: number;
	/** Records skipped as preamble. */
	preamble: number;
	/** Header records (0 = none, 2+ = merged). */
	headerRows: number;
	/** Column names from the header records, merged; null without a header. */
	names: string[] | null;
	/** Why: plain sentences for the report. */
	reasons: string[];
	/** The first record after the skipped lines looks like data (typed like the rest). */
	firstRecordIsData: boolean;
}

function fitsRow(fields: readonly string[], kinds: readonly ValueKind[]): boolean {
	return kinds.every((k, i) => fitsKind(fields[i] ?? '', k));
}

/**
 * A record of words over typed columns: the table's width, and every typed column empty or
 * holding text (not a number or a date of another kind: that is a shifted data row).
 */
function headerLike(fields: readonly string[], kinds: readonly ValueKind[]): boolean {
	if (fields.length !== kinds.length) return false;
	const typed = kinds.map((k, i) => [k, i] as const).filter(([k]) => k !== 'text' && k !== 'empty');
	if (typed.length === 0) return false;
	for (const [, i] of typed) {
		const v = (fields[i] ?? '').trim();
		if (v !== '' && valueKind(v) !== 'text') return false;
	}
	return fields.some((f) => f.trim() !== '');
}

export interface LayoutChoice {
	header?: 'auto' | 'yes' | 'no' | undefined;
	headerRows?: number | undefined;
	skip?: number | undefined;
}

/** Preamble, header rows and headerless files, from the sampled records under the dialect. */
export function detectLayout(
	records: readonly ParsedRecord[],
	width: number,
	choice: LayoutChoice = {}
): Layout {
	const reasons: string[] = [];
	let start = 0;
	if (choice.skip !== undefined) {
		start = records.findIndex((r) => r.line > choice.skip!);
		if (start < 0) start = records.length;
	} else if (width > 1) {
		// Preamble: leading records whose shape differs from the body's.
		while (start < records.length - 1 && start < 20 && records[start]!.fields.length !== width) {
			start++;
		}
		if (start > 0) {
			reasons.push(
				`${start} preamble line${start === 1 ? '' : 's'} skipped (${start === 1 ? 'it does' : 'they do'} not have the ${width} fields of the table).`
			);
		}
	}
	const skipLines = start < records.length ? records[start]!.line - 1 : (choice.skip ?? 0);
	const rest = records.slice(start);
	// Column kinds from the body, leaving out the first few records (possible header rows).
	const body = rest.slice(Math.min(3, Math.max(0, rest.length - 1)));
	const kinds = Array.from({ length: width }, (_, i) =>
		columnKind(body.filter((r) => r.fields.length === width).map((r) => r.fields[i] ?? ''))
	);
	const first = rest[0];
	// Data only if some typed column holds a value of its type (an all-empty record proves nothing).
	const typedFilled =
		first !== undefined &&
		kinds.some((k, i) => k !== 'text' && k !== 'empty' && (first.fields[i] ?? '').trim() !== '');
	const firstIsData = first !== undefined && typedFilled && fitsRow(first.fields, kinds);
	let headerRows: number;
	if (choice.header === 'no') headerRows = 0;
	else if (choice.header === 'yes') headerRows = choice.headerRows ?? 1;
	else if (choice.headerRows !== undefined) headerRows = choice.headerRows;
	else if (first === undefined) headerRows = 0;
	else if (firstIsData) {
		headerRows = 0;
		reasons.push(
			'No header: the first record is typed like the rest of the file (numbers and dates where the other records have them), so it is read as data.'
		);
	} else {
		headerRows = 1;
		while (
			headerRows < 3 &&
			headerRows < rest.length - 1 &&
			headerLike(rest[headerRows]!.fields, kinds)
		) {
			headerRows++;
		}
		if (headerRows > 1) {
			reasons.push(
				`${headerRows} header rows merged: the records after the first are text over typed columns.`
			);
		}
	}
	let names: string[] | null = null;
	if (headerRows > 0) {
		const rows = rest.slice(0, headerRows);
		names = Array.from({ length: width }, (_, i) => {
			const parts: string[] = [];
			for (const r of rows) {
				const p = (r.fields[i] ?? '').trim();
				if (p !== '' && !parts.includes(p)) parts.push(p);
			}
			return parts.join(' ');
		});
	}
	return { skipLines, preamble: start, headerRows, names, reasons, firstRecordIsData: firstIsData };
}

/**
 * Fixed-width columns from the alignment of the first lines: a column starts where a run of
 * characters begins after a position that is blank on every line. Returns the starts of the
 * columns after the first, or null when the lines show fewer than two columns.
 */
export function proposeFixedWidth(text: string, maxLines = 200): number[] | null {
	const lines = physicalLines(text, maxLines + 1)
		.slice(0, maxLines)
		.filter((l) => l.trim() !== '');
	if (lines.length < 2) return null;
	const width = Math.max(...lines.map((l) => l.length));
	const blank = new Array<boolean>(width).fill(true);
	for (const l of lines) {
		for (let i = 0; i < l.length; i++) if (l[i] !== ' ') blank[i] = false;
	}
	const cuts: number[] = [];
	let seenContent = false;
	for (let i = 0; i < width; i++) {
		if (!blank[i] && (i === 0 || blank[i - 1]!)) {
			if (seenContent) cuts.push(i);
			seenContent = true;
		}
	}
	return cuts.length > 0 ? cuts : null;
}

/** Split a line at fixed-width boundaries, each field trimmed. */
export function splitFixed(line: string, cuts: readonly number[]): string[] {
	const bounds = [0, ...cuts, Infinity];
	const out: string[] = [];
	for (let i = 0; i + 1 < bounds.length; i++) {
		out.push(line.slice(bounds[i]!, bounds[i + 1]).trim());
	}
	return out;
}
