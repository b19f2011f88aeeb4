/**
 * Counting a text file's records without loading it whole, as DuckDB reads them: CR, LF and
 * CRLF end a record; a quote opens a quoted field only at a field's start, and inside it the
 * escape character (the quote itself when doubled, or `\`) escapes the quote; line ends inside
 * quotes do not end a record; blank lines are not records.
 */
import type { FileSource } from '../db';
import type { Dialect } from './parse';

const CHUNK = 8 * 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/** A record whose number of fields differs from the table's. */
export interface OddRecord {
	record: number;
	offset: number;
	line: number;
	fields: number;
	/** The last field is empty (a delimiter at the end of the line). */
	lastEmpty: boolean;
}

const MAX_ODD = 1000;

export interface RecordCount {
	records: number;
	/** Records (at most 1,000) whose field count differs from `width`, when a width was given. */
	odd: OddRecord[];
	/** Non-blank physical lines (more than records when quoted fields hold line breaks). */
	lines: number;
	/** The longest physical line: its number (1-based) and length in bytes. */
	longest: { line: number; bytes: number };
	lineEnding: 'LF' | 'CRLF' | 'CR' | 'none';
	/**
	 * The file holds the dialect's quote character or `"` somewhere: without one, no value read
	 * from it can hold one either (verify.ts then has no quote marks to look for). Of the part
	 * read, when a locator stopped the pass early.
	 */
	quoteMarks: boolean;
}

export interface Locator {
	/** Byte offsets to map to a record index (0-based, counting every record of the file). */
	offsets?: readonly number[];
	/** Record indexes (0-based) to map to their first physical line (1-based). */
	records?: readonly number[];
}

export interface Located {
	recordAt: Map<number, number>;
	lineOf: Map<number, number>;
}

function byteOf(ch: string): number {
	return ch === '' ? -1 : ch.charCodeAt(0) & 0xff;
}

/** What the walk knows at a chunk's end, and what it needs from the call. */
interface Walk {
	readonly q: number;
	readonly esc: number;
	readonly delim: number;
	/** 1 for a byte that is ordinary outside quotes / inside quotes. */
	readonly plain: Uint8Array;
	readonly quoted: Uint8Array;
	readonly skipRuns: boolean;
	readonly width: number | undefined;
	readonly offsets: readonly number[];
	readonly wanted: ReadonlySet<number>;
	readonly maxWanted: number;
	readonly recordAt: Map<number, number>;
	readonly lineOf: Map<number, number>;
	readonly odd: OddRecord[];
	readonly longest: { line: number; bytes: number };
	nextOffset: number;
	inQuote: boolean;
	atFieldStart: boolean;
	content: boolean;
	lineContent: boolean;
	records: number;
	lines: number;
	physical: number;
	recordLine: number;
	lf: number;
	crlf: number;
	cr: number;
	prevCr: boolean;
	escaped: boolean;
	lineStart: number;
	fields: number;
	fieldContent: boolean;
	recordStart: number;
}

/** A record ends (the caller counts it): note it if its field count is odd, or its line is wanted. */
function recordEnds(
	w: Walk,
	record: number,
	offset: number,
	line: number,
	fields: number,
	fieldContent: boolean
): void {
	if (w.width !== undefined && fields !== w.width && w.odd.length < MAX_ODD) {
		w.odd.push({ record, offset, line, fields, lastEmpty: !fieldContent });
	}
	if (w.wanted.has(record)) w.lineOf.set(record, line);
}

/**
 * One chunk through the state machine. A plain function over local copies of the state (written
 * back at the end): in the async caller the state would live in its generator's context, and
 * every byte would read and write it there.
 */
function walkChunk(w: Walk, bytes: Uint8Array, base: number): void {
	const { q, esc, delim, plain, quoted, skipRuns, offsets, maxWanted, recordAt, longest } = w;
	let { nextOffset, inQuote, atFieldStart, content, lineContent, records, lines, physical } = w;
	let { recordLine, lf, crlf, cr, prevCr, escaped, lineStart, fields, fieldContent } = w;
	let { recordStart } = w;
	const end = bytes.length;
	for (let i = 0; i < end; i++) {
		const b = bytes[i]!;
		if (b === 0) continue;
		while (nextOffset < offsets.length && offsets[nextOffset]! <= base + i) {
			recordAt.set(offsets[nextOffset]!, records);
			nextOffset++;
		}
		// A line end: CRLF counts once, after its LF.
		const isLf = b === LF;
		const isCr = b === CR;
		if (isLf || isCr) {
			if (isLf && prevCr) {
				crlf++;
				cr--;
				prevCr = false;
				continue;
			}
			if (isLf) lf++;
			else cr++;
			prevCr = isCr;
			if (lineContent) lines++;
			lineContent = false;
			if (base + i - lineStart > longest.bytes) {
				longest.bytes = base + i - lineStart;
				longest.line = physical;
			}
			lineStart = base + i + 1;
			physical++;
			if (!inQuote) {
				if (content) recordEnds(w, records++, recordStart, recordLine, fields, fieldContent);
				content = false;
				fields = 1;
				fieldContent = false;
				atFieldStart = true;
				recordLine = physical;
			}
			escaped = false;
			continue;
		}
		prevCr = false;
		lineContent = true;
		if (!content) {
			recordLine = physical;
			recordStart = base + i;
		}
		content = true;
		if (inQuote) {
			if (escaped) escaped = false;
			else if (esc >= 0 && b === esc) escaped = true;
			else if (b === q) {
				if (esc === -2 && bytes[i + 1] === q) i++;
				else inQuote = false;
			} else if (skipRuns) {
				// A run stops short of the next byte offset to locate, to be seen where it is.
				const stop = nextOffset < offsets.length ? Math.min(end, offsets[nextOffset]! - base) : end;
				while (i + 1 < stop && quoted[bytes[i + 1]!] === 1) i++;
			}
			continue;
		}
		if (b === delim) {
			atFieldStart = true;
			fields++;
			fieldContent = false;
		} else if (b === q && atFieldStart && q >= 0) {
			inQuote = true;
			atFieldStart = false;
			fieldContent = true;
		} else {
			atFieldStart = false;
			if (b !== 0x20 && b !== 0x09) fieldContent = true;
			if (skipRuns && fieldContent) {
				const stop = nextOffset < offsets.length ? Math.min(end, offsets[nextOffset]! - base) : end;
				while (i + 1 < stop && plain[bytes[i + 1]!] === 1) i++;
			}
		}
		if (maxWanted >= 0 && records > maxWanted && nextOffset >= offsets.length) break;
	}
	Object.assign(w, {
		nextOffset,
		inQuote,
		atFieldStart,
		content,
		lineContent,
		records,
		lines,
		physical,
		recordLine,
		lf,
		crlf,
		cr,
		prevCr,
		escaped,
		lineStart,
		fields,
		fieldContent,
		recordStart
	});
}

/**
 * One pass over the file. With a locator it also maps byte offsets to record indexes and
 * record indexes to lines, stopping once every one is found.
 *
 * Bytes that are none of line end, quote, escape, delimiter or NUL change nothing after the first
 * of a run (and, outside quotes, the first that is not a blank), so the walk skips the rest of
 * each run in a loop of its own. `skipRuns: false` walks every byte through the whole state
 * machine, as the tests' reference for the same counts.
 */
export async function countRecords(
	source: FileSource,
	dialect: Dialect,
	locate?: Locator,
	width?: number,
	{ skipRuns = true }: { skipRuns?: boolean } = {}
): Promise<RecordCount & Located> {
	const q = byteOf(dialect.quote);
	const esc = dialect.escape === dialect.quote ? -2 : byteOf(dialect.escape);
	const delim = byteOf(dialect.delimiter);
	// Ordinary bytes outside quotes, and inside them (where the delimiter is ordinary too).
	const plain = new Uint8Array(256).fill(1);
	for (const b of [0, LF, CR, q, delim]) if (b >= 0) plain[b] = 0;
	const quoted = new Uint8Array(256).fill(1);
	for (const b of [0, LF, CR, q, esc]) if (b >= 0) quoted[b] = 0;
	const wanted = new Set(locate?.records ?? []);
	const w: Walk = {
		q,
		esc,
		delim,
		plain,
		quoted,
		skipRuns,
		width,
		offsets: [...(locate?.offsets ?? [])].sort((a, b) => a - b),
		wanted,
		maxWanted: wanted.size > 0 ? Math.max(...wanted) : -1,
		recordAt: new Map(),
		lineOf: new Map(),
		odd: [],
		longest: { line: 1, bytes: 0 },
		nextOffset: 0,
		inQuote: false,
		atFieldStart: true,
		content: false,
		lineContent: false,
		records: 0,
		lines: 0,
		physical: 1,
		recordLine: 1,
		lf: 0,
		crlf: 0,
		cr: 0,
		prevCr: false,
		escaped: false,
		lineStart: 0,
		fields: 1,
		fieldContent: false,
		recordStart: 0
	};
	let quoteMarks = false;
	const done = (): boolean =>
		locate !== undefined && w.nextOffset >= w.offsets.length && w.lineOf.size >= wanted.size;
	for (let base = 0; base < source.size && !done(); base += CHUNK) {
		const bytes = await source.slice(base, Math.min(source.size, base + CHUNK));
		quoteMarks ||= bytes.includes(0x22) || (q >= 0 && bytes.includes(q));
		walkChunk(w, bytes, base);
	}
	if (w.content) recordEnds(w, w.records++, w.recordStart, w.recordLine, w.fields, w.fieldContent);
	if (w.lineContent) w.lines++;
	const { longest } = w;
	if (source.size - w.lineStart > longest.bytes) {
		longest.bytes = source.size - w.lineStart;
		longest.line = w.physical;
	}
	while (w.nextOffset < w.offsets.length) w.recordAt.set(w.offsets[w.nextOffset++]!, w.records);
	const { lf, crlf, cr } = w;
	const lineEnding =
		lf + crlf + cr === 0 ? 'none' : crlf >= lf && crlf >= cr ? 'CRLF' : cr > lf ? 'CR' : 'LF';
	return {
		records: w.records,
		odd: w.odd,
		lines: w.lines,
		longest,
		lineEnding,
		quoteMarks,
		recordAt: w.recordAt,
		lineOf: w.lineOf
	};
}
