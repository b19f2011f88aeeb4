/**
 * A small CSV record parser for the first part of a file (the sample the dialect, header and
 * fixed-width guesses look at) and for single lines being recovered. CR, LF and CRLF all end a
 * record; a quote opens a field only at its start (elsewhere it is a character, as DuckDB
 * reads it); inside quotes the escape character (the quote itself = doubled, or `\`) escapes.
 */

export interface Dialect {
	delimiter: string;
	/** '' = no quoting. */
	quote: string;
	/** The quote itself (doubled quotes) or another character such as `\`; '' = none. */
	escape: string;
}

export interface ParsedRecord {
	fields: string[];
	/** Physical line (1-based) the record starts on. */
	line: number;
	/** Which fields were quoted. */
	quoted: boolean[];
	/** The quote opened by this record was still open at its end (a stray or unclosed quote). */
	openQuote: boolean;
	/** A quoted field had text after its closing quote (DuckDB rejects that: UNQUOTED VALUE). */
	badClose: boolean;
	/** The record's text as in the file (without its line end). */
	raw: string;
}

/** Parse records out of `text`; stops after `limit` records. `complete`: text is the whole file. */
export function parseRecords(
	text: string,
	d: Dialect,
	limit = Infinity,
	complete = true
): ParsedRecord[] {
	const out: ParsedRecord[] = [];
	const n = text.length;
	let i = 0;
	let line = 1;
	while (i < n && out.length < limit) {
		const startLine = line;
		const start = i;
		const fields: string[] = [];
		const quotedFields: boolean[] = [];
		let badClose = false;
		let closed = false;
		let field = '';
		let inQuote = false;
		let quoted = false;
		let atFieldStart = true;
		let ended = false;
		for (; i < n; i++) {
			const c = text[i]!;
			if (inQuote) {
				if (d.escape !== '' && d.escape !== d.quote && c === d.escape && text[i + 1] === d.quote) {
					field += d.quote;
					i++;
				} else if (c === d.quote) {
					if (d.escape === d.quote && text[i + 1] === d.quote) {
						field += d.quote;
						i++;
					} else {
						inQuote = false;
						closed = true;
					}
				} else {
					if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
					field += c;
				}
				continue;
			}
			if (c === d.delimiter) {
				fields.push(field);
				quotedFields.push(quoted);
				field = '';
				quoted = false;
				closed = false;
				atFieldStart = true;
				continue;
			}
			if (c === '\n' || c === '\r') {
				i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
				line++;
				ended = true;
				break;
			}
			if (atFieldStart && d.quote !== '' && c === d.quote) {
				inQuote = true;
				quoted = true;
				atFieldStart = false;
				continue;
			}
			atFieldStart = false;
			if (closed) badClose = true;
			field += c;
		}
		if (!ended && !complete) break; // a record cut by the end of the sample
		fields.push(field);
		quotedFields.push(quoted);
		const raw = text.slice(start, i).replace(/\r?\n$|\r$/, '');
		// Blank lines are not records (DuckDB skips them too).
		if (!(fields.length === 1 && fields[0] === '' && !quoted && !inQuote)) {
			out.push({
				fields,
				quoted: quotedFields,
				line: startLine,
				openQuote: inQuote,
				badClose,
				raw
			});
		}
	}
	return out;
}

/** Split one line on a delimiter with quotes taken as plain characters. */
export function splitRelaxed(line: string, delimiter: string): string[] {
	return line.split(delimiter);
}

/** Physical lines of a text (CR, LF or CRLF), without their ends. */
export function physicalLines(text: string, limit = Infinity): string[] {
	const out: string[] = [];
	const re = /\r\n|\n|\r/g;
	let last = 0;
	let m: RegExpExecArray | null;
	while (out.length < limit && (m = re.exec(text)) !== null) {
		out.push(text.slice(last, m.index));
		last = m.index + m[0].length;
	}
	if (out.length < limit && last < text.length) out.push(text.slice(last));
	return out;
}
