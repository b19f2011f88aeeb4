/**
 * Excel workbooks (.xlsx, .xlsm): one sheet read into CSV text, which then loads like any CSV
 * (the sniffer, types, the line check). A workbook is a ZIP archive of XML parts, so it is read
 * within caps (RELIABILITY.md case 20): the archive's size, each part's inflated size and the
 * inflate ratio are bounded while it inflates (fflate), never trusting the sizes it declares;
 * a part with a DTD is refused (no entity expansion); XML is parsed by fast-xml-parser.
 *
 * Which sheet: the largest, so a cover or notes sheet in front is passed over; the note names it
 * and the others. Cells: shared and inline strings, numbers as written,
 * booleans, dates and date-times by their number format (1900 and 1904 date systems), a
 * formula's saved value; errors and formulas saved without a value are empty and counted.
 */
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { EngineError } from '../src/engine/errors';

export const XLSX_LIMITS = {
	/** The workbook file itself. */
	maxFileBytes: 200 * 1024 * 1024,
	/** One part (a sheet's XML) once inflated: its parsed tree takes several times that. */
	maxPartBytes: 160 * 1024 * 1024,
	/** Inflated over compressed, past which a part is a decompression bomb. */
	maxRatio: 200,
	/** Small parts may compress better than that: the ratio is checked past this size. */
	ratioFrom: 8 * 1024 * 1024
} as const;

export interface XlsxSheet {
	/** The sheet read, and every sheet of the workbook in order. */
	sheet: string;
	sheets: string[];
	/** The sheet as CSV text (comma, double quotes, \n). */
	csv: string;
	rows: number;
	notes: string[];
}

/** A ZIP archive's directory: each part's name and the size it declares inflated (unchecked). */
function directory(bytes: Uint8Array): Map<string, number> {
	const parts = new Map<string, number>();
	try {
		unzipSync(bytes, {
			filter: (file) => {
				parts.set(file.name, file.originalSize);
				return false;
			}
		});
	} catch {
		return new Map();
	}
	return parts;
}

/** Whether a ZIP archive is a workbook: its directory lists xl/workbook.xml. */
export function isWorkbook(bytes: Uint8Array): boolean {
	return directory(bytes).has('xl/workbook.xml');
}

const refuse = (name: string, why: string): EngineError =>
	new EngineError('file-format', `${name}: ${why}`);

/** The parts named, inflated within XLSX_LIMITS (a part over its cap stops the read). */
function inflateParts(name: string, bytes: Uint8Array, wanted: Set<string>): Map<string, string> {
	const parts = new Map<string, Uint8Array[]>();
	const unzip = new Unzip();
	unzip.register(UnzipInflate);
	unzip.onfile = (file) => {
		if (!wanted.has(file.name)) return;
		const chunks: Uint8Array[] = [];
		parts.set(file.name, chunks);
		let inflated = 0;
		file.ondata = (error, chunk) => {
			if (error) throw refuse(name, `the workbook is damaged (${error.message}).`);
			inflated += chunk.length;
			const compressed = file.size ?? bytes.length;
			if (
				inflated > XLSX_LIMITS.maxPartBytes ||
				(inflated > XLSX_LIMITS.ratioFrom && inflated > compressed * XLSX_LIMITS.maxRatio)
			) {
				throw refuse(
					name,
					`${file.name} inflates to more than this browser can read safely (over ${Math.round(XLSX_LIMITS.maxPartBytes / 2 ** 20)} MB, or ${XLSX_LIMITS.maxRatio} times its packed size). Save the sheet as CSV (File → Save as → CSV UTF-8) and load that.`
				);
			}
			chunks.push(chunk);
		};
		file.start();
	};
	unzip.push(bytes, true);
	const decoder = new TextDecoder('utf-8');
	const out = new Map<string, string>();
	for (const [part, chunks] of parts) {
		const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
		let at = 0;
		for (const c of chunks) {
			joined.set(c, at);
			at += c.length;
		}
		const text = decoder.decode(joined);
		if (/<!DOCTYPE/i.test(text.slice(0, 4096))) {
			throw refuse(name, `${part} declares a DTD, which a workbook never needs: refused.`);
		}
		out.set(part, text);
	}
	return out;
}

const ALWAYS_ARRAYS = new Set(['sheet', 'Relationship', 'row', 'c', 'si', 'r', 'xf', 'numFmt']);

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '',
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: false,
	processEntities: true,
	htmlEntities: false,
	isArray: (tag) => ALWAYS_ARRAYS.has(tag)
});

type Node = Record<string, unknown>;
const asNode = (v: unknown): Node => (v && typeof v === 'object' ? (v as Node) : {});
const asList = (v: unknown): Node[] => (Array.isArray(v) ? v.map(asNode) : v ? [asNode(v)] : []);

/** A text node's characters: a plain string, or `#text` when it has attributes. */
function textOf(v: unknown): string {
	if (typeof v === 'string') return v;
	if (typeof v === 'number') return String(v);
	const node = asNode(v);
	return typeof node['#text'] === 'string' ? node['#text'] : '';
}

/** A string item (<si> or <is>): plain <t>, or rich text runs <r><t>. */
function stringItem(v: unknown): string {
	const node = asNode(v);
	if (node.t !== undefined) return textOf(node.t);
	return asList(node.r)
		.map((run) => textOf(run.t))
		.join('');
}

/** Built-in number formats that show a date or a time (ECMA-376 18.8.30). */
const DATE_FORMAT_IDS = new Set([
	14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
	52, 53, 54, 55, 56, 57, 58
]);

const bareFormat = (code: string): string =>
	code
		.replace(/"[^"]*"/g, '')
		.replace(/\[[^\]]*\]/g, '')
		.replace(/\\./g, '');

/** Whether a format code shows a date or time: y, m, d, h or s outside quotes and brackets. */
export function isDateFormat(code: string): boolean {
	const bare = bareFormat(code);
	return /[ymdhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** A time of day only: hours or seconds, no year or day (an `m` beside them is minutes). */
const isTimeFormat = (code: string): boolean =>
	/[hs]/i.test(bareFormat(code)) && !/[yd]/i.test(bareFormat(code));

/** Built-in formats that show a time of day only. */
const TIME_FORMAT_IDS = new Set([18, 19, 20, 21, 45, 46, 47]);

/** Styles (cellXfs index) whose number format is a date (or date-time), or a time of day. */
function dateStyles(stylesXml: string | undefined): Map<number, 'date' | 'time'> {
	const out = new Map<number, 'date' | 'time'>();
	if (!stylesXml) return out;
	const sheet = asNode(asNode(parser.parse(stylesXml)).styleSheet);
	const custom = new Map<number, string>();
	for (const f of asList(asNode(sheet.numFmts).numFmt)) {
		custom.set(Number(f.numFmtId), String(f.formatCode ?? ''));
	}
	asList(asNode(sheet.cellXfs).xf).forEach((xf, i) => {
		const id = Number(xf.numFmtId ?? 0);
		const code = custom.get(id);
		if (code !== undefined ? !isDateFormat(code) : !DATE_FORMAT_IDS.has(id)) return;
		const time = code !== undefined ? isTimeFormat(code) : TIME_FORMAT_IDS.has(id);
		out.set(i, time ? 'time' : 'date');
	});
	return out;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A formula that adds up other rows: what a total row under a table holds. */
const AGGREGATE = /^\s*(SUM|SUBTOTAL|AGGREGATE|AVERAGE|COUNTA?|MIN|MAX)\s*\(/i;

/** An Excel serial date as ISO text: a date, a date-time, or (`time`) a time of day. */
export function serialToIso(serial: number, date1904: boolean, time = false): string {
	const seconds = Math.round(serial * 86_400);
	// Day 0 is 1899-12-30 in the 1900 system (which counts a 29 Feb 1900 that never was).
	const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
	const d = new Date(epoch + seconds * 1000);
	const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
	const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	if (time) return clock;
	return seconds % 86_400 === 0 ? date : `${date} ${clock}`;
}

/** Column letters of a cell reference (`AB12`) as a 0-based index. */
function columnIndex(ref: string): number {
	let n = 0;
	for (const ch of ref) {
		const code = ch.charCodeAt(0);
		if (code < 65 || code > 90) break;
		n = n * 26 + (code - 64);
	}
	return n - 1;
}

function csvField(value: string): string {
	return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The workbook's sheets in order, each with the part that holds it. */
function sheetParts(files: Map<string, string>): { name: string; part: string }[] {
	const workbook = asNode(asNode(parser.parse(files.get('xl/workbook.xml') ?? '')).workbook);
	const rels = new Map<string, string>();
	const relsXml = files.get('xl/_rels/workbook.xml.rels') ?? '';
	for (const r of asList(asNode(asNode(parser.parse(relsXml)).Relationships).Relationship)) {
		const target = String(r.Target ?? '');
		rels.set(String(r.Id), target.startsWith('/') ? target.slice(1) : `xl/${target}`);
	}
	return asList(asNode(workbook.sheets).sheet)
		.filter((s) => s.state !== 'hidden' && s.state !== 'veryHidden')
		.map((s) => ({ name: String(s.name ?? ''), part: rels.get(String(s['r:id'])) ?? '' }))
		.filter((s) => s.part !== '');
}

/** The workbook's `sheet` (absent: the largest sheet) as CSV text. */
export function readWorkbook(name: string, bytes: Uint8Array, sheet?: string): XlsxSheet {
	if (bytes.length > XLSX_LIMITS.maxFileBytes) {
		throw refuse(
			name,
			`this workbook is over ${XLSX_LIMITS.maxFileBytes / 2 ** 20} MB, more than the browser's Excel reader takes. Save the sheet as CSV (File → Save as → CSV UTF-8) and load that.`
		);
	}
	const meta = inflateParts(
		name,
		bytes,
		new Set([
			'xl/workbook.xml',
			'xl/_rels/workbook.xml.rels',
			'xl/styles.xml',
			'xl/sharedStrings.xml'
		])
	);
	const sheets = sheetParts(meta);
	if (sheets.length === 0) throw refuse(name, 'this workbook has no sheet to read.');
	const date1904 = /date1904="(1|true)"/.test(meta.get('xl/workbook.xml') ?? '');
	const shared = asList(
		asNode(asNode(parser.parse(meta.get('xl/sharedStrings.xml') ?? '')).sst).si
	).map(stringItem);
	const dates = dateStyles(meta.get('xl/styles.xml'));

	// The largest sheet, by the size its part declares: a cover sheet in front is passed over,
	// and only the sheet read is inflated (its real size is capped as it inflates).
	const sizes = directory(bytes);
	const size = (part: string): number => sizes.get(part) ?? 0;
	const asked = sheet === undefined ? undefined : sheets.find((s) => s.name === sheet);
	if (sheet !== undefined && !asked) {
		throw refuse(
			name,
			`this workbook has no sheet “${sheet}”. Its sheets: ${sheets.map((s) => s.name).join(', ')}. Choose one in Read as.`
		);
	}
	const chosen = asked ?? sheets.reduce((best, s) => (size(s.part) > size(best.part) ? s : best));
	const xml = inflateParts(name, bytes, new Set([chosen.part]));
	const data = asNode(asNode(asNode(parser.parse(xml.get(chosen.part) ?? '')).worksheet).sheetData);

	let errors = 0;
	const rows: string[][] = [];
	/** Per row: formulas saved without a value, and whether one adds up other rows (a total). */
	const unsavedIn = new Map<number, number>();
	const totals = new Set<number>();
	let width = 0;
	for (const row of asList(data.row)) {
		const at = Number(row.r ?? rows.length + 1) - 1;
		const values: string[] = [];
		asList(row.c).forEach((c, i) => {
			if (c.f !== undefined && AGGREGATE.test(textOf(c.f))) totals.add(at);
			const col = typeof c.r === 'string' ? columnIndex(c.r) : i;
			const type = String(c.t ?? 'n');
			const raw = textOf(c.v);
			let value = '';
			if (type === 's') value = shared[Number(raw)] ?? '';
			else if (type === 'inlineStr') value = stringItem(c.is);
			else if (type === 'b') value = raw === '1' ? 'true' : raw === '0' ? 'false' : '';
			else if (type === 'e') errors++;
			else if (type === 'str' || type === 'd') value = raw;
			else if (raw === '' && c.f !== undefined) unsavedIn.set(at, (unsavedIn.get(at) ?? 0) + 1);
			else if (raw !== '' && dates.has(Number(c.s ?? 0)) && Number.isFinite(Number(raw)))
				value = serialToIso(Number(raw), date1904, dates.get(Number(c.s ?? 0)) === 'time');
			else value = raw;
			values[col] = value;
		});
		while (rows.length < at) rows.push([]);
		rows[at] = Array.from(values, (v) => v ?? '');
		width = Math.max(width, rows[at].length);
	}
	const isEmpty = (r: string[]): boolean => r.every((v) => v === '');
	// Total rows under the data (=SUM(F2:F41) and the like) are no customer: left out, said so.
	const dropped: string[] = [];
	for (;;) {
		while (rows.length > 0 && isEmpty(rows[rows.length - 1]!)) rows.pop();
		const last = rows.length - 1;
		if (last < 1 || !totals.has(last)) break;
		dropped.push(rows[last]!.find((v) => v !== '') ?? `row ${last + 1}`);
		unsavedIn.delete(last);
		rows.pop();
	}
	const unsaved = [...unsavedIn.values()].reduce((n, k) => n + k, 0);
	// Blank rows between the data (a spacer, a gap before a total) are no customer.
	const blank = rows.filter(isEmpty).length;
	const kept = rows.filter((r) => !isEmpty(r));
	const csv = kept
		.map((r) => Array.from({ length: width }, (_, j) => csvField(r[j] ?? '')).join(','))
		.join('\n');

	const names = sheets.map((s) => s.name);
	const notes = [
		names.length === 1
			? `Read the sheet “${chosen.name}” of the workbook.`
			: asked
				? `Read the sheet “${chosen.name}”, as chosen in Read as (the workbook has ${names.length}: ${names.join(', ')}).`
				: `Read the sheet “${chosen.name}”, the largest of ${names.length} (${names.join(', ')}). To read another, choose it in Read as.`
	];
	if (dropped.length > 0) {
		notes.push(
			`Left out the ${dropped.length === 1 ? 'last row' : `last ${dropped.length} rows`} (${dropped.map((d) => `“${d}”`).join(', ')}): ${dropped.length === 1 ? 'it adds' : 'they add'} up the rows above (a SUM, AVERAGE, … formula), so ${dropped.length === 1 ? 'it is' : 'they are'} no customer.`
		);
	}
	if (blank > 0) notes.push(`${blank} empty rows of the sheet were left out.`);
	if (errors > 0)
		notes.push(`${errors} cells hold an Excel error (#N/A, #DIV/0!, …): read as empty.`);
	if (unsaved > 0) {
		notes.push(
			`${unsaved} formula cells were saved without their value: read as empty. Open the file in Excel or LibreOffice and save it again to keep them.`
		);
	}
	return { sheet: chosen.name, sheets: names, csv, rows: kept.length, notes };
}
