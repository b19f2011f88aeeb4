/**
 * The client's supervision against a real worker (a worker_threads Worker running the Engine
 * over DuckDB-WASM, test/helpers/node-worker.ts): the time budget stops a runaway query and
 * restarts the worker, the restart hands `onRestart` a replay API and holds other calls until
 * it settles, Cancel stops the request it names, and a worker that cannot start says so.
 */
import { tableFromIPC } from 'apache-arrow';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src/engine/api';
import { EngineClient, type WorkerHandle } from '../../src/engine/client';
import type { EngineError } from '../../src/engine/errors';
import { buildNodeWorker, nodeWorker } from '../helpers/node-worker';

/** RELIABILITY.md case 26 (DuckDB's range() takes integers, hence the cast). */
const RUNAWAY = 'SELECT count(*) FROM range(1e12::BIGINT) a, range(10) b';

let script: string;
const clients: EngineClient[] = [];

beforeAll(async () => {
	script = await buildNodeWorker();
}, 120_000);

afterEach(() => {
	for (const c of clients.splice(0)) c.dispose();
});

interface Events {
	restarts: string[];
	unavailable: EngineError[];
}

function client(
	onRestart: (reason: string, replay: EngineApi) => Promise<void> = async () => {},
	spawn: () => WorkerHandle = () => nodeWorker(script)
): { engine: EngineClient; events: Events } {
	const events: Events = { restarts: [], unavailable: [] };
	const engine = new EngineClient(
		{
			onProgress: () => {},
			onRestart: async (reason, replay) => {
				events.restarts.push(reason);
				await onRestart(reason, replay);
			},
			onUnavailable: (error) => events.unavailable.push(error)
		},
		{ spawn, cancelGraceMs: 500 }
	);
	clients.push(engine);
	return { engine, events };
}

async function firstValue(engine: EngineClient, sqlText: string): Promise<unknown> {
	const result = await engine.query(sqlText, {});
	return tableFromIPC(result.ipc).getChildAt(0)?.get(0);
}

describe('the watchdog', () => {
	it('stops a runaway query after its budget, restarts, and holds calls until the replay settles', async () => {
		const { engine, events } = client(async (_, replay) => {
			// The session's replay: a table back before any other call reaches the new worker.
			await replay.query('CREATE TABLE restored AS SELECT 42 AS x', {});
		});
		await engine.ready;
		await engine.query('CREATE TABLE lost AS SELECT 1 AS x', {});
		const started = performance.now();
		const runaway = engine.query(RUNAWAY, { budgetMs: 1500 });
		expect(runaway.requestId).toBeGreaterThan(0);
		await expect(runaway).rejects.toMatchObject({
			code: 'timeout',
			message: expect.stringMatching(
				/^Stopped after 1\.5 s \(the time budget for a query\)\. The engine restarted\. Narrow the query/
			)
		});
		const stoppedAfter = performance.now() - started;
		expect(stoppedAfter).toBeGreaterThanOrEqual(1400);
		expect(stoppedAfter).toBeLessThan(20_000);
		// Made while the new worker starts: it waits for onRestart, so it sees the replayed table.
		expect(Number(await firstValue(engine, 'SELECT x FROM restored'))).toBe(42);
		expect(events.restarts).toEqual(['Stopped after 1.5 s (the time budget for a query)']);
		// A new worker: what the replay did not restore is gone, and the client says nothing else.
		await expect(engine.query('FROM lost', {})).rejects.toMatchObject({ code: 'sql' });
		expect((await engine.ready).lockedDown).toBe(true);
	});

	it('counts a budget only while the call is the oldest in the worker', async () => {
		const { engine } = client();
		await engine.ready;
		const first = engine.query(RUNAWAY, { budgetMs: 1500 });
		// Queued behind the runaway with a shorter budget: not its fault, so not its timeout.
		const second = engine.query('SELECT 1', { budgetMs: 500 });
		await expect(first).rejects.toMatchObject({ code: 'timeout' });
		await expect(second).rejects.toMatchObject({
			code: 'restarted',
			message: expect.stringMatching(/engine restarted \(Stopped after 1\.5 s.*run it again/)
		});
	});
});

describe('cancel by request id', () => {
	it('cancels the request it names and no other', async () => {
		const { engine, events } = client();
		await engine.ready;
		const runaway = engine.query(RUNAWAY, {});
		await new Promise((r) => setTimeout(r, 200));
		await engine.cancel(runaway.requestId + 1000);
		expect(events.restarts).toEqual([]);
		await engine.cancel(runaway.requestId);
		await expect(runaway).rejects.toMatchObject({
			code: 'cancelled',
			message: 'Cancelled: the engine restarted to stop it.'
		});
		expect(events.restarts).toEqual(['Cancelled']);
		expect(Number(await firstValue(engine, 'SELECT 7'))).toBe(7);
	});

	it('a call still waiting is cancelled without reaching the worker', async () => {
		const { engine, events } = client();
		const waiting = engine.query('CREATE TABLE never AS SELECT 1', {});
		await engine.cancel(waiting.requestId);
		await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
		await engine.ready;
		await expect(engine.query('FROM never', {})).rejects.toMatchObject({ code: 'sql' });
		expect(events.restarts).toEqual([]);
	});
});

describe('a restart that cannot load the engine script', () => {
	it('rejects ready and every later call with "reload the page", never "intact"', async () => {
		let spawned = 0;
		const { engine, events } = client(undefined, () =>
			spawned++ === 0 ? nodeWorker(script) : nodeWorker(`${script}.missing.mjs`)
		);
		await engine.ready;
		engine.crashForTest();
		await expect(engine.ready).rejects.toMatchObject({ code: 'crashed' });
		const error = await engine.query('SELECT 1', {}).catch((e: EngineError) => e);
		expect(error).toMatchObject({
			code: 'crashed',
			message: expect.stringMatching(
				/^The engine could not restart: .+\. Reload the page; your notebook is saved\.$/
			)
		});
		expect((error as EngineError).message).not.toMatch(/intact/);
		expect(events.unavailable.map((e) => e.message)).toEqual([(error as EngineError).message]);
		expect(events.restarts).toEqual([]);
	});
});
