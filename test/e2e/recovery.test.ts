/**
 * The engine can die (out of memory, a wasm trap) or hang on a runaway query: the worker is
 * restarted, locked down again and the loaded files reloaded, with a clear message, and the
 * notebook carries on. Cancel stops a runaway query without freezing the page.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { openSession, type Session } from '../helpers/browser';
import { runSql, textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const fixtures = join(import.meta.dirname, '../fixtures');

describe.skipIf(!browser)('engine recovery in Chromium', () => {
	let site: Awaited<ReturnType<typeof serve>>;
	let session: Session;
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
		session = await openSession();
		await session.page.goto(`${site.url}?testHooks`);
		await session.page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await session.page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		await session.page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
	});
	afterAll(async () => {
		await session?.close();
		await site?.close();
	});

	it('a crashed engine restarts with a clear message, its files reloaded', async () => {
		const page = session.page;
		await page.evaluate(() =>
			(window as unknown as { __segbookCrashEngine(): void }).__segbookCrashEngine()
		);
		await page
			.getByRole('alert')
			.filter({ hasText: /engine restarted; your files are reloaded/ })
			.waitFor({ timeout: 30_000 });
		await runSql(page, 'SQL cell 2', 'SELECT count(*) AS n FROM orders');
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await cell.getByRole('grid').waitFor({ timeout: 60_000 });
		expect(await cell.getByRole('gridcell').first().textContent()).toBe('6');
		// Calls cut off by the crash (the table list, the profile) end in messages, never in an
		// unhandled rejection.
		expect(session.pageErrors).toEqual([]);
	});

	it('cancels a runaway query and keeps the page responsive', async () => {
		const page = session.page;
		await runSql(page, 'SQL cell 2', 'SELECT count(*) FROM range(10000000000) a, range(10) b');
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await cell.getByRole('button', { name: 'Cancel' }).waitFor({ timeout: 10_000 });
		// The main thread answers while DuckDB works.
		const started = Date.now();
		await page.evaluate(() => 1 + 1);
		expect(Date.now() - started).toBeLessThan(1000);
		await cell.getByRole('button', { name: 'Cancel' }).click();
		await expect.poll(() => textOf(cell), { timeout: 30_000 }).toMatch(/Cancelled/);
		await runSql(page, 'SQL cell 2', 'SELECT count(*) AS n FROM orders');
		await expect
			.poll(() => cell.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe('6');
		expect(session.pageErrors).toEqual([]);
	});

	it('stops a runaway query at the cell’s time limit, restarts with the files, and never freezes the page', async () => {
		const page = session.page;
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await cell.getByRole('spinbutton', { name: 'Time limit (s)' }).fill('3');
		await cell.getByRole('spinbutton', { name: 'Time limit (s)' }).press('Tab');
		// Long tasks on the main thread from here on (Chromium's Long Tasks API: ≥ 50 ms each).
		await page.evaluate(() => {
			const w = window as unknown as { __longTasks: number[] };
			w.__longTasks = [];
			new PerformanceObserver((list) => {
				for (const e of list.getEntries()) w.__longTasks.push(e.duration);
			}).observe({ type: 'longtask', buffered: false });
		});
		const started = Date.now();
		await runSql(page, 'SQL cell 2', 'SELECT count(*) FROM range(1000000000000) a, range(10) b');
		const stopped = cell.getByRole('alert').filter({ hasText: /Stopped after 3 s/ });
		await stopped.waitFor({ timeout: 60_000 });
		const took = Date.now() - started;
		expect(took).toBeGreaterThanOrEqual(3000);
		expect(await textOf(stopped)).toMatch(/Time limit/);
		await runSql(page, 'SQL cell 2', 'SELECT count(*) AS n FROM orders');
		await expect
			.poll(() => cell.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe('6');
		const longTasks = await page.evaluate(
			() => (window as unknown as { __longTasks: number[] }).__longTasks
		);
		console.log(
			`watchdog: stopped after ${took} ms; main-thread long tasks: ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks))} ms`
		);
		// The stop, the restart and the reload of the file never hold the page for long.
		expect(Math.max(0, ...longTasks)).toBeLessThan(500);
		expect(session.pageErrors).toEqual([]);
	});

	it('a query that needs more memory than a tab has gets a plain message, and the next one runs', async () => {
		// RELIABILITY.md §3 case 25, a real over-allocation: about 6 GB of text against the
		// engine's 3 GB limit.
		const page = session.page;
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await cell.getByRole('spinbutton', { name: 'Time limit (s)' }).fill('');
		await cell.getByRole('spinbutton', { name: 'Time limit (s)' }).press('Tab');
		await runSql(page, 'SQL cell 2', "SELECT list(repeat('x', 100000000)) AS l FROM range(60)");
		const refused = cell
			.getByRole('alert')
			.filter({ hasText: /needs more memory than a browser tab/ });
		await refused.waitFor({ timeout: 90_000 });
		expect(await textOf(refused)).toMatch(/Use fewer rows .* Your notebook is intact/);
		await runSql(page, 'SQL cell 2', 'SELECT count(*) AS n FROM orders');
		await expect
			.poll(() => cell.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe('6');
		expect(session.pageErrors).toEqual([]);
	});
});
