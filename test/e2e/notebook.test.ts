/**
 * Nobody loses work and links travel: a reload brings the notebook back (files re-attached by
 * the user, checked), a share link opens in a fresh browser as a new notebook whose cells wait
 * to be run, re-attaching the same file gives the same segments, and damaged or oversized links
 * give a clear alert and a usable app.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { chromiumPath, foreignRequests, openSession } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const shop = join(tmpdir(), 'shop.csv');
const fixtures = join(import.meta.dirname, '../fixtures');

/** The segment sizes as the Segments cell shows them, e.g. "1 412 2 300 …". */
async function segmentSizes(app: App): Promise<string> {
	const table = app.page.getByRole('table', { name: 'Segment sizes and feature means' });
	await table.waitFor({ timeout: 120_000 });
	return (await table.evaluate((t: HTMLElement) => t.innerText)).replace(/[ \t]+/g, ' ');
}

describe.skipIf(!browser)('the notebook in Chromium', () => {
	let app: App;
	let sizes = '';
	let link = '';
	beforeAll(async () => {
		writeFileSync(shop, retailToCsv(generateRetail({ customers: 300, seed: 9 })).transactions);
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('builds a notebook from a file', async () => {
		await app.page.getByLabel('Load data file').setInputFiles(shop);
		sizes = await segmentSizes(app);
		expect(sizes).toMatch(/All 300 100%/);
		expect(sizes.split('\n').length).toBeGreaterThan(3);
	});

	it('a reload brings the notebook back and asks for the file, then gives the same segments', async () => {
		const page = app.page;
		await page.waitForTimeout(1200); // autosave runs within a second
		await page.reload();
		const data = page.getByRole('region', { name: 'Data: shop' });
		await data.getByText('Re-attach shop.csv').waitFor({ timeout: 30_000 });
		expect(await page.getByRole('region', { name: 'Segments', exact: true }).isVisible()).toBe(
			true
		);
		await data.getByLabel('Re-attach shop.csv').setInputFiles(shop);
		await expect.poll(() => segmentSizes(app), { timeout: 120_000 }).toBe(sizes);
	});

	it('a second tab on the same notebook is read-only and can edit a copy', async () => {
		const second = await app.session.context.newPage();
		try {
			await second.goto(app.site.url);
			const banner = second.getByRole('status').filter({ hasText: 'open in another tab' });
			await banner.waitFor({ timeout: 30_000 });
			await banner.getByRole('button', { name: 'Edit a copy here' }).click();
			await expect.poll(() => banner.count()).toBe(0);
			expect(await second.getByRole('textbox', { name: 'Notebook title' }).inputValue()).toMatch(
				/\(copy\)$/
			);
		} finally {
			await second.close();
		}
	});

	it('copies a share link that opens in a fresh browser, checks the file, and runs on request', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Copy share link' }).click();
		await expect.poll(() => page.url()).toMatch(/#nb=1\./);
		link = page.url();
		expect(link.length).toBeLessThan(2000);
		expect(link).not.toContain('C000');

		const other = await openSession();
		try {
			const p = other.page;
			await p.goto(link);
			const data = p.getByRole('region', { name: 'Data: shop' });
			await data.getByText('Re-attach shop.csv').waitFor({ timeout: 60_000 });
			expect(await textOf(p.locator('body'))).toMatch(/cells have not run/);
			expect(await textOf(p.getByRole('region', { name: 'Segments', exact: true }))).toMatch(
				/not run/
			);
			// The wrong file is refused by its columns before anything runs.
			await data.getByLabel('Re-attach shop.csv').setInputFiles(join(fixtures, 'orders.csv'));
			await expect
				.poll(() => textOf(data), { timeout: 30_000 })
				.toMatch(/lacks the columns .*customer_id/);
			await data.getByLabel('Re-attach shop.csv').setInputFiles(shop);
			await p.getByRole('status').filter({ hasText: 'Press Run all' }).waitFor({ timeout: 30_000 });
			// RELIABILITY.md §3 case 11: re-attaching the file runs nothing of a link by itself.
			await p.waitForTimeout(1500);
			expect(await textOf(p.getByRole('region', { name: 'Segments', exact: true }))).toMatch(
				/not run/
			);
			expect(await p.getByRole('table', { name: 'Segment sizes and feature means' }).count()).toBe(
				0
			);
			await p.getByRole('button', { name: 'Run all' }).click();
			const table = p.getByRole('table', { name: 'Segment sizes and feature means' });
			await table.waitFor({ timeout: 120_000 });
			expect((await table.evaluate((t: HTMLElement) => t.innerText)).replace(/[ \t]+/g, ' ')).toBe(
				sizes
			);
			expect(other.pageErrors).toEqual([]);
			expect(foreignRequests(other.requests, new URL(link).origin + '/')).toEqual([]);
		} finally {
			await other.close();
		}
	});

	it('a reload after copying the link reopens the analyst’s own notebook, not a copy', async () => {
		const page = app.page;
		expect(page.url()).toContain('#nb=');
		await page.reload();
		await page.getByRole('region', { name: 'Data: shop' }).waitFor({ timeout: 60_000 });
		expect(page.url()).not.toContain('#nb=');
		expect(await textOf(page.locator('body'))).not.toMatch(/Opened from a link/);
	});

	it('the link opened in another tab of the same browser is a copy: nothing runs, the own notebook stays', async () => {
		// RELIABILITY.md §3 case 11. Same browser, same storage: the analyst's notebook is saved here.
		const page = app.page;
		const cells = await page.locator('[data-cell-id]').count();
		const second = await app.session.context.newPage();
		try {
			await second.goto(link);
			await second
				.getByRole('status')
				.filter({ hasText: /Ready ·/ })
				.waitFor({ timeout: 60_000 });
			await second
				.getByText(/Opened from a link/)
				.first()
				.waitFor({ timeout: 30_000 });
			// Nothing ran: no result anywhere, the Segments cell not run, the data asked for.
			expect(await textOf(second.getByRole('region', { name: 'Segments', exact: true }))).toMatch(
				/not run/
			);
			expect(await second.getByRole('grid').count()).toBe(0);
			await second
				.getByRole('region', { name: 'Data: shop' })
				.getByText('Re-attach shop.csv')
				.waitFor({ timeout: 30_000 });
			await second.waitForTimeout(1000);
			expect(await second.getByRole('grid').count()).toBe(0);
		} finally {
			await second.close();
		}
		// The analyst's own notebook is as it was: the same cells, reopened as their own.
		await page.reload();
		await page.getByRole('region', { name: 'Data: shop' }).waitFor({ timeout: 60_000 });
		expect(await page.locator('[data-cell-id]').count()).toBe(cells);
		expect(await textOf(page.locator('body'))).not.toMatch(/Opened from a link/);
	});

	it('a damaged link gives a clear alert and a usable app', async () => {
		const other = await openSession();
		try {
			const p = other.page;
			await p.goto(link.slice(0, Math.floor(link.length * 0.7)));
			const alert = p.getByRole('alert').filter({ hasText: /damaged or was cut off/ });
			await alert.waitFor({ timeout: 30_000 });
			await p
				.getByRole('status')
				.filter({ hasText: /Ready ·/ })
				.waitFor({ timeout: 60_000 });
			await p.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
			await p.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });

			// Over the 64 KiB cap (Chromium itself refuses URLs past 2 MB before the page sees them).
			await p.goto(`${new URL(link).origin}/#nb=1.${'A'.repeat(100_000)}`);
			await p
				.getByRole('alert')
				.filter({ hasText: /too large/i })
				.waitFor({ timeout: 30_000 });
			expect(other.pageErrors).toEqual([]);
		} finally {
			await other.close();
		}
	});
});
