/**
 * RELIABILITY.md case 2, "a second connection is also locked": the lockdown (workers/lockdown.ts)
 * is applied on one connection of real DuckDB-WASM; a second connection opened afterwards can
 * neither undo it nor reach the network or files. Checked by removing `lock_configuration` from
 * LOCKDOWN_SQL: the second connection's SET then succeeds and this test fails.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDuckDB, NODE_RUNTIME, VoidLogger } from '@duckdb/duckdb-wasm/blocking';
import { describe, expect, it } from 'vitest';
import { LOCKDOWN_SQL } from '../../workers/lockdown';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));

describe('the lockdown holds on a second connection', () => {
	it('refuses SET, RESET and every network or file route on a connection opened later', async () => {
		const bindings = await createDuckDB(
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
		const first = bindings.connect();
		for (const statement of LOCKDOWN_SQL) first.query(statement);
		const second = bindings.connect();
		const undo = [
			'SET enable_external_access = true',
			'RESET enable_external_access',
			'SET lock_configuration = false',
			"SET allowed_directories = ['/']",
			'SET autoload_known_extensions = true',
			"SET GLOBAL custom_extension_repository = 'http://127.0.0.1:8001'"
		];
		for (const sql of undo) expect(() => second.query(sql), sql).toThrow(/locked/i);
		const reach = [
			"FROM 'http://127.0.0.1:8001/x.csv'",
			"SELECT * FROM read_text('/etc/passwd')",
			"ATTACH 'http://127.0.0.1:8001/a.duckdb' AS a",
			"COPY (SELECT 1) TO 'http://127.0.0.1:8001/out.csv'",
			"SELECT * FROM glob('/*')"
		];
		for (const sql of reach) {
			expect(() => second.query(sql), sql).toThrow(/disabled|Permission|not allowed|locked/i);
		}
		const settings = second.query(
			"SELECT current_setting('enable_external_access')::VARCHAR AS e, current_setting('lock_configuration')::VARCHAR AS l"
		);
		expect(settings.toArray().map((r) => [String(r.e), String(r.l)])).toEqual([['false', 'true']]);
		second.close();
		first.close();
	});
});
