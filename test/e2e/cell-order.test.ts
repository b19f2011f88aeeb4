/**
 * Every cell kind can be moved, duplicated and deleted, by mouse and by keyboard: the tools are
 * in the frame all cells share (Move cell up/down, Duplicate cell, Delete cell), Alt+↑/Alt+↓
 * move the cell holding the focus (not inside the SQL editor, where they move lines), the focus
 * stays with the moved cell, a deleted cell comes back with Undo, and the order survives a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser';
import { openApp, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

/** The cells top to bottom, by the kind their region's name starts with. */
function order(page: Page): Promise<string[]> {
	return page
		.getByRole('main')
		.locator('section.cell')
		.evaluateAll((cells) => cells.map((c) => (c.getAttribute('aria-label') ?? '').split(' ')[0]!));
}

/** The kind of the cell holding the focus. */
function focusedCell(page: Page): Promise<string | null> {
	return page.evaluate(
		() =>
			document.activeElement?.closest('section.cell')?.getAttribute('aria-label')?.split(' ')[0] ??
			null
	);
}

describe.skipIf(!browser)('moving, duplicating and deleting cells in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
		const page = app.page;
		for (const kind of ['SQL', 'Notes', 'Segments']) {
			await page.getByRole('button', { name: 'Add cell' }).click();
			await page.getByRole('menuitem', { name: kind, exact: true }).click();
		}
		await page.getByRole('region', { name: 'Segments', exact: true }).waitFor();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('moves a Notes cell and a Segments cell with the buttons, the focus staying with them', async () => {
		const page = app.page;
		expect(await order(page)).toEqual(['SQL', 'Notes', 'Segments']);
		const notes = page.getByRole('region', { name: /^Notes/ });
		const up = notes.getByRole('button', { name: 'Move cell up' });
		expect(await up.getAttribute('title')).toBe('Move cell up (Alt+↑)');
		await up.click();
		await expect.poll(() => order(page)).toEqual(['Notes', 'SQL', 'Segments']);
		expect(await focusedCell(page)).toBe('Notes');
		// At the top, Move up is disabled (and keeps the focus, which `disabled` would drop).
		expect(await up.getAttribute('aria-disabled')).toBe('true');
		expect(await up.evaluate((el) => el === document.activeElement)).toBe(true);
		await page.keyboard.press('Alt+ArrowUp');
		expect(await order(page)).toEqual(['Notes', 'SQL', 'Segments']);

		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await segments.getByRole('button', { name: 'Move cell up' }).click();
		await expect.poll(() => order(page)).toEqual(['Notes', 'Segments', 'SQL']);
		expect(await focusedCell(page)).toBe('Segments');
	});

	it('moves cells with Alt+↑ and Alt+↓ from a control inside them, keeping that focus', async () => {
		const page = app.page;
		const seed = page
			.getByRole('region', { name: 'Segments', exact: true })
			.getByLabel('Random seed');
		const before = await seed.inputValue();
		await seed.focus();
		await page.keyboard.press('Alt+ArrowUp');
		await expect.poll(() => order(page)).toEqual(['Segments', 'Notes', 'SQL']);
		expect(await seed.evaluate((el) => el === document.activeElement)).toBe(true);
		expect(await seed.inputValue()).toBe(before);

		const edit = page.getByRole('region', { name: /^Notes/ }).getByRole('button', {
			name: 'Edit notes'
		});
		await edit.focus();
		await page.keyboard.press('Alt+ArrowDown');
		await expect.poll(() => order(page)).toEqual(['Segments', 'SQL', 'Notes']);
		expect(await edit.evaluate((el) => el === document.activeElement)).toBe(true);

		// In the SQL editor the keys keep their editor meaning (move a line), not the cell.
		await page.getByRole('region', { name: /^SQL/ }).getByRole('textbox', { name: 'SQL' }).click();
		await page.keyboard.press('Alt+ArrowDown');
		expect(await order(page)).toEqual(['Segments', 'SQL', 'Notes']);
	});

	it('duplicates a cell below itself and moves the focus to the copy', async () => {
		const page = app.page;
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await segments.getByLabel('Random seed').fill('777');
		await segments.getByLabel('Random seed').press('Tab');
		await segments.getByRole('button', { name: 'Duplicate cell' }).click();
		await expect.poll(() => order(page)).toEqual(['Segments', 'Segments', 'SQL', 'Notes']);
		expect(await focusedCell(page)).toBe('Segments');
		expect(
			await page.evaluate(
				() => document.activeElement === document.querySelectorAll('main section.cell')[1]
			)
		).toBe(true);
		const copy = page.getByRole('region', { name: 'Segments', exact: true }).nth(1);
		expect(await copy.getByLabel('Random seed').inputValue()).toBe('777');
	});

	it('deletes a cell, Undo brings it back, and the order survives a reload', async () => {
		const page = app.page;
		await page
			.getByRole('region', { name: /^SQL/ })
			.getByRole('button', { name: 'Delete cell' })
			.click();
		await expect.poll(() => order(page)).toEqual(['Segments', 'Segments', 'Notes']);
		expect(await focusedCell(page)).toBe('Notes');
		await page.getByRole('button', { name: 'Undo' }).click();
		await expect.poll(() => order(page)).toEqual(['Segments', 'Segments', 'SQL', 'Notes']);

		await page.waitForTimeout(1200); // autosave within a second
		await page.reload();
		await page.getByRole('region', { name: /^Notes/ }).waitFor({ timeout: 30_000 });
		expect(await order(page)).toEqual(['Segments', 'Segments', 'SQL', 'Notes']);
		expect(
			await page
				.getByRole('region', { name: 'Segments', exact: true })
				.nth(1)
				.getByLabel('Random seed')
				.inputValue()
		).toBe('777');
		expect(app.session.pageErrors).toEqual([]);
	});
});
