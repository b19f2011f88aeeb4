/**
 * `Export pipeline` → `Spark SQL`: the notebook's pipeline as Spark SQL statements (Spark 3.5 or
 * newer, ANSI mode on or off), for spark-sql, a notebook's %sql cells or spark.sql(...) one
 * statement at a time. The input is a temporary view over a table whose name is set at the top;
 * the steps are temporary views; segments go to a folder of CSV with INSERT OVERWRITE DIRECTORY.
 */
import type { SegmentModel } from '../../segment/model-file';
import {
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

/** A Spark SQL string literal (backslash escapes are on by default). */
export function sparkString(value: string): string {
	const escaped = value
		.replaceAll('\\', '\\\\')
		.replaceAll("'", "\\'")
		.replaceAll('\n', '\\n')
		.replaceAll('\r', '\\r')
		.replaceAll('\t', '\\t');
	return `'${escaped}'`;
}

/** A quoted identifier: backticks, a backtick inside doubled. */
export function sparkIdent(name: string): string {
	return `\`${name.replaceAll('`', '``')}\``;
}

/** strftime (DuckDB, BigQuery) → Spark's datetime pattern: %d/%m/%Y %H:%M → dd/MM/yyyy HH:mm. */
export function sparkPattern(strftime: string): string {
	const map: Record<string, string> = {
		d: 'dd',
		m: 'MM',
		Y: 'yyyy',
		y: 'yy',
		H: 'HH',
		M: 'mm',
		S: 'ss'
	};
	return strftime.replace(/%(.)/g, (_, c: string) => {
		const p = map[c];
		if (!p) throw new RangeError(`no Spark pattern for %${c}`);
		return p;
	});
}

export const spark: Dialect = {
	name: 'Spark SQL',
	ident: sparkIdent,
	path: (name) => name.split('.').map(sparkIdent).join('.'),
	string: sparkString,
	// 1.5 is a DECIMAL in Spark; 1.5e+0 is a DOUBLE.
	char: (code) => `char(${code})`,
	float: exponentLiteral,
	toText: (x) => `CAST(${x} AS STRING)`,
	toDouble: (x) => `try_cast(${x} AS DOUBLE)`,
	tryTimestamp: (t) => `try_cast(${t} AS TIMESTAMP)`,
	// Spark reads a two-digit year as 2000–2099; DuckDB and BigQuery read 69–99 as 1969–1999.
	parseTimestamp: (t, formats) =>
		`coalesce(${formats.map((f) => `try_to_timestamp(${t}, ${sparkString(sparkPattern(f))})`).join(', ')})`,
	matches: (t, p) => `(${t} RLIKE ${sparkString(p)})`,
	secondsBetween: (a, b) => `(unix_timestamp(${b}) - unix_timestamp(${a}))`,
	countIf: (cond) => `count_if(${cond})`,
	aggIf: (fn, x, cond) => `${fn}(CASE WHEN ${cond} THEN ${x} END)`,
	daysBetween: (a, b) => `datediff(CAST(${b} AS DATE), CAST(${a} AS DATE))`,
	nextDay: (x) => `CAST(date_add(CAST(${x} AS DATE), 1) AS TIMESTAMP)`,
	// RLIKE finds a match anywhere (Java regex): anchor it.
	fullMatch: (t, p) => `(${t} RLIKE ${sparkString(`^(?:${p})$`)})`,
	replaceAll: (t, p, r) => `regexp_replace(${t}, ${sparkString(p)}, ${sparkString(r)})`,
	quantile: (x, q) => `percentile(${x}, ${q})`,
	createStep: (name, body) => `CREATE OR REPLACE TEMPORARY VIEW ${name} AS\n${body}`
};

export function sparkPipeline(model: SegmentModel, options: WarehouseScriptOptions): Script {
	const d = spark;
	const at = (name: string): string => d.ident(name);
	const t: WarehouseTables = {
		source: at(model.recipe.source),
		customers: model.recipe.customers ? at(model.recipe.customers.table) : null,
		features: at(STEP_TABLES.features),
		matrix: at(STEP_TABLES.matrix),
		centroids: at(STEP_TABLES.centroids),
		segments: at(STEP_TABLES.segments)
	};
	const key = d.ident(model.keyColumn);
	const head = commentLines([
		`Segbook pipeline · Spark SQL (Spark 3.5+) · from the notebook “${options.title}” · ${options.created}`,
		'',
		'What it does, on the whole table:',
		`  1. rebuilds the notebook's features (${model.recipe.selected.join(', ')}) with the notebook's recipe;`,
		`  2. applies the transforms the notebook fitted (log1p, missing values, clipping, scaling);`,
		`  3. puts each customer in the nearest of the notebook's ${model.centroids.length} segment centres;`,
		`  4. writes the folder segments.csv/ (one CSV part: ${model.keyColumn}, segment, persona).`,
		'',
		'How to run it: set the input table name below (after FROM), then',
		'  spark-sql -f this-file.sql          or each statement with spark.sql(...) in PySpark / Scala.',
		'Times are read as UTC (the first statement sets the session time zone).'
	]);
	const inputs = options.inputs.map(
		(i) =>
			`-- (or from a file: CREATE OR REPLACE TEMPORARY VIEW ${at(i.table)} USING csv OPTIONS (path '${i.table}.csv', header 'true', inferSchema 'true'))\nCREATE OR REPLACE TEMPORARY VIEW ${at(i.table)} AS SELECT * FROM ${d.path(i.from)}`
	);
	const statements = [
		`SET spark.sql.session.timeZone = UTC`,
		...inputs.map(
			(x, i) => `${i === 0 ? '-- 0. The input: set the table name after FROM.\n' : ''}${x}`
		),
		...warehouseSteps(d, model, t),
		`CACHE TABLE ${t.segments}`,
		`-- 5. segments.csv: the key under its own name, segment 1..k, persona; one file in the folder.
INSERT OVERWRITE DIRECTORY 'segments.csv' USING csv OPTIONS (header 'true')
SELECT /*+ COALESCE(1) */ ${csvSafeSql(d, `s.${key}`)} AS ${key}, s.segment, ${personaCase(d, model, 's.segment')} AS persona
FROM ${t.segments} AS s
ORDER BY s.${key}`,
		summarySql(d, model, t.segments)
	];
	return { head, statements };
}

export function sparkScript(model: SegmentModel, options: WarehouseScriptOptions): string {
	return scriptText(sparkPipeline(model, options));
}
