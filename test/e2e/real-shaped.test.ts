/**
 * Issue 12's bar in Chromium: every file of the real-shaped corpus (test/fixtures/real-shaped/)
 * segments untouched. For each: a new notebook, Load data file, Run all, Export segments; the
 * export has one row per true customer (manifest.json), and the persona names are distinct and
 * never a raw column name. The headerless fixed-width file is among them: read at the columns
 * the Read as panel proposes, its key, date and amount found by their values.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser';
import { openApp, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const dir = join(import.meta.dirname, '../fixtures/real-shaped');
interface Entry {
	file: string;
	customers: number;
	companion?: boolean;
	withCustomers?: string;
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[];
const corpus = manifest.filter((m) => !m.companion);

/** The header of a corpus file (TAB, semicolon or comma; Latin-1 bytes read as Latin-1). */
function columnsOf(file: string): string[] {
	const bytes = readFileSync(join(dir, file));
	const text = file.startsWith('latin1') ? bytes.toString('latin1') : bytes.toString('utf8');
	const header = text.split(/\r?\n/)[0] ?? '';
	return header.split(/[\t;,]/);
}

describe.skipIf(!browser)('the real-shaped corpus segments untouched in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it.each(corpus.map((m) => [m.file, m] as const))('%s', async (_, m) => {
		const page = app.page;
		await page.getByRole('button', { name: 'Notebook', exact: true }).click();
		await page.getByRole('menuitem', { name: 'New notebook' }).click();
		await page.getByRole('region', { name: 'Welcome' }).waitFor({ timeout: 30_000 });
		const files = [m.file, ...(m.withCustomers ? [m.withCustomers] : [])];
		await page.getByLabel('Load data file').setInputFiles(files.map((f) => join(dir, f)));
		const personas = page.getByRole('region', { name: 'Personas' });
		await expect
			.poll(() => personas.getAttribute('data-status'), { timeout: 120_000 })
			.toBe('done');
		await page.getByRole('button', { name: 'Run all' }).click();
		await expect
			.poll(() => personas.getAttribute('data-status'), { timeout: 120_000 })
			.toBe('done');
		await expect
			.poll(() =>
				page.getByRole('region', { name: 'Segments', exact: true }).getAttribute('data-status')
			)
			.toBe('done');

		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			segments.getByRole('button', { name: 'Export segments' }).click()
		]);
		const path = join(tmpdir(), `real-shaped-${Date.now()}.csv`);
		await download.saveAs(path);
		const lines = readFileSync(path, 'utf8').trim().split('\n');
		expect(lines.length - 1, `${m.file}: rows in segments.csv`).toBe(m.customers);

		const cards = personas.getByRole('article');
		const names: string[] = [];
		for (let i = 0; i < (await cards.count()); i++) {
			names.push(
				await cards
					.nth(i)
					.getByRole('textbox', { name: /^Name of segment/ })
					.inputValue()
			);
		}
		expect(names.length).toBeGreaterThanOrEqual(2);
		expect(new Set(names).size, names.join(' | ')).toBe(names.length);
		const raw = files.flatMap(columnsOf).filter((c) => /_|[a-z][A-Z]/.test(c));
		for (const name of names) {
			for (const c of raw) expect(name, `${name} holds ${c}`).not.toContain(c);
		}
	});
});
