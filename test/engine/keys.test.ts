/**
 * Guards "keys compare as keys" (src/sql/keys.sql.ts): the SQL rule and the TypeScript rule give
 * the same canonical text on real DuckDB-WASM, for text, BIGINT and DOUBLE keys, so `12347.0`,
 * `12347` and `012347` meet in joins, in the features table and in the Customer cell lookup.
 */
import { describe, expect, it } from 'vitest';
import { keyText, normaliseKey } from '../../src/sql/keys.sql';
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
