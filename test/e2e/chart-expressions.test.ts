/**
 * RELIABILITY.md §3 case 6 in Chromium: Vega expression exploits under a CSP without
 * 'unsafe-eval'. Chart specs shaped after the published reports (vega/vega#3018, a filter that
 * breaks out of the code generator; #3027 and #3984, the window reached through `event.view` in a
 * selection's event filter; GHSA-7f2v-3qq3-vvjf, `toString` and the VEGA_DEBUG global) come in a
 * notebook file. Each is drawn or refused, never run: `window.__pwned` stays unset after the
 * charts are drawn and clicked, and a chart with a selection and computed fields does draw,
 * which it could not without Vega's CSP-safe interpreter (code generation needs `eval`).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTEBOOK_VERSION, newChartCell, type Notebook } from '../../src/notebook/model';
import { encodeNotebookFile } from '../../src/notebook/share-link';
import { chromiumPath, cspViolations, foreignRequests } from '../helpers/browser';
import { openApp, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const RUN = 'window.__pwned=1';
const POINTS = {
	values: [
		{ a: 1, b: 2 },
		{ a: 2, b: 3 },
		{ a: 3, b: 1 }
	]
};
const X = { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } };

/** The exploit specs, each with what it tries. */
const EXPLOITS: { name: string; spec: object }[] = [
	{
		name: 'vega#3018: a filter that ends the generated code early',
		spec: {
			data: { values: [{}] },
			transform: [{ filter: `(0//1/)-'\\\n,${RUN}))))//'` }],
			mark: 'bar'
		}
	},
	{
		name: 'vega#3984: the window through event.view in a selection’s event filter',
		spec: {
			data: POINTS,
			params: [
				{
					name: 's',
					select: {
						type: 'point',
						on: { type: 'click', filter: `scale(event.view.setTimeout, '${RUN}')` }
					}
				}
			],
			mark: { type: 'point', size: 400 },
			encoding: X
		}
	},
	{
		name: 'vega#3027: the window through event.view in a selection’s event stream',
		spec: {
			data: POINTS,
			params: [
				{
					name: 't',
					select: {
						type: 'point',
						on: `click[event.view.eval('${RUN}')], mousemove[event.view.Function('${RUN}')()]`
					}
				}
			],
			mark: { type: 'point', size: 400 },
			encoding: X
		}
	},
	{
		name: 'GHSA-7f2v-3qq3-vvjf: toString and the VEGA_DEBUG global',
		spec: {
			data: POINTS,
			params: [
				{ name: 'p', expr: `toString.constructor('${RUN}')()` },
				{ name: 'q', expr: `VEGA_DEBUG.view.constructor.constructor('${RUN}')()` }
			],
			mark: 'point',
			encoding: X
		}
	},
	{
		name: 'a harmless chart with a selection and computed fields (drawn only by the interpreter)',
		spec: {
			data: POINTS,
			params: [{ name: 'pick', select: { type: 'point', on: 'click' } }],
			transform: [{ calculate: 'datum.a * 2 + length(toString(datum.b))', as: 'c' }],
			mark: { type: 'point', size: 400 },
			encoding: {
				...X,
				color: { condition: { param: 'pick', value: 'black' }, value: 'grey' },
				size: { field: 'c', type: 'quantitative' }
			}
		}
	}
];

let app: App;

describe.skipIf(!browser)('Vega expression exploits run nothing (case 6)', () => {
	beforeAll(async () => {
		app = await openApp({ recordViolations: true });
	});

	afterAll(async () => {
		await app?.close();
	});

	it('draws or refuses each exploit, runs none of them, and still draws the harmless chart', async () => {
		const { page, session, site } = app;
		const doc: Notebook = {
			version: NOTEBOOK_VERSION,
			title: 'Charts for you',
			cells: EXPLOITS.map((e) => ({ ...newChartCell('x', ''), spec: JSON.stringify(e.spec) }))
		};
		const file = join(tmpdir(), 'expressions.segbook.json');
		writeFileSync(file, encodeNotebookFile(doc));
		await page.getByLabel('Open notebook file').setInputFiles(file);
		for (let i = 0; i < EXPLOITS.length; i++) {
			const chart = page.getByRole('region', { name: `Chart ${i + 1}` });
			// Drawn, or refused with a message: either way it settles.
			await expect
				.poll(
					async () =>
						(await chart.getByRole('figure').locator('svg').count()) +
						(await chart.getByRole('alert').count()),
					{ timeout: 30_000 }
				)
				.toBeGreaterThan(0);
			// Fire the events the selections listen to, on every mark drawn.
			const marks = chart.getByRole('figure').locator('svg path, svg .mark-symbol path');
			for (let m = 0; m < Math.min(3, await marks.count()); m++) {
				await marks
					.nth(m)
					.click({ force: true, timeout: 2_000 })
					.catch(() => undefined);
				await marks
					.nth(m)
					.hover({ force: true, timeout: 2_000 })
					.catch(() => undefined);
			}
		}
		await page.waitForTimeout(300);
		const state = await page.evaluate(() => {
			const w = window as unknown as { __pwned?: unknown; VEGA_DEBUG?: unknown };
			return { pwned: w.__pwned, debug: typeof w.VEGA_DEBUG };
		});
		expect(state.pwned, 'an exploit ran').toBeUndefined();
		// Nothing of Vega's is left on window for GHSA-7f2v-3qq3-vvjf to reach.
		expect(state.debug).toBe('undefined');
		// The harmless chart, with a selection and computed fields, is drawn: the interpreter runs
		// expressions without eval (its code generator would be refused by the CSP).
		const harmless = page.getByRole('region', { name: `Chart ${EXPLOITS.length}` });
		expect(await harmless.getByRole('figure').locator('svg').count()).toBeGreaterThan(0);
		expect(await harmless.getByRole('alert').count()).toBe(0);
		// No script was refused by the CSP either: nothing even tried to evaluate code.
		expect((await cspViolations(page)).filter((v) => v.startsWith('script-src'))).toEqual([]);
		expect(foreignRequests(session.requests, site.url)).toEqual([]);
		expect(session.pageErrors).toEqual([]);
	});
});
