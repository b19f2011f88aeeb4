/**
 * "Keep loaded data in this browser" (off by default): with it on, a loaded file is copied to
 * the Origin Private File System and a reload re-attaches it without asking, with no request to
 * any other origin. A missing copy falls back to asking for the file with a clear message;
 * turning the option off deletes the copies; Forget all data removes them too, and the privacy
 * panel counts them while they exist.
 */
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests } from '../helpers/browser';
import { fillSql, openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const orders = join(import.meta.dirname, '../fixtures/orders.csv');

/** Every file in this origin's OPFS, as paths. */
function opfsFiles(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		const out: string[] = [];
		const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
			for await (const [name, handle] of dir.entries()) {
				if (handle instanceof FileSystemDirectoryHandle) await walk(handle, `${prefix}${name}/`);
				else out.push(`${prefix}${name}`);
			}
		};
		await walk(await navigator.storage.getDirectory(), '');
		return out.sort();
	});
}

async function privacy(page: Page) {
	await page.getByRole('button', { name: /^Privacy/ }).click();
	const dialog = page.getByRole('dialog', { name: 'Privacy' });
	await dialog.waitFor();
	return dialog;
}

describe.skipIf(!browser)('kept data (OPFS) in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
		app.page.on('dialog', (d) => void d.accept());
	});
	afterAll(async () => {
		await app?.close();
	});

	it('is off by default, explained, and keeps a loaded file in OPFS once turned on', async () => {
		const page = app.page;
		const dialog = await privacy(page);
		const keep = dialog.getByRole('checkbox', { name: 'Keep loaded data in this browser' });
		expect(await keep.isChecked()).toBe(false);
		expect(await textOf(dialog)).toMatch(
			/The data stays on this device, in this browser's private storage/
		);
		await keep.check();
		await dialog.getByRole('button', { name: 'Close' }).click();

		await page.getByLabel('Load data file').setInputFiles(orders);
		const data = page.getByRole('region', { name: 'Data: orders' });
		await expect.poll(() => textOf(data), { timeout: 60_000 }).toMatch(/6 rows/);
		// No duplicate for a Data cell: its table is loaded once.
		expect(await data.getByRole('button', { name: 'Duplicate cell' }).count()).toBe(0);
		await expect
			.poll(() => opfsFiles(page), { timeout: 30_000 })
			.toEqual([
				expect.stringMatching(/^segbook-data\/[0-9a-f-]{36}\/orders$/),
				expect.stringMatching(/^segbook-data\/[0-9a-f-]{36}\/orders\.json$/)
			]);
	});

	it('a reload brings the data back without asking for the file, and nothing leaves the origin', async () => {
		const page = app.page;
		await page.waitForTimeout(1200); // the notebook autosaves within a second
		app.session.requests.length = 0;
		await page.reload();
		const data = page.getByRole('region', { name: 'Data: orders' });
		await expect.poll(() => textOf(data), { timeout: 60_000 }).toMatch(/6 rows/);
		expect(await data.getByText(/Re-attach/).count()).toBe(0);
		// The notebook runs on the kept copy: the first SQL cell counts its rows.
		const sql = page.getByRole('region', { name: /^SQL cell/ }).first();
		await fillSql(sql, 'SELECT count(*) AS n FROM orders');
		await sql.getByRole('button', { name: 'Run cell' }).click();
		await expect
			.poll(() => sql.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe('6');
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
		expect(app.session.pageErrors).toEqual([]);
	});

	it('a missing copy falls back to asking for the file, with a clear message', async () => {
		const page = app.page;
		await page.evaluate(async () => {
			const opfs = await navigator.storage.getDirectory();
			const root = await opfs.getDirectoryHandle('segbook-data');
			for await (const [, notebook] of root.entries()) {
				if (notebook instanceof FileSystemDirectoryHandle) await notebook.removeEntry('orders');
			}
		});
		await page.reload();
		const data = page.getByRole('region', { name: 'Data: orders' });
		await data
			.getByRole('alert')
			.filter({ hasText: 'The copy of orders.csv kept in this browser is missing' })
			.waitFor({ timeout: 60_000 });
		await data.getByLabel('Re-attach orders.csv').setInputFiles(orders);
		await expect.poll(() => textOf(data), { timeout: 60_000 }).toMatch(/6 rows/);
		// Re-attaching keeps a fresh copy.
		await expect.poll(async () => (await opfsFiles(page)).length, { timeout: 30_000 }).toBe(2);
	});

	it('turning the option off deletes the copies; on again copies the loaded file', async () => {
		const page = app.page;
		const dialog = await privacy(page);
		await expect.poll(() => textOf(dialog), { timeout: 10_000 }).toMatch(/1 data file \(/);
		const keep = dialog.getByRole('checkbox', { name: 'Keep loaded data in this browser' });
		expect(await keep.isChecked()).toBe(true);
		await keep.uncheck();
		await expect.poll(() => opfsFiles(page), { timeout: 10_000 }).toEqual([]);
		await keep.check();
		await expect.poll(async () => (await opfsFiles(page)).length, { timeout: 30_000 }).toBe(2);
		await dialog.getByRole('button', { name: 'Close' }).click();
	});

	it('Forget all data removes the kept files', async () => {
		const page = app.page;
		const dialog = await privacy(page);
		await dialog.getByRole('button', { name: 'Forget all data' }).click();
		await expect.poll(() => opfsFiles(page), { timeout: 10_000 }).toEqual([]);
		expect(
			await dialog.getByRole('checkbox', { name: 'Keep loaded data in this browser' }).isChecked()
		).toBe(false);
		await expect.poll(() => textOf(dialog), { timeout: 10_000 }).not.toMatch(/\d data file/);
		expect(app.session.pageErrors).toEqual([]);
		await dialog.getByRole('button', { name: 'Close' }).click();
	});

	it('copies a large file by streaming, the page staying responsive (figures in the log)', async () => {
		const page = app.page;
		const rows = ['order_id,customer_id,email,order_date,amount,channel'];
		for (let i = 0; i < 500_000; i++) {
			rows.push(
				`${i},C${i % 20_000},c${i % 20_000}@example.com,2024-0${(i % 9) + 1}-1${i % 10},${(i % 997) / 10},web`
			);
		}
		const big = join(tmpdir(), 'keptbig.csv');
		writeFileSync(big, rows.join('\n') + '\n');
		const bytes = statSync(big).size;

		const dialog = await privacy(page);
		await dialog.getByRole('checkbox', { name: 'Keep loaded data in this browser' }).check();
		await dialog.getByRole('button', { name: 'Close' }).click();
		await page.evaluate(() => {
			const w = window as unknown as { __longest: number };
			w.__longest = 0;
			new PerformanceObserver((list) => {
				for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
			}).observe({ type: 'longtask' });
		});
		const started = Date.now();
		await page.getByLabel('Load data file').setInputFiles(big);
		await expect
			.poll(() => opfsFiles(page), { timeout: 120_000, interval: 100 })
			.toContainEqual(expect.stringMatching(/\/keptbig\.json$/));
		const copiedMs = Date.now() - started;
		const stored = await page.evaluate(async () => {
			const root = await (
				await navigator.storage.getDirectory()
			).getDirectoryHandle('segbook-data');
			for await (const [, nb] of root.entries()) {
				if (!(nb instanceof FileSystemDirectoryHandle)) continue;
				return (await (await nb.getFileHandle('keptbig')).getFile()).size;
			}
			return -1;
		});
		const longest = await page.evaluate(
			() => (window as unknown as { __longest: number }).__longest
		);
		console.log(
			`kept data: ${(bytes / 1e6).toFixed(1)} MB file loaded and copied to OPFS in ${copiedMs} ms; longest main-thread task meanwhile ${Math.round(longest)} ms`
		);
		expect(stored).toBe(bytes);
		rmSync(big, { force: true });
	});
});
