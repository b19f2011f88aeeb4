/**
 * The segmentation journey in headless Chromium: a transactions export with unfamiliar (German)
 * headers gets Features and Segments without touching a setting; the sample's Features cell
 * offers a checkbox per feature column; Number of segments and Random seed change the result;
 * Export segments downloads segments.csv with the key under its own name, segment and persona.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { chromiumPath, foreignRequests } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

/** A transactions export as a German shop system might write it: semicolons, decimal commas. */
function germanExport(): string {
	const csv = retailToCsv(generateRetail({ customers: 400, seed: 5 })).transactions;
	const [, ...lines] = csv.trim().split('\n');
	const header = 'Rechnungsnummer;Kunden-Nr.;Datum;Kategorie;Menge;Einzelpreis (EUR);Rabatt;Kanal';
	return [
		header,
		...lines.map((l) =>
			l
				.split(',')
				.map((v) => v.replace(/^(\d+)\.(\d+)$/, '$1,$2'))
				.join(';')
		)
	].join('\n');
}

describe.skipIf(!browser)('segmentation in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('segments a German export with unfamiliar headers without touching a setting', async () => {
		const file = join(tmpdir(), 'umsaetze.csv');
		writeFileSync(file, germanExport());
		await app.page.getByLabel('Load data file').setInputFiles(file);
		const features = app.page.getByRole('region', { name: 'Features: umsaetze' });
		await features.waitFor({ timeout: 60_000 });
		const segments = app.page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of 400 customers/);
		expect(await features.getByRole('combobox', { name: 'Customer key' }).inputValue()).toBe(
			'Kunden-Nr.'
		);
		expect(await features.getByRole('combobox', { name: 'Order date' }).inputValue()).toBe('Datum');
		expect(
			await features.getByRole('checkbox', { name: 'monetary', exact: true }).isChecked()
		).toBe(true);
		expect(await textOf(segments)).toMatch(/k = \d+ has the highest silhouette/);
		// k-means ran the WebAssembly SIMD kernel, fetched from this origin under the page's CSP.
		expect(await textOf(segments)).toContain('WebAssembly SIMD kernel');
		// The k sweep was spread over the engine worker and a second one.
		expect(await textOf(segments)).toMatch(/sweep took [\d.,]+ m?s on 2 threads/);
		// So were the final fit's k-means++ starts (workers/fit-pool.ts).
		expect(await textOf(segments)).toMatch(/its starts ran on 2 threads/);
	});

	it('offers a checkbox per feature column and re-segments with a chosen k and seed', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Notebook', exact: true }).click();
		await page.getByRole('menuitem', { name: 'New notebook' }).click();
		await page.getByRole('region', { name: 'Welcome' }).waitFor({ timeout: 30_000 });
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
		await dialog.getByRole('button', { name: 'Generate sample' }).click();
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of 1,000 customers/);

		const features = page.getByRole('region', { name: 'Features: transactions' });
		for (const name of ['recency_days', 'frequency', 'monetary', 'avg_order_value']) {
			expect(await features.getByRole('checkbox', { name, exact: true }).isChecked()).toBe(true);
		}
		expect(
			await features.getByRole('checkbox', { name: 'tenure_days', exact: true }).isChecked()
		).toBe(false);

		const k = segments.getByRole('spinbutton', { name: 'Number of segments' });
		await k.fill('4');
		await k.press('Tab');
		await segments.getByRole('spinbutton', { name: 'Random seed' }).fill('7');
		await segments.getByRole('spinbutton', { name: 'Random seed' }).press('Tab');
		await segments.getByRole('button', { name: 'Run cell' }).click();
		await expect
			.poll(() => textOf(segments), { timeout: 60_000 })
			.toMatch(/4 segments of 1,000 customers · seed 7/);
		// The Personas cell depends on the segments: it re-ran by itself.
		const personas = page.getByRole('region', { name: 'Personas' });
		await expect.poll(() => personas.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
		expect(await personas.getByRole('article').count()).toBe(4);
	});

	it('exports segments.csv: the key under its own name, segment 1..k, persona', async () => {
		const page = app.page;
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export segments' }).click()
		]);
		expect(download.suggestedFilename()).toBe('segments.csv');
		const path = join(tmpdir(), `segments-${Date.now()}.csv`);
		await download.saveAs(path);
		const lines = readFileSync(path, 'utf8').trim().split('\n');
		expect(lines[0]).toBe('customer_id,segment,persona');
		expect(lines).toHaveLength(1001);
		const segmentsSeen = new Set(lines.slice(1).map((l) => l.split(',')[1]));
		expect([...segmentsSeen].sort()).toEqual(['1', '2', '3', '4']);
		// The persona column holds the names on the Personas cards.
		const personas = page.getByRole('region', { name: 'Personas' });
		await personas.getByRole('button', { name: 'Run cell' }).click();
		await expect.poll(() => personas.getByRole('article').count(), { timeout: 60_000 }).toBe(4);
		const name = personas.getByRole('textbox', { name: 'Name of segment 1' });
		await name.fill('Our best customers');
		await name.press('Tab');
		const [again] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export segments' }).click()
		]);
		const path2 = join(tmpdir(), `segments-${Date.now()}-2.csv`);
		await again.saveAs(path2);
		const rows = readFileSync(path2, 'utf8').trim().split('\n').slice(1);
		const names = new Set(rows.map((l) => l.split(',').slice(2).join(',')));
		expect(names.has('Our best customers')).toBe(true);
		expect([...names].some((n) => /^Segment \d$/.test(n))).toBe(false);
		expect(
			rows.filter((l) => l.split(',')[1] === '1').every((l) => l.endsWith(',Our best customers'))
		).toBe(true);
	});

	it("looks up one customer's profile", async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'Customer' }).click();
		const cell = page.getByRole('region', { name: /^Customer/ });
		await cell.getByRole('combobox', { name: 'Customer key' }).fill('C0000042');
		await cell.getByRole('button', { name: 'Look up' }).click();
		await expect.poll(() => textOf(cell), { timeout: 30_000 }).toMatch(/C0000042 is in segment \d/);
		expect(
			await cell.getByRole('table', { name: 'Features of customer C0000042' }).isVisible()
		).toBe(true);
	});

	it('sent no request to any origin but its own', () => {
		expect(app.session.pageErrors).toEqual([]);
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
	});
});

describe.skipIf(!browser)('chart cells', () => {
	it('draws a result from the form, and refuses an edited spec that reaches out', async () => {
		const app = await openApp();
		try {
			const page = app.page;
			await page
				.getByLabel('Load data file')
				.setInputFiles(join(import.meta.dirname, '../fixtures/orders.csv'));
			await page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
			await page.getByRole('button', { name: 'Add cell' }).click();
			await page.getByRole('menuitem', { name: 'Chart' }).click();
			const cell = page.getByRole('region', { name: /^Chart/ });
			await cell.getByRole('combobox', { name: 'X' }).selectOption('channel');
			await cell.getByRole('figure').locator('canvas, svg').first().waitFor({ timeout: 30_000 });
			await cell.getByText('Vega-Lite spec').click();
			await cell
				.getByRole('textbox', { name: 'Vega-Lite spec' })
				.fill('{"data":{"url":"http://127.0.0.1:9/x.csv"},"mark":"bar"}');
			await cell.getByRole('button', { name: 'Apply spec' }).click();
			await expect.poll(() => textOf(cell)).toMatch(/data\.url is not allowed/);
			expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
			expect(app.session.pageErrors).toEqual([]);
		} finally {
			await app.close();
		}
	});
});
