/**
 * The engine's Db over DuckDB-WASM's blocking node bindings: the same wasm build the browser
 * runs, so SQL tests exercise real DuckDB-WASM, not a mock.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
	createDuckDB,
	NODE_RUNTIME,
	VoidLogger,
	type DuckDBBindings
} from '@duckdb/duckdb-wasm/blocking';
import { tableToIPC } from 'apache-arrow';
import type { Db, FileSource } from '../../workers/db';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));

export async function createNodeDb(): Promise<Db> {
	const bindings: DuckDBBindings = await createDuckDB(
		{
			mvp: {
				mainModule: join(dist, 'duckdb-mvp.wasm'),
				mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs')
			},
			eh: {
				mainModule: join(dist, 'duckdb-eh.wasm'),
				mainWorker: join(dist, 'duckdb-node-eh.worker.cjs')
			}
		},
		new VoidLogger(),
		NODE_RUNTIME
	);
	await bindings.instantiate(() => {});
	bindings.open({});
	let conn = bindings.connect();
	return {
		version: bindings.getVersion(),
		bundle: 'node-eh',
		run: (sqlText) =>
			Promise.resolve().then(() => conn.useUnsafe((b, id) => b.runQuery(id, sqlText))),
		registerFile: async (path: string, source: FileSource) => {
			bindings.registerFileBuffer(path, new Uint8Array(await source.slice(0, source.size)));
		},
		registerBuffer: (path, bytes) => Promise.resolve(bindings.registerFileBuffer(path, bytes)),
		dropFile: (path) => Promise.resolve(bindings.dropFile(path)),
		insertArrowIPC: (bytes, table) =>
			Promise.resolve(conn.insertArrowFromIPCStream(bytes, { name: table })),
		cancel: () => Promise.resolve(false),
		reset: () =>
			Promise.resolve().then(() => {
				conn.close();
				bindings.reset();
				conn = bindings.connect();
			})
	};
}

export { tableToIPC };
