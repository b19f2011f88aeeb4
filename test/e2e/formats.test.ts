/**
 * RELIABILITY.md §3 case 14 in Chromium: Parquet and JSON load with DuckDB's extension autoload
 * off, and nothing is asked of any host but the page's own, not even for SQL that needs an
 * extension the engine does not have. The Parquet file is the app's own
 * "Download Parquet" of a result, loaded back (a round trip with every value kept); the JSON file
 * is an array of records, nested values included.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests } from '../helpers/browser';
import { openApp, runSql, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const fixtures = join(import.meta.dirname, '../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'segbook-formats-'));

describe.skipIf(!browser)('Parquet and JSON in Chromium, from this site only', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('loads its own Parquet download back and a JSON file of records, asking no other host', async () => {
		const page = app.page;
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		await page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
		const sql = page.getByRole('region', { name: 'SQL cell 2' });
		await runSql(
			page,
			'SQL cell 2',
			'SELECT order_id, customer_name, order_date, amount FROM orders ORDER BY order_id'
		);
		await sql.getByRole('grid').waitFor({ timeout: 30_000 });
		await sql.getByRole('checkbox', { name: 'Include personal data in exports' }).check();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			sql.getByRole('button', { name: 'Download Parquet' }).click()
		]);
		const parquet = join(dir, 'orders_copy.parquet');
		await download.saveAs(parquet);

		const json = join(dir, 'members.json');
		const members = Array.from({ length: 40 }, (_, i) => ({
			member_id: `M${1000 + i}`,
			joined: `2023-0${1 + (i % 9)}-1${i % 10}`,
			points: i * 7.5,
			tags: i % 2 ? ['gold'] : [],
			address: { city: i % 3 ? 'Lyon' : 'Köln' }
		}));
		writeFileSync(json, JSON.stringify(members));

		await page.getByLabel('Load data file').setInputFiles([parquet, json]);
		await page.getByRole('region', { name: 'Data: orders_copy' }).waitFor({ timeout: 30_000 });
		await page.getByRole('region', { name: 'Data: members' }).waitFor({ timeout: 30_000 });

		await runSql(
			page,
			'SQL cell 2',
			`SELECT (SELECT count(*) FROM orders_copy) AS parquet_rows,
				(SELECT count(*) FROM (SELECT order_id, customer_name, order_date, amount FROM orders
					EXCEPT SELECT order_id, customer_name, order_date, amount FROM orders_copy)) AS differing,
				(SELECT count(*) FROM members) AS json_rows,
				(SELECT sum(points) FROM members) AS points`
		);
		await expect
			.poll(() => textOf(sql.getByRole('grid')), { timeout: 30_000 })
			.toMatch(/parquet_rows.*differing.*json_rows.*points/);
		const cells = await sql.getByRole('gridcell').allTextContents();
		const expectedPoints = members.reduce((s, m) => s + m.points, 0);
		expect(cells.map((c) => c.replace(/,/g, ''))).toEqual(['6', '0', '40', String(expectedPoints)]);

		// An extension this engine does not have (Excel's reader): with autoload on, DuckDB would
		// fetch it from its repository on the internet. It is refused here, in plain words.
		await runSql(page, 'SQL cell 2', "SELECT * FROM read_xlsx('book.xlsx')");
		await expect
			.poll(() => textOf(sql), { timeout: 30_000 })
			.toMatch(/Extensions cannot be installed or loaded in Segbook/);
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
		expect(app.session.pageErrors).toEqual([]);
	});

	it('loads a real Excel workbook: its largest sheet, with the sheet named, asking no other host', async () => {
		// RELIABILITY.md §3 case 20, the .xlsx path (workers/xlsx.ts), within its unzip caps.
		const page = app.page;
		await page
			.getByLabel('Load data file')
			.setInputFiles(join(fixtures, 'xlsx', 'crm-export.xlsx'));
		const data = page.getByRole('region', { name: 'Data: crm_export' });
		await data.waitFor({ timeout: 30_000 });
		await expect.poll(() => textOf(data), { timeout: 30_000 }).toMatch(/40 rows · 8 columns/);
		const text = await textOf(data);
		expect(text).toMatch(/Excel workbook, sheet “Customers”/);
		expect(text).toMatch(/Read the sheet “Customers”, the largest of 2 \(About, Customers\)/);
		await data.getByRole('table', { name: 'Columns of crm_export' }).waitFor({ timeout: 30_000 });
		const typeOf = (column: string): Promise<string> =>
			data.getByRole('combobox', { name: `Type of ${column}` }).inputValue();
		expect(await typeOf('Signed up')).toBe('DATE');
		expect(await typeOf('Last order')).toBe('TIMESTAMP');
		expect(await typeOf('Newsletter')).toBe('BOOLEAN');

		// Another sheet, chosen in Read as; then back to the largest.
		await data.getByRole('button', { name: 'Read as' }).click();
		const sheet = data.getByRole('combobox', { name: 'Sheet' });
		expect(await sheet.locator('option').allTextContents()).toEqual([
			'Largest (Customers)',
			'About',
			'Customers'
		]);
		// A workbook has no delimiter or encoding to choose.
		expect(await data.getByRole('combobox', { name: 'Delimiter' }).count()).toBe(0);
		await sheet.selectOption('About');
		await expect
			.poll(() => textOf(data), { timeout: 30_000 })
			.toMatch(/Read the sheet “About”, as chosen in Read as/);
		await expect.poll(() => textOf(data), { timeout: 30_000 }).toMatch(/1 rows · 1 columns/);
		expect(await textOf(data)).not.toMatch(/fixed-width/);
		await data.getByRole('combobox', { name: 'Sheet' }).selectOption('');
		await expect.poll(() => textOf(data), { timeout: 30_000 }).toMatch(/40 rows · 8 columns/);
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
		expect(app.session.pageErrors).toEqual([]);
	});

	it('refuses an Excel workbook named .csv with how to save it, and the next file loads', async () => {
		// RELIABILITY.md §3 case 20: the bytes of a .xlsx (a ZIP archive) under a .csv name.
		const page = app.page;
		const workbook = join(dir, 'report.csv');
		writeFileSync(
			workbook,
			Buffer.concat([
				Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
				Buffer.from('[Content_Types].xml'),
				Buffer.alloc(400, 0)
			])
		);
		await page.getByLabel('Load data file').setInputFiles(workbook);
		const refused = page.getByRole('alert').filter({ hasText: /report\.csv looks like an Excel/ });
		await refused.waitFor({ timeout: 30_000 });
		expect(await textOf(refused)).toMatch(/Save it as CSV \(File → Save as → CSV UTF-8\)/);
		expect(await page.getByRole('region', { name: 'Data: report' }).count()).toBe(0);
		const dataCells = page.getByRole('region', { name: /^Data: / });
		const before = await dataCells.count();
		await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		await expect.poll(() => dataCells.count(), { timeout: 30_000 }).toBe(before + 1);
		expect(app.session.pageErrors).toEqual([]);
	});
});
