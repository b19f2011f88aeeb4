/**
 * The Data cell's picture of a table: per column its type, share of nulls, distinct count,
 * min/max, a small histogram (numbers and dates) or top values (text), and a personal-data
 * flag. One scan for the aggregates, then one grouped query per histogram or top list.
 */
import type { ColumnProfile, TableProfile } from '../src/engine/api';
import { isIntegerCode } from '../src/segment/column-kinds';
import { detectPii } from '../src/segment/pii';
import { ident } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';
import { describeTable } from './tables';

const BINS = 20;
const TOP = 5;
/** Top values are the values holding at least this share of the rows (what the Data cell draws). */
export const TOP_SHARE = 0.01;
const TOP_BUCKETS = 4096;
/** Wide tables get the cheap part for every column and histograms for the first ones. */
const DETAILED_COLUMNS = 60;
const EXACT_DISTINCT_ROWS = 2_000_000;
/** Columns profiled at first; the Data cell offers the next ones. */
export const PROFILE_COLUMNS = 200;
/** Columns whose aggregates share one scan. */
const AGGREGATE_COLUMNS = 250;

/**
 * One row of aggregates over table `t` (an identifier), `perColumn` expressions per column, in
 * scans of AGGREGATE_COLUMNS columns: one SELECT of every column's aggregates ran out of memory
 * on a 5,000-column file (each distinct count holds its own hash table while the query runs).
 */
export async function aggregateRow(
	db: Db,
	t: string,
	aggregates: string[],
	perColumn: number
): Promise<unknown[]> {
	const row: unknown[] = [];
	const step = AGGREGATE_COLUMNS * perColumn;
	for (let from = 0; from < aggregates.length; from += step) {
		const batch = aggregates.slice(from, from + step);
		row.push(...((await queryRows(db, `SELECT ${batch.join(', ')} FROM ${t}`))[0] ?? []));
	}
	return row;
}

export function isNumericType(type: string): boolean {
	return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/.test(
		type
	);
}

export function isTemporalType(type: string): boolean {
	return /^(DATE|TIMESTAMP.*)$/.test(type);
}

/**
 * Profiles the first `limit` columns. A very wide table (a 5,000-column export) is profiled
 * lazily: its first columns now, more when asked, since every column's aggregates cost time and
 * memory whether or not anyone looks at them.
 */
export async function profileTable(
	db: Db,
	table: string,
	limit = PROFILE_COLUMNS
): Promise<TableProfile> {
	const started = performance.now();
	const all = await describeTable(db, table);
	const columns = all.slice(0, Math.max(1, limit));
	const columnCount = all.length;
	const t = ident(table);
	const rowCount = Number(await queryValue(db, `SELECT count(*) FROM ${t}`));
	if (columns.length === 0) return { table, rowCount, columns: [], columnCount, ms: 0 };

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
	const row = await aggregateRow(db, t, aggregates, 5);

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
		// The rule the Features cell goes by, so the profile never calls a count a code. Whole
		// numbers by type only (integral: false), as DuckDB typed the column.
		const min = Number(p.minText);
		const code = isIntegerCode(
			{
				name: p.name,
				type: p.type,
				distinct: p.distinct,
				nullShare: p.nullShare,
				sample: [],
				numbers: {
					min,
					max: Number(p.maxText),
					mean: p.mean ?? 0,
					median: 0,
					mad: 0,
					skew: 0,
					integral: false,
					negatives: min < 0 ? 1 : 0,
					sampled: false
				}
			},
			rowCount
		);
		if (code) {
			p.code = true;
			p.top = await topValues(db, t, col, rowCount);
		} else if (isNumericType(p.type) || isTemporalType(p.type)) {
			p.bins = await histogram(db, t, isTemporalType(p.type) ? `epoch(${col})` : `${col}::DOUBLE`);
		} else if (p.distinct < 0.9 * rowCount * (1 - p.nullShare) || rowCount < 20) {
			p.top = await topValues(db, t, col, rowCount);
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
	return { table, rowCount, columns: profiles, columnCount, ms: performance.now() - started };
}

/**
 * The most frequent values (up to TOP) among those holding at least TOP_SHARE of the rows, the
 * only ones the Data cell draws; every value for tables under 20 rows.
 *
 * Grouping every value of a near-unique column (an invoice id) was the profile's slowest step and
 * grew faster than the rows (a hash table that outgrows the caches: 14.7 s at 10M rows). A value
 * holding ≥ TOP_SHARE of the rows lies in a hash bucket holding at least as many, so one pass
 * counts rows per bucket (a table of TOP_BUCKETS counters, linear), and only the rows of buckets
 * that reach the threshold are grouped exactly. Near-unique columns have no such bucket and stop
 * after the first pass. The result is exact: the same values and counts as grouping everything.
 */
async function topValues(
	db: Db,
	t: string,
	col: string,
	rowCount: number
): Promise<{ value: string; count: number }[]> {
	const plain = (where: string, having: string) =>
		queryRows(
			db,
			`SELECT ${col}::VARCHAR AS v, count(*) AS n FROM ${t} WHERE ${col} IS NOT NULL ${where}
			 GROUP BY ALL ${having} ORDER BY n DESC, v LIMIT ${TOP}`
		);
	let rows: unknown[][];
	if (rowCount < 20) rows = await plain('', '');
	else {
		const least = Math.max(1, Math.ceil(rowCount * TOP_SHARE));
		const bucket = `(hash(${col}) % ${TOP_BUCKETS})`;
		const heavy = await queryRows(
			db,
			`SELECT ${bucket} AS b FROM ${t} WHERE ${col} IS NOT NULL GROUP BY b HAVING count(*) >= ${least}`
		);
		if (heavy.length === 0) return [];
		const list = heavy.map(([b]) => String(Number(b))).join(', ');
		rows = await plain(`AND ${bucket} IN (${list})`, `HAVING count(*) >= ${least}`);
	}
	return rows.map(([value, n]) => ({ value: String(value), count: Number(n) }));
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
