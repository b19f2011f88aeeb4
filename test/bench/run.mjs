#!/usr/bin/env node
/**
 * `npm run bench`: the whole journey in headless Chromium on gen_retail files of 6k, 60k and
 * 600k customers (about 0.1M, 1M and 10M order lines), against the built app on a plain static
 * server: load the transactions file through the file input, features, k sweep, final k-means,
 * export segments.csv. Prints median step times (3 runs; 1 for the largest), rows per second,
 * peak renderer memory, k-means time per iteration against its n·k·d multiply-adds, and, where
 * Debian's python3-pandas and python3-sklearn are installed, the same journey in pandas +
 * scikit-learn (../shared/bench/native_reference.py) with the ratio Segbook / native per step.
 *
 *   npm run bench                         all three sizes
 *   BENCH_SIZES=6000,60000 npm run bench  fewer
 *   BENCH_PIPELINE=0 npm run bench        without the exported-pipeline run at 1× and 10×
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../helpers/chromium-flags.mjs';
import { serve } from '../helpers/serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SHARED = resolve(ROOT, '../shared/bench');
const DATA = join(ROOT, 'bench-data');
const SIZES = (process.env.BENCH_SIZES ?? '6000,60000,600000').split(',').map(Number);
/** @type {Record<number, number>} */
const RUNS = { 6000: 3, 60000: 3, 600000: 1 };
const NATIVE_PYTHON = '/usr/bin/python3';
const STEPS = /** @type {const} */ (['load', 'features', 'k_sweep', 'final_kmeans', 'export']);

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
	if (!existsSync(join(dir, 'transactions.csv'))) {
		mkdirSync(dir, { recursive: true });
		process.stdout.write(`generating ${customers} customers with gen_retail.py… `);
		const t = performance.now();
		execFileSync('python3', [
			join(SHARED, 'gen_retail.py'),
			'--customers',
			String(customers),
			'--seed',
			'7',
			'--out',
			dir
		]);
		console.log(fmt(performance.now() - t));
	}
	return dir;
}

/** Peak resident memory of Chromium's renderer processes (the page and its workers), sampled. */
function memoryWatcher() {
	let peak = 0;
	const timer = setInterval(() => {
		try {
			const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
			let sum = 0;
			for (const line of out.split('\n')) {
				if (line.includes('--type=renderer')) sum += Number(line.trim().split(/\s+/)[0]) * 1024;
			}
			peak = Math.max(peak, sum);
		} catch {
			// ps can fail while processes come and go.
		}
	}, 250);
	return { stop: () => (clearInterval(timer), peak) };
}

/** Milliseconds from a "… 1.23 s" or "… 456 ms" phrase after `label`. */
function msAfter(/** @type {string} */ text, /** @type {RegExp} */ label) {
	const m = new RegExp(label.source + String.raw`\s*([\d.,]+)\s*(ms|s)\b`).exec(text);
	if (!m || !m[1]) return NaN;
	const v = Number(m[1].replaceAll(',', ''));
	return m[2] === 's' ? v * 1000 : v;
}

/**
 * @param {{ url: string }} site
 * @param {string} dir
 */
async function journey(site, dir) {
	const context = await chromium.launchPersistentContext(
		mkdtempSync(join(tmpdir(), 'segbook-bench-')),
		{
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			headless: true,
			args: [...CHROMIUM_FLAGS],
			acceptDownloads: true
		}
	);
	const memory = memoryWatcher();
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(site.url);
		await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
		const t0 = performance.now();
		await page.getByLabel('Load data file').setInputFiles(join(dir, 'transactions.csv'));
		const segments = page.getByRole('region', { name: 'Segments' });
		// Segments, or an error anywhere (out of memory, …): never wait forever.
		const outcome = await Promise.race([
			segments
				.getByText(/segments of [\d,]+ customers/)
				.waitFor({ timeout: 1_800_000 })
				.then(() => 'segments'),
			page
				.getByRole('alert')
				.first()
				.waitFor({ timeout: 1_800_000 })
				.then(
					() => 'alert',
					() => 'closed'
				)
		]);
		if (outcome !== 'segments') {
			throw new Error(`the app reported: ${await page.getByRole('alert').first().textContent()}`);
		}
		const wall = performance.now() - t0;
		const text = (/** @type {string} */ s) => s.replace(/\s+/g, ' ');
		const data = text(
			(await page.getByRole('region', { name: 'Data: transactions' }).textContent()) ?? ''
		);
		const features = text(
			(await page.getByRole('region', { name: /^Features/ }).textContent()) ?? ''
		);
		const seg = text((await segments.textContent()) ?? '');
		const rows = Number(/([\d,]+) data lines/.exec(data)?.[1]?.replaceAll(',', '') ?? NaN);
		// Export on its own: once the Personas cell and the column profiles (which run after the
		// segments) have finished, so it does not queue behind them.
		await page
			.getByRole('region', { name: 'Personas' })
			.getByRole('article')
			.first()
			.waitFor({ timeout: 1_800_000 });
		await page
			.getByRole('table', { name: 'Columns of transactions' })
			.waitFor({ timeout: 1_800_000 });
		const t1 = performance.now();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export segments' }).click()
		]);
		await download.path();
		const exportMs = performance.now() - t1;
		const kmeans = /k-means: ([\d.]+) ms per iteration for n·k·d = ([\d,]+) multiply-adds/.exec(
			seg
		);
		return {
			rows,
			wall,
			load: msAfter(data, /loaded in/),
			features: msAfter(features, /built in/),
			k_sweep: msAfter(seg, /sweep took/),
			final_kmeans: msAfter(seg, /iterations ·/),
			export: exportMs,
			msPerIteration: Number(kmeans?.[1] ?? NaN),
			multiplyAdds: Number(kmeans?.[2]?.replaceAll(',', '') ?? NaN),
			peak: memory.stop()
		};
	} finally {
		memory.stop();
		await context.close();
	}
}

/** @param {string} dir */
function native(dir) {
	if (!existsSync(NATIVE_PYTHON)) return null;
	try {
		execFileSync(NATIVE_PYTHON, ['-c', 'import pandas, sklearn'], { stdio: 'ignore' });
	} catch {
		return null;
	}
	const out = mkdtempSync(join(tmpdir(), 'segbook-native-'));
	const text = execFileSync(NATIVE_PYTHON, [join(SHARED, 'native_reference.py'), dir, out], {
		encoding: 'utf8'
	});
	/** @type {Record<string, number>} */
	const t = {};
	for (const line of text.split('\n')) {
		const [name, value] = line.trim().split(/\s+/);
		if (name && value && !Number.isNaN(Number(value))) t[name] = Number(value) * 1000;
	}
	return {
		load: (t.read_csv ?? 0) + (t.import ?? 0),
		features: (t.features ?? 0) + (t.scale ?? 0),
		k_sweep: t.k_sweep ?? NaN,
		final_kmeans: t.final_kmeans ?? NaN,
		export: t.export ?? NaN,
		total: t.total ?? NaN,
		bestK: /best_k (\d+)/.exec(text)?.[1] ?? '?'
	};
}

const site = await serve({ dir: join(ROOT, 'dist') });
console.log(
	`Segbook benchmark · ${new Date().toISOString()} · headless Chromium · built site on a plain static server`
);
console.log(
	'Medians of 3 runs (1 for 600k customers). Steps as the app reports them; "native" = pandas + scikit-learn.\n'
);
for (const customers of SIZES) {
	const dir = ensureData(customers);
	const mb = statSync(join(dir, 'transactions.csv')).size / 1e6;
	/** @type {Awaited<ReturnType<typeof journey>>[]} */
	const runs = [];
	for (let i = 0; i < (RUNS[customers] ?? 1); i++) runs.push(await journey(site, dir));
	/** @param {string} k */
	const med = (k) =>
		median(
			runs.map((r) => /** @type {Record<string, number>} */ (/** @type {unknown} */ (r))[k] ?? NaN)
		);
	const nat = native(dir);
	const rows = runs[0]?.rows ?? NaN;
	console.log(
		`${customers.toLocaleString('en')} customers · ${rows.toLocaleString('en')} rows · ${mb.toFixed(0)} MB`
	);
	console.log('  step           Segbook     native      Segbook/native');
	let total = 0;
	for (const step of STEPS) {
		const ours = med(step);
		total += ours;
		const theirs = nat ? nat[step] : NaN;
		console.log(
			`  ${step.padEnd(14)} ${fmt(ours).padEnd(11)} ${nat ? fmt(theirs).padEnd(11) : '—'.padEnd(11)} ${nat ? (ours / theirs).toFixed(2) : ''}`
		);
	}
	console.log(
		`  ${'total'.padEnd(14)} ${fmt(total).padEnd(11)} ${nat ? fmt(nat.total).padEnd(11) : '—'.padEnd(11)} ${nat ? (total / nat.total).toFixed(2) : ''}`
	);
	console.log(
		`  wall clock, file chosen → segments shown (profiling runs alongside): ${fmt(med('wall'))}`
	);
	console.log(`  load: ${Math.round(rows / (med('load') / 1000)).toLocaleString('en')} rows/s`);
	console.log(
		`  k-means: ${med('msPerIteration').toFixed(2)} ms per Lloyd iteration, n·k·d = ${med('multiplyAdds').toLocaleString('en')} multiply-adds (${(med('multiplyAdds') / med('msPerIteration') / 1e6).toFixed(2)} per ns)`
	);
	console.log(
		`  peak renderer memory (page + workers): ${(Math.max(...runs.map((r) => r.peak)) / 1e6).toFixed(0)} MB`
	);
	if (nat) console.log(`  native best k: ${nat.bestK}`);
	console.log('');
}
await site.close();

// The exported DuckDB pipeline on native DuckDB at 1× and 10× (test/bench/pipeline-scale.bench.ts).
if (process.env.BENCH_PIPELINE !== '0') {
	console.log('Exported DuckDB pipeline, native DuckDB (@duckdb/node-api):');
	execFileSync('npx', ['vitest', 'run', '--project', 'bench'], { cwd: ROOT, stdio: 'inherit' });
}
