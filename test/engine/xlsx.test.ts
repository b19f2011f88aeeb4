/**
 * Excel workbooks (workers/xlsx.ts, RELIABILITY.md case 20) on real DuckDB-WASM: a real .xlsx
 * (written by openpyxl: test/fixtures/xlsx/make_crm.py) loads its largest sheet with its types;
 * workbooks as Excel writes them (shared strings, rich text, the 1904 date system, errors) read
 * right; a decompression bomb and a DTD are refused within the caps, and the engine stays usable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../workers/engine';
import { isDateFormat, serialToIso } from '../../workers/xlsx';
import { bytesFile, createEngine, textFile } from '../helpers/engine';

const fixture = join(import.meta.dirname, '../fixtures/xlsx/crm-export.xlsx');
let engine: Engine;
beforeAll(async () => {
	engine = await createEngine();
});

async function rows(sqlText: string): Promise<Record<string, unknown>[]> {
	const table = tableFromIPC((await engine.query(sqlText, {})).ipc);
	return table.toArray().map((r) => ({ ...(r as object) }) as Record<string, unknown>);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook as Excel writes one: shared strings, styles, one or more sheets. */
function workbook(sheets: Record<string, string>, extra: Record<string, string> = {}, pr = '') {
	const names = Object.keys(sheets);
	const files: Record<string, Uint8Array> = {
		'[Content_Types].xml': strToU8('<Types/>'),
		'xl/workbook.xml': strToU8(
			`<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr ${pr}/><sheets>${names
				.map((n, i) => `<sheet name="${n}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
				.join('')}</sheets></workbook>`
		),
		'xl/_rels/workbook.xml.rels': strToU8(
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names
				.map(
					(_, i) =>
						`<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`
				)
				.join('')}</Relationships>`
		),
		...Object.fromEntries(
			names.map((n, i) => [
				`xl/worksheets/sheet${i + 1}.xml`,
				strToU8(`<worksheet xmlns="${MAIN}"><sheetData>${sheets[n]}</sheetData></worksheet>`)
			])
		),
		...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, strToU8(v)]))
	};
	return zipSync(files, { level: 9 });
}

describe('a real .xlsx', () => {
	it('loads the largest sheet, with its dates, numbers, booleans and text kept', async () => {
		const report = await engine.loadSource(bytesFile('crm-export.xlsx', readFileSync(fixture)));
		expect(report.format).toBe('xlsx');
		expect(report.sheet).toBe('Customers');
		expect(report.table.name).toBe('crm_export');
		// 40 customers; the workbook's own "Total" line under them (=SUM(F2:F41)) is left out.
		expect(report.rowsLoaded).toBe(40);
		expect(report.rowsRejected).toBe(0);
		expect(report.notes.join(' ')).toMatch(
			/sheet “Customers”, the largest of 2 \(About, Customers\)/
		);
		expect(report.notes.join(' ')).toMatch(
			/Left out the last row \(“Total”\): it adds up the rows above/
		);
		expect(
			await rows(`SELECT count(*) AS n FROM crm_export WHERE "Customer ID" = 'Total'`)
		).toEqual([{ n: 0n }]);
		const types = Object.fromEntries(report.table.columns.map((c) => [c.name, c.type]));
		expect(types).toMatchObject({
			'Customer ID': 'VARCHAR',
			'Signed up': 'DATE',
			'Last order': 'TIMESTAMP',
			Orders: 'BIGINT',
			'Spend (EUR)': 'DOUBLE',
			Newsletter: 'BOOLEAN'
		});
		const first = await rows(
			`SELECT "Name" AS name, strftime("Signed up", '%Y-%m-%d') AS signed, strftime("Last order", '%Y-%m-%d %H:%M') AS last, "Spend (EUR)" AS spend, "Newsletter" AS news FROM crm_export WHERE "Customer ID" = 'C1000'`
		);
		expect(first[0]).toEqual({
			name: 'Zoë Müller',
			signed: '2022-01-01',
			last: '2024-01-01 09:30',
			spend: 19.5,
			news: true
		});
		// A cell that starts with "=" is text in the workbook, and text here.
		const formula = await rows(
			`SELECT "Note" AS note FROM crm_export WHERE "Customer ID" = 'C1008'`
		);
		expect(formula[0]?.note).toBe('=HYPERLINK("x")');
	});
});

describe('choosing the sheet', () => {
	it('reads the sheet asked for, and names the sheets when it has no such sheet', async () => {
		const bytes = readFileSync(fixture);
		const about = await engine.loadSource(bytesFile('crm-export.xlsx', bytes), undefined, 'about', {
			sheet: 'About'
		});
		expect(about.sheet).toBe('About');
		expect(about.rowsLoaded).toBe(1);
		expect(about.read?.used.sheet).toBe('About');
		expect(about.read?.sheets).toEqual(['About', 'Customers']);
		expect(about.read?.detected).not.toContain('sheet');
		expect(about.notes.join(' ')).toMatch(/“About”, as chosen in Read as/);
		await expect(
			engine.loadSource(bytesFile('crm-export.xlsx', bytes), undefined, 'nope', { sheet: 'Kunden' })
		).rejects.toMatchObject({
			code: 'file-format',
			message: expect.stringMatching(
				/no sheet “Kunden”\. Its sheets: About, Customers\. Choose one in Read as/
			)
		});
	});
});

describe('workbooks as Excel writes them', () => {
	it('reads shared strings, rich text, errors and the 1904 date system', async () => {
		const book = workbook(
			{
				Data: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>0</v></c><c r="C2" t="e"><v>#N/A</v></c></row>
<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" s="1"><v>366</v></c><c r="C4"><v>2.5</v></c></row>
<row r="5"><c r="A5" t="s"><v>5</v></c><c r="B5" s="1"><v>400</v></c><c r="C5"><f>C4*2</f></c></row>`
			},
			{
				'xl/sharedStrings.xml': `<sst xmlns="${MAIN}"><si><t>id</t></si><si><t>joined</t></si><si><t>score</t></si><si><r><t>A</t></r><r><t xml:space="preserve"> 1</t></r></si><si><t>B&amp;2</t></si><si><t>C</t></si></sst>`,
				'xl/styles.xml': `<styleSheet xmlns="${MAIN}"><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`
			},
			'date1904="1"'
		);
		const report = await engine.loadSource(bytesFile('excel.xlsx', book));
		expect(report.notes.join(' ')).toMatch(/1 cells hold an Excel error/);
		expect(report.notes.join(' ')).toMatch(/1 empty rows of the sheet were left out/);
		// A formula saved without its value is counted; one that is no total keeps its row.
		expect(report.notes.join(' ')).toMatch(/1 formula cells were saved without their value/);
		expect(report.notes.join(' ')).not.toMatch(/Left out the last row/);
		const got = await rows(
			`SELECT id, strftime(joined, '%Y-%m-%d') AS joined, score FROM excel ORDER BY id`
		);
		// Row 3 is missing in the sheet: an empty line, which is no customer.
		expect(got).toEqual([
			{ id: 'A 1', joined: '1904-01-01', score: null },
			{ id: 'B&2', joined: '1905-01-01', score: 2.5 },
			{ id: 'C', joined: '1905-02-04', score: null }
		]);
	});

	it('turns serial numbers into dates and times, and knows a date format', () => {
		expect(serialToIso(45292.395833333336, false)).toBe('2024-01-01 09:30:00');
		expect(serialToIso(61, false)).toBe('1900-03-01');
		expect(serialToIso(0.75, false, true)).toBe('18:00:00');
		expect(serialToIso(0, true)).toBe('1904-01-01');
		for (const code of ['yyyy-mm-dd', 'd/m/yy h:mm', '[$-409]mmm d, yyyy', 'hh:mm:ss'])
			expect(isDateFormat(code), code).toBe(true);
		for (const code of ['General', '0.00', '#,##0 "days"', '[Red]0.00', '0%'])
			expect(isDateFormat(code), code).toBe(false);
	});
});

describe('hostile workbooks', () => {
	it('refuses a decompression bomb while it inflates, and the next file loads', async () => {
		// 40 MB of rows that pack to a few kilobytes: far past the inflate ratio.
		const bomb = workbook({ Data: '<row><c><v>1</v></c></row>'.repeat(1_500_000) });
		expect(bomb.length).toBeLessThan(400_000);
		await expect(engine.loadSource(bytesFile('bomb.xlsx', bomb))).rejects.toMatchObject({
			code: 'file-format',
			message: expect.stringMatching(/inflates to more than this browser can read safely/)
		});
		const next = await engine.loadSource(textFile('after.csv', 'a,b\n1,2\n'));
		expect(next.rowsLoaded).toBe(1);
	});

	it('refuses a part that declares a DTD (no entity expansion)', async () => {
		const withDtd = workbook(
			{ Data: '<row><c t="s"><v>0</v></c></row>' },
			{
				'xl/sharedStrings.xml': `<!DOCTYPE sst [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><sst xmlns="${MAIN}"><si><t>&lol2;</t></si></sst>`
			}
		);
		await expect(engine.loadSource(bytesFile('dtd.xlsx', withDtd))).rejects.toMatchObject({
			message: expect.stringMatching(/declares a DTD/)
		});
	});

	it('refuses a ZIP archive that is not a workbook, with what to do', async () => {
		const zip = zipSync({ 'notes.txt': strToU8('hello') });
		await expect(engine.loadSource(bytesFile('archive.csv', zip))).rejects.toMatchObject({
			code: 'file-format',
			message: expect.stringMatching(/not one this browser can read as a workbook\. Save it as CSV/)
		});
	});
});
