/**
 * `Export pipeline` → `BigQuery SQL`: the notebook's pipeline as one BigQuery script (GoogleSQL).
 * The input is a view over a table whose name is set at the top; every step is a table in one
 * dataset; segments are written to Cloud Storage with EXPORT DATA. A last section lets BigQuery
 * ML refit k-means, seeded from the notebook's centroids (kmeans_init_method = 'CUSTOM'), and
 * predicts with ML.PREDICT, each new centre named after the nearest notebook persona.
 */
import type { SegmentModel } from '../../segment/model-file';
import {
	centroidRows,
	csvSafeSql,
	exponentLiteral,
	personaCase,
	STEP_TABLES,
	scriptText,
	type Dialect,
	type Script
} from './dialect';
import { commentLines } from './duckdb';
import {
	summarySql,
	warehouseSteps,
	type WarehouseScriptOptions,
	type WarehouseTables
} from './warehouse';

/** A GoogleSQL string literal: backslash escapes for the quote, backslash and control characters. */
export function bigQueryString(value: string): string {
	const escaped = value
		.replaceAll('\\', '\\\\')
		.replaceAll("'", "\\'")
		.replaceAll('\n', '\\n')
		.replaceAll('\r', '\\r')
		.replaceAll('\t', '\\t');
	return `'${escaped}'`;
}

/** A quoted identifier: backticks, a backtick or backslash inside escaped. */
export function bigQueryIdent(name: string): string {
	return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

export const bigquery: Dialect = {
	name: 'BigQuery',
	ident: bigQueryIdent,
	// `project.dataset.table` is one quoted path in GoogleSQL.
	path: bigQueryIdent,
	string: bigQueryString,
	char: (code) => `CODE_POINTS_TO_STRING([${code}])`,
	float: exponentLiteral,
	toText: (x) => `CAST(${x} AS STRING)`,
	toDouble: (x) => `SAFE_CAST(${x} AS FLOAT64)`,
	tryTimestamp: (t) => `SAFE_CAST(${t} AS TIMESTAMP)`,
	parseTimestamp: (t, formats) =>
		`COALESCE(${formats.map((f) => `SAFE.PARSE_TIMESTAMP(${bigQueryString(f)}, ${t})`).join(', ')})`,
	matches: (t, p) => `REGEXP_CONTAINS(${t}, ${bigQueryString(p)})`,
	secondsBetween: (a, b) => `TIMESTAMP_DIFF(${b}, ${a}, SECOND)`,
	countIf: (cond) => `COUNTIF(${cond})`,
	aggIf: (fn, x, cond) => `${fn.toUpperCase()}(IF(${cond}, ${x}, NULL))`,
	daysBetween: (a, b) => `DATE_DIFF(DATE(${b}), DATE(${a}), DAY)`,
	nextDay: (x) => `TIMESTAMP(DATE_ADD(DATE(${x}), INTERVAL 1 DAY))`,
	fullMatch: (t, p) => `REGEXP_CONTAINS(${t}, ${bigQueryString(`^(?:${p})$`)})`,
	// RE2 writes a group reference as \\1.
	replaceAll: (t, p, r) =>
		`REGEXP_REPLACE(${t}, ${bigQueryString(p)}, ${bigQueryString(r.replaceAll('$', '\\'))})`,
	quantile: (x, q) => `APPROX_QUANTILES(${x}, 1000)[OFFSET(${Math.round(q * 1000)})]`,
	createStep: (name, body) => `CREATE OR REPLACE TABLE ${name} AS\n${body}`
};

function tablesIn(d: Dialect, model: SegmentModel, dataset: string): WarehouseTables {
	const at = (name: string): string => d.path(dataset === '' ? name : `${dataset}.${name}`);
	return {
		source: at(model.recipe.source),
		customers: model.recipe.customers ? at(model.recipe.customers.table) : null,
		features: at(STEP_TABLES.features),
		matrix: at(STEP_TABLES.matrix),
		centroids: at(STEP_TABLES.centroids),
		segments: at(STEP_TABLES.segments)
	};
}

/** BigQuery ML: k-means refit from the notebook's centroids, then ML.PREDICT. */
function refitSql(model: SegmentModel, t: WarehouseTables, dataset: string): string[] {
	const d = bigquery;
	const features = model.features.map((f) => d.ident(f.name));
	const key = d.ident(model.keyColumn);
	const name = d.path(`${dataset}.segbook_kmeans`);
	const notebook = centroidRows(model)
		.flatMap((row) =>
			row.values.map(
				(x, j) =>
					`STRUCT(${row.segment} AS segment, ${d.string(model.features[j]!.name)} AS feature, ${d.float(x)} AS value)`
			)
		)
		.join(',\n	       ');
	return [
		`-- 6. Optional: let BigQuery refit the segments on this data (delete from here to skip it).
--    k-means starts from the notebook's ${model.centroids.length} centroids: the rows marked is_init_centroid are the
--    starting centres; standardize_features = FALSE because the matrix is already scaled.
CREATE OR REPLACE MODEL ${name}
OPTIONS (
	model_type = 'KMEANS',
	num_clusters = ${model.centroids.length},
	kmeans_init_method = 'CUSTOM',
	kmeans_init_col = 'is_init_centroid',
	standardize_features = FALSE,
	distance_type = 'EUCLIDEAN'
) AS
SELECT ${features.join(', ')}, FALSE AS is_init_centroid FROM ${t.matrix}
UNION ALL
SELECT ${features.join(', ')}, TRUE AS is_init_centroid FROM ${t.centroids}`,
		`-- 7. Each refitted centre takes the persona of the nearest notebook centre.
CREATE OR REPLACE TABLE ${d.path(`${dataset}.segbook_refit_personas`)} AS
SELECT centroid_id, segment
FROM (
	SELECT r.centroid_id, n.segment,
	       row_number() OVER (PARTITION BY r.centroid_id ORDER BY sum((r.numerical_value - n.value) * (r.numerical_value - n.value)), n.segment) AS nearest
	FROM ML.CENTROIDS(MODEL ${name}) AS r
	JOIN UNNEST([
	       ${notebook}
	     ]) AS n ON n.feature = r.feature
	GROUP BY r.centroid_id, n.segment
)
WHERE nearest = 1`,
		`-- 8. ML.PREDICT: each customer's refitted segment, and the notebook persona it resembles.
CREATE OR REPLACE TABLE ${d.path(`${dataset}.segments_refit`)} AS
SELECT p.${key}, p.CENTROID_ID AS segment, ${personaCase(d, model, 'm.segment')} AS persona
FROM ML.PREDICT(MODEL ${name}, (SELECT * FROM ${t.matrix})) AS p
JOIN ${d.path(`${dataset}.segbook_refit_personas`)} AS m ON m.centroid_id = p.CENTROID_ID`
	];
}

export function bigQueryPipeline(model: SegmentModel, options: WarehouseScriptOptions): Script {
	const d = bigquery;
	const dataset = options.dataset ?? 'segbook';
	const bucket = options.bucket ?? 'gs://YOUR_BUCKET/segbook';
	const t = tablesIn(d, model, dataset);
	const key = d.ident(model.keyColumn);
	const head = commentLines([
		`Segbook pipeline · BigQuery SQL (GoogleSQL) · from the notebook “${options.title}” · ${options.created}`,
		'',
		'What it does, on the whole table:',
		`  1. rebuilds the notebook's features (${model.recipe.selected.join(', ')}) with the notebook's recipe;`,
		`  2. applies the transforms the notebook fitted (log1p, missing values, clipping, scaling);`,
		`  3. puts each customer in the nearest of the notebook's ${model.centroids.length} segment centres;`,
		`  4. writes ${dataset}.segments and exports segments-*.csv (${model.keyColumn}, segment, persona) to ${bucket};`,
		`  6–8 (optional) refit k-means in BigQuery ML from the notebook's centroids, and ML.PREDICT.`,
		'',
		'How to run it: set the input table name below (after FROM) and the bucket in step 5, then run the',
		'whole script in the BigQuery console, or: bq query --use_legacy_sql=false < this-file.sql',
		`Times are read as UTC. The script creates the dataset ${dataset} and its tables.`
	]);
	const inputs = options.inputs.map(
		(i) =>
			`CREATE OR REPLACE VIEW ${d.path(`${dataset}.${i.table}`)} AS SELECT * FROM ${d.path(i.from)}`
	);
	const write = [
		`-- 5. segments.csv's columns: the key under its own name, segment 1..k, persona.
CREATE OR REPLACE TABLE ${d.path(`${dataset}.segments_export`)} AS
SELECT ${csvSafeSql(d, `s.${key}`)} AS ${key}, s.segment, ${personaCase(d, model, 's.segment')} AS persona
FROM ${t.segments} AS s`,
		`EXPORT DATA OPTIONS (
	uri = ${d.string(`${bucket}/segments-*.csv`)},
	format = 'CSV',
	overwrite = TRUE,
	header = TRUE
) AS
SELECT * FROM ${d.path(`${dataset}.segments_export`)} ORDER BY ${key}`
	];
	const statements = [
		`CREATE SCHEMA IF NOT EXISTS ${d.path(dataset)}`,
		...inputs.map(
			(x, i) =>
				`${i === 0 ? '-- 0. The input: set the table name after FROM (project.dataset.table).\n' : ''}${x}`
		),
		...warehouseSteps(d, model, t),
		...write,
		summarySql(d, model, t.segments),
		...refitSql(model, t, dataset)
	];
	return { head, statements };
}

export function bigQueryScript(model: SegmentModel, options: WarehouseScriptOptions): string {
	return scriptText(bigQueryPipeline(model, options));
}
