/**
 * The engine worker for node tests: the same Engine and derived wire as workers/engine.worker.ts,
 * over DuckDB-WASM's blocking node bindings, in a worker_threads Worker (see node-worker.ts).
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { ENGINE_METHODS, type EngineApi, type WireApi } from '../../src/engine/api';
import { deriveWire } from '../../src/engine/derive';
import { sourceFromFile } from '../../workers/db';
import { Engine, engineApi } from '../../workers/engine';
import { createNodeDb } from './node-db';

type WireFn = (id: number, ...args: unknown[]) => Promise<unknown>;

const served: Promise<WireApi> = createNodeDb().then(
	(db) => engineApi(new Engine(db), sourceFromFile).wire
);

const exposed = deriveWire<EngineApi>(ENGINE_METHODS, async (method, id, args) =>
	((await served)[method] as WireFn)(id, ...args)
);

if (!parentPort) throw new Error('Run this file as a worker thread.');
Comlink.expose(exposed, nodeEndpoint(parentPort));
