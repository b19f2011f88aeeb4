/**
 * Guards "keys compare as keys" (src/sql/keys.sql.ts): the SQL rule and the TypeScript rule give
 * the same canonical text on real DuckDB-WASM, for text, BIGINT and DOUBLE keys, so `12347.0`,
 * `12347` and `012347` meet in joins, in the features table and in the Customer cell lookup.
 */
import { describe, expect, it } from 'vitest';
import { timestampExpr } from '../../src/sql/features.sql';
import { keyText, keyValue, normaliseKey, trimmedText } from '../../src/sql/keys.sql';
import { literal } from '../../src/sql/sql';
import { queryRows } from '../../workers/db';
import { createNodeDb } from '../helpers/node-db';

const CASES: [string, string][] = [
	['12347', '12347'],
	['12347.0', '12347'],
	['12347.00', '12347'],
	['012347', '12347'],
	[' 12347 ', '12347'],
	['0', '0'],
	['000', '0'],
	['0.0', '0'],
	['-0', '0'],
	['-012', '-12'],
	['+7', '7'],
	['12347.5', '12347.5'],
	['C-0012', 'C-0012'],
	['ab12', 'ab12'],
	['00A1', '00A1']
];

describe('keyText (SQL) and normaliseKey (TypeScript)', () => {
	it('agree on every case, and give the canonical text', async () => {
		const db = await createNodeDb();
		for (const [raw, canonical] of CASES) {
			expect(normaliseKey(raw), raw).toBe(canonical);
			const [[sqlValue]] = (await queryRows(db, `SELECT ${keyText(literal(raw))}`)) as [[string]];
			expect(sqlValue, raw).toBe(canonical);
		}
		expect((await queryRows(db, `SELECT ${keyText("''")}, ${keyText('NULL')}`))[0]).toEqual([
			null,
			null
		]);
	});

	it('a DOUBLE key 12347.0 and a BIGINT key 12347 meet on the same text', async () => {
		const db = await createNodeDb();
		const rows = await queryRows(
			db,
			`SELECT ${keyText('12347.0::DOUBLE')}, ${keyText('12347::BIGINT')}, ${keyText('0.0::DOUBLE')}`
		);
		expect(rows[0]).toEqual(['12347', '12347', '0']);
	});
});

describe('the fast paths of the per-line key (keyValue)', () => {
	it('trimmedText gives what trim gives, on every Unicode space and on text trim keeps', async () => {
		const db = await createNodeDb();
		// The space separators DuckDB's trim removes, and characters it keeps (TAB, LF, letters).
		const spaces = [0x20, 0xa0, 0x1680, 0x2000, 0x2005, 0x200a, 0x202f, 0x205f, 0x3000];
		const values = [
			'C0001',
			'',
			'Zoë',
			'\t12\t',
			'\n12',
			'a b',
			...spaces.flatMap((c) => [`${String.fromCodePoint(c)}12`, `12${String.fromCodePoint(c)}`])
		];
		for (const v of values) {
			const [[fast, slow]] = (await queryRows(
				db,
				`SELECT ${trimmedText(literal(v))}, trim(${literal(v)})`
			)) as [[string, string]];
			expect(fast, JSON.stringify(v)).toBe(slow);
		}
		expect((await queryRows(db, `SELECT ${trimmedText('NULL')}`))[0]).toEqual([null]);
	});

	it('a whole-number key is its plain text, the same as the canonical rule', async () => {
		const db = await createNodeDb();
		for (const n of ['0', '-12', '12347', '9007199254740993']) {
			const rows = await queryRows(
				db,
				`SELECT ${keyValue(`${n}::BIGINT`, 'BIGINT')}, ${keyText(`${n}::BIGINT`)}`
			);
			expect(rows[0]?.[0], n).toBe(rows[0]?.[1]);
		}
		const [[text]] = (await queryRows(
			db,
			`SELECT ${keyValue(literal(' C-0012 '), 'VARCHAR')}`
		)) as [[string]];
		expect(text).toBe('C-0012');
	});
});

describe('timestampExpr on text dates', () => {
	it('reads ISO text, mm/dd/yy (not the year 3) and dd.mm.yyyy in the detected order', async () => {
		const db = await createNodeDb();
		const read = async (value: string, order: 'dmy' | 'mdy' | null): Promise<unknown> =>
			(
				await queryRows(
					db,
					`SELECT ${timestampExpr('d', 'VARCHAR', order)}::VARCHAR FROM (SELECT ${literal(value)} AS d)`
				)
			)[0]?.[0];
		expect(await read('2011-03-05 16:41:00', null)).toBe('2011-03-05 16:41:00');
		expect(await read('3/5/11 16:41', 'mdy')).toBe('2011-03-05 16:41:00');
		expect(await read('3/5/11 16:41', 'dmy')).toBe('2011-05-03 16:41:00');
		expect(await read('12/1/2010 8:26', 'mdy')).toBe('2010-12-01 08:26:00');
		expect(await read('28.01.2023', null)).toBe('2023-01-28 00:00:00');
		expect(await read('14-07-2013', 'dmy')).toBe('2013-07-14 00:00:00');
	});
});
