/**
 * What the role and column-kind rules (src/segment/roles.ts, column-kinds.ts) need to know about
 * each column of a table, in two scans: distinct and non-null counts with a sample of values for
 * every column, and for numeric columns their shape (min, max, median, MAD, skewness, whether
 * every value is whole). Holistic statistics run on a seeded sample of large tables.
 */
import type { ColumnInfo } from '../src/engine/api';
import type { ColumnStats, NumericSummary } from '../src/segment/roles';
import { ident } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';
import { aggregateRow, isNumericType, isTemporalType } from './profile';
import { describeTable } from './tables';

/** Exact distinct counts up to this many rows; estimates beyond (then the key is checked exactly). */
export const EXACT_DISTINCT_ROWS = 200_000;
/** Median, MAD and skewness on at most this many rows (a seeded sample beyond). */
const SHAPE_SAMPLE = 100_000;

const num = (v: unknown): number | null => {
	const n = typeof v === 'bigint' ? Number(v) : v;
	return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

export interface TableStats {
	rowCount: number;
	columns: ColumnInfo[];
	stats: ColumnStats[];
}

export async function columnStats(db: Db, table: string): Promise<TableStats> {
	const columns = await describeTable(db, table);
	const t = ident(table);
	const rowCount = Number(await queryValue(db, `SELECT count(*) FROM ${t}`));
	// Exact distinct counts where affordable: the key's uniqueness decides the grain.
	const distinct = rowCount <= EXACT_DISTINCT_ROWS ? 'count(DISTINCT ' : 'approx_count_distinct(';
	const aggregates = columns.flatMap((c) => [
		`${distinct}${ident(c.name)})`,
		`count(${ident(c.name)})`
	]);
	// A few columns per scan: one SELECT over a 5,000-column file ran out of memory.
	const row = await aggregateRow(db, t, aggregates, 2);
	const sample =
		columns.length === 0
			? []
			: await queryRows(
					db,
					`SELECT ${columns.map((c) => `${ident(c.name)}::VARCHAR`).join(', ')} FROM ${t} LIMIT 50`
				);
	const shapes = await numericShapes(db, table, columns, rowCount);
	return {
		rowCount,
		columns,
		stats: columns.map((c, i) => {
			const stats: ColumnStats = {
				name: c.name,
				type: c.type,
				distinct: Math.min(Number(row[i * 2]), rowCount),
				nullShare: rowCount === 0 ? 0 : 1 - Number(row[i * 2 + 1]) / rowCount,
				sample: sample.map((r) => r[i]).filter((v): v is string => typeof v === 'string')
			};
			const shape = shapes.get(c.name);
			if (shape) stats.numbers = shape;
			return stats;
		})
	};
}

/** Shape of every numeric column (and the year range of date columns), by column name. */
async function numericShapes(
	db: Db,
	table: string,
	columns: readonly ColumnInfo[],
	rowCount: number
): Promise<Map<string, NumericSummary>> {
	const out = new Map<string, NumericSummary>();
	const numeric = columns.filter((c) => isNumericType(c.type) || isTemporalType(c.type));
	if (numeric.length === 0 || rowCount === 0) return out;
	const from =
		rowCount > SHAPE_SAMPLE
			? `(FROM ${ident(table)} USING SAMPLE ${SHAPE_SAMPLE} ROWS (reservoir, 7))`
			: ident(table);
	const parts = numeric.map((c) => {
		// Dates are measured in years (with a fraction), so "before 1900" reads off min directly.
		const x = isTemporalType(c.type)
			? `(year(${ident(c.name)}) + (dayofyear(${ident(c.name)}) - 1) / 366.0)`
			: `CAST(${ident(c.name)} AS DOUBLE)`;
		const finite = `CASE WHEN isfinite(${x}) THEN ${x} END`;
		return [
			`min(${finite})`,
			`max(${finite})`,
			`avg(${finite})`,
			`median(${finite})`,
			`mad(${finite})`,
			// Beyond ±1e50 the cubes overflow DuckDB's skewness; such values are outliers anyway.
			`skewness(CASE WHEN abs(${finite}) < 1e50 THEN ${finite} END)`,
			`bool_and(${finite} = round(${finite}))`,
			`count(*) FILTER (WHERE ${finite} < 0)`
		].join(', ');
	});
	const row = await aggregateRow(db, from, parts, 1);
	numeric.forEach((c, i) => {
		const at = i * 8;
		const min = num(row[at]);
		const max = num(row[at + 1]);
		if (min === null || max === null) return;
		out.set(c.name, {
			min,
			max,
			mean: num(row[at + 2]) ?? min,
			median: num(row[at + 3]) ?? min,
			mad: num(row[at + 4]) ?? 0,
			skew: num(row[at + 5]) ?? 0,
			integral: row[at + 6] === true,
			negatives: Number(row[at + 7] ?? 0),
			sampled: rowCount > SHAPE_SAMPLE
		});
	});
	return out;
}
