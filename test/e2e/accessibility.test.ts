/**
 * Accessibility in headless Chromium, as a keyboard and screen-reader user meets the app:
 * axe-core (npm) finds no serious or critical violation on the welcome screen, in every dialog
 * and menu, in the notebook after Run all and on every slide; the Add cell and Notebook menus
 * follow the WAI-ARIA menu-button pattern (arrows, Home / End, Escape); after Run all the focus
 * moves to the segments, and Export segments is a few Tab presses from there.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems } from '../helpers/axe';
import { chromiumPath } from '../helpers/browser';
import { openApp, startLesson, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

/** The accessible name of whatever holds the focus (its text for a button). */
function focused(page: Page): Promise<string> {
	return page.evaluate(() => {
		const el = document.activeElement;
		return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim();
	});
}

describe.skipIf(!browser)('accessibility in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp({ bypassCSP: true });
	});
	afterAll(async () => {
		await app?.close();
	});

	it('has no serious or critical axe violation on the welcome screen and in its dialogs', async () => {
		const { page } = app;
		expect.soft(await axeProblems(page), 'welcome').toEqual([]);
		for (const [button, dialog] of [
			['Load sample data', 'Load sample data'],
			['Privacy: your data stays in this browser', 'Privacy'],
			['Saved notebooks…', 'Saved notebooks']
		] as const) {
			if (button === 'Saved notebooks…') {
				await page.getByRole('button', { name: 'Notebook', exact: true }).click();
				await page.getByRole('menuitem', { name: button }).click();
			} else {
				await page.getByRole('button', { name: button }).click();
			}
			const open = page.getByRole('dialog', { name: new RegExp(`^${dialog}`) });
			await open.waitFor();
			expect.soft(await axeProblems(page), `${dialog} dialog`).toEqual([]);
			await page.keyboard.press('Escape');
			await open.waitFor({ state: 'hidden' });
		}
	});

	it('runs the Notebook menu from the keyboard: arrows, Home, End and Escape', async () => {
		const { page } = app;
		const button = page.getByRole('button', { name: 'Notebook', exact: true });
		await button.focus();
		await page.keyboard.press('Enter');
		const menu = page.getByRole('menu', { name: 'Notebook' });
		await menu.waitFor();
		expect(await button.getAttribute('aria-expanded')).toBe('true');
		expect(await focused(page)).toBe('Saved notebooks…');
		expect.soft(await axeProblems(page), 'Notebook menu').toEqual([]);
		await page.keyboard.press('ArrowDown');
		expect(await focused(page)).toBe('New notebook');
		await page.keyboard.press('End');
		expect(await focused(page)).toBe('Forget all data');
		await page.keyboard.press('ArrowDown'); // wraps
		expect(await focused(page)).toBe('Saved notebooks…');
		await page.keyboard.press('ArrowUp');
		expect(await focused(page)).toBe('Forget all data');
		await page.keyboard.press('Home');
		expect(await focused(page)).toBe('Saved notebooks…');
		await page.keyboard.press('Escape');
		await menu.waitFor({ state: 'hidden' });
		expect(await focused(page)).toBe('Notebook');
		// ↑ on the button opens the menu on its last item.
		await page.keyboard.press('ArrowUp');
		expect(await focused(page)).toBe('Forget all data');
		await page.keyboard.press('Escape');
	});

	it('moves the focus to the segments after Run all, a few keys from Export segments', async () => {
		const { page } = app;
		await startLesson(page);
		const runAll = page.getByRole('button', { name: 'Run all' });
		await runAll.focus();
		await page.keyboard.press('Enter');
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), {
				timeout: 120_000
			})
			.toBe('Segments');
		let presses = 0;
		while ((await focused(page)) !== 'Export segments' && presses < 40) {
			await page.keyboard.press('Tab');
			presses++;
		}
		expect(await focused(page)).toBe('Export segments');
		// The cell's own tools (Run cell, move, duplicate, delete), its settings, then the export.
		expect(presses).toBeLessThanOrEqual(10);
		expect.soft(await axeProblems(page), 'notebook after Run all').toEqual([]);
	});

	it('opens Add cell from the keyboard on its first kind, and Escape gives the focus back', async () => {
		const { page } = app;
		const add = page.getByRole('button', { name: 'Add cell' });
		await add.focus();
		await page.keyboard.press('ArrowDown');
		const menu = page.getByRole('menu', { name: 'Cell kinds' });
		await menu.waitFor();
		expect(await focused(page)).toBe('SQL');
		await page.keyboard.press('ArrowDown');
		expect(await focused(page)).toBe('Features');
		// A letter moves to the next kind starting with it.
		await page.keyboard.press('n');
		expect(await focused(page)).toBe('Notes');
		expect.soft(await axeProblems(page), 'Add cell menu').toEqual([]);
		await page.keyboard.press('Escape');
		await menu.waitFor({ state: 'hidden' });
		expect(await focused(page)).toBe('Add cell');
	});

	it('has no serious or critical axe violation on any slide', async () => {
		const { page } = app;
		await page.setViewportSize({ width: 1280, height: 720 });
		await page.getByRole('button', { name: 'Present' }).click();
		const bar = page.getByRole('navigation', { name: 'Presentation' });
		const next = bar.getByRole('button', { name: 'Next' });
		for (let n = 0; n < 60; n++) {
			await page.waitForTimeout(200);
			const where = (await textOf(bar.locator('.counter'))).trim();
			expect.soft(await axeProblems(page), `slide ${where}`).toEqual([]);
			if (await next.isDisabled()) break;
			await page.keyboard.press('ArrowRight');
		}
		await page.keyboard.press('Escape');
	});

	it('raised no page error', () => {
		expect(app.session.pageErrors).toEqual([]);
	});
});
