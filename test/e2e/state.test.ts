/**
 * One notebook state you can trust (issue 11), end to end in Chromium:
 * - a protected column stays protected after the engine crashes (SQL and segments.csv);
 * - Export segments pressed right after Run all gives that run's result: its k, its persona
 *   names, none of an unchecked feature;
 * - a table made by a SQL cell is back after a restart;
 * - Cancel during a load starts no analysis the user did not ask for.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { fillSql, runSql, textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const dir = mkdtempSync(join(tmpdir(), 'segbook-state-'));

/** Customers of customerFile() with an income over 60,000. */
let richCustomers = 0;

/** A seeded customer-level export: one row per customer, three kinds of customer. */
function customerFile(): string {
	let seed = 7;
	const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const lines = ['customer_id,email,age,income,wine_spend,meat_spend,web_visits'];
	for (let i = 1; i <= 600; i++) {
		const kind = i % 3;
		const age = [28, 45, 67][kind]! + Math.round(rand() * 8);
		const income = [30_000, 80_000, 55_000][kind]! + Math.round(rand() * 9000);
		const wine = [40, 900, 300][kind]! + Math.round(rand() * 60);
		const meat = [60, 500, 120][kind]! + Math.round(rand() * 40);
		const visits = [9, 3, 5][kind]! + Math.round(rand() * 2);
		if (income > 60_000) richCustomers++;
		lines.push(`${1000 + i},person${i}@example.com,${age},${income},${wine},${meat},${visits}`);
	}
	const path = join(dir, 'crm_customers.csv');
	writeFileSync(path, lines.join('\n') + '\n');
	return path;
}

/** Order lines big enough that a load takes a few seconds (time to press Cancel). */
function bigOrders(): string {
	const path = join(dir, 'big_orders.csv');
	const rows = ['order_id,customer_id,order_date,amount'];
	for (let i = 0; i < 3_000_000; i++) {
		rows.push(`${i},${1000 + (i % 5000)},2024-0${1 + (i % 9)}-1${i % 9},${(i % 97) + 0.5}`);
	}
	writeFileSync(path, rows.join('\n') + '\n');
	return path;
}

async function ready(page: Page): Promise<void> {
	await page
		.getByRole('status')
		.filter({ hasText: /Ready ·/ })
		.waitFor({ timeout: 60_000 });
}

async function exportSegments(page: Page): Promise<string[][]> {
	const [download] = await Promise.all([
		page.waitForEvent('download', { timeout: 120_000 }),
		page.getByRole('button', { name: 'Export segments' }).click()
	]);
	const path = join(dir, `segments-${Date.now()}.csv`);
	await download.saveAs(path);
	return readFileSync(path, 'utf8')
		.trim()
		.split('\n')
		.map((l) => l.split(','));
}

async function crash(page: Page): Promise<void> {
	await page.evaluate(() =>
		(window as unknown as { __segbookCrashEngine(): void }).__segbookCrashEngine()
	);
	await page
		.getByRole('alert')
		.filter({ hasText: /engine restarted/ })
		.waitFor({ timeout: 60_000 });
}

describe.skipIf(!browser)('the notebook state in Chromium', () => {
	let site: Awaited<ReturnType<typeof serve>>;
	let session: Session;
	const crm = customerFile();
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
	});
	afterAll(async () => {
		await site?.close();
	});

	async function fresh(): Promise<Page> {
		await session?.close();
		session = await openSession();
		await session.page.goto(`${site.url}?testHooks`);
		await ready(session.page);
		return session.page;
	}
	afterAll(async () => session?.close());

	it('Export segments right after Run all gives that run: its k, real names, no unchecked feature', async () => {
		const page = await fresh();
		await page.getByLabel('Load data file').setInputFiles(crm);
		const personas = page.getByRole('region', { name: /^Personas/ });
		await personas.getByRole('article').first().waitFor({ timeout: 120_000 });
		const features = page.getByRole('region', { name: /^Features/ });
		await features.getByRole('checkbox', { name: 'wine_spend', exact: true }).uncheck();
		const segments = page.getByRole('region', { name: /^Segments/ });
		await segments.getByRole('spinbutton', { name: 'Number of segments' }).fill('4');
		await segments.getByRole('spinbutton', { name: 'Number of segments' }).press('Tab');
		await page.getByRole('button', { name: 'Run all' }).click();
		const rows = await exportSegments(page);
		expect(rows[0]).toEqual(['customer_id', 'segment', 'persona']);
		const body = rows.slice(1);
		expect(body).toHaveLength(600);
		expect(new Set(body.map((r) => r[1]))).toEqual(new Set(['1', '2', '3', '4']));
		const names = new Set(body.map((r) => r.slice(2).join(',')));
		expect([...names]).toHaveLength(4);
		for (const name of names) {
			expect(name).not.toMatch(/^"?Segment \d+"?$/);
			expect(name.toLowerCase()).not.toMatch(/wine/);
		}
		// What the page shows is what was exported.
		const cards = await personas.getByRole('article').count();
		expect(cards).toBe(4);
	});

	it('a protected column stays hashed after the engine crashes, in SQL and in segments.csv', async () => {
		const page = await fresh();
		await page.getByLabel('Load data file').setInputFiles(crm);
		const data = page.getByRole('region', { name: 'Data: crm_customers' });
		await page
			.getByRole('region', { name: /^Personas/ })
			.getByRole('article')
			.first()
			.waitFor({ timeout: 120_000 });
		await data.getByRole('combobox', { name: 'Personal data in email' }).selectOption('hash');
		await expect.poll(() => textOf(data), { timeout: 30_000 }).toMatch(/replaced by salted hashes/);
		await crash(page);
		await runSql(
			page,
			'SQL cell 2',
			'SELECT email FROM crm_customers ORDER BY customer_id LIMIT 3'
		);
		const sql = page.getByRole('region', { name: 'SQL cell 2' });
		await expect
			.poll(() => textOf(sql.getByRole('grid')), { timeout: 60_000 })
			.toMatch(/h_[0-9a-f]{16}/);
		expect(await textOf(sql.getByRole('grid'))).not.toMatch(/@example\.com/);
		await page.getByRole('button', { name: 'Run all' }).click();
		const rows = await exportSegments(page);
		expect(rows.length).toBe(601);
		expect(rows.flat().join(',')).not.toMatch(/@example\.com/);
	});

	it('a table made by a SQL cell is back after a restart', async () => {
		const page = await fresh();
		await page.getByLabel('Load data file').setInputFiles(crm);
		await page.getByRole('region', { name: 'Data: crm_customers' }).waitFor({ timeout: 60_000 });
		const sql = page.getByRole('region', { name: 'SQL cell 2' });
		await sql.getByRole('textbox', { name: 'Result name' }).fill('rich');
		await runSql(page, 'SQL cell 2', 'SELECT * FROM crm_customers WHERE income > 60000');
		await sql.getByRole('grid').waitFor({ timeout: 60_000 });
		await crash(page);
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'SQL' }).click();
		const last = page.getByRole('region', { name: /^SQL cell/ }).last();
		await fillSql(last, 'SELECT count(*) AS n FROM rich');
		await last.getByRole('button', { name: 'Run cell' }).click();
		await expect
			.poll(() => last.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe(String(richCustomers));
	});

	it('Cancel during a load starts no analysis the user did not ask for', async () => {
		const page = await fresh();
		const big = bigOrders();
		await page.getByLabel('Load data file').setInputFiles([crm, big]);
		// As soon as the first file is in, the big one is loading: cancel it.
		await page.getByRole('region', { name: 'Data: crm_customers' }).waitFor({ timeout: 60_000 });
		await page.getByRole('button', { name: 'Cancel' }).first().click();
		await page
			.getByRole('status')
			.filter({ hasText: /cancelled/i })
			.waitFor({ timeout: 60_000 });
		// Some seconds later nothing has started by itself.
		await page.waitForTimeout(4000);
		expect(await page.getByRole('region', { name: /^Features/ }).count()).toBe(0);
		expect(await page.getByRole('region', { name: /^Segments/ }).count()).toBe(0);
		expect(await textOf(page.getByRole('status').first())).not.toMatch(/personas|segment/i);
		// The file loaded before the Cancel is still there.
		await runSql(page, 'SQL cell 2', 'SELECT count(*) AS n FROM crm_customers');
		const sql = page.getByRole('region', { name: 'SQL cell 2' });
		await expect
			.poll(() => sql.getByRole('gridcell').first().textContent(), { timeout: 60_000 })
			.toBe('600');
	});
});
