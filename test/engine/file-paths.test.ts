/**
 * Guards RELIABILITY.md T14 and issue 12's "files stay readable from SQL": a loaded file is
 * read in SQL cells under the name its Data cell shows, it is registered under a path no
 * SQL could have guessed before the load, and SQL can write no file at all (COPY … TO,
 * EXPORT DATABASE and ATTACH are refused with a plain message).
 */
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusesFileWrite, rewriteFileNames } from '../../src/sql/file-names';
import type { Engine } from '../../workers/engine';
import { registrationPath } from '../../workers/ingest';
import { createEngine, textFile } from '../helpers/engine';

let engine: Engine;
beforeAll(async () => {
	engine = await createEngine();
	await engine.loadSource(textFile('victim.csv', 'id,name\n1,Ann\n2,Bob\n3,Cy\n'));
	await engine.loadSource(textFile('My Orders (2024).csv', 'order,amount\n1,10\n2,20\n'));
}, 120_000);

async function values(sqlText: string): Promise<unknown[][]> {
	const table = tableFromIPC((await engine.query(sqlText, {})).ipc);
	return table.toArray().map((r: { toArray(): unknown[] }) => r.toArray());
}

describe('files by the names the Data cell shows', () => {
	it('reads a loaded file with read_csv and with FROM', async () => {
		expect(await values(`SELECT count(*)::INT FROM read_csv('victim.csv')`)).toEqual([[3]]);
		expect(await values(`SELECT sum(amount)::INT FROM 'My Orders (2024).csv'`)).toEqual([[30]]);
		expect(
			await values(`SELECT name FROM read_csv('victim.csv', header = true) ORDER BY id LIMIT 1`)
		).toEqual([['Ann']]);
	});

	it('says which files are loaded when SQL names another', async () => {
		await expect(engine.query(`FROM read_csv('other.csv')`, {})).rejects.toMatchObject({
			code: 'sql',
			message: expect.stringMatching(
				/^other\.csv is not a file loaded in this notebook.*Loaded files: 'victim\.csv', 'My Orders \(2024\)\.csv'/
			)
		});
	});

	it('leaves other strings alone', async () => {
		const files = new Map([['victim.csv', '/data/uabc/1-victim.csv']]);
		expect(
			rewriteFileNames(
				`SELECT 'victim.csv ' AS a, "victim.csv" FROM read_csv('victim.csv') -- 'victim.csv'`,
				files
			)
		).toBe(
			`SELECT 'victim.csv ' AS a, "victim.csv" FROM read_csv('/data/uabc/1-victim.csv') -- 'victim.csv'`
		);
	});

	it('registers files under a random directory of /data/', () => {
		const a = registrationPath(1, 'victim', 'csv');
		const b = registrationPath(1, 'victim', 'csv');
		expect(a).toMatch(/^\/data\/u[0-9a-f]{24}\/1-victim\.csv$/);
		expect(a).not.toBe(b);
	});
});

describe('SQL writes no files', () => {
	it.each([
		`COPY (SELECT 'ATTACKER' AS name) TO '/data/2-victim.csv'`,
		`copy victim to '/data/x.csv' (HEADER)`,
		`SELECT 1; COPY victim TO '/data/y.csv'`,
		`PREPARE p AS COPY victim TO '/data/z.csv'`,
		`EXPORT DATABASE '/data/exp'`,
		`ATTACH '/data/2-victim.csv' AS evil`,
		`/* hidden */ COPY victim TO 'victim.csv'`
	])('refuses %s plainly', async (sqlText) => {
		await expect(engine.query(sqlText, {})).rejects.toMatchObject({
			code: 'locked',
			message: expect.stringMatching(/SQL cannot write files in Segbook: .* use Download CSV/)
		});
	});

	it('still allows reading with COPY … FROM and strings that mention COPY', async () => {
		expect(refusesFileWrite(`SELECT 'COPY x TO y' AS s`)).toBeNull();
		await engine.query(`CREATE TABLE copied (id BIGINT, name VARCHAR)`, {});
		await engine.query(`COPY copied FROM 'victim.csv' (HEADER)`, {});
		expect(await values(`SELECT count(*)::INT FROM copied`)).toEqual([[3]]);
	});

	it('a file loaded after a refused COPY holds its own rows', async () => {
		await expect(
			engine.query(`COPY (SELECT 'ATTACKER' AS id) TO '/data/9-late.csv'`, {})
		).rejects.toThrow();
		const report = await engine.loadSource(textFile('late.csv', 'id\n1\n2\n'));
		expect(report.rowsLoaded).toBe(2);
		expect(await values(`SELECT count(*)::INT FROM read_csv('late.csv')`)).toEqual([[2]]);
	});
});
