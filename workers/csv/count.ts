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

/**
 * One pass over the file. With a locator it also maps byte offsets to record indexes and
 * record indexes to lines, stopping once every one is found.
 */
export async function countRecords(
	source: FileSource,
	dialect: Dialect,
	locate?: Locator,
	width?: number
): Promise<RecordCount & Located> {
	const q = byteOf(dialect.quote);
	const esc = dialect.escape === dialect.quote ? -2 : byteOf(dialect.escape);
	const delim = byteOf(dialect.delimiter);
	const offsets = [...(locate?.offsets ?? [])].sort((a, b) => a - b);
	const wanted = new Set(locate?.records ?? []);
	const recordAt = new Map<number, number>();
	const lineOf = new Map<number, number>();
	let nextOffset = 0;
	const maxWanted = wanted.size > 0 ? Math.max(...wanted) : -1;
	let inQuote = false;
	let atFieldStart = true;
	let content = false;
	let lineContent = false;
	let records = 0;
	let lines = 0;
	let physical = 1;
	let recordLine = 1;
	let lf = 0;
	let crlf = 0;
	let cr = 0;
	let prevCr = false;
	let escaped = false;
	let lineStart = 0;
	const longest = { line: 1, bytes: 0 };
	let fields = 1;
	let fieldContent = false;
	let recordStart = 0;
	const odd: OddRecord[] = [];
	const endRecord = (): void => {
		if (width !== undefined && fields !== width && odd.length < MAX_ODD) {
			odd.push({
				record: records,
				offset: recordStart,
				line: recordLine,
				fields,
				lastEmpty: !fieldContent
			});
		}
		records++;
		if (wanted.has(records - 1)) lineOf.set(records - 1, recordLine);
	};
	const done = (): boolean =>
		locate !== undefined && nextOffset >= offsets.length && lineOf.size >= wanted.size;
	for (let base = 0; base < source.size && !done(); base += CHUNK) {
		const bytes = await source.slice(base, Math.min(source.size, base + CHUNK));
		for (let i = 0; i < bytes.length; i++) {
			const b = bytes[i]!;
			if (b === 0) continue;
			while (nextOffset < offsets.length && offsets[nextOffset]! <= base + i) {
				recordAt.set(offsets[nextOffset]!, content ? records : records);
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
					if (content) endRecord();
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
			}
			if (maxWanted >= 0 && records > maxWanted && nextOffset >= offsets.length) break;
		}
	}
	if (content) endRecord();
	if (lineContent) lines++;
	if (source.size - lineStart > longest.bytes) {
		longest.bytes = source.size - lineStart;
		longest.line = physical;
	}
	while (nextOffset < offsets.length) recordAt.set(offsets[nextOffset++]!, records);
	const lineEnding =
		lf + crlf + cr === 0 ? 'none' : crlf >= lf && crlf >= cr ? 'CRLF' : cr > lf ? 'CR' : 'LF';
	return { records, odd, lines, longest, lineEnding, recordAt, lineOf };
}
