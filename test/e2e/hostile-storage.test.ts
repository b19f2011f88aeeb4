/**
 * Storage and exports at their limits (RELIABILITY.md cases 27 and 29; issue 18 "Storage"):
 * - a quota override set through CDP before the first write: the refused save is announced and
 *   Export notebook still works; once there is room, saving resumes and persist() is requested;
 * - site data cleared between sessions: the app starts cleanly, no error;
 * - Export notebook works at the largest SQL cell the editor accepts (100,000 characters), and
 *   the editor refuses one character more, naming the limit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSqlCell, type Notebook } from '../../src/notebook/model';
import { SCHEMA_LIMITS } from '../../src/notebook/schema';
import { encodeNotebookFile } from '../../src/notebook/share-link';
import { chromiumPath, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

let site: Awaited<ReturnType<typeof serve>>;
let session: Session;
let page: Page;
let cdp: CDPSession;
let origin = '';

async function exportNotebook(): Promise<string> {
	const [file] = await Promise.all([
		page.waitForEvent('download'),
		(async () => {
			await page.getByRole('button', { name: 'Notebook', exact: true }).click();
			await page.getByRole('menuitem', { name: 'Export notebook' }).click();
		})()
	]);
	const path = join(tmpdir(), `export-${Date.now()}.segbook.json`);
	await file.saveAs(path);
	return readFileSync(path, 'utf8');
}

const persistCalls = (): Promise<number> =>
	page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls);

describe.skipIf(!browser)('storage quota, cleared data and the largest notebook', () => {
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
		origin = new URL(site.url).origin;
		session = await openSession();
		page = session.page;
		await session.context.addInitScript(() => {
			const w = window as unknown as { __persistCalls: number };
			w.__persistCalls = 0;
			const real = StorageManager.prototype.persist;
			StorageManager.prototype.persist = function (this: StorageManager) {
				w.__persistCalls += 1;
				return real.call(this);
			};
		});
		cdp = await session.context.newCDPSession(page);
		// Before the first write: a quota far below one saved notebook.
		await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
	});
	afterAll(async () => {
		await session?.close();
		await site?.close();
	});

	it('announces a save the quota refused, keeps Export working, and saves (asking persist()) once there is room', async () => {
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'SQL' }).click();
		await page
			.getByRole('region', { name: 'SQL cell 1' })
			.getByRole('textbox', { name: 'SQL' })
			.fill('SELECT 42 AS kept_under_quota');
		const refused = page.getByRole('alert').filter({ hasText: /could not save the notebook/ });
		await refused.waitFor({ timeout: 20_000 });
		expect(await textOf(refused)).toMatch(/Export notebook/);
		expect(await persistCalls()).toBe(0);
		expect(await exportNotebook()).toContain('kept_under_quota');

		await cdp.send('Storage.overrideQuotaForOrigin', { origin });
		await page
			.getByRole('region', { name: 'SQL cell 1' })
			.getByRole('textbox', { name: 'SQL' })
			.fill('SELECT 43 AS saved_with_room');
		await expect.poll(persistCalls, { timeout: 20_000 }).toBe(1);
		await page.reload();
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await expect
			.poll(() => textOf(page.getByRole('region', { name: 'SQL cell 1' })), { timeout: 20_000 })
			.toContain('saved_with_room');
	});

	it('starts cleanly after the site data is cleared between sessions', async () => {
		await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
		const errorsBefore = session.pageErrors.length;
		await page.reload();
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await page.getByRole('region', { name: 'Welcome' }).waitFor({ timeout: 20_000 });
		expect(await page.getByRole('region', { name: 'SQL cell 1' }).count()).toBe(0);
		expect(session.pageErrors.slice(errorsBefore)).toEqual([]);
	});

	it('exports a notebook at the largest SQL cell the editor accepts, and refuses one character more', async () => {
		const max = SCHEMA_LIMITS.sqlChars;
		const sql = `SELECT 1 -- ${'x'.repeat(max - 12)}`;
		expect(sql.length).toBe(max);
		const doc: Notebook = { version: 2, title: 'Largest', cells: [newSqlCell(sql)] };
		const file = join(tmpdir(), 'largest.segbook.json');
		writeFileSync(file, encodeNotebookFile(doc));
		await page.getByLabel('Open notebook file').setInputFiles(file);
		const cell = page.getByRole('region', { name: 'SQL cell 1' });
		await cell.waitFor({ timeout: 20_000 });
		const exported = JSON.parse(await exportNotebook()) as Notebook;
		const first = exported.cells[0];
		expect(first?.kind === 'sql' ? first.sql.length : 0).toBe(max);

		const editor = cell.getByRole('textbox', { name: 'SQL' });
		await editor.click();
		await page.keyboard.press('Control+End');
		await page.keyboard.type('y');
		const limit = cell.getByRole('alert').filter({ hasText: /at most 100,000 characters/ });
		await limit.waitFor({ timeout: 10_000 });
		const again = JSON.parse(await exportNotebook()) as Notebook;
		const still = again.cells[0];
		expect(still?.kind === 'sql' ? still.sql.length : 0).toBe(max);
		expect(session.pageErrors).toEqual([]);
	});
});
