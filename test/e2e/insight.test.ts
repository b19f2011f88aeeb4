/**
 * Issue 15's journey in headless Chromium: generate the sample, and the persona cards carry a
 * rule in words with its fidelity and a stability figure; the stability advice, the retention
 * curves, "Describe segments" and the overlap picker show under the cards; nothing leaves the
 * page's origin.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

describe.skipIf(!browser)('segment insights in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('reads a rule and a stability figure from a persona card', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
		await dialog.getByRole('button', { name: 'Generate sample' }).click();
		const personas = page.getByRole('region', { name: /^Personas/ });
		await expect
			.poll(() => textOf(personas), { timeout: 180_000 })
			.toMatch(/Stability \d\.\d\d mean Jaccard over 20 resamples/);
		const card = personas.getByRole('article').first();
		const text = await textOf(card);
		expect(text).toMatch(
			/Rule (last order|more than|at most|spent|average order)[^]*? Rule fidelity \d+\.\d%/
		);
		const fidelity = Number(/Rule fidelity (\d+\.\d)%/.exec(text)![1]);
		expect(fidelity).toBeGreaterThanOrEqual(50);
		const jaccard = Number(/Stability (\d\.\d\d) mean Jaccard/.exec(text)![1]);
		expect(jaccard).toBeGreaterThan(0);
		expect(jaccard).toBeLessThanOrEqual(1);
		expect(text).toMatch(/Repeat purchase \d+%/);
		expect(text).toMatch(/Suggested action: \w+/);

		const insights = personas.getByRole('region', { name: 'Segment insights' });
		expect(await textOf(insights)).toMatch(/segments are stable|unstable|weak/);
		await insights
			.getByRole('button', { name: 'Download SVG: Still buying after the first purchase' })
			.waitFor({ timeout: 30_000 });
		const describeTable = insights.getByRole('region', { name: 'Describe segments' });
		const recency = describeTable
			.getByRole('row')
			.filter({ has: page.getByRole('rowheader', { name: 'recency days' }) });
		const cells = await recency.getByRole('cell').allTextContents();
		expect(Number(cells[0]!.replace(/,/g, ''))).toBeGreaterThan(100);
		expect(cells[1]).toBe('< 0.0001');
		if (process.env.INSIGHT_SHOTS) {
			await card.screenshot({ path: '/tmp/insight-card.png' });
			await insights.screenshot({ path: '/tmp/insight-panel.png' });
		}
		const overlap = insights.getByRole('region', { name: 'Overlap of two segmentations' });
		await expect.poll(() => textOf(overlap), { timeout: 30_000 }).toMatch(/adjusted Rand index/);
		// The chart's own title, once the chart is drawn (charts draw one at a time, in phases).
		await expect
			.poll(() => textOf(overlap), { timeout: 30_000 })
			.toMatch(/How Segment and RFM group overlap/);

		// The advice on the number of segments carries the stability figures too.
		const segments = page.getByRole('region', { name: /^Segments/ });
		expect(await textOf(segments)).toMatch(
			/Stability: (All \d+ segments are stable|Segments? [\d, ().]+ (is|are) (unstable|weak))/
		);

		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
		expect(app.session.pageErrors).toEqual([]);
	});

	it('shows a chart’s tooltip as escaped text rows on hover', async () => {
		const page = app.page;
		const chart = page.getByRole('figure').filter({ hasText: 'Customers in each segment' }).first();
		await chart.scrollIntoViewIfNeeded();
		const bar = chart.locator('svg g.mark-rect path').first();
		const box = (await bar.boundingBox())!;
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		const tooltip = page.locator('#vg-tooltip-element.visible');
		await tooltip.waitFor({ timeout: 10_000 });
		expect(await tooltip.locator('td.key').allTextContents()).toEqual([
			'Segment',
			'Customers',
			'Share'
		]);
		expect(await tooltip.textContent()).toMatch(/^Segment1\. .+Customers\d+Share\d+(\.\d)?%$/);
		await page.mouse.move(0, 0);
	});

	it('draws every customer of the map, though it draws them a chunk at a time', async () => {
		const page = app.page;
		const personas = page.getByRole('region', { name: /^Personas/ });
		const customers = Number(
			/([\d,]+) customers/.exec(await textOf(personas))?.[1]?.replace(/,/g, '') ?? NaN
		);
		expect(customers).toBe(1000);
		const save = personas.getByRole('button', {
			name: 'Download SVG: Map of customers by segment'
		});
		// Enabled once the last chunk is drawn.
		await expect.poll(() => save.isEnabled(), { timeout: 30_000 }).toBe(true);
		const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
		const svg = readFileSync((await download.path())!, 'utf8');
		const symbols = /<g class="mark-symbol[^>]*>([^]*?)<\/g>/.exec(svg)?.[1] ?? '';
		expect(symbols.match(/<path\b/g)?.length).toBe(customers);
	});
});
