/**
 * The Data cell's picture of a table: per column its type, share of nulls, distinct count,
 * min/max, a small histogram (numbers and dates) or top values (text), and a personal-data
 * flag. One scan for the aggregates, then one grouped query per histogram or top list.
 */
import type { ColumnProfile, TableProfile } from '../src/engine/api';
import { detectPii } from '../src/segment/pii';
import { ident } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';
import { describeTable } from './tables';

const BINS = 20;
const TOP = 5;
/** Wide tables get the cheap part for every column and histograms for the first ones. */
const DETAILED_COLUMNS = 60;
const EXACT_DISTINCT_ROWS = 2_000_000;

export function isNumericType(type: string): boolean {
	return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/.test(
		type
	);
}

export function isTemporalType(type: string): boolean {
	return /^(DATE|TIMESTAMP.*)$/.test(type);
}

export async function profileTable(db: Db, table: string): Promise<TableProfile> {
	const started = performance.now();
	const columns = await describeTable(db, table);
	const t = ident(table);
	const rowCount = Number(await queryValue(db, `SELECT count(*) FROM ${t}`));
	if (columns.length === 0) return { table, rowCount, columns: [], ms: 0 };

	// Exact distinct counts up to a few million rows (ids must read as unique); estimates beyond.
	const exact = rowCount <= EXACT_DISTINCT_ROWS;
	const aggregates = columns.flatMap((c) => {
		const col = ident(c.name);
		const numeric = isNumericType(c.type);
		return [
			`count(${col})`,
			exact ? `count(DISTINCT ${col})` : `approx_count_distinct(${col})`,
			numeric ? `min(${col})::VARCHAR` : `min(${col}::VARCHAR)`,
			numeric ? `max(${col})::VARCHAR` : `max(${col}::VARCHAR)`,
			numeric ? `avg(${col})::DOUBLE` : 'NULL'
		];
	});
	const row = (await queryRows(db, `SELECT ${aggregates.join(', ')} FROM ${t}`))[0] ?? [];

	const profiles: ColumnProfile[] = columns.map((c, i) => {
		const [count, distinct, min, max, mean] = row.slice(i * 5, i * 5 + 5);
		return {
			...c,
			nullShare: rowCount === 0 ? 0 : 1 - Number(count) / rowCount,
			distinct: Math.min(Number(distinct), Number(count)),
			minText: min === null || min === undefined ? null : String(min),
			maxText: max === null || max === undefined ? null : String(max),
			mean: typeof mean === 'number' && Number.isFinite(mean) ? mean : null,
			bins: null,
			top: null,
			pii: null
		};
	});

	for (const p of profiles.slice(0, DETAILED_COLUMNS)) {
		const col = ident(p.name);
		if (isNumericType(p.type) || isTemporalType(p.type)) {
			p.bins = await histogram(db, t, isTemporalType(p.type) ? `epoch(${col})` : `${col}::DOUBLE`);
		} else if (p.distinct < 0.9 * rowCount * (1 - p.nullShare) || rowCount < 20) {
			const top = await queryRows(
				db,
				`SELECT ${col}::VARCHAR AS v, count(*) AS n FROM ${t} WHERE ${col} IS NOT NULL
				 GROUP BY ALL ORDER BY n DESC, v LIMIT ${TOP}`
			);
			p.top = top.map(([value, n]) => ({ value: String(value), count: Number(n) }));
		}
		if (p.type === 'VARCHAR') {
			const sample = await queryRows(
				db,
				`SELECT ${col} FROM ${t} WHERE ${col} IS NOT NULL LIMIT 200`
			);
			p.pii = detectPii(
				p.name,
				sample.map(([v]) => String(v))
			);
		} else {
			p.pii = detectPii(p.name, []);
			// A number is never an e-mail; a numeric "name" column is an id, not a person.
			if (p.pii === 'name' || p.pii === 'e-mail') p.pii = null;
		}
	}
	return { table, rowCount, columns: profiles, ms: performance.now() - started };
}

async function histogram(db: Db, t: string, expr: string): Promise<number[]> {
	const rows = await queryRows(
		db,
		`WITH v AS (SELECT ${expr} AS x FROM ${t} WHERE ${expr} IS NOT NULL AND isfinite(${expr})),
		      r AS (SELECT min(x) AS lo, max(x) AS hi FROM v)
		 SELECT least(${BINS - 1}, CASE WHEN hi = lo THEN 0
		          ELSE floor((x - lo) / (hi - lo) * ${BINS})::INTEGER END) AS b, count(*) AS n
		 FROM v, r GROUP BY b ORDER BY b`
	);
	const bins = new Array<number>(BINS).fill(0);
	for (const [b, n] of rows) bins[Number(b)] = Number(n);
	return bins;
}
