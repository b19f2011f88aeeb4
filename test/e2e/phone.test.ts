/**
 * A 390 px phone (iPhone 12–15 width) in headless Chromium: the toolbar folds into one `Menu`,
 * nothing makes the page wider than the screen, the sample dialog's controls are all on screen,
 * and the lesson's cells use the full width. Screenshots go to test-results/phone/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser';
import { openApp, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const SHOTS = join('test-results', 'phone');
const W = 390;
const H = 844;

/** How wide the page lays out (wider than the screen means sideways scrolling). */
function pageWidth(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth);
}

describe.skipIf(!browser)('a phone in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		app = await openApp();
		await app.page.setViewportSize({ width: W, height: H });
	});
	afterAll(async () => {
		await app?.close();
	});

	it('folds the toolbar into a menu and fits the welcome screen', async () => {
		const { page } = app;
		await page.screenshot({ path: join(SHOTS, 'welcome.png') });
		expect(await pageWidth(page)).toBeLessThanOrEqual(W);
		expect(await page.getByRole('button', { name: 'Load sample data' }).isVisible()).toBe(false);
		await page.getByRole('button', { name: 'Menu' }).click();
		const menu = page.getByRole('menu', { name: 'Segbook' });
		await menu.waitFor();
		const box = await menu.boundingBox();
		expect(box && box.x >= 0 && box.x + box.width <= W).toBe(true);
		await page.screenshot({ path: join(SHOTS, 'menu.png') });
		await menu.getByRole('menuitem', { name: 'Load sample data' }).click();
	});

	it('keeps every control of the sample dialog on the screen', async () => {
		const { page } = app;
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.waitFor();
		await page.screenshot({ path: join(SHOTS, 'sample-dialog.png') });
		for (const control of await dialog.locator('button, select, input').all()) {
			await control.scrollIntoViewIfNeeded();
			const b = await control.boundingBox();
			expect(b, 'on screen').not.toBeNull();
			expect(b!.x).toBeGreaterThanOrEqual(0);
			expect(b!.x + b!.width).toBeLessThanOrEqual(W);
			expect(b!.y + b!.height).toBeLessThanOrEqual(H);
		}
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
		await dialog.getByRole('button', { name: 'Start Segmentation 101' }).click();
		await page
			.getByRole('status')
			.filter({ hasText: 'lesson is ready' })
			.waitFor({ timeout: 120_000 });
	});

	it('lays the lesson out in the full width, never wider than the screen', async () => {
		const { page } = app;
		expect(await pageWidth(page)).toBeLessThanOrEqual(W);
		const widths = await page
			.locator('main section.cell')
			.evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width));
		expect(widths.length).toBeGreaterThan(10);
		for (const w of widths) expect(w).toBeGreaterThanOrEqual(W - 24);
		await page.screenshot({ path: join(SHOTS, 'lesson-top.png') });
		for (const name of ['Segments', 'Personas', /^K-means step by step/]) {
			const cell = page.getByRole('region', { name }).first();
			await cell.scrollIntoViewIfNeeded();
			await page.screenshot({ path: join(SHOTS, `${String(name).replace(/\W+/g, '-')}.png`) });
		}
		// The menu still runs everything.
		await page.getByRole('button', { name: 'Menu' }).click();
		await page.getByRole('menuitem', { name: 'Run all' }).click();
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), {
				timeout: 120_000
			})
			.toBe('Segments');
		expect(await pageWidth(page)).toBeLessThanOrEqual(W);
	});

	it('raised no page error', () => {
		expect(app.session.pageErrors).toEqual([]);
	});
});
