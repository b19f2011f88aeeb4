/**
 * How a text file is read (the Data cell's `Read as` panel): every field absent means "detect".
 * The same object is stored in the notebook (the Data cell's `read`), sent to the worker with a
 * load, and reported back completed with what was used and what was detected.
 */

export type HeaderChoice = 'auto' | 'yes' | 'no';
export type EncodingChoice = 'utf-8' | 'latin-1' | 'utf-16';
export type DecimalChoice = '.' | ',';

export interface ReadOptions {
	/** Is the first record (after skipped lines) the header? */
	header?: HeaderChoice | undefined;
	/** Header records merged into one set of names (2 or 3 for multi-row headers). */
	headerRows?: number | undefined;
	/** One character: `,` `;` TAB `|` … */
	delimiter?: string | undefined;
	/** One character, or '' for no quoting. */
	quote?: string | undefined;
	/** The character before a quote inside a quoted field: the quote itself (doubled) or `\`. */
	escape?: string | undefined;
	decimal?: DecimalChoice | undefined;
	encoding?: EncodingChoice | undefined;
	/** Lines before the header (a preamble). */
	skip?: number | undefined;
	/** strptime format for dates, e.g. `%d-%m-%Y`, `%Y%m%d`. */
	dateFormat?: string | undefined;
	/** Fixed-width columns: the character offsets where each column after the first starts. */
	fixedWidth?: number[] | undefined;
	/** The longest line the reader accepts, in bytes (DuckDB's max_line_size, 2 MB by default). */
	maxLineSize?: number | undefined;
	/** An Excel workbook: the sheet to read (absent: the largest). */
	sheet?: string | undefined;
}

/** One row that loaded but does not fit its neighbours (shape or type), or was recovered. */
export interface SuspectLine {
	/** Line of the file (1-based) where the record starts. */
	line: number;
	/** Why it is listed, in plain words. */
	reason: string;
	text: string;
	/** `suspect`: loaded as it is, check it; `recovered`: repaired and loaded, said how. */
	kind: 'suspect' | 'recovered';
}

/** What a text load used, each setting with whether it was detected or given. */
export interface ReadReport {
	/** Every setting as used (fixedWidth only when the file was read as fixed width). */
	used: Required<Omit<ReadOptions, 'fixedWidth' | 'dateFormat' | 'sheet'>> & {
		fixedWidth: number[] | null;
		/** An Excel workbook's sheet that was read (null: a text file). */
		sheet: string | null;
		dateFormat: string | null;
	};
	/** Settings that were detected, not given. */
	detected: (keyof ReadOptions)[];
	/** Plain sentences, one per guess worth knowing ("No header: the first record is data"). */
	guesses: string[];
	/** An Excel workbook's sheets, in order (null: a text file). */
	sheets: string[] | null;
	/** Fixed-width boundaries proposed from the alignment of the first lines (null: none found). */
	proposedFixedWidth: number[] | null;
	/** The first lines of the file as text, for previews (at most 12, each cut at 200 characters). */
	preview: string[];
	lineEnding: 'LF' | 'CRLF' | 'CR' | 'none';
}

export const DEFAULT_MAX_LINE_SIZE = 2_000_000;
const MAX_MAX_LINE_SIZE = 512_000_000;

/** A link or a document is untrusted: keep only well-formed settings. */
export function normaliseReadOptions(value: unknown): ReadOptions {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
	const v = value as Record<string, unknown>;
	const out: ReadOptions = {};
	const char = (x: unknown, allowEmpty: boolean): string | undefined =>
		typeof x === 'string' &&
		(x.length === 1 || (allowEmpty && x === '')) &&
		x !== '\n' &&
		x !== '\r'
			? x
			: undefined;
	const count = (x: unknown, max: number): number | undefined =>
		typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max ? x : undefined;
	if (v.header === 'auto' || v.header === 'yes' || v.header === 'no') out.header = v.header;
	const headerRows = count(v.headerRows, 10);
	if (headerRows !== undefined && headerRows >= 1) out.headerRows = headerRows;
	const delimiter = char(v.delimiter, false);
	if (delimiter !== undefined) out.delimiter = delimiter;
	const quote = char(v.quote, true);
	if (quote !== undefined) out.quote = quote;
	const escape = char(v.escape, true);
	if (escape !== undefined) out.escape = escape;
	if (v.decimal === '.' || v.decimal === ',') out.decimal = v.decimal;
	if (v.encoding === 'utf-8' || v.encoding === 'latin-1' || v.encoding === 'utf-16') {
		out.encoding = v.encoding;
	}
	const skip = count(v.skip, 10_000);
	if (skip !== undefined) out.skip = skip;
	if (typeof v.dateFormat === 'string' && v.dateFormat.length <= 40 && v.dateFormat.includes('%')) {
		out.dateFormat = v.dateFormat;
	}
	if (Array.isArray(v.fixedWidth) && v.fixedWidth.length <= 500) {
		const cuts = v.fixedWidth.filter(
			(x): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0 && x < 100_000
		);
		const sorted = [...new Set(cuts)].sort((a, b) => a - b);
		if (sorted.length === v.fixedWidth.length) out.fixedWidth = sorted;
	}
	const maxLineSize = count(v.maxLineSize, MAX_MAX_LINE_SIZE);
	if (maxLineSize !== undefined && maxLineSize >= 1024) out.maxLineSize = maxLineSize;
	if (typeof v.sheet === 'string' && v.sheet.length > 0 && v.sheet.length <= 100) {
		out.sheet = v.sheet;
	}
	return out;
}

/**
 * Fixed-width columns as the panel writes them: the 1-based character where each column starts
 * ("1, 8, 17, 21"). Returns the boundaries (0-based starts of the columns after the first), []
 * for an empty text, or null when the text is not increasing whole numbers.
 */
export function parseColumnStarts(text: string): number[] | null {
	const parts = text
		.split(/[\s,;]+/)
		.map((p) => p.trim())
		.filter((p) => p !== '');
	if (parts.length === 0) return [];
	const numbers = parts.map(Number);
	if (numbers.some((n) => !Number.isInteger(n) || n < 1)) return null;
	for (let i = 1; i < numbers.length; i++) if (numbers[i]! <= numbers[i - 1]!) return null;
	return numbers.filter((n) => n > 1).map((n) => n - 1);
}

/** Boundaries back to the panel's text: "1, 8, 17, 21". */
export function formatColumnStarts(cuts: readonly number[]): string {
	return [1, ...cuts.map((c) => c + 1)].join(', ');
}
