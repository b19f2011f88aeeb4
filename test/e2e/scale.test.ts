/**
 * Past the tab (issue 16), in headless Chromium: Export pipeline is a keyboard menu button whose
 * DuckDB SQL runs unchanged on native DuckDB and agrees with Export segments; an exported model
 * scores a second file in a fresh notebook; a file over the memory budget (set small here) gets
 * the pre-flight message and a sample of its customers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { chromiumPath } from '../helpers/browser';
import { parseCsv, readSegmentsCsv, runNative, scratchFolder } from '../helpers/native-pipeline';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

describe.skipIf(!browser)('model, pipeline and pre-flight in Chromium', () => {
	let app: App;
	const orders = retailToCsv(generateRetail({ customers: 500, seed: 5 })).transactions;
	const model = join(tmpdir(), 'segbook-e2e-model.json');
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('Export pipeline: a menu button by keyboard; its DuckDB SQL agrees with Export segments natively', async () => {
		const page = app.page;
		const file = join(tmpdir(), 'orders.csv');
		writeFileSync(file, orders);
		await page.getByLabel('Load data file').setInputFiles(file);
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of [\d,]+ customers/);
		// Once everything has run (personas, then the column profiles), the app moves the focus to
		// the segments (WCAG 2.4.3): drive the menu after that, not during it.
		await page
			.getByRole('region', { name: 'Personas' })
			.getByRole('article')
			.first()
			.waitFor({ timeout: 120_000 });
		await page.getByRole('table', { name: 'Columns of orders' }).waitFor({ timeout: 120_000 });

		const button = segments.getByRole('button', { name: 'Export pipeline' });
		await button.focus();
		await page.keyboard.press('ArrowDown');
		const menu = segments.getByRole('menu', { name: 'Export pipeline' });
		await expect.poll(() => button.getAttribute('aria-expanded')).toBe('true');
		const focused = (): Promise<string> =>
			page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
		expect(await focused()).toBe('DuckDB SQL');
		await page.keyboard.press('End');
		expect(await focused()).toBe('Spark SQL');
		await page.keyboard.press('ArrowDown');
		expect(await focused()).toBe('DuckDB SQL');
		await page.keyboard.press('ArrowUp');
		expect(await focused()).toBe('Spark SQL');
		await page.keyboard.press('Home');
		expect(await focused()).toBe('DuckDB SQL');
		await page.keyboard.press('Escape');
		expect(await menu.count()).toBe(0);
		expect(await focused()).toBe('Export pipeline');
		await page.keyboard.press('Enter');
		await page.keyboard.press('ArrowDown');
		expect(await focused()).toBe('BigQuery SQL');
		await page.keyboard.press('Escape');

		await button.click();
		const [sql] = await Promise.all([
			page.waitForEvent('download'),
			menu.getByRole('menuitem', { name: 'DuckDB SQL' }).click()
		]);
		expect(sql.suggestedFilename()).toBe('segbook-pipeline.duckdb.sql');
		const script = readFileSync((await sql.path())!, 'utf8');
		expect(script).toMatch(/^-- Segbook pipeline · DuckDB SQL/);
		// Read as the notebook read it: its columns and dialect, nothing re-guessed natively.
		expect(script).toMatch(/read_csv\('orders\.csv', auto_detect = false, columns = \{/);

		const [csv] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export segments' }).click()
		]);
		const exported = parseCsv(readFileSync((await csv.path())!, 'utf8'));
		const dir = scratchFolder({ 'orders.csv': orders });
		runNative(dir, script);
		const native = readSegmentsCsv(dir);
		expect(native.header).toEqual(exported.header);
		const browserSegment = new Map(exported.rows.map((r) => [r[0], r[1]]));
		const same = native.rows.filter((r) => browserSegment.get(r[0]) === r[1]).length;
		expect(same / exported.rows.length).toBeGreaterThanOrEqual(0.999);

		const [bq] = await Promise.all([
			page.waitForEvent('download'),
			button.click().then(() => menu.getByRole('menuitem', { name: 'BigQuery SQL' }).click())
		]);
		expect(readFileSync((await bq.path())!, 'utf8')).toContain("kmeans_init_method = 'CUSTOM'");

		const [m] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export model' }).click()
		]);
		writeFileSync(model, readFileSync((await m.path())!));
		expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({
			format: 'segbook-model',
			version: 1
		});
	});

	it('an exported model scores a second file in a fresh notebook', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Notebook', exact: true }).click();
		await page.getByRole('menuitem', { name: 'New notebook' }).click();
		await page.getByRole('region', { name: 'Welcome' }).waitFor({ timeout: 30_000 });
		const next = join(tmpdir(), 'next_month.csv');
		writeFileSync(next, retailToCsv(generateRetail({ customers: 300, seed: 77 })).transactions);
		await page.getByLabel('Load data file').setInputFiles(next);
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of [\d,]+ customers/);

		await segments.getByRole('button', { name: 'Score new customers' }).click();
		const panel = segments.getByRole('region', { name: 'Score new customers' });
		await panel.getByLabel('Open model file').setInputFiles(model);
		await expect
			.poll(() => textOf(panel))
			.toMatch(/Model: segbook-e2e-model\.json \(\d+ segments\)/);
		await panel.getByRole('combobox', { name: 'Table to score' }).selectOption('next_month');
		await panel.getByRole('button', { name: 'Score', exact: true }).click();
		await expect
			.poll(() => textOf(panel), { timeout: 60_000 })
			.toMatch(/\d+ customers of next_month scored into table next_month_scored/);
		expect(await textOf(panel)).toMatch(
			/\(\d+\.\d%\) are farther from their centre than any customer/
		);
		const rows = panel
			.getByRole('table', { name: 'Scored customers per segment' })
			.getByRole('row');
		const k = (JSON.parse(readFileSync(model, 'utf8')) as { centroids: unknown[] }).centroids
			.length;
		expect(await rows.count()).toBe(k + 1);

		const [scored] = await Promise.all([
			page.waitForEvent('download'),
			panel.getByRole('button', { name: 'Export scored segments' }).click()
		]);
		const file = parseCsv(readFileSync((await scored.path())!, 'utf8'));
		expect(file.header).toEqual(['customer_id', 'segment', 'persona']);
		const scoredCount = Number(
			/([\d,]+) customers of next_month scored/.exec(await textOf(panel))?.[1]?.replaceAll(',', '')
		);
		// Customers with no purchase left (only returns) are left out, as in the Features cell.
		expect(scoredCount).toBeGreaterThan(250);
		expect(file.rows).toHaveLength(scoredCount);
	});

	it('a file over the memory budget gets the pre-flight message and a sample of its customers', async () => {
		const page = app.page;
		await page.evaluate(() => localStorage.setItem('segbook.memoryBudgetBytes', '100000'));
		try {
			const big = join(tmpdir(), 'too_big.csv');
			writeFileSync(big, orders);
			await page.getByLabel('Load data file').setInputFiles(big);
			const notice = page.getByRole('alert').filter({ hasText: 'too_big.csv is' });
			await notice.waitFor({ timeout: 30_000 });
			expect(await textOf(notice)).toMatch(
				/more than this tab can hold .*Segment a sample of its customers \(1 in \d+\).*Export pipeline → DuckDB SQL/
			);
			await notice.getByRole('button', { name: /^Segment a sample of its customers/ }).click();
			await expect
				.poll(() => textOf(page.getByRole('status').first()), { timeout: 60_000 })
				.toMatch(/Loaded a sample of too_big\.csv/);
			expect(await page.getByRole('region', { name: 'Data: too_big' }).count()).toBe(1);
		} finally {
			await page.evaluate(() => localStorage.removeItem('segbook.memoryBudgetBytes'));
		}
	});
});
