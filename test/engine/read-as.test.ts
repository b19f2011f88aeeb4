/**
 * Guards the import settings (issue 12's Read as panel, worker side): headerless files are
 * detected and said to be, fixed-width files are cut where their columns line up, every
 * setting can be given and is reported back with what was detected, the line check counts
 * the header as a line, and a line over the length limit is named as such.
 */
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../workers/engine';
import { bytesFile, createEngine, textFile } from '../helpers/engine';

let engine: Engine;
beforeAll(async () => {
	engine = await createEngine();
}, 120_000);

async function rows(sqlText: string): Promise<Record<string, unknown>[]> {
	const table = tableFromIPC((await engine.query(sqlText, {})).ipc);
	return table.toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

const FIXED = [
	' 00001 19970101  1   11.77',
	' 00002 19970112  1   12.00',
	' 00002 19970112  5   77.00',
	' 00003 19970102  2   20.76',
	' 00003 19970330  2   20.76',
	' 00004 19970101  2   29.33',
	' 00004 19970118  2   29.73',
	' 00010 19970406 11  111.70'
].join('\n');

describe('headerless files', () => {
	it('reads a first record typed like the rest as data, and says so', async () => {
		const report = await engine.loadSource(
			textFile('nohead.csv', '1,2024-01-05,10.5\n2,2024-02-01,3\n3,2024-03-09,7.25\n')
		);
		expect(report.headerLines).toBe(0);
		expect(report.rowsLoaded).toBe(3);
		expect(report.dataLines).toBe(3);
		expect(report.table.columns.map((c) => c.name)).toEqual(['column0', 'column1', 'column2']);
		expect(report.read?.guesses.join(' ')).toMatch(
			/No header: the first record is typed like the rest/
		);
		expect(report.read?.used.header).toBe('no');
		expect(report.read?.detected).toContain('header');
	});

	it('keeps a real header and counts it as one line', async () => {
		const report = await engine.loadSource(
			textFile('head.csv', 'id,day,spend\n1,2024-01-05,10.5\n2,2024-02-01,3\n')
		);
		expect(report.headerLines).toBe(1);
		expect(report.dataLines).toBe(2);
		expect(report.read?.used.header).toBe('yes');
	});

	it('shows a record taken as header when the user says there is one', async () => {
		const report = await engine.loadSource(
			textFile('forced.csv', '1,2024-01-05,10.5\n2,2024-02-01,3\n3,2024-03-09,7.25\n'),
			undefined,
			undefined,
			{ header: 'yes' }
		);
		expect(report.headerLines).toBe(1);
		expect(report.rowsLoaded).toBe(2);
		expect(report.notes.join(' ')).toMatch(
			/The header \(line 1: “1,2024-01-05,10.5”\) looks like data/
		);
	});
});

describe('header rows and preamble', () => {
	const text =
		'Sales export, 2024\nOrder,Order,Amount\nid,day,usd\n1,2024-01-05,10.5\n2,2024-02-01,3\n';
	it('skips a preamble line and merges two header rows, and says so', async () => {
		const report = await engine.loadSource(textFile('twohead.csv', text));
		expect(report.table.columns.map((c) => c.name)).toEqual([
			'Order id',
			'Order day',
			'Amount usd'
		]);
		expect(report).toMatchObject({ headerLines: 2, skippedLines: 1, dataLines: 2, rowsLoaded: 2 });
		expect(report.read?.guesses.join(' ')).toMatch(/1 preamble line skipped.*2 header rows merged/);
	});

	it('takes the number of header rows from the user', async () => {
		const report = await engine.loadSource(textFile('onehead.csv', text), undefined, undefined, {
			skip: 1,
			header: 'yes',
			headerRows: 1
		});
		expect(report.table.columns.map((c) => c.name)).toEqual(['Order', 'Order_1', 'Amount']);
		expect(report.rowsLoaded).toBe(3);
	});
});

describe('fixed width', () => {
	it('proposes boundaries from the alignment and reads a headerless fixed-width file typed', async () => {
		const report = await engine.loadSource(textFile('cdnow.txt', FIXED + '\n'));
		expect(report.read?.used.fixedWidth).toEqual([7, 16, 20]);
		expect(report.read?.proposedFixedWidth).toEqual([7, 16, 20]);
		expect(report.read?.detected).toContain('fixedWidth');
		expect(report.headerLines).toBe(0);
		expect(report.rowsLoaded).toBe(8);
		expect(report.dataLines).toBe(8);
		expect(report.table.columns.map((c) => c.type)).toEqual([
			'VARCHAR',
			'DATE',
			'BIGINT',
			'DOUBLE'
		]);
		const r = await rows(
			`SELECT column0, strftime(column1, '%Y-%m-%d') AS d, column2, column3 FROM cdnow ORDER BY column0, d LIMIT 1`
		);
		expect(r[0]).toEqual({ column0: '00001', d: '1997-01-01', column2: 1n, column3: 11.77 });
	});

	it('reads at boundaries the user edits', async () => {
		const report = await engine.loadSource(
			textFile('cdnow2.txt', FIXED + '\n'),
			undefined,
			undefined,
			{ fixedWidth: [6, 11] }
		);
		expect(report.read?.used.fixedWidth).toEqual([6, 11]);
		expect(report.table.columns.length).toBe(3);
		const r = await rows(`SELECT column1 FROM cdnow2 LIMIT 1`);
		expect(r[0]?.column1).toBe(1997n);
	});
});

describe('settings given and detected', () => {
	it('reads a TAB-separated file named .csv, and says it was tab-separated', async () => {
		const report = await engine.loadSource(
			textFile('crm.csv', 'ID\tName\tSince\n1\tAnn\t01-02-2020\n2\tBob\t15-03-2021\n')
		);
		expect(report.dialect).toMatch(/tab-separated/);
		expect(report.read?.used.delimiter).toBe('\t');
		expect(report.read?.detected).toContain('delimiter');
		expect(report.table.columns.map((c) => c.name)).toEqual(['ID', 'Name', 'Since']);
	});

	it('takes a delimiter, quote, skip, decimal comma and date format from the user', async () => {
		const text =
			"exported 2024\nid|note|amount|day\n1|'a|b'|12,5|05.01.2024\n2|'c'|3,25|17.02.2024\n";
		const report = await engine.loadSource(textFile('given.txt', text), undefined, undefined, {
			delimiter: '|',
			quote: "'",
			skip: 1,
			decimal: ',',
			dateFormat: '%d.%m.%Y'
		});
		expect(report.read?.detected).not.toContain('delimiter');
		expect(report.read?.used).toMatchObject({
			delimiter: '|',
			quote: "'",
			skip: 1,
			decimal: ',',
			dateFormat: '%d.%m.%Y'
		});
		expect(report.table.columns.map((c) => c.type)).toEqual([
			'BIGINT',
			'VARCHAR',
			'DOUBLE',
			'DATE'
		]);
		const r = await rows(
			`SELECT note, amount, strftime(day, '%Y-%m-%d') AS day FROM given ORDER BY id`
		);
		expect(r).toEqual([
			{ note: 'a|b', amount: 12.5, day: '2024-01-05' },
			{ note: 'c', amount: 3.25, day: '2024-02-17' }
		]);
	});

	it('reads Latin-1 when told to', async () => {
		const bytes = [
			...new TextEncoder().encode('id,city\n1,K'),
			0xf6,
			...new TextEncoder().encode('ln\n')
		];
		const report = await engine.loadSource(bytesFile('koeln.csv', bytes), undefined, undefined, {
			encoding: 'latin-1'
		});
		expect(report.read?.used.encoding).toBe('latin-1');
		expect((await rows(`SELECT city FROM koeln`))[0]?.city).toBe('Köln');
	});

	it('reports the first lines for a preview and the line ending', async () => {
		const report = await engine.loadSource(textFile('crlf.csv', 'a,b\r\n1,2\r\n3,4\r\n'));
		expect(report.read?.preview).toEqual(['a,b', '1,2', '3,4']);
		expect(report.read?.lineEnding).toBe('CRLF');
	});
});

describe('line counting', () => {
	it.each([
		['LF', '\n'],
		['CRLF', '\r\n'],
		['CR', '\r']
	])('counts records of a %s file with quoted line breaks and escapes', async (_, end) => {
		const text = ['id,note', '1,"two', 'lines"', '2,"say ""hi"""', '3,plain'].join(end) + end;
		const report = await engine.loadSource(textFile(`ends_${_}.csv`, text));
		expect(report.dataLines).toBe(3);
		expect(report.rowsLoaded).toBe(3);
		expect(report.rowsRejected).toBe(0);
	});

	it('honours backslash escapes', async () => {
		const text = 'id,note\n1,"a \\"quoted\\", word"\n2,"x"\n';
		const report = await engine.loadSource(textFile('backslash.csv', text));
		expect(report.read?.used.escape).toBe('\\');
		expect(report.dataLines).toBe(2);
		expect((await rows(`SELECT note FROM backslash ORDER BY id`))[0]?.note).toBe(
			'a "quoted", word'
		);
	});
});

describe('a line over the length limit', () => {
	const long = 'id,text\n1,short\n2,' + 'x'.repeat(2_100_000) + '\n3,short\n';
	it('is named as such, with the setting that raises it, not as an encoding problem', async () => {
		await expect(engine.loadSource(textFile('long.csv', long))).rejects.toMatchObject({
			code: 'line-too-long',
			message: expect.stringMatching(
				/Line 3 of long\.csv is longer.*Raise “Longest line” in Read as/
			)
		});
	});

	it('loads once the limit is raised', async () => {
		const report = await engine.loadSource(textFile('long2.csv', long), undefined, undefined, {
			maxLineSize: 4_000_000
		});
		expect(report.rowsLoaded).toBe(3);
	});
});

describe('rows of the wrong width', () => {
	it('lists rejected ragged rows once, as rejected, not also as suspect', async () => {
		const report = await engine.loadSource(
			textFile('ragged2.csv', 'id,name,spend\n1,Ann,10\n2,Bob\n3,Cy,5,EXTRA\n4,Dee,7\n')
		);
		expect(report.rejected.map((r) => r.line)).toEqual([3, 4]);
		expect(report.suspect).toEqual([]);
		expect(report.suspectCount).toBe(0);
	});

	it('lists a row DuckDB reads without its empty last field as recovered', async () => {
		const report = await engine.loadSource(
			textFile('trailing.csv', 'id,name,spend\n1,Ann,10\n2,Bob,3,\n3,Cy,5\n')
		);
		expect(report.rowsLoaded).toBe(3);
		expect(report.recovered?.map((r) => [r.line, r.reason])).toEqual([
			[3, expect.stringMatching(/empty field after the last column was dropped/)]
		]);
	});
});
