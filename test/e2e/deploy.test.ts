/**
 * Updates without breakage (issue 18 item 6): two builds served one after the other on one
 * origin. A tab opened on build A keeps working after build B is deployed and B's service worker
 * takes over: its engine restarts from A's files, which the service worker keeps while the tab
 * is open (and drops once no tab uses them). Where those files are gone anyway (no service
 * worker, storage cleared), an engine restart says the site was updated and offers a reload that
 * keeps the notebook, instead of "your notebook is intact".
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSession, type Session } from '../helpers/browser';
import { nextBuild } from '../helpers/next-build';
import { serve } from '../helpers/serve.mjs';
import { runSql, textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const fixtures = join(import.meta.dirname, '../fixtures');

let current = 'dist';
let site: Awaited<ReturnType<typeof serve>>;
let session: Session;

async function controlled(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok));
		}
	});
}

const cacheNames = (page: Page): Promise<string[]> =>
	page.evaluate(async () => (await caches.keys()).filter((k) => /^segbook-[0-9a-f]{16}$/.test(k)));

async function crashAndCount(page: Page, cell: string): Promise<void> {
	await page.evaluate(() =>
		(window as unknown as { __segbookCrashEngine(): void }).__segbookCrashEngine()
	);
	await page.waitForTimeout(200);
	await runSql(page, cell, 'SELECT count(*) AS n FROM orders');
}

describe.skipIf(!browser)('a deploy while a tab is open', () => {
	beforeAll(async () => {
		site = await serve({ dir: () => current });
		session = await openSession();
	});
	afterAll(async () => {
		await session?.close();
		await site?.close();
	});

	it('a tab of build A keeps working after build B takes over: its engine restarts from A', async () => {
		const page = session.page;
		await page.goto(`${site.url}?testHooks`);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await controlled(page);
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		await page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
		const [buildA] = await cacheNames(page);

		// Deploy B: the server now has B's files only; B's service worker installs and takes over.
		const b = nextBuild(current);
		current = b.dir;
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			const changed = new Promise((ok) =>
				navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true })
			);
			await registration?.update();
			await changed;
		});
		await expect.poll(() => cacheNames(page), { timeout: 20_000 }).toContain(`segbook-${b.build}`);
		// B is active and its activation (whatever it deletes) has finished.
		await expect
			.poll(
				() =>
					page.evaluate(async () => {
						const r = await navigator.serviceWorker.getRegistration();
						return !r?.installing && !r?.waiting && r?.active?.state === 'activated';
					}),
				{ timeout: 30_000 }
			)
			.toBe(true);
		await page.waitForTimeout(500);

		await crashAndCount(page, 'SQL cell 2');
		await page
			.getByRole('alert')
			.filter({ hasText: /engine restarted; your files are reloaded/ })
			.first()
			.waitFor({ timeout: 30_000 });
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await expect
			.poll(() => cell.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe('6');
		expect(await cacheNames(page)).toContain(buildA);
		expect(session.pageErrors).toEqual([]);

		// A new tab gets B; once A's last tab is gone, A's cache goes too.
		const second = await session.context.newPage();
		await second.goto(`${site.url}?testHooks`);
		await second
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await page.close();
		await second.reload();
		await second
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await expect
			.poll(() => cacheNames(second), { timeout: 20_000 })
			.toEqual([`segbook-${b.build}`]);
		session.page = second;
	});

	it('where the old files are gone anyway, a restart says the site was updated and reloads keeping the notebook', async () => {
		const page = session.page;
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		await page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
		const cell = page.getByRole('region', { name: /^SQL cell/ }).first();
		const name = (await cell.getAttribute('aria-label')) ?? 'SQL cell 2';
		// No service worker to keep anything (a private window, cleared storage), then deploy C.
		await page.evaluate(async () => {
			for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
			for (const k of await caches.keys()) await caches.delete(k);
		});
		current = nextBuild(current).dir;
		await crashAndCount(page, name);
		const alert = page
			.getByRole('alert')
			.filter({ hasText: /Segbook was updated on this site/ })
			.filter({ has: page.getByRole('button', { name: 'Reload' }) });
		await alert.waitFor({ timeout: 30_000 });
		expect(await textOf(alert)).not.toMatch(/intact/);
		// The cell that ran says so too, not a raw error.
		await expect
			.poll(() => textOf(page.getByRole('region', { name })), { timeout: 30_000 })
			.toMatch(/Segbook was updated|engine/i);
		await alert.getByRole('button', { name: 'Reload' }).click();
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await expect
			.poll(
				() =>
					page.getByRole('region', { name }).getByRole('textbox', { name: 'SQL' }).textContent(),
				{
					timeout: 30_000
				}
			)
			.toContain('SELECT count(*) AS n FROM orders');
	});
});
