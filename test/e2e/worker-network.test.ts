/**
 * RELIABILITY.md §3 case 4, worker coverage: from inside every worker the page runs (the
 * engine's; DuckDB's own nests in it), fetch, XMLHttpRequest, WebSocket and importScripts to
 * another origin are refused, while the worker's own site stays reachable, on a host that sends the site's headers (CSP as
 * a header) and on one that sends none (the page's <meta> CSP only, which workers loaded from a
 * URL do not inherit). A listener of the test's own counts what arrives: nothing may.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSession } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const fixtures = join(import.meta.dirname, '../fixtures');

/** What each route out of a worker did: 'refused' or what it got back. */
async function tryRoutes(worker: Worker, sink: string): Promise<Record<string, string>> {
	return worker.evaluate(async (url) => {
		const out: Record<string, string> = {};
		const attempt = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
			try {
				const got = await fn();
				out[name] = `reached: ${String(got)}`;
			} catch {
				out[name] = 'refused';
			}
		};
		// The control: the worker can fetch from its own site, so a refusal below is the policy's.
		await attempt('own site', async () => (await fetch(`${self.origin}/`)).status);
		await attempt('fetch', async () => (await fetch(`${url}/fetch`)).status);
		await attempt(
			'xhr',
			() =>
				new Promise((ok, fail) => {
					const x = new XMLHttpRequest();
					x.onload = () => ok(x.status);
					x.onerror = () => fail(new Error('xhr'));
					x.open('GET', `${url}/xhr`);
					x.send();
				})
		);
		await attempt(
			'websocket',
			() =>
				new Promise((ok, fail) => {
					const ws = new WebSocket(url.replace('http', 'ws') + '/ws');
					ws.onopen = () => ok('open');
					ws.onerror = () => fail(new Error('ws'));
				})
		);
		await attempt('importScripts', async () => {
			const g = self as unknown as { importScripts?: (u: string) => void };
			if (typeof g.importScripts !== 'function') throw new TypeError('module worker');
			g.importScripts(`${url}/script.js`);
			return 'ran';
		});
		return out;
	}, sink);
}

describe.skipIf(!browser)('no worker reaches another origin', () => {
	let sink: Server;
	const hits: string[] = [];
	let sinkUrl = '';
	beforeAll(async () => {
		sink = createServer((req, res) => {
			hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
			res.setHeader('Access-Control-Allow-Origin', '*');
			res.end('1');
		});
		await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', () => ok()));
		const address = sink.address();
		sinkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
	});
	afterAll(() => {
		sink?.close();
	});

	it.each([
		['with the site headers (CSP as a header)', true],
		['on a host that sends no headers (meta CSP only)', false]
	] as const)('%s', async (_, headers) => {
		const site = await serve({ dir: 'dist', headers });
		const session = await openSession();
		try {
			const page = session.page;
			await page.goto(site.url);
			await page
				.getByRole('status')
				.filter({ hasText: /Ready ·/ })
				.waitFor({ timeout: 60_000 });
			// A load and a segmentation start every worker: the engine, DuckDB's, the sweep's.
			await page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
			await page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
			const workers = page.workers();
			// The engine's worker starts from a blob: wrapper, so it inherits the page's policy, meta
			// CSP included (DuckDB's worker nested in it inherits the engine's; Chromium does not
			// show nested workers to the test, and the sweep's start only on larger data).
			expect(workers.length).toBeGreaterThanOrEqual(1);
			for (const worker of workers) expect(worker.url()).toMatch(/^blob:/);
			for (const worker of workers) {
				const routes = await tryRoutes(worker, sinkUrl);
				expect(routes, worker.url()).toEqual({
					'own site': 'reached: 200',
					fetch: 'refused',
					xhr: 'refused',
					websocket: 'refused',
					importScripts: 'refused'
				});
			}
			expect(hits).toEqual([]);
		} finally {
			await session.close();
			await site.close();
		}
	});
});
