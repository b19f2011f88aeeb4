/**
 * The pollution corpus: polluted variants of the clean files, in the six families of issue 17
 * (file-level table pollution, file-structure changes, a missing delimiter, an extra delimiter,
 * a stray quote, a row with another delimiter), several positions each. Every variant keeps its
 * clean file as the expected table.
 */
import type { CleanFile } from './clean-files';

export type Family =
	| 'table'
	| 'structure'
	| 'missing delimiter'
	| 'extra delimiter'
	| 'stray quote'
	| 'other delimiter';

export const FAMILIES: readonly Family[] = [
	'table',
	'structure',
	'missing delimiter',
	'extra delimiter',
	'stray quote',
	'other delimiter'
];

export interface Variant {
	family: Family;
	/** File name, unique in the corpus: `<clean>__<what>.csv`. */
	name: string;
	text: string;
	clean: CleanFile;
	/** The polluted line (1-based) for row-level families. */
	line?: number | undefined;
}

interface Style {
	delimiter: string;
	quote: string;
	/** How a quote inside a quoted field is written: doubled (RFC 4180) or after a backslash. */
	escape: 'double' | 'backslash';
	lineEnd: string;
}

const RFC: Style = { delimiter: ',', quote: '"', escape: 'double', lineEnd: '\n' };

function field(value: string, s: Style): string {
	const needs =
		value.includes(s.delimiter) ||
		value.includes(s.quote) ||
		value.includes('\n') ||
		value.includes('\r');
	if (!needs) return value;
	const escaped = value.replaceAll(
		s.quote,
		s.escape === 'double' ? s.quote + s.quote : '\\' + s.quote
	);
	return s.quote + escaped + s.quote;
}

function line(values: readonly string[], s: Style): string {
	return values.map((v) => field(v, s)).join(s.delimiter);
}

/** The clean file as lines (header first), written in a style. */
export function writeLines(clean: CleanFile, s: Style = RFC): string[] {
	return [line(clean.header, s), ...clean.rows.map((r) => line(r, s))];
}

function join(lines: readonly string[], s: Style = RFC): string {
	return lines.join(s.lineEnd) + s.lineEnd;
}

/** Data-row positions to pollute: the first (next to the header) and the last (at the end). */
function positions(clean: CleanFile): [string, number][] {
	return [
		['first', 0],
		['last', clean.rows.length - 1]
	];
}

/** Field boundaries (delimiter offsets) of an RFC-written line, outside quotes. */
function delimiterOffsets(text: string, s: Style = RFC): number[] {
	const out: number[] = [];
	let inQuote = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === s.quote) inQuote = !inQuote;
		else if (c === s.delimiter && !inQuote) out.push(i);
	}
	return out;
}

/** Start offset of field `k` (0-based) in an RFC-written line. */
function fieldStart(text: string, k: number): number {
	return k === 0 ? 0 : delimiterOffsets(text)[k - 1]! + 1;
}

function variant(
	family: Family,
	clean: CleanFile,
	what: string,
	lines: string[],
	s: Style = RFC
): Variant {
	const base = clean.name.replace(/\.csv$/, '');
	return { family, name: `${base}__${what}.csv`, text: join(lines, s), clean };
}

function tableFamily(clean: CleanFile): Variant[] {
	const lines = writeLines(clean);
	const [header, ...body] = lines;
	const width = clean.header.length;
	const groups = clean.header.map((_, i) => (i === 0 ? 'Group A' : i === 3 ? 'Group B' : ''));
	const units = clean.header.map((h) => `(${h.toLowerCase().slice(0, 4)})`);
	return [
		variant('table', clean, 'preamble1', [`Export of ${clean.name} made on 2025-01-31`, ...lines]),
		variant('table', clean, 'preamble2', [
			'Company Ltd - confidential',
			`Report: ${clean.name}`,
			...lines
		]),
		variant('table', clean, 'header2-duplicate', [header!, header!, ...body]),
		variant('table', clean, 'header2-groups', [line(groups, RFC), header!, ...body]),
		variant('table', clean, 'header3-units', [
			line(groups, RFC),
			header!,
			line(units, RFC),
			...body
		]),
		variant('table', clean, 'preamble-and-header2', [
			`${width} columns follow`,
			header!,
			line(units, RFC),
			...body
		])
	];
}

function structureFamily(clean: CleanFile): Variant[] {
	const styles: [string, Style][] = [
		['cr', { ...RFC, lineEnd: '\r' }],
		['crlf', { ...RFC, lineEnd: '\r\n' }],
		['backslash-escape', { ...RFC, escape: 'backslash' }],
		['single-quote', { ...RFC, quote: "'" }],
		['semicolon', { ...RFC, delimiter: ';' }],
		['tab', { ...RFC, delimiter: '\t' }],
		['pipe-cr', { ...RFC, delimiter: '|', lineEnd: '\r' }]
	];
	return styles.map(([what, s]) => variant('structure', clean, what, writeLines(clean, s), s));
}

/** Apply `edit` to one data line (index into rows) of the RFC-written file. */
function editRow(
	family: Family,
	clean: CleanFile,
	what: string,
	row: number,
	edit: (text: string) => string
): Variant {
	const lines = writeLines(clean);
	lines[row + 1] = edit(lines[row + 1]!);
	return { ...variant(family, clean, what, lines), line: row + 2 };
}

function rowFamilies(clean: CleanFile): Variant[] {
	const out: Variant[] = [];
	const width = clean.header.length;
	for (const [where, row] of positions(clean)) {
		// A missing delimiter: two fields run together.
		for (const [at, k] of [
			['after-first', 1],
			['middle', Math.floor(width / 2)],
			['before-last', width - 1]
		] as const) {
			out.push(
				editRow('missing delimiter', clean, `missing-${at}-${where}`, row, (t) => {
					const d = delimiterOffsets(t)[k - 1]!;
					return t.slice(0, d) + t.slice(d + 1);
				})
			);
		}
		// An extra delimiter: inside a field, at the end of the line, at the start.
		out.push(
			editRow('extra delimiter', clean, `extra-inside-${where}`, row, (t) => {
				const start = fieldStart(t, Math.floor(width / 2));
				return t.slice(0, start + 1) + ',' + t.slice(start + 1);
			}),
			editRow('extra delimiter', clean, `extra-trailing-${where}`, row, (t) => t + ','),
			editRow('extra delimiter', clean, `extra-leading-${where}`, row, (t) => ',' + t)
		);
		// A stray quote: at the start of a field, inside one, at its end.
		out.push(
			editRow('stray quote', clean, `quote-start-${where}`, row, (t) => {
				const start = fieldStart(t, 1);
				return t.slice(0, start) + '"' + t.slice(start);
			}),
			editRow('stray quote', clean, `quote-inside-${where}`, row, (t) => {
				const start = fieldStart(t, 0);
				return t.slice(0, start + 2) + '"' + t.slice(start + 2);
			}),
			editRow('stray quote', clean, `quote-end-${where}`, row, (t) => {
				const end = delimiterOffsets(t)[Math.floor(width / 2)]!;
				return t.slice(0, end) + '"' + t.slice(end);
			})
		);
		// A row written with another delimiter.
		for (const [name, d] of [
			['semicolon', ';'],
			['tab', '\t'],
			['pipe', '|']
		] as const) {
			out.push(
				editRow('other delimiter', clean, `row-${name}-${where}`, row, (t) => {
					const offsets = new Set(delimiterOffsets(t));
					return [...t].map((c, i) => (offsets.has(i) ? d : c)).join('');
				})
			);
		}
	}
	return out;
}

export function pollute(clean: CleanFile): Variant[] {
	return [...tableFamily(clean), ...structureFamily(clean), ...rowFamilies(clean)];
}
