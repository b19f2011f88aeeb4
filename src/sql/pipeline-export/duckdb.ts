/**
 * `Export pipeline` → `DuckDB SQL`, and the statements `Score new customers` runs in the tab.
 *
 * The features are the browser's own feature SQL (src/sql/features.sql.ts, the same function
 * the Features cell runs) and the transforms its own step expressions (matrixSteps), with the
 * statistics replaced by the notebook's fitted values: the same DuckDB engine then computes
 * the same numbers natively, for a file of any size.
 *
 *   read the input files ─▶ customer_features (featureSql) ─▶ model_matrix (fitted transforms)
 *     ─▶ segments (nearest of the notebook's centroids) ─▶ COPY … TO 'segments.csv'
 */
import type { SegmentModel } from '../../segment/model-file';
import { featureSql, matrixSteps, type CategoryValues, type FeatureRecipe } from '../features.sql';
import { ident, literal } from '../sql';
import {
	STEP_TABLES,
	centroidsSelect,
	csvSafeSql,
	exponentLiteral,
	nearestCentroidSql,
	personaCase,
	scriptText,
	type Dialect,
	type Script
} from './dialect';
import { summarySql } from './warehouse';

export const duckdb: Dialect = {
	name: 'DuckDB',
	ident,
	path: (name) => name.split('.').map(ident).join('.'),
	string: (value) => literal(value),
	char: (code) => `chr(${code})`,
	float: exponentLiteral,
	toText: (x) => `${x}::VARCHAR`,
	toDouble: (x) => `TRY_CAST(${x} AS DOUBLE)`,
	tryTimestamp: (t) => `TRY_CAST(${t} AS TIMESTAMP)`,
	parseTimestamp: (t, formats) =>
		`TRY_STRPTIME(${t}, [${formats.map((f) => literal(f)).join(', ')}])`,
	matches: (t, p) => `regexp_matches(${t}, ${literal(p)})`,
	secondsBetween: (a, b) => `date_diff('second', ${a}, ${b})`,
	countIf: (cond) => `count(*) FILTER (WHERE ${cond})`,
	aggIf: (fn, x, cond) => `${fn}(${x}) FILTER (WHERE ${cond})`,
	daysBetween: (a, b) => `date_diff('day', CAST(${a} AS DATE), CAST(${b} AS DATE))`,
	nextDay: (x) => `CAST(CAST(${x} AS DATE) + 1 AS TIMESTAMP)`,
	fullMatch: (t, p) => `regexp_full_match(${t}, ${literal(p)})`,
	replaceAll: (t, p, r) =>
		`regexp_replace(${t}, ${literal(p)}, ${literal(r.replaceAll('$', '\\'))}, 'g')`,
	quantile: (x, q) => `quantile_cont(${x}, ${q})`,
	createStep: (name, body) => `CREATE OR REPLACE TABLE ${name} AS\n${body}`
};

/** Where the scoring statements read and write. */
export interface ScoreTables {
	/** The order-line (or customer-level) table to score, in place of the recipe's source. */
	source: string;
	/** The customers table joined for demographics, when the recipe joins one. */
	customers?: string | undefined;
	features: string;
	matrix: string;
	centroids: string;
	segments: string;
}

/** The model's recipe pointed at other tables, its category keys renamed alike. */
export function retarget(
	model: SegmentModel,
	source: string,
	customers?: string
): { recipe: FeatureRecipe; categories: CategoryValues } {
	const recipe: FeatureRecipe = { ...model.recipe, source };
	const categories: CategoryValues = Object.create(null) as CategoryValues;
	for (const [k, v] of Object.entries(model.categories)) categories[k] = v;
	if (model.recipe.customers && customers && customers !== model.recipe.customers.table) {
		const from = model.recipe.customers.table;
		recipe.customers = { ...model.recipe.customers, table: customers };
		for (const c of model.recipe.customers.categoricals) {
			const values = model.categories[`${from}.${c}`];
			if (values) categories[`${customers}.${c}`] = values;
		}
	}
	return { recipe, categories };
}

/** The fitted statistics as the one-row CTE the transform steps read (`f__median`, …). */
function fittedRow(model: SegmentModel): string {
	const f = duckdb.float;
	const columns = model.features.flatMap((x) => [
		`${x.median === null ? 'NULL::DOUBLE' : f(x.median)} AS ${ident(`${x.name}__median`)}`,
		...(x.lower === null ? [] : [`${f(x.lower)} AS ${ident(`${x.name}__lo`)}`]),
		...(x.upper === null ? [] : [`${f(x.upper)} AS ${ident(`${x.name}__hi`)}`]),
		`${f(x.center)} AS ${ident(`${x.name}__center`)}`,
		`${f(x.scale)} AS ${ident(`${x.name}__scale`)}`
	]);
	return `SELECT ${columns.join(',\n	       ')}`;
}

/**
 * The model applied to `tables.source`: four statements, each replacing its table. `types`
 * are the source's column types where known (the browser); without them a timestamp is read
 * by the rule that accepts both text and TIMESTAMP columns.
 */
export function scoreStatements(
	model: SegmentModel,
	tables: ScoreTables,
	types: Record<string, string> = {}
): string[] {
	const { recipe, categories } = retarget(model, tables.source, tables.customers);
	const steps = matrixSteps(recipe);
	const key = ident(model.keyColumn);
	const fill = recipe.missing === 'median';
	const matrix = `-- 2. The notebook's fitted transforms (not refitted on this data): log1p, ${fill ? 'missing values filled with the fitted median' : 'customers with a missing value left out'}, ${recipe.transforms.winsorise ? 'clipped to the fitted percentiles' : 'no clipping'}, then (x − centre) ÷ spread.
CREATE OR REPLACE TABLE ${ident(tables.matrix)} AS
WITH fitted AS (
	${fittedRow(model)}
),
logged AS (
	SELECT ${key}, ${steps.logged().join(', ')}
	FROM ${ident(tables.features)}
),
clipped AS (
	SELECT ${key}, ${steps.clipped(fill).join(', ')}
	FROM logged, fitted${steps.dropRule}
)
SELECT ${key}, ${steps.scaled.join(', ')}
FROM clipped, fitted
ORDER BY ${key}`;
	const centroids = `-- 3. The notebook's ${model.centroids.length} centroids, in the scaled units above.
CREATE OR REPLACE TABLE ${ident(tables.centroids)} AS
${centroidsSelect(duckdb, model)}`;
	const segments = `-- 4. Each customer's nearest centroid (ties to the lower segment), and how far it is.
CREATE OR REPLACE TABLE ${ident(tables.segments)} AS
${nearestCentroidSql(duckdb, model.keyColumn, recipe.selected, ident(tables.matrix), ident(tables.centroids))}
ORDER BY segment, ${key}`;
	return [
		`-- 1. Features, as the notebook's Features cell computes them.\n${featureSql(recipe, categories, types, tables.features)}`,
		matrix,
		centroids,
		segments
	];
}

/** One input file of the script: the table name the recipe uses and the file it is read from. */
export interface ScriptInput {
	table: string;
	file: string;
	/** A CSV: the read_csv options the notebook's engine ran with (LoadReport.readCsvOptions). */
	csvOptions?: string;
	/** An Excel workbook: the sheet the notebook read (LoadReport.sheet). */
	sheet?: string;
}

export interface ScriptOptions {
	inputs: ScriptInput[];
	/** Notebook title and the instant, for the head comment. */
	title: string;
	created: string;
	/** The output file (segments.csv). */
	output?: string;
}

/** `read_csv`, `read_parquet`, `read_json` or `read_xlsx` by the file's extension. */
export function readInput(input: ScriptInput): string {
	const ext = input.file.toLowerCase().split('.').pop() ?? '';
	if (ext === 'xlsx' || ext === 'xlsm') {
		// DuckDB's excel extension (1.2 and later) reads the sheet the notebook read.
		const sheet = input.sheet ? `, sheet = ${literal(input.sheet)}` : '';
		return `INSTALL excel;\nLOAD excel;\nCREATE OR REPLACE TABLE ${ident(input.table)} AS FROM read_xlsx(${literal(input.file)}${sheet}, header = true)`;
	}
	const reader =
		ext === 'parquet'
			? 'read_parquet'
			: ext === 'json' || ext === 'ndjson' || ext === 'jsonl'
				? 'read_json'
				: 'read_csv';
	// A CSV is read as the notebook read it: its columns, types and dialect, nothing re-guessed.
	const options =
		reader === 'read_csv' && input.csvOptions ? `, auto_detect = false, ${input.csvOptions}` : '';
	return `CREATE OR REPLACE TABLE ${ident(input.table)} AS FROM ${reader}(${literal(input.file)}${options})`;
}

/** Text for the head comment: one line per item, each prefixed `-- `. */
export function commentLines(lines: readonly string[]): string {
	return lines.map((l) => (l === '' ? '--' : `-- ${l.replaceAll('\n', ' ')}`)).join('\n');
}

/** The whole downloadable script. */
export function duckdbPipeline(model: SegmentModel, options: ScriptOptions): Script {
	const output = options.output ?? 'segments.csv';
	const recipe = model.recipe;
	const files = options.inputs.map((i) => i.file);
	const head = commentLines([
		`Segbook pipeline · DuckDB SQL · from the notebook “${options.title}” · ${options.created}`,
		'',
		`What it does, on the whole of ${files.join(' and ')} (any size: DuckDB streams from disk):`,
		`  1. rebuilds the notebook's features (${recipe.selected.join(', ')}) from the order lines, with the notebook's recipe;`,
		`  2. applies the transforms the notebook fitted (log1p, missing values, clipping, scaling), not refitted;`,
		`  3. puts each customer in the nearest of the notebook's ${model.centroids.length} segment centres;`,
		`  4. writes ${output}: ${model.keyColumn}, segment, persona (the columns of Export segments).`,
		`Reference date for recency and tenure: ${recipe.asOf ?? 'the last order date in the input'}.`,
		'',
		`How to run it: in a folder holding ${files.join(' and ')} under these names,`,
		`  duckdb < this-file.sql                                          (the DuckDB command line)`,
		`  python -c "import duckdb; duckdb.connect().execute(open('this-file.sql').read())"`,
		`  node: await (await (await DuckDBInstance.create()).connect()).run(script)   (@duckdb/node-api)`,
		`Plain SQL statements only (no dot-commands); DuckDB 1.1 or newer. It creates the tables`,
		`${[...new Set(options.inputs.map((i) => i.table))].join(', ')}, ${STEP_TABLES.features}, ${STEP_TABLES.matrix}, ${STEP_TABLES.centroids} and ${STEP_TABLES.segments} in the database it runs in.`
	]);
	const tables: ScoreTables = {
		source: recipe.source,
		customers: recipe.customers?.table,
		...STEP_TABLES
	};
	const key = ident(model.keyColumn);
	const write = `-- 5. ${output}: one row per customer, the key under its own name, segment 1..k, persona.
COPY (
	SELECT ${csvSafeSql(duckdb, `s.${key}`)} AS ${key}, s.segment, ${personaCase(duckdb, model, 's.segment')} AS persona
	FROM ${ident(STEP_TABLES.segments)} AS s
	ORDER BY s.${key}
) TO ${literal(output)} (HEADER, DELIMITER ',')`;
	const statements = [
		...options.inputs.map(
			(input, i) =>
				`${i === 0 ? '-- 0. The input files, under the table names the notebook gave them.\n' : ''}${readInput(input)}`
		),
		...scoreStatements(model, tables, model.types),
		write,
		summarySql(duckdb, model, ident(STEP_TABLES.segments))
	];
	return { head, statements };
}

/** The whole downloadable script, as text. */
export function duckdbScript(model: SegmentModel, options: ScriptOptions): string {
	return scriptText(duckdbPipeline(model, options));
}
