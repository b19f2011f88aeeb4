/**
 * The Compare journey in headless Chromium (issue 7): load the sample with the planted shift
 * from the sample dialog, let the pipeline segment it, add a Compare cell, run it, and read the
 * largest move between segments as a sentence and in the migration matrix. Nothing leaves the
 * page's own origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

describe.skipIf(!browser)('Compare in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('finds the customers the shifted sample moves between segments', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('6000');
		await dialog.getByRole('checkbox', { name: 'Plant a shift in the second year' }).check();
		await dialog.getByRole('button', { name: 'Generate sample' }).click();
		const personas = page.getByRole('region', { name: 'Personas' });
		await expect
			.poll(() => personas.getAttribute('data-status'), { timeout: 180_000 })
			.toBe('done');
		expect(await textOf(page.getByRole('region', { name: /^Data/ }).first())).toMatch(
			/with a shift in year 2/
		);

		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'Compare' }).click();
		const compare = page.getByRole('region', { name: /^Compare/ });
		await compare.waitFor();
		// Empty split date = halves.
		expect(await compare.getByLabel('Split date').inputValue()).toBe('');
		await compare.getByRole('button', { name: 'Run cell' }).click();
		const moves = compare.getByRole('list', { name: 'Largest moves between segments' });
		await moves.waitFor({ timeout: 120_000 });
		const sentence = await textOf(moves.getByRole('listitem').first());
		expect(sentence).toMatch(/^\d[\d,]* customers \(\d+%\) moved from .+ to .+\.$/);
		// The flow goes between two different named segments (the planted slip's numbers are
		// checked in test/engine/compare.test.ts; the names follow the persona naming rules).
		const [, from = '', to = ''] = /moved from (.+) to (.+)\.$/.exec(sentence) ?? [];
		expect(from.trim()).not.toBe('');
		expect(to.trim()).not.toBe(from.trim());

		const matrix = compare.getByRole('table', {
			name: 'Migration from segment before to segment after'
		});
		expect(await matrix.getByRole('rowheader').first().textContent()).toMatch(/^from /);
		expect(await matrix.getByRole('columnheader', { name: 'to not active' }).count()).toBe(1);
		const count = sentence.match(/^([\d,]+)/)?.[1] ?? '';
		expect(await textOf(matrix)).toContain(count);
		expect(await compare.getByRole('alert').count()).toBe(0);
	});

	it('explains a split date outside the data', async () => {
		const compare = app.page.getByRole('region', { name: /^Compare/ });
		await compare.getByLabel('Split date').fill('2030-01-01');
		await compare.getByLabel('Split date').dispatchEvent('change');
		await compare.getByRole('button', { name: 'Run cell' }).click();
		await expect
			.poll(() => textOf(compare.getByRole('alert')), { timeout: 60_000 })
			.toMatch(/The split date 2030-01-01 is outside the data/);
	});

	it('compares a quarter with the one before it', async () => {
		const compare = app.page.getByRole('region', { name: 'Compare' });
		await compare.getByRole('combobox', { name: 'Periods' }).selectOption('quarter');
		await compare.getByRole('combobox', { name: 'Quarter' }).selectOption('2025-Q2');
		await compare.getByRole('button', { name: 'Run cell' }).click();
		await expect
			.poll(() => textOf(compare), { timeout: 60_000 })
			.toMatch(/2025-Q2 \(91 days from 2025-04-01\) against the quarter before it/);
		expect(await compare.getAttribute('data-status')).toBe('done');
	});

	it('sent no request to any origin but its own', () => {
		expect(app.session.requests.length).toBeGreaterThan(0);
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
	});
});
