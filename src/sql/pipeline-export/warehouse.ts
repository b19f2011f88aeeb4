/**
 * The notebook's recipe as SQL for a warehouse (BigQuery, Spark), through a Dialect: the same
 * steps and formulas as the browser's feature SQL (src/sql/features.sql.ts) and model matrix,
 * written only with what every engine has (no `* EXCLUDE`, no QUALIFY, no rowid), with the
 * engine-specific parts (casts, date differences, conditional aggregates) left to the dialect.
 *
 *   features  one row per customer in plain units (days, orders, money, shares)
 *   matrix    the fitted transforms as literals: log1p → missing → clip → (x − centre) ÷ spread
 *   segments  nearest of the notebook's centroids (dialect.ts)
 */
import type { SegmentModel } from '../../segment/model-file';
import {
	FEATURE_DEFINITIONS,
	recencyMode,
	returnsMode,
	slug,
	timestampExpr,
	type CategoryValues,
	type FeatureRecipe
} from '../features.sql';
import { keyTypeOf } from '../keys.sql';
import { centroidsSelect, nearestCentroidSql, personaCase, type Dialect } from './dialect';

/**
 * The text formats the browser tries for a timestamp column, in its order, read from the
 * browser's own expression (timestampExpr) so the exports cannot drift from it.
 */
export function timestampFormats(order: 'dmy' | 'mdy' | null | undefined): string[] {
	return [...timestampExpr('x', 'VARCHAR', order ?? null).matchAll(/'(%[^']+)'/g)].map(
		(m) => m[1]!
	);
}

/** Text that starts like an ISO date: the only text the engines' own casts read. */
export const ISO_DATE_START = '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}';

/** A timestamp column (of any type) as TIMESTAMP, by the browser's rule (timestampExpr). */
export function timestampSql(
	d: Dialect,
	expr: string,
	order: 'dmy' | 'mdy' | null | undefined
): string {
	const t = `trim(${d.toText(expr)})`;
	return `COALESCE(CASE WHEN ${d.matches(t, ISO_DATE_START)} THEN ${d.tryTimestamp(t)} END, ${d.parseTimestamp(t, timestampFormats(order))})`;
}

export interface WarehouseTables {
	/** Every table name as the script writes it (already quoted by the dialect's `path`). */
	source: string;
	customers: string | null;
	features: string;
	matrix: string;
	centroids: string;
	segments: string;
}

function amount(d: Dialect, recipe: FeatureRecipe): string | null {
	const r = recipe.roles;
	if (r.amount) return d.toDouble(d.ident(r.amount));
	if (r.quantity && r.unitPrice) {
		const base = `${d.toDouble(d.ident(r.quantity))} * ${d.toDouble(d.ident(r.unitPrice))}`;
		if (!r.discount) return base;
		const x = `coalesce(${d.toDouble(d.ident(r.discount))}, ${d.float(0)})`;
		// A discount above 1 is a percentage.
		return `${base} * (${d.float(1)} - CASE WHEN ${x} > 1 THEN ${x} / ${d.float(100)} ELSE ${x} END)`;
	}
	return null;
}

/** A 0/1 column per value: [name, expression]. */
function oneHot(
	d: Dialect,
	alias: string,
	column: string,
	values: readonly string[]
): [string, string][] {
	return values.map((v) => [
		`${slug(column)}_${slug(v)}`,
		`CASE WHEN ${d.toText(`${alias}.${d.ident(column)}`)} = ${d.string(v)} THEN ${d.float(1)} ELSE ${d.float(0)} END`
	]);
}

function customerColumns(
	d: Dialect,
	recipe: FeatureRecipe,
	categories: CategoryValues
): [string, string][] {
	const c = recipe.customers;
	if (!c) return [];
	return [
		...c.numerics.map((n): [string, string] => [n, d.toDouble(`c.${d.ident(n)}`)]),
		...c.categoricals.flatMap((col) => oneHot(d, 'c', col, categories[`${c.table}.${col}`] ?? []))
	];
}

/**
 * A key's canonical text (src/sql/keys.sql.ts keyText): blanks dropped, integer-like text
 * without its sign-less leading zeros or `.0`, anything else as written; blank = NULL.
 */
export function keyTextSql(d: Dialect, expr: string): string {
	const t = `trim(${d.toText(expr)})`;
	const digits = d.replaceAll(d.replaceAll(t, '^[+-]|\\.0*$', ''), '^0+([0-9])', '$1');
	return `(CASE WHEN ${t} = '' THEN NULL WHEN ${d.fullMatch(t, '[+-]?[0-9]+(\\.0*)?')} THEN concat(CASE WHEN substr(${t}, 1, 1) = '-' AND ${digits} <> '0' THEN '-' ELSE '' END, ${digits}) ELSE ${t} END)`;
}

/** The key as the features table keeps it (keyValue): numbers canonical, text trimmed. */
export function keyValueSql(d: Dialect, expr: string, type: string): string {
	return keyTypeOf(type) === 'text' ? `nullif(trim(${d.toText(expr)}), '')` : keyTextSql(d, expr);
}

/** `SELECT … FROM` body of the features step; `types` are the source's column types. */
export function warehouseFeatures(
	d: Dialect,
	recipe: FeatureRecipe,
	categories: CategoryValues,
	t: WarehouseTables,
	types: Record<string, string> = {}
): string {
	const r = recipe.roles;
	// Keys compare as keys on both sides of the join: 12347.0 = 12347 = 012347.
	const join = (on: string): string =>
		recipe.customers && t.customers
			? `\nLEFT JOIN ${t.customers} AS c ON ${keyTextSql(d, `c.${d.ident(recipe.customers.key)}`)} = ${keyTextSql(d, on)}`
			: '';
	if (recipe.grain === 'customers') {
		if (!r.key) {
			throw new Error(
				'A warehouse table has no line numbers: choose a customer key column in the Features cell to export this pipeline.'
			);
		}
		const keyExpr = keyValueSql(d, `t.${d.ident(r.key)}`, types[r.key] ?? 'VARCHAR');
		const columns: [string, string][] = [
			[r.key, keyExpr],
			...r.numerics.map((n): [string, string] => [n, d.toDouble(`t.${d.ident(n)}`)]),
			...r.categoricals.flatMap((c) => oneHot(d, 't', c, categories[c] ?? [])),
			...customerColumns(d, recipe, categories)
		];
		return `-- One row per ${r.key}: its numeric columns, a 0/1 column per value of each text column.
-- Keys repeat only if the table changed since the notebook (it refuses repeated keys): one row is kept.
SELECT ${columns.map(([name]) => d.ident(name)).join(', ')}
FROM (
	SELECT ${columns.map(([name, x]) => `${x} AS ${d.ident(name)}`).join(',\n	       ')},
	       row_number() OVER (PARTITION BY ${keyExpr} ORDER BY ${keyExpr}) AS segbook_row
	FROM ${t.source} AS t${join(keyExpr)}
	WHERE ${keyExpr} IS NOT NULL
) AS deduplicated
WHERE segbook_row = 1`;
	}
	if (!r.key) throw new Error('A customer key column is needed.');
	const customerKey = keyValueSql(d, d.ident(r.key), types[r.key] ?? 'VARCHAR');
	const amt = amount(d, recipe) ?? d.float(1);
	const ts = r.timestamp ? timestampSql(d, d.ident(r.timestamp), recipe.dateOrder) : 'NULL';
	const order = r.orderId
		? d.toText(d.ident(r.orderId))
		: `concat(${customerKey}, '@', ${d.toText(ts)})`;
	const qty = r.quantity ? d.toDouble(d.ident(r.quantity)) : 'NULL';
	const exact = recencyMode(recipe) === 'exact';
	const drop = returnsMode(recipe) === 'drop';
	// Calendar days between the dates (the field's convention), or the exact time in days.
	const days = (a: string, b: string): string =>
		exact ? `${d.secondsBetween(a, b)} / ${d.float(86400)}` : d.daysBetween(a, b);
	const purchases = d.countIf('amount > 0');
	const lastTs = d.aggIf('max', 'ts', 'amount > 0');
	const hasAmount = Boolean(r.amount || (r.quantity && r.unitPrice));
	const perCustomer: [string, string][] = [
		...(r.timestamp ? [['recency_days', days(lastTs, 'max(as_of)')] as [string, string]] : []),
		['frequency', purchases],
		...(hasAmount
			? ([
					['monetary', 'sum(amount)'],
					['avg_order_value', `sum(amount) / nullif(${purchases}, 0)`],
					['return_share', 'sum(returned_lines) / sum(lines)']
				] as [string, string][])
			: []),
		...(r.timestamp
			? ([
					['tenure_days', days('min(ts)', 'max(as_of)')],
					[
						'days_between_orders',
						`CASE WHEN count(ts) > 1 THEN ${days('min(ts)', 'max(ts)')} / (count(ts) - 1) END`
					]
				] as [string, string][])
			: []),
		...(r.quantity
			? ([['items_per_order', `sum(items) / nullif(${purchases}, 0)`]] as [string, string][])
			: [])
	];
	const mix: [string, string][] = r.categoricals.flatMap((c) =>
		(categories[c] ?? []).map(
			(v) =>
				[
					`share_${slug(c)}_${slug(v)}`,
					`coalesce(${d.aggIf('sum', 'abs(amount)', `${d.ident(c)} = ${d.string(v)}`)}, ${d.float(0)}) / nullif(sum(abs(amount)), 0)`
				] as [string, string]
		)
	);
	// The reference date: the user's, or the day after the last purchase (whole days), or the
	// last purchase's own time (exact).
	const lastPurchase = '(SELECT max(ts) FROM orders WHERE amount > 0)';
	const asOf = recipe.asOf
		? d.tryTimestamp(d.string(recipe.asOf))
		: exact
			? lastPurchase
			: d.nextDay(lastPurchase);
	const definitions = perCustomer
		.map(([f]) => f)
		.filter((f) => FEATURE_DEFINITIONS[f])
		.map((f) => `--   ${f}: ${FEATURE_DEFINITIONS[f]}`)
		.join('\n');
	const custom = customerColumns(d, recipe, categories).map(([f, x]) => `${x} AS ${d.ident(f)}`);
	// Dropped returns still count in return_share (as returned lines of the order they are in).
	const kept = drop ? 'amount >= 0' : '1 = 1';
	return `-- One row per ${r.key}, from the order lines. Reference date: ${recipe.asOf ?? (exact ? 'the time of the last purchase' : 'the day after the last purchase')}.
-- Recency and tenure in ${exact ? 'exact time (fractional days)' : 'whole calendar days'}; returns (negative amounts) ${drop ? 'dropped' : 'netted against spend'};
-- customers with no purchase left are left out.
${definitions}
WITH lines AS (
	SELECT ${customerKey} AS customer_key, ${order} AS order_id, ${ts} AS ts,
	       ${amt} AS amount, ${qty} AS quantity${r.categoricals.map((c) => `, ${d.toText(d.ident(c))} AS ${d.ident(c)}`).join('')}
	FROM ${t.source}
	WHERE ${customerKey} IS NOT NULL
),
orders AS (
	SELECT customer_key, order_id, ${d.aggIf('min', 'ts', kept)} AS ts,
	       ${d.aggIf('sum', 'amount', kept)} AS amount, ${d.aggIf('sum', 'quantity', kept)} AS items,
	       count(*) AS lines, ${d.countIf('amount < 0')} AS returned_lines
	FROM lines
	GROUP BY customer_key, order_id
),
reference AS (
	SELECT ${asOf} AS as_of
),
per_customer AS (
	SELECT customer_key,
	       ${perCustomer.map(([f, x]) => `${x} AS ${d.ident(f)}`).join(',\n	       ')}
	FROM orders CROSS JOIN reference
	GROUP BY customer_key
	HAVING ${purchases} > 0
)${
		mix.length > 0
			? `,
mix AS (
	SELECT customer_key,
	       ${mix.map(([f, x]) => `${x} AS ${d.ident(f)}`).join(',\n	       ')}
	FROM lines
	WHERE ${kept}
	GROUP BY customer_key
)`
			: ''
	}
SELECT p.customer_key AS ${d.ident(r.key)}, ${[...perCustomer.map(([f]) => `p.${d.ident(f)}`), ...mix.map(([f]) => `m.${d.ident(f)}`)].join(', ')}${custom.length > 0 ? `,\n       ${custom.join(',\n       ')}` : ''}
FROM per_customer AS p${mix.length > 0 ? '\nLEFT JOIN mix AS m ON m.customer_key = p.customer_key' : ''}${join('p.customer_key')}`;
}

/** A feature value, or NULL when it is not a usable number (NaN, ±Infinity, beyond ±1e100). */
function finite(d: Dialect, x: string): string {
	// NaN compares false (BigQuery) or above everything (DuckDB, Spark): either way not < 1e100.
	return `CASE WHEN abs(${x}) < ${d.float(1e100)} THEN ${x} END`;
}

/** `SELECT … FROM features` applying the model's fitted transforms, with literals. */
export function warehouseMatrix(d: Dialect, model: SegmentModel, t: WarehouseTables): string {
	const key = d.ident(model.keyColumn);
	const logged = model.features.map((f) => {
		const x = finite(d, d.ident(f.name));
		// CASE, not greatest(): a missing value must stay missing for the missing-value rule.
		return `${f.log1p ? `ln(1 + CASE WHEN ${x} < 0 THEN ${d.float(0)} ELSE ${x} END)` : x} AS ${d.ident(f.name)}`;
	});
	const fill = model.recipe.missing === 'median';
	const clipped = model.features.map((f) => {
		const x =
			fill && f.median !== null
				? `coalesce(${d.ident(f.name)}, ${d.float(f.median)})`
				: d.ident(f.name);
		return f.lower !== null && f.upper !== null
			? `least(greatest(${x}, ${d.float(f.lower)}), ${d.float(f.upper)}) AS ${d.ident(f.name)}`
			: `${x} AS ${d.ident(f.name)}`;
	});
	const drop =
		model.recipe.missing === 'drop'
			? `\n	WHERE ${model.features.map((f) => `${d.ident(f.name)} IS NOT NULL`).join(' AND ')}`
			: '';
	const scaled = model.features.map(
		(f) => `(${d.ident(f.name)} - ${d.float(f.center)}) / ${d.float(f.scale)} AS ${d.ident(f.name)}`
	);
	return `SELECT ${key}, ${scaled.join(',\n       ')}
FROM (
	SELECT ${key}, ${clipped.join(',\n	       ')}
	FROM (
		SELECT ${key}, ${logged.join(',\n		       ')}
		FROM ${t.features}
	) AS logged${drop}
) AS clipped`;
}

/** The four steps as statements, each creating its table (or view) through the dialect. */
export function warehouseSteps(
	d: Dialect,
	model: SegmentModel,
	t: WarehouseTables,
	categories: CategoryValues = model.categories
): string[] {
	const recipe = model.recipe;
	const fill = recipe.missing === 'median';
	return [
		`-- 1. Features, as the notebook's Features cell computes them.\n${d.createStep(t.features, warehouseFeatures(d, recipe, categories, t, model.types))}`,
		`-- 2. The notebook's fitted transforms (not refitted on this data): log1p, ${fill ? 'missing values filled with the fitted median' : 'customers with a missing value left out'}, ${recipe.transforms.winsorise ? 'clipped to the fitted percentiles' : 'no clipping'}, then (x − centre) ÷ spread.\n${d.createStep(t.matrix, warehouseMatrix(d, model, t))}`,
		`-- 3. The notebook's ${model.centroids.length} centroids, in the scaled units above.\n${d.createStep(t.centroids, centroidsSelect(d, model))}`,
		`-- 4. Each customer's nearest centroid (ties to the lower segment), and how far it is.\n${d.createStep(t.segments, nearestCentroidSql(d, model.keyColumn, recipe.selected, t.matrix, t.centroids))}`
	];
}

export interface WarehouseScriptOptions {
	/** The recipe's tables (transactions, customers) → the warehouse table each is read from. */
	inputs: { table: string; from: string }[];
	title: string;
	created: string;
	/** Dataset (BigQuery) or database (Spark) for the steps' tables; BigQuery creates it. */
	dataset?: string;
	/** Where EXPORT DATA writes segments-*.csv (BigQuery). */
	bucket?: string;
}

/** Per segment: customers, median distance and the share farther than any fitted customer. */
export function summarySql(d: Dialect, model: SegmentModel, segments: string): string {
	const fittedMax = `CASE segment ${model.segments.map((s) => `WHEN ${s.segment} THEN ${d.float(s.maxDistance)}`).join(' ')} END`;
	return `-- Customers per segment, how far they are from the centre, and the share farther than any
-- customer the model was fitted on (a sign the data has moved on from the model).
SELECT segment, ${personaCase(d, model)} AS persona, count(*) AS customers,
       ${d.quantile('distance', 0.5)} AS median_distance,
       ${d.countIf(`distance > ${fittedMax} * ${d.float(1 + 1e-9)}`)} / count(*) AS share_beyond_fit
FROM ${segments}
GROUP BY segment
ORDER BY segment`;
}
