/**
 * RFM by the field's conventions, with the choices shown (issue 12): the Segments cell's
 * cut-offs are the quintiles until the user edits them; an edit regroups at once, a cut-off out
 * of order is refused with what to do, the cut-offs survive a reload, and "Back to the quintiles"
 * brings the quintiles back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { axeProblems } from '../helpers/axe';
import { chromiumPath } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

/** Group name → customers, read from the RFM groups table. */
async function groups(segments: Locator): Promise<Map<string, number>> {
	const rows = segments.locator('table.groups tbody tr');
	const out = new Map<string, number>();
	for (let i = 0; i < (await rows.count()); i++) {
		const cells = await rows.nth(i).locator('th, td').allTextContents();
		out.set(cells[0]!.trim(), Number(cells[1]!.replace(/,/g, '')));
	}
	return out;
}

describe.skipIf(!browser)('RFM cut-offs in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		// axe-core is injected as a script tag, which the CSP (rightly) refuses otherwise.
		app = await openApp({ bypassCSP: true });
	});
	afterAll(async () => {
		await app?.close();
	});

	it('edits a cut-off, refuses one out of order, keeps them over a reload, and goes back to quintiles', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
		await dialog.getByRole('button', { name: 'Generate sample' }).click();
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => segments.getAttribute('data-status'), { timeout: 120_000 })
			.toBe('done');
		await segments.getByRole('heading', { name: 'Rule-based RFM' }).waitFor({ timeout: 60_000 });
		const before = await groups(segments);
		const total = [...before.values()].reduce((a, b) => a + b, 0);
		expect(before.has('Lost') || before.has('Hibernating') || before.has('At risk')).toBe(true);

		await segments.getByText('Edit the cut-offs').click();
		const cut = (n: number) => segments.getByRole('spinbutton', { name: `Recency cut-off ${n}` });
		const quintiles = await Promise.all([1, 2, 3, 4].map((n) => cut(n).inputValue()));
		// Out of order: refused, with what to do, and nothing regrouped.
		await cut(1).fill('99999');
		await cut(1).press('Enter');
		const refused = segments.getByRole('alert').filter({ hasText: /must go up/ });
		await refused.waitFor({ timeout: 10_000 });
		expect(await axeProblems(page), 'cut-offs open, one refused').toEqual([]);
		expect(await textOf(refused)).toMatch(/change the neighbouring one first/);
		// Everyone within a very long recency scores R = 5: no lapsed group is left.
		for (const [n, v] of [
			[4, '100003'],
			[3, '100002'],
			[2, '100001'],
			[1, '100000']
		] as const) {
			await cut(n).fill(v);
			await cut(n).press('Enter');
		}
		await expect
			.poll(async () => {
				const now = await groups(segments);
				return ['Lost', 'Hibernating', 'At risk', "Can't lose them", 'About to sleep'].some((g) =>
					now.has(g)
				);
			})
			.toBe(false);
		const after = await groups(segments);
		expect([...after.values()].reduce((a, b) => a + b, 0)).toBe(total);
		expect(await textOf(segments.locator('.rfm .hint').first())).toMatch(/\(yours\)/);

		// The cut-offs are part of the notebook: back after a reload.
		await page.reload();
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await page.getByRole('button', { name: 'Run all' }).click();
		await expect
			.poll(() => segments.getAttribute('data-status'), { timeout: 120_000 })
			.toBe('done');
		await segments.getByText('Edit the cut-offs').click();
		await expect.poll(() => cut(1).inputValue(), { timeout: 30_000 }).toBe('100000');

		await segments.getByRole('button', { name: 'Back to the quintiles' }).click();
		await expect
			.poll(() => Promise.all([1, 2, 3, 4].map((n) => cut(n).inputValue())), { timeout: 30_000 })
			.toEqual(quintiles);
		expect(await groups(segments)).toEqual(before);
		expect(app.session.pageErrors).toEqual([]);
	});
});
