#!/usr/bin/env node
/**
 * `npm run bench`: load time and rows per second for the 0.1M, 1M and 10M-row retail files
 * (../shared/bench/gen_retail.py; 6k, 60k and 600k customers), each loaded through the file
 * input of the built app in headless Chromium, then an RFM GROUP BY in a SQL cell.
 * Prints medians of several runs; these machines are shared and noisy, so read ratios.
 *
 *   npm run bench                 all three sizes
 *   BENCH_SIZES=6000,60000 npm run bench
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../helpers/serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const GEN = resolve(ROOT, '../shared/bench/gen_retail.py');
const DATA = join(ROOT, 'bench-data');
const SIZES = (process.env.BENCH_SIZES ?? '6000,60000,600000').split(',').map(Number);
/** @type {Record<number, number>} */
const RUNS = { 6000: 3, 60000: 3, 600000: 1 };
const FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
	'--enable-precise-memory-info'
];

/**
 * @param {number[]} xs
 * @returns {number}
 */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
/** @param {number} ms */
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** @param {number} customers */
function ensureData(customers) {
	const dir = join(DATA, `retail-${customers}`);
	const file = join(dir, 'transactions.csv');
	if (!existsSync(file)) {
		if (!existsSync(GEN)) throw new Error(`${GEN} not found: the benchmark needs ../shared/bench.`);
		mkdirSync(dir, { recursive: true });
		process.stdout.write(`generating ${customers} customers with gen_retail.py… `);
		const t = performance.now();
		execFileSync('python3', [GEN, '--customers', String(customers), '--seed', '7', '--out', dir]);
		console.log(fmt(performance.now() - t));
	}
	return file;
}

/**
 * @param {{ url: string }} site
 * @param {string} file
 */
async function once(site, file) {
	const context = await chromium.launchPersistentContext(join(DATA, `profile-${Date.now()}`), {
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		headless: true,
		args: FLAGS
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		const t0 = performance.now();
		await page.goto(site.url);
		await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
		const start = performance.now() - t0;

		const t1 = performance.now();
		await page.getByLabel('Load data file').setInputFiles(file);
		const data = page.getByRole('region', { name: 'Data: transactions' });
		await data.waitFor({ timeout: 900_000 });
		const load = performance.now() - t1;
		const status = (await page.getByRole('status').first().textContent()) ?? '';
		const rows = Number(/([\d,]+) rows/.exec(status)?.[1]?.replaceAll(',', '') ?? NaN);
		await page
			.getByRole('table', { name: 'Columns of transactions' })
			.waitFor({ timeout: 900_000 });
		const profiled = performance.now() - t1;

		const sql = page.getByRole('region', { name: 'SQL cell 2' });
		await sql.getByRole('textbox', { name: 'SQL' }).fill(
			`SELECT customer_id, date_diff('day', max(invoice_date), TIMESTAMP '2026-01-01') AS recency,
			 count(DISTINCT invoice_id) AS frequency, sum(quantity * unit_price * (1 - discount)) AS monetary
			 FROM transactions GROUP BY customer_id`
		);
		const t2 = performance.now();
		await sql.getByRole('button', { name: 'Run cell' }).click();
		await sql.getByRole('grid').waitFor({ timeout: 900_000 });
		const rfm = performance.now() - t2;
		const heap = await page.evaluate(
			() =>
				/** @type {{ memory?: { usedJSHeapSize: number } }} */ (
					/** @type {unknown} */ (performance)
				).memory?.usedJSHeapSize ?? 0
		);
		return { start, load, profiled, rfm, rows, heap };
	} finally {
		await context.close();
	}
}

await import('node:fs').then(({ mkdirSync: mk }) => mk(DATA, { recursive: true }));
const site = await serve({ dir: join(ROOT, 'dist') });
console.log(
	`Segbook benchmark: built site on ${site.url}, Chromium headless, ${new Date().toISOString()}`
);
console.log(
	'size        file      rows        engine start  load (median)  rows/s      load+profile  RFM SQL   main heap'
);
const results = [];
for (const customers of SIZES) {
	const file = ensureData(customers);
	const mb = statSync(file).size / 1e6;
	const runs = [];
	for (let i = 0; i < (RUNS[customers] ?? 1); i++) runs.push(await once(site, file));
	const r = {
		customers,
		mb,
		rows: runs[0]?.rows ?? 0,
		start: median(runs.map((x) => x.start)),
		load: median(runs.map((x) => x.load)),
		profiled: median(runs.map((x) => x.profiled)),
		rfm: median(runs.map((x) => x.rfm)),
		heap: Math.max(...runs.map((x) => x.heap))
	};
	results.push(r);
	console.log(
		[
			`${customers.toLocaleString('en')} cust`.padEnd(13),
			`${mb.toFixed(0)} MB`.padEnd(10),
			r.rows.toLocaleString('en').padEnd(12),
			fmt(r.start).padEnd(14),
			fmt(r.load).padEnd(15),
			`${Math.round(r.rows / (r.load / 1000)).toLocaleString('en')}`.padEnd(12),
			fmt(r.profiled).padEnd(14),
			fmt(r.rfm).padEnd(10),
			`${(r.heap / 1e6).toFixed(0)} MB`
		].join('')
	);
}
if (results.length > 1) {
	const [a, ...rest] = results;
	for (const b of a ? rest : []) {
		if (!a) break;
		console.log(
			`ratio ${b.customers}/${a.customers} customers: rows ×${(b.rows / a.rows).toFixed(1)}, load time ×${(b.load / a.load).toFixed(1)}`
		);
	}
}
console.log(
	'(runs per size: 3, 3, 1; "load" = file chosen → Data cell shown, including the line check)'
);
await site.close();
