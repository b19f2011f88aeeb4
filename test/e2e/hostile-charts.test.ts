/**
 * CSS url() in chart specs and SVG exports (RELIABILITY.md T13, issue 18 item 2), in Chromium
 * with a listener of ours on another port:
 * - each red-team vector, opened from a .segbook.json, is refused with a named reason and draws
 *   nothing;
 * - the SVG files Vega draws for those vectors, opened with no CSP (file://), do reach the
 *   listener (the harness can see a leak), and the same files after the export's sanitiser do not;
 * - a real `Download SVG` of a chart coloured by a column whose values are url() references, opened
 *   with no CSP, sends nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTEBOOK_VERSION, newChartCell, type Notebook } from '../../src/notebook/model';
import { encodeNotebookFile } from '../../src/notebook/share-link';
import { paintVectors } from '../fixtures/charts/paint-vectors';
import { chromiumPath, foreignRequests, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { textOf } from '../helpers/ui';
import { cleanSvg, rawSvg } from '../helpers/svg';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

let site: Awaited<ReturnType<typeof serve>>;
let session: Session;
let sink: Server;
const hits: string[] = [];
let sinkUrl = '';

/** Open an SVG file straight from disk, no CSP, and give its references time to load. */
async function openWithoutCsp(svg: string, name: string): Promise<void> {
	const path = join(tmpdir(), `${name}-${Date.now()}.svg`);
	writeFileSync(path, svg);
	const page = await session.context.newPage();
	await page.goto(pathToFileURL(path).href);
	await page.waitForTimeout(250);
	await page.close();
}

describe.skipIf(!browser)('chart specs and SVG exports load nothing from outside', () => {
	beforeAll(async () => {
		sink = createServer((req, res) => {
			hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
			res.setHeader('content-type', 'image/svg+xml');
			res.end('<svg xmlns="http://www.w3.org/2000/svg"><linearGradient id="g"/></svg>');
		});
		await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', () => ok()));
		const address = sink.address();
		sinkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
		site = await serve({ dir: 'dist' });
		session = await openSession();
		await session.page.goto(site.url);
		await session.page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
	});

	afterAll(async () => {
		await session?.close();
		await site?.close();
		sink?.close();
	});

	it('refuses every red-team paint vector from a notebook file, naming why', async () => {
		const page = session.page;
		const vectors = paintVectors(sinkUrl);
		const doc: Notebook = {
			version: NOTEBOOK_VERSION,
			title: 'Charts for you',
			cells: vectors.map((v) => ({ ...newChartCell('x', ''), spec: JSON.stringify(v.spec) }))
		};
		const file = join(tmpdir(), 'paint.segbook.json');
		writeFileSync(file, encodeNotebookFile(doc));
		await page.getByLabel('Open notebook file').setInputFiles(file);
		for (let i = 0; i < vectors.length; i++) {
			const chart = page.getByRole('region', { name: `Chart ${i + 1}` });
			const alert = chart.getByRole('alert').first();
			await alert.waitFor({ timeout: 30_000 });
			expect(await textOf(alert), vectors[i]!.name).toMatch(
				/url\(\) reference|web or script link|computed by an expression|through a scale|identity scale/
			);
			expect(await chart.getByRole('figure').count()).toBe(0);
		}
		await page.waitForTimeout(300);
		expect(hits).toEqual([]);
		expect(foreignRequests(session.requests, site.url)).toEqual([]);
	});

	it('Vega’s own SVG for those vectors leaks when opened without a CSP; sanitised, it does not', async () => {
		const vectors = paintVectors(sinkUrl);
		for (const v of vectors) await openWithoutCsp(await rawSvg(v.spec), 'raw');
		// The harness sees a leak: the unsanitised files did reach the listener, e-mails included.
		expect(hits.length).toBeGreaterThan(0);
		expect(hits.join(' ')).toMatch(/ann%40example\.com|ann@example\.com/);
		hits.length = 0;
		for (const v of vectors) await openWithoutCsp(cleanSvg(await rawSvg(v.spec)), 'clean');
		expect(hits).toEqual([]);
	});

	it('Download SVG of a real chart sends nothing when the file is opened without a CSP', async () => {
		const page = session.page;
		// The files opened above asked for the listener on purpose; from here on nothing may.
		const since = session.requests.length;
		const csv = join(tmpdir(), 'paints.csv');
		const rows = ['id,spend,site'];
		for (let i = 1; i <= 30; i++) rows.push(`${i},${i * 3},url(${sinkUrl}/d${i % 3}.svg#g)`);
		writeFileSync(csv, rows.join('\n') + '\n');
		await page.getByLabel('Load data file').setInputFiles(csv);
		await page.getByRole('region', { name: 'Data: paints' }).waitFor({ timeout: 30_000 });
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'Chart' }).click();
		const chart = page.getByRole('region', { name: /^Chart/ }).last();
		await chart.getByRole('combobox', { name: /^Data\b/ }).selectOption('paints');
		await chart.getByRole('combobox', { name: /^X\b/ }).selectOption('site');
		await chart.getByRole('combobox', { name: /^Y\b/ }).selectOption('spend');
		const svg = chart.getByRole('figure').locator('svg').first();
		await svg.waitFor({ timeout: 30_000 });
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			chart.getByRole('button', { name: /^Download SVG/ }).click()
		]);
		const path = join(tmpdir(), `chart-${Date.now()}.svg`);
		await download.saveAs(path);
		const text = readFileSync(path, 'utf8');
		expect(text.startsWith('<svg')).toBe(true);
		expect(text).toContain('url(');
		expect(text).not.toMatch(/\s[\w:-]+="[^"]*127\.0\.0\.1/);
		await openWithoutCsp(text, 'download');
		expect(hits).toEqual([]);
		expect(
			foreignRequests(session.requests.slice(since), site.url).filter((u) => !u.startsWith('file:'))
		).toEqual([]);
		expect(session.pageErrors, session.pageErrors.join('\n')).toEqual([]);
	});
});
