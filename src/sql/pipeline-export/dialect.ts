/**
 * What differs between the SQL engines an exported pipeline runs on, as small pure functions:
 * quoting, literals, casts, date differences, conditional aggregates, quantiles. The scripts
 * (duckdb.ts, bigquery.ts, spark.ts) are written once against this interface (warehouse.ts for
 * the parts DuckDB does not take from the browser's own feature SQL).
 */
import { FORMULA_START } from '../../lib/csv';
import type { SegmentModel } from '../../segment/model-file';

export interface Dialect {
	/** Shown in the head comment. */
	name: string;
	/** A column or table name, quoted. `a.b` stays one name (use `path` for qualified names). */
	ident(name: string): string;
	/** A qualified table name (`project.dataset.table`), quoted as the engine expects. */
	path(name: string): string;
	/** A string literal. */
	string(value: string): string;
	/** The one-character string of a code point (for control characters). */
	char(code: number): string;
	/** A DOUBLE literal that reads back as exactly `x` (never a DECIMAL). */
	float(x: number): string;
	/** Any value as text. */
	toText(expr: string): string;
	/** Text or number as a double, NULL when it is not a number (never an error). */
	toDouble(expr: string): string;
	/** Text as TIMESTAMP by the engine's own cast (ISO text), NULL when it is not one. */
	tryTimestamp(text: string): string;
	/** Text as TIMESTAMP by the first of these strftime formats that reads it, else NULL. */
	parseTimestamp(text: string, formats: readonly string[]): string;
	/** Does `text` contain a match of the regular expression? */
	matches(text: string, pattern: string): string;
	/** Seconds from timestamp `a` to timestamp `b`, as a number. */
	secondsBetween(a: string, b: string): string;
	/** count(*) of the rows where `cond` holds. */
	countIf(cond: string): string;
	/** An aggregate (`sum`, `min`, `max`) over the rows where `cond` holds (NULL when none). */
	aggIf(fn: 'sum' | 'min' | 'max', expr: string, cond: string): string;
	/** Whole calendar days from timestamp `a` to timestamp `b` (dates compared, times ignored). */
	daysBetween(a: string, b: string): string;
	/** Midnight of the day after timestamp `x`, as TIMESTAMP. */
	nextDay(x: string): string;
	/** Does the whole of `text` match the regular expression? */
	fullMatch(text: string, pattern: string): string;
	/** Every match of `pattern` in `text` replaced; `$1` in `replacement` is the first group. */
	replaceAll(text: string, pattern: string, replacement: string): string;
	/** The continuous quantile q (0..1) of expr, as an aggregate. */
	quantile(expr: string, q: number): string;
	/** `CREATE OR REPLACE <table|view> name AS body`; `name` is already quoted (ident or path). */
	createStep(name: string, body: string): string;
}

/** DuckDB's and Spark's shortest round-trip spelling of a double, always with an exponent. */
export function exponentLiteral(x: number): string {
	if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
	// toExponential() without digits is the shortest text that reads back as the same double.
	return x.toExponential();
}

/** Neutralise a CSV cell a spreadsheet would run as a formula (src/lib/csv.ts's rule): prefix '. */
export function safeCsvText(value: string): string {
	return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The names the scripts give their steps, from the notebook's defaults. */
export const STEP_TABLES = {
	features: 'customer_features',
	matrix: 'model_matrix',
	centroids: 'segbook_centroids',
	segments: 'segments'
} as const;

/** Centroid column names: the model's features, so a centroid row reads like a matrix row. */
export function centroidRows(model: SegmentModel): { segment: number; values: number[] }[] {
	return model.centroids.map((values, i) => ({ segment: i + 1, values }));
}

/** The persona name of each segment, as the export's persona column says it. */
export function personaOf(model: SegmentModel, segment: number): string {
	const s = model.segments[segment - 1];
	return s && s.name.trim() !== '' ? s.name : `Segment ${segment}`;
}

/**
 * Nearest centroid, the same way in every dialect: every customer against every centre
 * (k rows each), squared Euclidean distance summed in the model's feature order, the smallest
 * kept, a tie going to the lower segment number (as k-means assigns).
 */
export function nearestCentroidSql(
	d: Dialect,
	key: string,
	features: readonly string[],
	matrix: string,
	centroids: string
): string {
	const k = d.ident(key);
	const squared = features
		.map((f) => `(m.${d.ident(f)} - c.${d.ident(f)}) * (m.${d.ident(f)} - c.${d.ident(f)})`)
		.join('\n	          + ');
	return `SELECT ${k}, segment, sqrt(d2) AS distance
FROM (
	SELECT ${k}, segment, d2,
	       row_number() OVER (PARTITION BY ${k} ORDER BY d2, segment) AS nearest
	FROM (
		SELECT m.${k} AS ${k}, c.segment AS segment,
		       ${squared} AS d2
		FROM ${matrix} AS m CROSS JOIN ${centroids} AS c
	) AS pairs
) AS ranked
WHERE nearest = 1`;
}

/** `SELECT 1 AS segment, … UNION ALL SELECT 2, …`: the centroids as a tiny table, any dialect. */
export function centroidsSelect(d: Dialect, model: SegmentModel): string {
	const names = model.features.map((f) => f.name);
	return centroidRows(model)
		.map(
			(row, i) =>
				`SELECT ${row.segment} AS segment, ${row.values
					.map((x, j) => (i === 0 ? `${d.float(x)} AS ${d.ident(names[j]!)}` : d.float(x)))
					.join(', ')}`
		)
		.join('\nUNION ALL ');
}

/** `CASE segment WHEN 1 THEN 'Loyal' … END`: the persona column of segments.csv. */
export function personaCase(d: Dialect, model: SegmentModel, column = 'segment'): string {
	const whens = model.segments
		.map((s) => `WHEN ${s.segment} THEN ${d.string(safeCsvText(personaOf(model, s.segment)))}`)
		.join(' ');
	return `CASE ${column} ${whens} END`;
}

/** The characters FORMULA_START (src/lib/csv.ts) refuses at the start of a field. */
const FORMULA_CHARACTERS = ['=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];
const FORMULA_CONTROLS = [9, 13, 10];

/** The formula guard on a text column in SQL: `'` before a field that starts like a formula. */
export function csvSafeSql(d: Dialect, expr: string): string {
	const starts = [
		...FORMULA_CHARACTERS.map((c) => d.string(c)),
		...FORMULA_CONTROLS.map((c) => d.char(c))
	];
	return `CASE WHEN substr(${expr}, 1, 1) IN (${starts.join(', ')}) THEN concat(${d.string("'")}, ${expr}) ELSE ${expr} END`;
}

/** A script as its head comment and its statements (each may start with comment lines). */
export interface Script {
	head: string;
	statements: string[];
}

export function scriptText(script: Script): string {
	return `${script.head}\n\n${script.statements.join(';\n\n')};\n`;
}
