/**
 * The engine's methods are listed once (ENGINE_METHODS): the client, the worker's exposure and
 * the test adapter derive theirs from it. The client here talks to a worker exposure over a
 * real MessageChannel (comlink), as it does to the browser's worker.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import {
	BUDGET_MS,
	ENGINE_METHODS,
	type CallSpec,
	type EngineApi,
	type EngineInfo
} from '../../../src/engine/api';
import { formatBudget, timeoutMessage } from '../../../src/engine/budget';
import { EngineClient, type WorkerHandle } from '../../../src/engine/client';
import { deriveWire } from '../../../src/engine/derive';
import type { Db } from '../../../workers/db';
import { Engine, engineApi } from '../../../workers/engine';

const INFO: EngineInfo = { duckdbVersion: 'test', bundle: 'test', lockedDown: true, ms: 0 };

type Serve = (method: string, id: number, args: unknown[]) => Promise<unknown>;

/** A worker over a MessageChannel whose exposure is derived from the list, served by `serve`. */
function channelWorker(serve: Serve): WorkerHandle {
	const { port1, port2 } = new MessageChannel();
	Comlink.expose(
		deriveWire<EngineApi>(ENGINE_METHODS, (method, id, args) =>
			method === 'init' ? Promise.resolve(INFO) : serve(method, id, args)
		),
		port2 as unknown as Comlink.Endpoint
	);
	return {
		endpoint: port1 as unknown as Comlink.Endpoint,
		terminate: () => {
			port1.close();
			port2.close();
		},
		onError: () => {}
	};
}

const clients: EngineClient[] = [];
function client(serve: Serve): EngineClient {
	const c = new EngineClient(
		{ onProgress: () => {}, onRestart: async () => {} },
		{ spawn: () => channelWorker(serve) }
	);
	clients.push(c);
	return c;
}

afterEach(() => {
	for (const c of clients.splice(0)) c.dispose();
});

describe('one method list', () => {
	it('the client has exactly the listed calls, each reaching the worker under its name with its own request id', async () => {
		const seen: [string, number][] = [];
		const c = client(async (method, id) => {
			seen.push([method, id]);
			return null;
		});
		await c.ready;
		const listed = Object.entries(ENGINE_METHODS)
			.filter(([, spec]: [string, CallSpec]) => !spec.control)
			.map(([name]) => name);
		const own = Object.keys(c).filter(
			(k) => typeof (c as unknown as Record<string, unknown>)[k] === 'function'
		);
		expect(own.sort()).toEqual([...listed].sort());
		const ids: number[] = [];
		for (const method of listed) {
			if (method === 'init') continue;
			const call = (
				c as unknown as Record<
					string,
					(...a: unknown[]) => Promise<unknown> & { requestId: number }
				>
			)[method]!('x');
			ids.push(call.requestId);
			await call;
		}
		expect(seen.map(([m]) => m)).toEqual(listed.filter((m) => m !== 'init'));
		expect(seen.map(([, id]) => id)).toEqual(ids);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('adding a method to the list and a handler on the Engine exposes it on the client and the worker', async () => {
		const methods = ENGINE_METHODS as unknown as Record<string, CallSpec>;
		const proto = Engine.prototype as unknown as Record<string, unknown>;
		methods.echo = { budget: 'instant' };
		proto.echo = async (text: string) => `echo: ${text}`;
		try {
			const { wire, api } = engineApi(new Engine({} as Db), () => {
				throw new Error('no files here');
			});
			expect(await (api as unknown as { echo(t: string): Promise<string> }).echo('adapter')).toBe(
				'echo: adapter'
			);
			const c = client((method, id, args) =>
				(wire as unknown as Record<string, (id: number, ...a: unknown[]) => Promise<unknown>>)[
					method
				]!(id, ...args)
			);
			await c.ready;
			const echo = (c as unknown as { echo(t: string): Promise<string> }).echo;
			expect(typeof echo).toBe('function');
			expect(await echo('client')).toBe('echo: client');
		} finally {
			delete methods.echo;
			delete proto.echo;
		}
		expect('echo' in client(async () => null)).toBe(false);
	});

	it('every call has a budget; a query has 60 s unless the cell passes its own', () => {
		for (const spec of Object.values(ENGINE_METHODS) as CallSpec[]) {
			expect(BUDGET_MS[spec.budget]).toBeGreaterThan(0);
		}
		expect(ENGINE_METHODS.query).toMatchObject({ budget: 'query', budgetArg: 1 });
		expect(BUDGET_MS[ENGINE_METHODS.query.budget]).toBe(60_000);
		expect(BUDGET_MS[ENGINE_METHODS.exportQuery.budget]).toBe(60_000);
		expect(BUDGET_MS[ENGINE_METHODS.loadFile.budget]).toBe(600_000);
		expect(timeoutMessage('query', 60_000)).toMatch(
			/^Stopped after 60 s \(the time budget for a query\)\. The engine restarted\. Narrow the query/
		);
		expect([1500, 60_000, 600_000, 5_400_000].map(formatBudget)).toEqual([
			'1.5 s',
			'60 s',
			'10 min',
			'1 h 30 min'
		]);
	});
});
