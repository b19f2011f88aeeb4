/**
 * Native DuckDB (@duckdb/node-api), single-threaded, reading the same CSV the app loads: the
 * yardstick for the app's load step. `read_csv` with its defaults (sniffing included) into an
 * in-memory table, as the app's load does; median of `runs`, a fresh database each time.
 */
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * @param {string} file
 * @param {number} runs
 * @returns {Promise<{ ms: number, rows: number, version: string }>}
 */
export async function nativeReadCsv(file, runs) {
	/** @type {number[]} */
	const times = [];
	let rows = 0;
	let version = '';
	for (let r = 0; r < runs; r++) {
		const db = await DuckDBInstance.create(':memory:', { threads: '1' });
		const con = await db.connect();
		version = String((await con.runAndReadAll('SELECT version()')).getRows()[0]?.[0] ?? '');
		const t = performance.now();
		await con.run(`CREATE TABLE t AS FROM read_csv('${file.replaceAll("'", "''")}')`);
		times.push(performance.now() - t);
		rows = Number((await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]?.[0] ?? 0);
		con.closeSync();
		db.closeSync();
	}
	times.sort((a, b) => a - b);
	return { ms: times[Math.floor(times.length / 2)] ?? NaN, rows, version };
}
