/**
 * The warehouse pipelines (issue 16): every statement of the BigQuery and Spark scripts parses
 * with node-sql-parser in its dialect (Spark through the Hive grammar it descends from), and
 * the dialect rules that differ between engines do what each engine needs.
 */
import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { readModelText } from '../../../src/segment/model-file';
import {
	bigquery,
	bigQueryIdent,
	bigQueryPipeline,
	bigQueryString
} from '../../../src/sql/pipeline-export/bigquery';
import { csvSafeSql, exponentLiteral, safeCsvText } from '../../../src/sql/pipeline-export/dialect';
import { duckdb, duckdbScript } from '../../../src/sql/pipeline-export/duckdb';
import {
	spark,
	sparkIdent,
	sparkPattern,
	sparkPipeline,
	sparkString
} from '../../../src/sql/pipeline-export/spark';
import { timestampFormats, timestampSql } from '../../../src/sql/pipeline-export/warehouse';
import { fixtureModel } from './model-fixture';

const parser = new Parser();
const options = {
	inputs: [
		{ table: 'transactions', from: 'my-project.shop.transactions' },
		{ table: 'customers', from: 'my-project.shop.customers' }
	],
	title: 'Test',
	created: '2026-12-01'
};

/** A statement without its leading comment lines. */
function code(statement: string): string {
	return statement
		.split('\n')
		.filter((l) => !l.startsWith('--'))
		.join('\n')
		.trim();
}

function parses(database: string, sqlText: string): void {
	expect(() => parser.astify(sqlText, { database }), sqlText.slice(0, 200)).not.toThrow();
}

/** The query of `CREATE … AS <query>` or `… OPTIONS (…) AS <query>`: from the first `AS SELECT|WITH`. */
function queryOf(statement: string): string {
	const q = /\bAS\s+((?:SELECT|WITH)\b[\s\S]*)$/.exec(statement)?.[1];
	if (!q) throw new Error(`no query in: ${statement.slice(0, 120)}`);
	return q;
}

describe('BigQuery script', () => {
	const script = bigQueryPipeline(fixtureModel(), options);
	const statements = script.statements.map(code);

	it('parses statement by statement as GoogleSQL', () => {
		let parsed = 0;
		for (const s of statements) {
			if (/^CREATE SCHEMA/.test(s)) {
				// node-sql-parser 5.4 throws a TypeError on any BigQuery CREATE SCHEMA.
				expect(s).toBe('CREATE SCHEMA IF NOT EXISTS `segbook`');
			} else if (/^EXPORT DATA/.test(s) || /^CREATE OR REPLACE MODEL/.test(s)) {
				parses('bigquery', queryOf(s));
			} else if (/ML\.(PREDICT|CENTROIDS)\(MODEL/.test(s)) {
				// The ML table functions take a MODEL argument node-sql-parser does not know: parse
				// the statement with them as tables, and the query ML.PREDICT reads on its own.
				const inner = /ML\.PREDICT\(MODEL [^,]+, \((SELECT[^)]*)\)\)/.exec(s)?.[1];
				if (inner) parses('bigquery', inner);
				parses(
					'bigquery',
					s.replace(/ML\.(PREDICT|CENTROIDS)\(MODEL `[^`]+`(, \(SELECT[^)]*\))?\)/g, '`ml_result`')
				);
			} else {
				parses('bigquery', s);
			}
			parsed++;
		}
		expect(parsed).toBe(statements.length);
		expect(parsed).toBeGreaterThanOrEqual(10);
	});

	it('reads the input from a table named at the top, and refits with CREATE MODEL seeded from the centroids', () => {
		expect(statements[1]).toBe(
			'CREATE OR REPLACE VIEW `segbook.transactions` AS SELECT * FROM `my-project.shop.transactions`'
		);
		const model = statements.find((s) => s.startsWith('CREATE OR REPLACE MODEL'));
		expect(model).toMatch(/model_type = 'KMEANS'/);
		expect(model).toMatch(/num_clusters = 3/);
		expect(model).toMatch(/kmeans_init_method = 'CUSTOM'/);
		expect(model).toMatch(/kmeans_init_col = 'is_init_centroid'/);
		expect(model).toMatch(/standardize_features = FALSE/);
		expect(model).toMatch(/TRUE AS is_init_centroid FROM `segbook.segbook_centroids`/);
		expect(statements.some((s) => /FROM ML\.PREDICT\(MODEL `segbook.segbook_kmeans`/.test(s))).toBe(
			true
		);
		expect(statements.some((s) => /^EXPORT DATA OPTIONS/.test(s))).toBe(true);
	});
});

describe('Spark SQL script', () => {
	// Spark names tables database.table (catalog.database.table too; the Hive grammar stops at two).
	const script = sparkPipeline(fixtureModel(), {
		...options,
		inputs: [
			{ table: 'transactions', from: 'shop.transactions' },
			{ table: 'customers', from: 'shop.customers' }
		]
	});
	const statements = script.statements.map(code);

	it('parses statement by statement with the Hive grammar', () => {
		// try_cast (Spark 3.2+) has CAST's syntax, which the older Hive grammar knows only as CAST.
		const hive = (s: string): string => s.replaceAll('try_cast(', 'CAST(');
		for (const s of statements.map(hive)) {
			if (/^CREATE OR REPLACE TEMPORARY VIEW/.test(s)) parses('hive', queryOf(s));
			else if (/^INSERT OVERWRITE DIRECTORY/.test(s)) parses('hive', s.slice(s.indexOf('SELECT')));
			else if (/^CACHE TABLE `\w+`$/.test(s)) continue;
			else parses('hive', s);
		}
		expect(statements.length).toBeGreaterThanOrEqual(9);
	});

	it('sets UTC, reads a table named at the top, writes one CSV with a header', () => {
		expect(statements[0]).toBe('SET spark.sql.session.timeZone = UTC');
		expect(statements[1]).toBe(
			'CREATE OR REPLACE TEMPORARY VIEW `transactions` AS SELECT * FROM `shop`.`transactions`'
		);
		const write = statements.find((s) => s.startsWith('INSERT OVERWRITE DIRECTORY'));
		expect(write).toMatch(/USING csv OPTIONS \(header 'true'\)\nSELECT \/\*\+ COALESCE\(1\) \*\//);
	});
});

describe('dialect rules', () => {
	it('writes doubles that read back exactly, never as DECIMAL', () => {
		for (const x of [0.1, 1 / 3, -2.5e-300, 1e21, 123456789.12345679, 5e-324]) {
			const lit = exponentLiteral(x);
			expect(lit).toMatch(/e[+-]\d+$/);
			expect(Number(lit)).toBe(x);
		}
		expect(() => exponentLiteral(Number.NaN)).toThrow(RangeError);
	});

	it('quotes strings and names for each engine', () => {
		expect(duckdb.string("o'brien")).toBe("'o''brien'");
		expect(bigQueryString("o'brien\\\n")).toBe("'o\\'brien\\\\\\n'");
		expect(sparkString("a'b\tc")).toBe("'a\\'b\\tc'");
		expect(duckdb.ident('a"b')).toBe('"a""b"');
		expect(bigQueryIdent('a`b')).toBe('`a\\`b`');
		expect(sparkIdent('a`b')).toBe('`a``b`');
		expect(bigquery.path('p.d.t')).toBe('`p.d.t`');
		expect(spark.path('db.t')).toBe('`db`.`t`');
	});

	it('date differences, conditional aggregates and quantiles in each dialect', () => {
		expect(duckdb.secondsBetween('a', 'b')).toBe("date_diff('second', a, b)");
		expect(bigquery.secondsBetween('a', 'b')).toBe('TIMESTAMP_DIFF(b, a, SECOND)');
		expect(spark.secondsBetween('a', 'b')).toBe('(unix_timestamp(b) - unix_timestamp(a))');
		expect(bigquery.countIf('x > 0')).toBe('COUNTIF(x > 0)');
		expect(spark.countIf('x > 0')).toBe('count_if(x > 0)');
		expect(bigquery.aggIf('sum', 'y', 'x > 0')).toBe('SUM(IF(x > 0, y, NULL))');
		expect(duckdb.aggIf('max', 'y', 'x > 0')).toBe('max(y) FILTER (WHERE x > 0)');
		expect(bigquery.daysBetween('a', 'b')).toBe('DATE_DIFF(DATE(b), DATE(a), DAY)');
		expect(spark.daysBetween('a', 'b')).toBe('datediff(CAST(b AS DATE), CAST(a AS DATE))');
		expect(bigquery.nextDay('t')).toBe('TIMESTAMP(DATE_ADD(DATE(t), INTERVAL 1 DAY))');
		// A regex group reference: \\1 in DuckDB and BigQuery (RE2), $1 in Spark (Java).
		expect(duckdb.replaceAll('t', '^0+([0-9])', '$1')).toBe(
			"regexp_replace(t, '^0+([0-9])', '\\1', 'g')"
		);
		expect(bigquery.replaceAll('t', '^0+([0-9])', '$1')).toBe(
			"REGEXP_REPLACE(t, '^0+([0-9])', '\\\\1')"
		);
		expect(spark.replaceAll('t', '^0+([0-9])', '$1')).toBe("regexp_replace(t, '^0+([0-9])', '$1')");
		expect(spark.fullMatch('t', 'a|b')).toBe("(t RLIKE '^(?:a|b)$')");
		expect(spark.aggIf('sum', 'y', 'x > 0')).toBe('sum(CASE WHEN x > 0 THEN y END)');
		expect(duckdb.quantile('d', 0.5)).toBe('quantile_cont(d, 0.5)');
		expect(bigquery.quantile('d', 0.5)).toBe('APPROX_QUANTILES(d, 1000)[OFFSET(500)]');
		expect(spark.quantile('d', 0.25)).toBe('percentile(d, 0.25)');
		expect(spark.toDouble('x')).toBe('try_cast(x AS DOUBLE)');
		expect(bigquery.toDouble('x')).toBe('SAFE_CAST(x AS FLOAT64)');
	});

	it('tries the browser’s timestamp formats, in its order, in every dialect', () => {
		const dmy = timestampFormats('dmy');
		expect(dmy[0]).toBe('%d/%m/%y %H:%M:%S');
		expect(timestampFormats('mdy')[0]).toBe('%m/%d/%y %H:%M:%S');
		expect(dmy).toContain('%Y%m%d');
		expect(dmy.map(sparkPattern)).toContain('dd.MM.yyyy HH:mm');
		expect(sparkPattern('%d/%m/%y')).toBe('dd/MM/yy');
		expect(() => sparkPattern('%j')).toThrow(RangeError);
		const bq = timestampSql(bigquery, 't', 'dmy');
		expect(bq).toMatch(
			/^COALESCE\(CASE WHEN REGEXP_CONTAINS\(trim\(CAST\(t AS STRING\)\), '\^\[0-9\]\{4\}/
		);
		expect(bq).toContain("SAFE.PARSE_TIMESTAMP('%d.%m.%Y', trim(CAST(t AS STRING)))");
		expect(timestampSql(spark, 't', 'mdy')).toContain(
			"try_to_timestamp(trim(CAST(t AS STRING)), 'MM/dd/yy HH:mm:ss')"
		);
	});

	it('neutralises spreadsheet formulas in persona names and keys', () => {
		expect(safeCsvText('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
		expect(safeCsvText('Loyal')).toBe('Loyal');
		expect(safeCsvText('\uFF1Dcmd')).toBe("'\uFF1Dcmd");
		expect(csvSafeSql(spark, 'k')).toBe(
			"CASE WHEN substr(k, 1, 1) IN ('=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', char(9), char(13), char(10)) THEN concat('\\'', k) ELSE k END"
		);
		expect(bigquery.char(9)).toBe('CODE_POINTS_TO_STRING([9])');
	});
});

describe('DuckDB script', () => {
	it('is plain statements (no dot-commands) and says how to run it', () => {
		const text = duckdbScript(fixtureModel(), {
			inputs: [
				{ table: 'transactions', file: 'transactions.csv' },
				{ table: 'customers', file: 'customers.parquet' }
			],
			title: 'Test',
			created: '2026-12-01'
		});
		expect(text).not.toMatch(/^\./m);
		expect(text).toMatch(/^-- How to run it/m);
		expect(text).toContain(
			`CREATE OR REPLACE TABLE "transactions" AS FROM read_csv('transactions.csv')`
		);
		expect(text).toContain(
			`CREATE OR REPLACE TABLE "customers" AS FROM read_parquet('customers.parquet')`
		);
		expect(text).toMatch(/TO 'segments.csv' \(HEADER, DELIMITER ','\);/);
	});

	it('reads an Excel source with DuckDB’s excel extension, from the sheet the notebook read', () => {
		const text = duckdbScript(fixtureModel(), {
			inputs: [{ table: 'transactions', file: 'crm-export.xlsx', sheet: "Kunden's" }],
			title: 'Test',
			created: '2026-12-01'
		});
		expect(text).toContain(
			`INSTALL excel;\nLOAD excel;\nCREATE OR REPLACE TABLE "transactions" AS FROM read_xlsx('crm-export.xlsx', sheet = 'Kunden''s', header = true)`
		);
		expect(text).not.toContain(`read_csv('crm-export.xlsx'`);
	});
});

describe('model file', () => {
	it('refuses another file, a newer version and a damaged model with the problem named', () => {
		const good = fixtureModel();
		expect(readModelText(JSON.stringify(good))).toEqual({ ok: true, model: good });
		expect(readModelText('not json')).toMatchObject({ ok: false, error: /not JSON/ });
		expect(readModelText('{"cells": []}')).toMatchObject({
			ok: false,
			error: /not a Segbook model/
		});
		expect(readModelText(JSON.stringify({ ...good, version: 2 }))).toMatchObject({
			ok: false,
			error: /newer Segbook \(model version 2\); update the app/
		});
		const short = { ...good, centroids: [[1, 2], ...good.centroids.slice(1)] };
		expect(readModelText(JSON.stringify(short))).toMatchObject({
			ok: false,
			error: /centroid whose length differs.*Export the model again/
		});
		const zero = {
			...good,
			features: good.features.map((f, i) => (i === 0 ? { ...f, scale: 0 } : f))
		};
		expect(readModelText(JSON.stringify(zero))).toMatchObject({
			ok: false,
			error: /features\.0\.scale must not be 0/
		});
		const polluted = JSON.stringify(good).replace('{', '{"__proto__": {"polluted": 1},');
		const back = readModelText(polluted);
		expect(back.ok).toBe(true);
		expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
		expect(readModelText('x'.repeat(3_000_000))).toMatchObject({ ok: false, error: /a few kB/ });
	});
});
