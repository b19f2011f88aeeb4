/**
 * The model file and the exported DuckDB pipeline against the browser engine (DuckDB-WASM):
 * the script, run unchanged on native DuckDB in a folder holding the input files, puts (nearly)
 * every customer in the segment the notebook put them in, and writes the columns of Export
 * segments; Score new customers applies the same model in the tab. Issue 16.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { readModelText, modelToText, type SegmentModel } from '../../src/segment/model-file';
import { duckdb, duckdbScript } from '../../src/sql/pipeline-export/duckdb';
import { warehouseSteps } from '../../src/sql/pipeline-export/warehouse';
import type { Engine } from '../../workers/engine';
import type { SegmentRef } from '../../src/engine/api';
import { bytesFile, createEngine, refsFor, textFile } from '../helpers/engine';
import { parseCsv, readSegmentsCsv, runNative, scratchFolder } from '../helpers/native-pipeline';

async function keyed(engine: Engine, sqlText: string): Promise<Map<string, string>> {
	const r = await engine.query(sqlText, { rowLimit: 10_000_000 });
	const t = tableFromIPC(r.ipc);
	const out = new Map<string, string>();
	for (let i = 0; i < t.numRows; i++) {
		out.set(String(t.getChildAt(0)?.get(i)), String(t.getChildAt(1)?.get(i)));
	}
	return out;
}

function agreement(a: Map<string, string>, b: Map<string, string>): number {
	let same = 0;
	for (const [k, v] of a) if (b.get(k) === v) same++;
	return same / Math.max(a.size, b.size);
}

const PERSONAS = [
	{ segment: 1, name: 'Loyal regulars', description: '' },
	{ segment: 2, name: '=HYPERLINK("x"), with a comma', description: '' }
];

describe('exported model and DuckDB pipeline (6,000 customers, about 100k order lines)', () => {
	let engine: Engine;
	let ref: SegmentRef;
	let model: SegmentModel;
	let csv: { customers: string; transactions: string };
	beforeAll(async () => {
		engine = await createEngine();
		csv = retailToCsv(generateRetail({ customers: 6000, seed: 11 }));
		await engine.loadSource(textFile('transactions.csv', csv.transactions));
		await engine.loadSource(textFile('customers.csv', csv.customers));
		const { recipe } = await engine.suggestRecipe('transactions');
		ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		const report = await engine.segment(ref, { k: 6, seed: 3 });
		model = await engine.exportModel(
			{ recipe, features: 'customer_features', segments: 'segments' },
			{ centroids: report.centroids, seed: 3, personas: PERSONAS }
		);
	}, 120_000);

	it('writes a model file that reads back as the same model', () => {
		expect(model.centroids).toHaveLength(6);
		expect(model.features.map((f) => f.name)).toEqual(model.recipe.selected);
		expect(model.fit.customers).toBe(6000);
		const back = readModelText(modelToText(model));
		expect(back).toEqual({ ok: true, model });
	});

	it('the DuckDB script on native DuckDB assigns ≥ 99.9% of customers as the browser did', async () => {
		const dir = scratchFolder({
			'transactions.csv': csv.transactions,
			'customers.csv': csv.customers
		});
		const script = duckdbScript(model, {
			inputs: [
				{ table: 'transactions', file: 'transactions.csv' },
				{ table: 'customers', file: 'customers.csv' }
			],
			title: 'Test',
			created: '2026-12-01'
		});
		expect(script).not.toMatch(/^\s*\./m); // no dot-commands
		const run = runNative(dir, script);
		// Native DuckDB from @duckdb/node-api (1.5: the 1.4 bindings are not all in the registry).
		expect(run.version).toMatch(/^v1\.\d+\.\d+/);
		const native = readSegmentsCsv(dir);
		const browser = await keyed(engine, 'SELECT customer_id, segment::VARCHAR FROM segments');
		const nativeMap = new Map(native.rows.map((r) => [r[0]!, r[1]!]));
		expect(nativeMap.size).toBe(6000);
		expect(agreement(browser, nativeMap)).toBeGreaterThanOrEqual(0.999);

		// The columns and rows of Export segments, persona names included (formula neutralised).
		const exported = await engine.exportSegments(
			ref,
			'csv',
			new Map(PERSONAS.map((p) => [p.segment, p.name])),
			{ includePersonal: true, salt: '', minSegmentSize: 0 }
		);
		const ours = parseCsv(new TextDecoder().decode(exported.bytes));
		expect(native.header).toEqual(ours.header);
		expect(native.header).toEqual(['customer_id', 'segment', 'persona']);
		const persona = new Map(native.rows.map((r) => [r[1], r[2]]));
		expect(persona.get('1')).toBe('Loyal regulars');
		expect(persona.get('2')).toBe(`'=HYPERLINK("x"), with a comma`);
		expect(persona.get('3')).toBe('Segment 3');
	});

	it('the warehouse compiler (BigQuery, Spark), run through DuckDB rules, computes the browser’s features and segments', async () => {
		const tables = {
			source: '"transactions"',
			customers: '"customers"',
			features: '"w_features"',
			matrix: '"w_matrix"',
			centroids: '"w_centroids"',
			segments: '"w_segments"'
		};
		for (const statement of warehouseSteps(duckdb, model, tables)) {
			await engine.query(statement, {});
		}
		// Every feature column, not only the selected ones: mix shares and joined demographics too.
		const schema = await engine.schema();
		const columns = (schema.find((t) => t.name === 'customer_features')?.columns ?? [])
			.map((c) => c.name)
			.filter((c) => c !== 'customer_id');
		expect(columns).toEqual(
			(schema.find((t) => t.name === 'w_features')?.columns ?? [])
				.map((c) => c.name)
				.filter((c) => c !== 'customer_id')
		);
		expect(columns).toEqual(expect.arrayContaining(['share_channel_web', 'age', 'gender_f']));
		const worst = await engine.query(
			`SELECT ${columns
				.map(
					(f) =>
						`coalesce(max(abs(w."${f}" - b."${f}")), 0) + count(w."${f}") - count(b."${f}") AS "${f}"`
				)
				.join(', ')}, count(*) AS n
			 FROM w_features w JOIN customer_features b USING (customer_id)`,
			{}
		);
		const row = tableFromIPC(worst.ipc).get(0)?.toJSON() as Record<string, number>;
		expect(Number(row['n'])).toBe(6000);
		for (const f of columns) expect(Number(row[f]), f).toBeLessThan(1e-9);
		const warehouse = await keyed(engine, 'SELECT customer_id, segment::VARCHAR FROM w_segments');
		const browser = await keyed(engine, 'SELECT customer_id, segment::VARCHAR FROM segments');
		expect(agreement(browser, warehouse)).toBeGreaterThanOrEqual(0.999);
	});

	it('Score new customers on the fitted table gives the notebook’s segments, none beyond the fit', async () => {
		const report = await engine.scoreCustomers(model, { source: 'transactions', output: 'scored' });
		expect(report.customers).toBe(6000);
		expect(report.beyond).toBe(0);
		const scored = await keyed(engine, 'SELECT customer_id, segment::VARCHAR FROM scored');
		const browser = await keyed(engine, 'SELECT customer_id, segment::VARCHAR FROM segments');
		expect(agreement(browser, scored)).toBeGreaterThanOrEqual(0.999);
		expect(report.segments.map((s) => s.customers)).toEqual(model.segments.map((s) => s.customers));
		// The scratch tables are gone; the result stays for later cells.
		const names = (await engine.schema()).map((t) => t.name);
		expect(names).toContain('scored');
		expect(names.filter((n) => n.startsWith('scored__'))).toEqual([]);
	});

	it('scores a second file of the same shape, and names a missing column', async () => {
		const other = retailToCsv(generateRetail({ customers: 1500, seed: 99 }));
		const load = await engine.loadSource(textFile('next_month.csv', other.transactions));
		const report = await engine.scoreCustomers(model, {
			source: load.table.name,
			customers: 'customers',
			output: 'next_month_segments'
		});
		expect(report.customers).toBe(1500);
		expect(report.segments.reduce((n, s) => n + s.customers, 0)).toBe(1500);
		expect(report.beyondShare).toBeGreaterThanOrEqual(0);
		expect(report.beyondShare).toBeLessThan(0.2);

		await engine.loadSource(textFile('wrong.csv', 'customer_id,invoice_date\n1,2025-01-01\n'));
		await expect(engine.scoreCustomers(model, { source: 'wrong', output: 'x' })).rejects.toThrow(
			/wrong has no column “invoice_id”.*same columns/
		);
	});
});

describe('the DuckDB pipeline reads a CSV as the notebook read it', () => {
	it('a German export (semicolons, decimal commas, dd.mm.yyyy) segments natively as in the browser', async () => {
		const engine = await createEngine();
		const file = join(import.meta.dirname, '../fixtures/real-shaped/kassenbons.csv');
		const text = readFileSync(file);
		const load = await engine.loadSource(bytesFile('kassenbons.csv', text));
		// What the browser ran, handed to the script: delimiter, decimal comma, date format, types.
		expect(load.readCsvOptions).toMatch(/delim = ';'/);
		expect(load.readCsvOptions).toMatch(/decimal_separator = ','/);
		expect(load.readCsvOptions).toMatch(/dateformat = '%d\.%m\.%Y'/);
		const { recipe } = await engine.suggestRecipe(load.table.name);
		const ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		const report = await engine.segment(ref, { k: 3, seed: 5 });
		const model = await engine.exportModel(
			{ recipe, features: 'customer_features', segments: 'segments' },
			{ centroids: report.centroids, seed: 5, personas: [] }
		);
		const dir = scratchFolder({ 'kassenbons.csv': text.toString('utf8') });
		const script = duckdbScript(model, {
			inputs: [
				{ table: load.table.name, file: 'kassenbons.csv', csvOptions: load.readCsvOptions! }
			],
			title: 'Kassenbons',
			created: '2026-12-01'
		});
		expect(script).toContain('auto_detect = false');
		runNative(dir, script);
		const native = new Map(readSegmentsCsv(dir).rows.map((r) => [r[0]!, r[1]!]));
		const key = model.keyColumn;
		const browser = await keyed(engine, `SELECT "${key}"::VARCHAR, segment::VARCHAR FROM segments`);
		expect(native.size).toBe(90);
		expect(agreement(browser, native)).toBe(1);
	}, 120_000);
});
