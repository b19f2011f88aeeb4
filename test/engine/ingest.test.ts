/**
 * Guards file loading against silent data loss and unclear failures: the csv-spectrum corpus
 * and the awkward files of RELIABILITY.md §2.1, loaded by real DuckDB-WASM. Every load must
 * satisfy rows loaded + rows rejected = data lines, or fail with a specific message.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../workers/engine';
import { sourceFromBytes } from '../../workers/db';
import { bytesFile, createEngine, textFile } from '../helpers/engine';

const spectrum = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));

let engine: Engine;
beforeAll(async () => {
	engine = await createEngine();
});

async function rows(sqlText: string): Promise<Record<string, unknown>[]> {
	const result = await engine.query(sqlText, {});
	const table = tableFromIPC(result.ipc);
	return table.toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

describe('csv-spectrum', () => {
	const names = readdirSync(join(spectrum, 'csvs')).map((f) => f.replace(/\.csv$/, ''));
	it.each(names)('%s loads exactly as its JSON says', async (name) => {
		const bytes = readFileSync(join(spectrum, 'csvs', `${name}.csv`));
		const expected = JSON.parse(
			readFileSync(join(spectrum, 'json', `${name}.json`), 'utf8')
		) as Record<string, string>[];
		const report = await engine.loadSource(sourceFromBytes(`${name}.csv`, bytes));
		expect(report.rowsLoaded + report.rowsRejected).toBe(report.dataLines);
		expect(report.rowsRejected).toBe(0);
		const loaded = await rows(`SELECT * FROM "${report.table.name}"`);
		// csv-spectrum expects text; DuckDB types numbers, so compare as text.
		const asText = loaded.map((r) =>
			Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)]))
		);
		expect(asText).toEqual(expected);
	});
});

describe('awkward files (RELIABILITY.md §2.1)', () => {
	it('says an empty file is empty', async () => {
		await expect(engine.loadSource(textFile('empty.csv', ''))).rejects.toMatchObject({
			code: 'file-empty'
		});
	});

	it('says a header-only file has no data rows and leaves no table behind', async () => {
		await expect(
			engine.loadSource(textFile('header_only.csv', 'id,name,spend\n'))
		).rejects.toMatchObject({
			code: 'no-data-rows',
			message: expect.stringContaining('id, name, spend')
		});
		expect(await engine.tableExists('header_only')).toBe(false);
	});

	it('reads a UTF-8 BOM with CRLF line ends', async () => {
		const report = await engine.loadSource(
			textFile('bom.csv', '\uFEFFid,spend\r\n1,10\r\n2,20\r\n')
		);
		expect(report.table.columns.map((c) => [c.name, c.type])).toEqual([
			['id', 'BIGINT'],
			['spend', 'BIGINT']
		]);
		expect(report.rowsLoaded).toBe(2);
	});

	it('retries semicolon files with decimal commas and says so', async () => {
		const report = await engine.loadSource(
			textFile('eu.csv', 'id;spend;city\n1;12,5;Köln\n2;3,25;Lyon\n3;7;Graz\n')
		);
		expect(report.table.columns.find((c) => c.name === 'spend')?.type).toBe('DOUBLE');
		expect(report.notes.join(' ')).toMatch(/decimal commas.*spend/);
		const r = await rows(`SELECT sum(spend) AS s FROM eu`);
		expect(r[0]?.s).toBeCloseTo(22.75);
	});

	it('retries Latin-1 and keeps accents right', async () => {
		// "José" in Latin-1: J o s 0xE9
		const bytes = [
			...new TextEncoder().encode('id,name\n1,Jos'),
			0xe9,
			0x0a,
			...new TextEncoder().encode('2,Ann\n')
		];
		const report = await engine.loadSource(bytesFile('latin1.csv', bytes));
		expect(report.notes.join(' ')).toMatch(/Latin-1/);
		const r = await rows(`SELECT name FROM latin1 ORDER BY id`);
		expect(r[0]?.name).toBe('José');
	});

	it('refuses UTF-16 big-endian by name, saying how to save the file', async () => {
		const units = Array.from('id,name\n1,José\n', (ch) => ch.charCodeAt(0));
		const bytes = [0xfe, 0xff, ...units.flatMap((u) => [u >> 8, u & 0xff])];
		await expect(engine.loadSource(bytesFile('utf16be.csv', bytes))).rejects.toMatchObject({
			code: 'encoding',
			message: expect.stringMatching(/big-endian.*CSV UTF-8/)
		});
	});

	it('reads UTF-16 little-endian (Excel\'s "Unicode text") with accents right', async () => {
		const units = Array.from('id,name,spend\n1,José,10.5\n2,Zoë,3\n', (ch) => ch.charCodeAt(0));
		const bytes = [0xff, 0xfe, ...units.flatMap((u) => [u & 0xff, u >> 8])];
		const report = await engine.loadSource(bytesFile('utf16le.csv', bytes));
		expect(report.rowsLoaded).toBe(2);
		const r = await rows(`SELECT name, spend FROM ${report.table.name} ORDER BY id`);
		expect(r.map((x) => x.name)).toEqual(['José', 'Zoë']);
		expect(r[0]?.spend).toBeCloseTo(10.5);
	});

	it('reports ragged rows as rejected lines, never a silent drop', async () => {
		const report = await engine.loadSource(
			textFile('ragged.csv', 'id,name,spend\n1,Ann,10\n2,Bob\n3,Cy,5,EXTRA\n')
		);
		expect(report.dataLines).toBe(3);
		expect(report.rowsLoaded).toBe(1);
		expect(report.rowsRejected).toBe(2);
		expect(report.rowsLoaded + report.rowsRejected).toBe(report.dataLines);
		expect(report.rejected.map((r) => [r.line, r.errorType])).toEqual([
			[3, 'MISSING COLUMNS'],
			[4, 'TOO MANY COLUMNS']
		]);
	});

	it('reads tab-separated files', async () => {
		const report = await engine.loadSource(textFile('tabs.tsv', 'a\tb\n1\t2\n3\t4\n'));
		expect(report.dialect).toMatch(/tab-separated/);
		expect(report.rowsLoaded).toBe(2);
	});

	it('shows renamed duplicate and empty headers', async () => {
		const report = await engine.loadSource(textFile('dups.csv', 'id,spend,spend,\n1,2,3,4\n'));
		expect(report.table.columns.map((c) => c.name)).toEqual(['id', 'spend', 'spend_1', 'column3']);
		expect(report.notes.join(' ')).toMatch(/Renamed headers/);
	});

	it('refuses ZIP/Excel bytes with advice', async () => {
		await expect(
			engine.loadSource(bytesFile('book.csv', [0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]))
		).rejects.toMatchObject({ code: 'file-format', message: expect.stringMatching(/Excel/) });
	});

	it('keeps NaN, inf and empty values as DOUBLE NaN, Infinity and NULL', async () => {
		await engine.loadSource(textFile('nan.csv', 'x\n1.5\nNaN\ninf\n\n2\n'));
		const r = await rows(
			`SELECT count(*) FILTER (isnan(x)) AS nans, count(*) FILTER (isinf(x)) AS infs, count(*) AS n FROM nan`
		);
		expect(r[0]).toMatchObject({ nans: 1n, infs: 1n });
	});

	it('keeps HTML and __proto__ in headers as plain names', async () => {
		const report = await engine.loadSource(
			textFile('evil.csv', '__proto__,<img src=x onerror=alert(1)>,constructor\n1,2,3\n')
		);
		expect(report.table.columns.map((c) => c.name)).toEqual([
			'__proto__',
			'<img src=x onerror=alert(1)>',
			'constructor'
		]);
	});

	it('names tables after files, sanitised and unique', async () => {
		const a = await engine.loadSource(textFile('My Orders (2024).csv', 'a\n1\n'));
		const b = await engine.loadSource(textFile('my-orders 2024.csv', 'a\n1\n'));
		expect(a.table.name).toBe('my_orders_2024');
		expect(b.table.name).toBe('my_orders_2024_2');
	});

	it('the session stays usable after a failed load', async () => {
		await expect(engine.loadSource(textFile('empty2.csv', ''))).rejects.toThrow();
		const report = await engine.loadSource(textFile('after.csv', 'a,b\n1,2\n'));
		expect(report.rowsLoaded).toBe(1);
	});
});

describe('JSON and Parquet (read without DuckDB extensions)', () => {
	it('reads a JSON array of records', async () => {
		const report = await engine.loadSource(
			textFile(
				'people.json',
				'[{"id":1,"name":"Ann","spend":10.5},{"id":2,"name":"Bob","spend":null}]'
			)
		);
		expect(report.rowsLoaded).toBe(2);
		expect(report.table.columns.map((c) => c.type)).toEqual(['INTEGER', 'VARCHAR', 'DOUBLE']);
	});

	it('reads NDJSON and rejects a bad line with its number', async () => {
		const report = await engine.loadSource(
			textFile('events.ndjson', '{"a":1}\n{"a":2}\nnot json\n{"a":3,"b":"x"}\n')
		);
		expect(report.rowsLoaded).toBe(3);
		expect(report.rejected[0]?.line).toBe(3);
		expect(report.rowsLoaded + report.rowsRejected).toBe(report.dataLines);
	});

	const superstore = join(import.meta.dirname, '../../../shared/datasets/superstore');
	it.skipIf(!existsSync(superstore))(
		'reads the superstore Parquet file (ZSTD) as the CSV has it',
		async () => {
			const dir = superstore;
			const report = await engine.loadSource(
				sourceFromBytes('superstore.parquet', readFileSync(join(dir, 'superstore.parquet')))
			);
			const csv = await engine.loadSource(
				sourceFromBytes('superstore.csv', readFileSync(join(dir, 'superstore.csv')))
			);
			expect(report.format).toBe('parquet');
			expect(report.rowsLoaded).toBe(csv.rowsLoaded);
			expect(report.table.columns.length).toBe(csv.table.columns.length);
		}
	);
});

describe('Parquet written by our own exporter', () => {
	it('round-trips segments.parquet-style columns through the Parquet reader', async () => {
		const { parquetWriteBuffer } = await import('hyparquet-writer');
		const bytes = new Uint8Array(
			parquetWriteBuffer({
				columnData: [
					{ name: 'customer_id', data: ['C1', 'C2', 'C3'], type: 'STRING' },
					{ name: 'segment', data: new Int32Array([1, 2, 1]), type: 'INT32' }
				]
			})
		);
		const engine = await createEngine();
		const report = await engine.loadSource(sourceFromBytes('segments.parquet', bytes));
		expect(report.format).toBe('parquet');
		expect(report.rowsLoaded).toBe(3);
		expect(report.table.columns.map((c) => c.name)).toEqual(['customer_id', 'segment']);
	});

	it('reports how far the read has got, in percent (values decoded), up to 100', async () => {
		const { parquetWriteBuffer } = await import('hyparquet-writer');
		const n = 50_000;
		const bytes = new Uint8Array(
			parquetWriteBuffer({
				columnData: [
					{
						name: 'customer_id',
						data: Array.from({ length: n }, (_, i) => `C${i}`),
						type: 'STRING'
					},
					{ name: 'spend', data: Float64Array.from({ length: n }, (_, i) => i / 7), type: 'DOUBLE' }
				],
				rowGroupSize: 10_000
			})
		);
		const engine = await createEngine();
		const seen: (number | null)[] = [];
		await engine.loadSource(sourceFromBytes('big.parquet', bytes), (p) => {
			if (/^Reading big\.parquet \(Parquet\)$/.test(p.phase)) seen.push(p.fraction);
		});
		const values = seen.filter((f): f is number => f !== null);
		expect(values.some((f) => f > 0 && f < 1)).toBe(true);
		expect(values.at(-1)).toBe(1);
		expect(values).toEqual([...values].sort((a, b) => a - b));
	});
});
