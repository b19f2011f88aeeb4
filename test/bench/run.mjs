#!/usr/bin/env node
/**
 * `npm run bench`: the whole journey in headless Chromium on gen_retail files of 6k, 60k and
 * 600k customers (about 0.1M, 1M and 10M order lines), against the built app on a plain static
 * server: load the transactions file through the file input, features, k sweep, final k-means,
 * export segments.csv. Prints median step times (3 runs; 1 for the largest), rows per second,
 * peak renderer memory, k-means time per Lloyd iteration (the iterations alone) against its n·k·d
 * multiply-adds (in the journey, and the same fit once more on a quiet page), main-thread long
 * tasks (count and longest) at app start and during the journey, and, where Debian's python3-pandas and python3-sklearn are installed, the same journey in
 * pandas + scikit-learn (../shared/bench/native_reference.py) with the ratio Segbook / native per
 * step; the load against native DuckDB's single-threaded read_csv (@duckdb/node-api) on the same
 * file; the lesson's time to ready at 6,000 customers; then each target of issue 14 against its
 * figure from this run.
 *
 *   npm run bench                         all three sizes
 *   BENCH_SIZES=6000,60000 npm run bench  fewer
 *   BENCH_LESSON=0 npm run bench          without the lesson
 *   BENCH_PIPELINE=0 npm run bench        without the exported-pipeline run at 1× and 10×
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../helpers/chromium-flags.mjs';
import { serve } from '../helpers/serve.mjs';
import { mark, observeLongTasks, read as readLongTasks } from './longtasks.mjs';
import { nativeReadCsv } from './native-duckdb.mjs';

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

/** A fresh headless Chromium with the long-task observer installed before the app's scripts. */
async function launch() {
	const profile = mkdtempSync(join(tmpdir(), 'segbook-bench-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		headless: true,
		args: [...CHROMIUM_FLAGS],
		acceptDownloads: true
	});
	// The profile (hundreds of MB after a large journey) goes with the browser.
	context.on('close', () => {
		try {
			rmSync(profile, { recursive: true, force: true });
		} catch {
			// Best effort: a file the browser was still writing.
		}
	});
	await context.addInitScript(observeLongTasks);
	return context;
}

/**
 * Segmentation 101 at 6,000 customers: from the Start click to "lesson is ready" (issue 13).
 * @param {{ url: string }} site
 */
async function lesson(site) {
	const context = await launch();
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 120_000 });
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('6000');
		const since = await mark(page);
		const t0 = performance.now();
		await dialog.getByRole('button', { name: 'Start Segmentation 101' }).click();
		await page
			.getByRole('status')
			.filter({ hasText: 'lesson is ready' })
			.waitFor({ timeout: 600_000 });
		return { ms: performance.now() - t0, longTasks: await readLongTasks(page, since) };
	} finally {
		await context.close();
	}
}

/**
 * @param {{ url: string }} site
 * @param {string} dir
 */
async function journey(site, dir) {
	const context = await launch();
	const memory = memoryWatcher();
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 120_000 });
		const startTasks = await readLongTasks(page, 0);
		const since = await mark(page);
		const t0 = performance.now();
		await page.getByLabel('Load data file').setInputFiles(join(dir, 'transactions.csv'));
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
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
		const journeyTasks = await readLongTasks(page, since);
		const text = (/** @type {string} */ s) => s.replace(/\s+/g, ' ');
		const data = text(
			(await page.getByRole('region', { name: 'Data: transactions' }).textContent()) ?? ''
		);
		const features = text(
			(await page.getByRole('region', { name: /^Features/ }).textContent()) ?? ''
		);
		const seg = text((await segments.textContent()) ?? '');
		const rows = Number(/([\d,]+) data lines/.exec(data)?.[1]?.replaceAll(',', '') ?? NaN);
		// Export on its own: once the Personas cell, its insights and the column profiles (which run
		// after the segments) have finished, so it does not queue behind them.
		await page
			.getByRole('region', { name: 'Personas' })
			.getByRole('article')
			.first()
			.waitFor({ timeout: 1_800_000 });
		await page
			.getByRole('table', { name: 'Columns of transactions' })
			.waitFor({ timeout: 1_800_000 });
		// The persona cards' insights (rules, diagnostics, retention, stability last) run in the
		// engine after the personas; the export would queue behind them.
		await page
			.getByRole('region', { name: 'Personas' })
			.getByRole('article')
			.first()
			.getByText(/Stability \d/)
			.waitFor({ timeout: 1_800_000 });
		const t1 = performance.now();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export segments' }).click()
		]);
		await download.path();
		const exportMs = performance.now() - t1;
		const kmeansFigure =
			/k-means: ([\d.]+) ms per iteration \(median\) for n·k·d = ([\d,]+) multiply-adds/;
		const kmeans = kmeansFigure.exec(seg);
		const quiet = kmeansFigure.exec(await refitOnQuietPage(page));
		return {
			rows,
			wall,
			load: msAfter(data, /loaded in/),
			features: msAfter(features, /built in/),
			k_sweep: msAfter(seg, /sweep took/),
			final_kmeans: msAfter(seg, /iterations ·/),
			export: exportMs,
			msPerIteration: Number(kmeans?.[1] ?? NaN),
			quietMsPerIteration: Number(quiet?.[1] ?? NaN),
			multiplyAdds: Number(kmeans?.[2]?.replaceAll(',', '') ?? NaN),
			kernel: /(WebAssembly SIMD|TypeScript) kernel/.exec(seg)?.[1] ?? '?',
			startTasks,
			journeyTasks,
			afterTasks: await readLongTasks(page, since),
			peak: memory.stop()
		};
	} finally {
		memory.stop();
		await context.close();
	}
}

/**
 * The Segments cell run again once the journey has finished: the same sweep and final fit, with
 * nothing else on the page running. During the journey the fit shares the two cores with its
 * second thread, the page's chart drawing and the engine's queries; this times the kernel itself.
 * Returns the cell's text when it is done again.
 * @param {import('playwright-core').Page} page
 */
async function refitOnQuietPage(page) {
	const segments = page.getByRole('region', { name: 'Segments', exact: true });
	const cell = await segments.elementHandle();
	await page.evaluate((el) => {
		const seen = /** @type {string[]} */ ([]);
		/** @type {any} */ (window).__segbookStatuses = seen;
		new MutationObserver(() => seen.push(String(el?.getAttribute('data-status')))).observe(
			/** @type {Element} */ (el),
			{ attributes: true, attributeFilter: ['data-status'] }
		);
	}, cell);
	await segments.getByRole('button', { name: 'Run cell' }).click();
	await page.waitForFunction(
		() => {
			const seen = /** @type {string[]} */ (/** @type {any} */ (window).__segbookStatuses);
			return seen.some((s) => s !== 'done') && seen.at(-1) === 'done';
		},
		undefined,
		{ timeout: 600_000 }
	);
	return ((await segments.textContent()) ?? '').replace(/\s+/g, ' ');
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

/**
 * @param {{ count: number, over100: number, longest: number }[]} xs
 * @returns {string}
 */
const tasksText = (xs) =>
	`${median(xs.map((x) => x.count))} over 50 ms, ${median(xs.map((x) => x.over100))} over 100 ms, longest ${fmt(median(xs.map((x) => x.longest)))}`;

/** The targets, filled in as the sizes run: [what, figure, target, met]. */
/** @type {[string, string, string, boolean][]} */
const targets = [];

const site = await serve({ dir: join(ROOT, 'dist') });
console.log(
	`Segbook benchmark · ${new Date().toISOString()} · headless Chromium · built site on a plain static server`
);
console.log(
	'Medians of 3 runs (1 for 600k customers). Steps as the app reports them; "native" = pandas + scikit-learn.\n'
);
if (process.env.BENCH_LESSON !== '0') {
	/** @type {Awaited<ReturnType<typeof lesson>>[]} */
	const runs = [];
	for (let i = 0; i < 3; i++) runs.push(await lesson(site));
	const ms = median(runs.map((r) => r.ms));
	console.log(`Segmentation 101 at 6,000 customers: ready ${fmt(ms)} after Start (median of 3)`);
	console.log(`  main-thread long tasks: ${tasksText(runs.map((r) => r.longTasks))}\n`);
	targets.push(['lesson ready at 6,000 customers (issue 13)', fmt(ms), '≤ 5 s', ms <= 5000]);
}
for (const customers of SIZES) {
	const dir = ensureData(customers);
	const file = join(dir, 'transactions.csv');
	const mb = statSync(file).size / 1e6;
	/** @type {Awaited<ReturnType<typeof journey>>[]} */
	const runs = [];
	for (let i = 0; i < (RUNS[customers] ?? 1); i++) runs.push(await journey(site, dir));
	/** @param {string} k */
	const med = (k) =>
		median(
			runs.map((r) => /** @type {Record<string, number>} */ (/** @type {unknown} */ (r))[k] ?? NaN)
		);
	const nat = native(dir);
	const duck = await nativeReadCsv(file, RUNS[customers] ?? 1);
	// The Data cell's wording of its line check changes; native DuckDB counts the same file.
	const rows = Number.isFinite(runs[0]?.rows) ? (runs[0]?.rows ?? NaN) : duck.rows;
	const label = `${(rows / 1e6).toFixed(rows < 1e6 ? 1 : 0)}M rows`;
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
	if (!nat) console.log('  (pandas + scikit-learn: install Debian python3-pandas python3-sklearn)');
	console.log(
		`  wall clock, file chosen → segments shown (profiling runs alongside): ${fmt(med('wall'))}`
	);
	const load = med('load');
	console.log(`  load: ${Math.round(rows / (load / 1000)).toLocaleString('en')} rows/s`);
	console.log(
		`  native DuckDB read_csv, 1 thread (${duck.version}, ${duck.rows.toLocaleString('en')} rows): ${fmt(duck.ms)}; Segbook load / native read_csv = ${(load / duck.ms).toFixed(2)}`
	);
	const perNs = med('multiplyAdds') / med('msPerIteration') / 1e6;
	const quietPerNs = med('multiplyAdds') / med('quietMsPerIteration') / 1e6;
	console.log(
		`  k-means (${runs[0]?.kernel} kernel), n·k·d = ${med('multiplyAdds').toLocaleString('en')} multiply-adds per Lloyd iteration (iterations alone):`
	);
	console.log(
		`    in the journey (sharing the cores): ${med('msPerIteration').toFixed(2)} ms per iteration (${perNs.toFixed(2)} per ns)`
	);
	console.log(
		`    the same fit on a quiet page:       ${med('quietMsPerIteration').toFixed(2)} ms per iteration (${quietPerNs.toFixed(2)} per ns)`
	);
	console.log(`  main-thread long tasks, app start: ${tasksText(runs.map((r) => r.startTasks))}`);
	console.log(
		`  main-thread long tasks, file chosen → segments shown: ${tasksText(runs.map((r) => r.journeyTasks))}`
	);
	console.log(
		`  main-thread long tasks, file chosen → export done: ${tasksText(runs.map((r) => r.afterTasks))}`
	);
	const peak = Math.max(...runs.map((r) => r.peak));
	console.log(`  peak renderer memory (page + workers): ${(peak / 1e6).toFixed(0)} MB`);
	if (nat) console.log(`  native best k: ${nat.bestK}`);
	console.log('');

	if (nat && customers >= 60000) {
		const cap = customers >= 600000 ? 0.5 : 0.4;
		const ratio = total / nat.total;
		targets.push([
			`journey ${label} / pandas + scikit-learn`,
			ratio.toFixed(2),
			`≤ ${cap}`,
			ratio <= cap
		]);
	}
	targets.push([
		`load ${label} / native read_csv`,
		(load / duck.ms).toFixed(2),
		'≤ 1.25',
		load / duck.ms <= 1.25
	]);
	targets.push([
		`kernel ${label}, multiply-adds per ns (quiet page)`,
		`${quietPerNs.toFixed(2)} (${perNs.toFixed(2)} in the journey)`,
		'≥ 2.4',
		quietPerNs >= 2.4
	]);
	const over = median(runs.map((r) => r.afterTasks.over100));
	const longest = median(runs.map((r) => r.afterTasks.longest));
	targets.push([
		`main-thread tasks over 100 ms, ${label} journey`,
		`${over} (longest ${fmt(longest)})`,
		'0',
		over === 0
	]);
	if (customers >= 600000) {
		targets.push([
			`peak renderer memory ${label}`,
			`${(peak / 1e9).toFixed(2)} GB`,
			'≤ 3.04 GB',
			peak <= 3.04e9
		]);
	}
}
await site.close();

console.log('Targets (issue 14), this run:');
for (const [what, figure, target, met] of targets) {
	console.log(
		`  ${met ? 'met   ' : 'MISSED'} ${what.padEnd(48)} ${figure.padEnd(22)} target ${target}`
	);
}

// The exported DuckDB pipeline on native DuckDB at 1× and 10× (test/bench/pipeline-scale.bench.ts).
if (process.env.BENCH_PIPELINE !== '0') {
	console.log('Exported DuckDB pipeline, native DuckDB (@duckdb/node-api):');
	execFileSync('npx', ['vitest', 'run', '--project', 'bench'], { cwd: ROOT, stdio: 'inherit' });
}
