/**
 * Works offline after one visit: the service worker precaches the built app; with the network
 * off, a reload still starts the engine, loads a file and segments it, and the classroom lesson
 * runs from start to end.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { chromiumPath, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

describe.skipIf(!browser)('offline', () => {
	let site: Awaited<ReturnType<typeof serve>>;
	let session: Session;
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
		session = await openSession();
	});
	afterAll(async () => {
		await session?.close();
		await site?.close();
	});

	it('after one visit, reloads, loads a file and segments with the network off', async () => {
		const page = session.page;
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		// Wait until the service worker has installed (precached) and controls the page.
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
			if (!navigator.serviceWorker.controller) {
				await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok));
			}
		});
		await session.context.setOffline(true);
		await page.reload();
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		const file = join(tmpdir(), 'offline-shop.csv');
		writeFileSync(file, retailToCsv(generateRetail({ customers: 200, seed: 3 })).transactions);
		await page.getByLabel('Load data file').setInputFiles(file);
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of 200 customers/);
		expect(session.pageErrors).toEqual([]);
	});

	it('runs the Segmentation 101 lesson with the network still off', async () => {
		const page = session.page;
		await page.getByRole('button', { name: 'Notebook', exact: true }).click();
		await page.getByRole('menuitem', { name: 'New notebook' }).click();
		// From the welcome screen's own button this time (lesson.test.ts takes the dialog).
		await page
			.getByRole('region', { name: 'Welcome' })
			.getByRole('button', { name: 'Start Segmentation 101' })
			.click();
		await page
			.getByRole('status')
			.filter({ hasText: 'lesson is ready' })
			.waitFor({ timeout: 120_000 });
		expect(await page.getByRole('region', { name: 'Personas' }).getAttribute('data-status')).toBe(
			'done'
		);
		expect(session.pageErrors).toEqual([]);
	});
});
