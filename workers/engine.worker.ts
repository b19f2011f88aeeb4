/**
 * The engine worker: exposes the EngineApi over comlink, and nothing else. The exposure is
 * derived from ENGINE_METHODS (src/engine/api.ts): each call arrives with its request id first.
 */
import * as Comlink from 'comlink';
import { ENGINE_METHODS, type EngineApi, type WireApi } from '../src/engine/api';
import { deriveWire } from '../src/engine/derive';
import { sourceFromFile } from './db';
import { openBrowserDb } from './duckdb-browser';
import { Engine, engineApi } from './engine';
import { installTrustedTypes } from '../src/security/trusted-types';

// DuckDB's own worker is started from here: its script URL passes the same policy as the page.
installTrustedTypes();

let served: Promise<WireApi> | null = null;

function start(): Promise<WireApi> {
	served ??= openBrowserDb().then((db) => engineApi(new Engine(db), sourceFromFile).wire);
	return served;
}

type WireFn = (id: number, ...args: unknown[]) => Promise<unknown>;

// Every call waits for DuckDB to start, except a cancel: it must reach a busy engine at once.
const exposed = deriveWire<EngineApi>(ENGINE_METHODS, async (method, id, args) => {
	if (method === 'cancel') return served ? ((await served).cancel as WireFn)(id, ...args) : false;
	return ((await start())[method] as WireFn)(id, ...args);
});

Comlink.expose(exposed);
