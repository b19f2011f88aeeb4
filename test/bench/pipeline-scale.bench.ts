/**
 * The exported DuckDB pipeline at scale (issue 16), run by `npm run bench` after the browser
 * journeys, or alone: `npx vitest run --project bench`.
 *
 *   1. The generated 1M-line sample (src/sample/retail.ts, 60,000 customers) is segmented by the
 *      browser engine (DuckDB-WASM, as the tab does it) and its model exported as a DuckDB script.
 *   2. The script runs on native DuckDB (@duckdb/node-api) in a folder holding the CSV files;
 *      it must put ≥ 99.9% of customers in the browser's segment.
 *   3. The same script, unchanged, runs on a file ten times larger (600,000 customers, 10M
 *      lines: ten samples with distinct seeds and ids); its time is printed.
 *
 * BENCH_SCALE_CUSTOMERS=6000 makes both steps ten times smaller (a quick check of this file).
 */
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { expect, it } from 'vitest';
import {
	CUSTOMERS_CSV_HEADER,
	TRANSACTIONS_CSV_HEADER,
	generateRetail,
	retailToCsv
} from '../../src/sample/retail';
import { duckdbScript } from '../../src/sql/pipeline-export/duckdb';
import { createEngine, refsFor, textFile } from '../helpers/engine';
import { readSegmentsCsv, runNative } from '../helpers/native-pipeline';

const CUSTOMERS = Number(process.env.BENCH_SCALE_CUSTOMERS ?? 60_000);
const fmt = (ms: number): string =>
	ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;

/** Chunk j of the ten-times file: customer and invoice ids shifted so they never repeat. */
function shifted(csv: string, j: number, column: 'customer' | 'transactions'): string {
	const body = csv.slice(csv.indexOf('\n') + 1);
	const cust = (id: string): string =>
		`C${String(Number(id.slice(1)) + j * CUSTOMERS).padStart(7, '0')}`;
	if (column === 'customer') return body.replace(/^C\d+/gm, cust);
	return body.replace(
		/^INV(\d+),(C\d+),/gm,
		(_, inv: string, c: string) => `INV${j}${inv},${cust(c)},`
	);
}

it(`exported DuckDB pipeline: ${CUSTOMERS.toLocaleString('en')} customers in the browser engine, then natively at 1× and 10×`, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'segbook-scale-'));
	const big = mkdtempSync(join(tmpdir(), 'segbook-scale-10x-'));
	try {
		let t = performance.now();
		const csv = retailToCsv(generateRetail({ customers: CUSTOMERS, seed: 7 }));
		writeFileSync(join(dir, 'transactions.csv'), csv.transactions);
		writeFileSync(join(dir, 'customers.csv'), csv.customers);
		const lines = csv.transactions.split('\n').length - 2;
		console.log(
			`sample: ${lines.toLocaleString('en')} order lines, ${(statSync(join(dir, 'transactions.csv')).size / 1e6).toFixed(0)} MB, generated in ${fmt(performance.now() - t)}`
		);

		t = performance.now();
		const engine = await createEngine();
		await engine.loadSource(textFile('transactions.csv', csv.transactions));
		await engine.loadSource(textFile('customers.csv', csv.customers));
		const { recipe } = await engine.suggestRecipe('transactions');
		const ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		const report = await engine.segment(ref, { k: 6, seed: 7 });
		const model = await engine.exportModel(
			{ recipe, features: 'customer_features', segments: 'segments' },
			{ centroids: report.centroids, seed: 7, personas: [] }
		);
		const browserMs = performance.now() - t;
		// What the default n_init = 10 of the final fit costs against 1 and 3 starts (medians of 3).
		const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
		const fitMs = async (restarts: number | undefined): Promise<number> => {
			const times: number[] = [];
			for (let r = 0; r < 3; r++) {
				const s = performance.now();
				await engine.segment(ref, { k: 6, seed: 7, ...(restarts ? { restarts } : {}) });
				times.push(performance.now() - s);
			}
			return median(times);
		};
		const [one1, three, nInit10] = [await fitMs(1), await fitMs(3), await fitMs(undefined)];
		console.log(
			`final fit at k = 6: 1 start ${fmt(one1)}, 3 starts ${fmt(three)}, default 10 starts (+ the sweep's best) ${fmt(nInit10)}: ${(nInit10 / one1).toFixed(1)}× one start`
		);
		await engine.segment(ref, { k: 6, seed: 7 });
		const result = tableFromIPC(
			(await engine.query('SELECT customer_id, segment FROM segments', { rowLimit: 10_000_000 }))
				.ipc
		);
		const browser = new Map<string, string>();
		for (let i = 0; i < result.numRows; i++)
			browser.set(String(result.getChildAt(0)?.get(i)), String(result.getChildAt(1)?.get(i)));

		const script = duckdbScript(model, {
			inputs: [
				{ table: 'transactions', file: 'transactions.csv' },
				{ table: 'customers', file: 'customers.csv' }
			],
			title: 'Scale benchmark',
			created: new Date().toISOString()
		});
		const one = runNative(dir, script);
		const native = readSegmentsCsv(dir);
		let same = 0;
		for (const [key, segment] of native.rows) if (browser.get(key!) === segment) same++;
		const agreement = same / browser.size;
		console.log(
			`browser engine (DuckDB-WASM, node): load → segments → model in ${fmt(browserMs)}; ${browser.size.toLocaleString('en')} customers`
		);
		console.log(
			`native DuckDB ${one.version}, 1×: ${fmt(one.ms)}; same segment as the browser for ${(agreement * 100).toFixed(3)}% (${same.toLocaleString('en')} of ${browser.size.toLocaleString('en')})`
		);
		expect(native.rows.length).toBe(browser.size);
		expect(agreement).toBeGreaterThanOrEqual(0.999);

		// Ten times larger, the same script.
		t = performance.now();
		writeFileSync(join(big, 'transactions.csv'), TRANSACTIONS_CSV_HEADER + '\n');
		writeFileSync(join(big, 'customers.csv'), CUSTOMERS_CSV_HEADER + '\n');
		for (let j = 0; j < 10; j++) {
			const part =
				j === 0 ? csv : retailToCsv(generateRetail({ customers: CUSTOMERS, seed: 7 + j }));
			appendFileSync(join(big, 'transactions.csv'), shifted(part.transactions, j, 'transactions'));
			appendFileSync(join(big, 'customers.csv'), shifted(part.customers, j, 'customer'));
		}
		const size = statSync(join(big, 'transactions.csv')).size / 1e6;
		console.log(`10× file: ${size.toFixed(0)} MB, written in ${fmt(performance.now() - t)}`);
		const ten = runNative(big, script);
		const tenRows = readSegmentsCsv(big).rows.length;
		console.log(
			`native DuckDB, 10×, the same script: ${fmt(ten.ms)} for ${tenRows.toLocaleString('en')} customers (${(ten.ms / one.ms).toFixed(1)}× the 1× time)`
		);
		expect(tenRows).toBe(browser.size * 10);
	} finally {
		rmSync(dir, { recursive: true, force: true });
		rmSync(big, { recursive: true, force: true });
	}
}, 3_600_000);
