/** The engine worker: exposes the EngineApi over comlink, and nothing else. */
import * as Comlink from 'comlink';
import type { EngineApi } from '../src/engine/api';
import { sourceFromFile } from './db';
import { openBrowserDb } from './duckdb-browser';
import { Engine, engineApi } from './engine';

let api: Promise<EngineApi> | null = null;

function start(): Promise<EngineApi> {
	api ??= openBrowserDb().then((db) => engineApi(new Engine(db), sourceFromFile));
	return api;
}

// Every call waits for DuckDB to start; results holding Arrow bytes are transferred.
const exposed: EngineApi = {
	init: async () => (await start()).init(),
	loadFile: async (file, onProgress) => (await start()).loadFile(file, onProgress),
	loadSample: async (options, onProgress) => (await start()).loadSample(options, onProgress),
	profile: async (table) => (await start()).profile(table),
	setColumnType: async (table, column, type) => (await start()).setColumnType(table, column, type),
	query: async (sqlText, options) => {
		const result = await (await start()).query(sqlText, options);
		return Comlink.transfer(result, [result.ipc.buffer as ArrayBuffer]);
	},
	schema: async () => (await start()).schema(),
	dropTable: async (name) => (await start()).dropTable(name),
	cancel: async () => (await start()).cancel()
};

Comlink.expose(exposed);
