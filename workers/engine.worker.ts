/** The engine worker: exposes the EngineApi over comlink, and nothing else. */
import * as Comlink from 'comlink';
import type { EngineApi } from '../src/engine/api';
import { sourceFromFile } from './db';
import { openBrowserDb } from './duckdb-browser';
import { Engine, engineApi } from './engine';
import { installTrustedTypes } from '../src/security/trusted-types';

// DuckDB's own worker is started from here: its script URL passes the same policy as the page.
installTrustedTypes();

let api: Promise<EngineApi> | null = null;

function start(): Promise<EngineApi> {
	api ??= openBrowserDb().then((db) => engineApi(new Engine(db), sourceFromFile));
	return api;
}

// Every call waits for DuckDB to start; results holding Arrow bytes are transferred.
const exposed: EngineApi = {
	init: async () => (await start()).init(),
	loadFile: async (file, table, onProgress, read) =>
		(await start()).loadFile(file, table, onProgress, read),
	loadSample: async (options, onProgress) => (await start()).loadSample(options, onProgress),
	profile: async (table) => (await start()).profile(table),
	setColumnType: async (table, column, type) => (await start()).setColumnType(table, column, type),
	protectColumn: async (table, column, action, salt) =>
		(await start()).protectColumn(table, column, action, salt),
	query: async (sqlText, options) => {
		const result = await (await start()).query(sqlText, options);
		return Comlink.transfer(result, [result.ipc.buffer as ArrayBuffer]);
	},
	schema: async () => (await start()).schema(),
	dropTable: async (name) => (await start()).dropTable(name),
	suggestRecipe: async (table) => (await start()).suggestRecipe(table),
	buildFeatures: async (recipe) => (await start()).buildFeatures(recipe),
	sweep: async (seed, onProgress) => (await start()).sweep(seed, onProgress),
	segment: async (options, onProgress) => (await start()).segment(options, onProgress),
	rfm: async (rules) => (await start()).rfm(rules),
	exportSegments: async (format, personas, privacy) => {
		const file = await (await start()).exportSegments(format, personas, privacy);
		return Comlink.transfer(file, [file.bytes.buffer as ArrayBuffer]);
	},
	personas: async () => (await start()).personas(),
	compare: async (options) => (await start()).compare(options),
	answerKey: async (seed) => (await start()).answerKey(seed),
	customer: async (key) => (await start()).customer(key),
	customerKeys: async (prefix) => (await start()).customerKeys(prefix),
	exportQuery: async (sqlText, format, privacy) => {
		const file = await (await start()).exportQuery(sqlText, format, privacy);
		return Comlink.transfer(file, [file.bytes.buffer as ArrayBuffer]);
	},
	chartRows: async (table, limit) => {
		const result = await (await start()).chartRows(table, limit);
		return Comlink.transfer(result, [result.ipc.buffer as ArrayBuffer]);
	},
	exportModel: async (tables, fit) => (await start()).exportModel(tables, fit),
	scoreCustomers: async (model, options) => (await start()).scoreCustomers(model, options),
	insight: async (kind, input, onProgress) => (await start()).insight(kind, input, onProgress),
	// Not queued behind start(): a cancel must reach a busy engine at once.
	cancel: async () => (api ? (await api).cancel() : false)
};

Comlink.expose(exposed);
