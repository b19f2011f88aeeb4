/**
 * Guards the Read as panel (issue 12): a headerless fixed-width file loads untouched with its
 * guesses shown, and its column boundaries can be edited; a TAB-separated file named .csv is
 * read as such, and choosing another delimiter reads the file again. Driven by role and name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const fixtures = join(import.meta.dirname, '../fixtures/real-shaped');
if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first.');

let app: App;
beforeAll(async () => {
	app = await openApp();
});
afterAll(async () => {
	await app?.close();
});

async function readAs(cell: Locator): Promise<Locator> {
	const panel = cell.getByRole('group', { name: 'Read as' });
	if (!(await panel.isVisible())) await cell.getByRole('button', { name: 'Read as' }).click();
	await panel.waitFor();
	return panel;
}

describe.skipIf(!chromiumPath())('Read as', () => {
	it('reads a headerless fixed-width file, and reads it again at edited boundaries', async () => {
		const { page } = app;
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'fixed-width.txt'));
		const cell = page.getByRole('region', { name: 'Data: fixed_width' });
		await expect.poll(() => textOf(cell), { timeout: 60_000 }).toMatch(/4 columns/);
		const text = await textOf(cell);
		expect(text).toMatch(/fixed-width columns at 1, 8, 18, 21, no header row/);
		expect(text).toMatch(/Line check: 196 lines = no header \+ 196 loaded \+ 0 rejected ✓/);
		expect(text).toMatch(/No header: the first record is typed like the rest/);
		const panel = await readAs(cell);
		// The preview: a ruler line marking where each column starts, then the file's lines as
		// they are (the first record on its own line, not shifted).
		const preview = (await panel.getByLabel('First lines of the file').textContent()) ?? '';
		const [ruler, first] = preview.split('\n');
		const file = readFileSync(join(fixtures, 'fixed-width.txt'), 'utf8').split('\n');
		expect(first).toBe(file[0]);
		expect([...ruler!].flatMap((ch, i) => (ch === '|' ? [i] : []))).toEqual([0, 7, 17, 20]);
		const columns = panel.getByRole('textbox', { name: 'Fixed-width columns' });
		expect(await columns.getAttribute('placeholder')).toBe('detect (1, 8, 18, 21)');
		await columns.fill('1, 8, 18');
		await columns.press('Enter');
		await expect.poll(() => textOf(cell), { timeout: 60_000 }).toMatch(/3 columns/);
		expect(await textOf(cell)).toMatch(/fixed-width columns at 1, 8, 18,/);
	});

	it('reads a TAB-separated .csv as tab-separated, and again with the delimiter chosen', async () => {
		const { page } = app;
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'crm-export.csv'));
		const cell = page.getByRole('region', { name: 'Data: crm_export' });
		await expect.poll(() => textOf(cell), { timeout: 60_000 }).toMatch(/29 columns/);
		expect(await textOf(cell)).toMatch(/tab-separated, header row/);
		const panel = await readAs(cell);
		const delimiter = panel.getByRole('combobox', { name: 'Delimiter' });
		expect(await delimiter.locator('option').first().textContent()).toBe('Detect (tab)');
		await delimiter.selectOption({ label: 'semicolon' });
		await expect
			.poll(() => textOf(cell), { timeout: 60_000 })
			.toMatch(/ 1 columns|semicolon-separated/);
		await delimiter.selectOption({ index: 0 });
		await expect.poll(() => textOf(cell), { timeout: 60_000 }).toMatch(/29 columns/);
		expect(await textOf(cell)).toMatch(/tab-separated/);
	});
});
