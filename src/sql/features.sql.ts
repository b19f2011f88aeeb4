/**
 * Feature recipes compiled to readable DuckDB SQL: the user can open, read and copy every
 * statement that turns their rows into the numbers the segmentation sees.
 *
 *   source table ─▶ customer_features  (one row per customer, in plain units: days, orders, money)
 *                ─▶ model_matrix       (the selected features, transformed: log1p → winsorise →
 *                                       missing values → scaling; what k-means clusters)
 */
import type { Roles } from '../segment/roles';
import { keyText, keyValue } from './keys.sql';
import { ident, literal } from './sql';

export type Scaling = 'zscore' | 'robust' | 'none';

export interface Transforms {
	/** Features to pass through ln(1 + x) (negative values count as 0). */
	log1p: string[];
	/** Clip every selected feature to these percentiles (0..1), or null for no clipping. */
	winsorise: { lower: number; upper: number } | null;
	scale: Scaling;
}

export interface CustomerAttributes {
	/** A customer-level table joined on the key (demographics). */
	table: string;
	key: string;
	numerics: string[];
	categoricals: string[];
}

export interface FeatureRecipe {
	source: string;
	grain: 'transactions' | 'customers';
	roles: Roles;
	/** ISO date recency and tenure count to; null = the data's last order. */
	asOf: string | null;
	customers: CustomerAttributes | null;
	/** The features that feed the segmentation (checked in the Features cell). */
	selected: string[];
	transforms: Transforms;
	/** Missing feature values: filled with the column's median, or the customer left out. */
	missing: 'median' | 'drop';
	/**
	 * Recency and tenure: whole calendar days to the reference date (the field's convention;
	 * default), or the exact time in fractional days. Absent = 'days'.
	 */
	recency?: 'days' | 'exact';
	/**
	 * Cancellations and returns (order lines with a negative amount): dropped (the common
	 * convention; default) or netted against the spend. Absent = 'drop'.
	 */
	returns?: 'drop' | 'net';
	/** Text dates: day before month ('dmy') or month before day ('mdy'), as detected. */
	dateOrder?: 'dmy' | 'mdy' | null;
}

export const recencyMode = (r: FeatureRecipe): 'days' | 'exact' => r.recency ?? 'days';
export const returnsMode = (r: FeatureRecipe): 'drop' | 'net' => r.returns ?? 'drop';

/** Distinct values of low-cardinality text columns, read before compiling. */
export type CategoryValues = Record<string, string[]>;

export const FEATURES_TABLE = 'customer_features';
/** The key of a customer-level file without an id column: its line number. */
export const ROW_KEY = 'row_number';
export const MATRIX_TABLE = 'model_matrix';
/** What the Segments cell writes: each customer's k-means segment, and the RFM groups. */
export const SEGMENTS_TABLE = 'segments';
export const RFM_TABLE = 'rfm_segments';

/** A Features cell's model matrix: `model_matrix` for the default output, else `<output>_matrix`. */
export function matrixTableOf(features: string): string {
	return features === FEATURES_TABLE ? MATRIX_TABLE : `${features}_matrix`;
}

/** A Segments cell's RFM table: `rfm_segments` for the default output, else `<output>_rfm`. */
export function rfmTableOf(segments: string): string {
	return segments === SEGMENTS_TABLE ? RFM_TABLE : `${segments}_rfm`;
}

/** The customer key a recipe's tables carry: the key column, or the line number of a customer file. */
export function keyColumnOf(recipe: FeatureRecipe): string | null {
	return recipe.roles.key ?? (recipe.grain === 'customers' ? ROW_KEY : null);
}
/** Mix and one-hot features only for columns with at most this many values. */
export const MAX_CATEGORY_VALUES = 12;

/**
 * What each transaction-level feature means, for the SQL comments and the UI. No prototype:
 * a column called `constructor` or `__proto__` is not a defined feature.
 */
export const FEATURE_DEFINITIONS: Readonly<Record<string, string>> = Object.assign(
	Object.create(null) as Record<string, string>,
	{
		recency_days: 'days from the customer’s last order to the reference date',
		frequency: 'number of distinct orders with a positive total',
		monetary: 'spend: the order lines kept (returns dropped or netted, as chosen)',
		avg_order_value: 'net spend ÷ orders',
		tenure_days: 'days from the first order to the reference date',
		days_between_orders: 'mean gap between consecutive orders (missing for one-order customers)',
		items_per_order: 'units bought ÷ orders',
		return_share: 'share of order lines that are returns (negative amounts)'
	}
);

export const DEFAULT_TRANSACTION_FEATURES = [
	'recency_days',
	'frequency',
	'monetary',
	'avg_order_value'
] as const;
export const DEFAULT_LOG1P = ['frequency', 'monetary', 'avg_order_value'];

/** A column name made from a text value: share_channel_web, gender_f. */
export function slug(value: string): string {
	const s = value
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
	return s === '' ? 'blank' : s.slice(0, 40);
}

/**
 * Text date formats to try, in order: the detected day/month order first (`order`), two-digit
 * years before four (DuckDB's %Y would read "11" as the year 11), with and without a time.
 */
export function textDateFormats(order: 'dmy' | 'mdy' | null | undefined): string[] {
	const orders = order === 'mdy' ? ['%m/%d', '%d/%m'] : ['%d/%m', '%m/%d'];
	const out: string[] = [];
	for (const dm of orders) {
		for (const sep of ['/', '.', '-']) {
			for (const year of ['%y', '%Y']) {
				const d = dm.replace('/', sep) + sep + year;
				out.push(`${d} %H:%M:%S`, `${d} %H:%M`, d);
			}
		}
	}
	out.push('%Y/%m/%d %H:%M:%S', '%Y/%m/%d', '%Y%m%d');
	return out;
}

/** A timestamp column (or text that looks like one) as TIMESTAMP, as the feature SQL reads it. */
export function timestampExpr(
	column: string,
	type: string,
	order: 'dmy' | 'mdy' | null = null
): string {
	const c = ident(column);
	if (/^(DATE|TIMESTAMP)/.test(type)) return `CAST(${c} AS TIMESTAMP)`;
	const formats = textDateFormats(order)
		.map((f) => `'${f}'`)
		.join(', ');
	// A plain cast only for ISO text: DuckDB casts '3/5/11' to the year 3 (y/m/d with slashes).
	const t = `trim(${c}::VARCHAR)`;
	return `COALESCE(CASE WHEN regexp_matches(${t}, '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}') THEN TRY_CAST(${t} AS TIMESTAMP) END, TRY_STRPTIME(${t}, [${formats}]))`;
}

/** Net line amount: the amount column, or quantity × unit price less discount. */
export function amountExpr(roles: Roles): string | null {
	if (roles.amount) return `TRY_CAST(${ident(roles.amount)} AS DOUBLE)`;
	if (roles.quantity && roles.unitPrice) {
		const base = `TRY_CAST(${ident(roles.quantity)} AS DOUBLE) * TRY_CAST(${ident(roles.unitPrice)} AS DOUBLE)`;
		if (!roles.discount) return base;
		const d = `coalesce(TRY_CAST(${ident(roles.discount)} AS DOUBLE), 0)`;
		// A discount above 1 is a percentage.
		return `${base} * (1 - CASE WHEN ${d} > 1 THEN ${d} / 100 ELSE ${d} END)`;
	}
	return null;
}

/** The candidate features a recipe can offer, in display order. */
export function candidateFeatures(recipe: FeatureRecipe, categories: CategoryValues): string[] {
	const out: string[] = [];
	const { roles } = recipe;
	if (recipe.grain === 'transactions') {
		const hasTime = roles.timestamp !== null;
		const hasAmount = amountExpr(roles) !== null;
		if (hasTime) out.push('recency_days');
		out.push('frequency');
		if (hasAmount) out.push('monetary', 'avg_order_value', 'return_share');
		if (hasTime) out.push('tenure_days', 'days_between_orders');
		if (roles.quantity) out.push('items_per_order');
		for (const c of roles.categoricals) {
			for (const v of categories[c] ?? []) out.push(`share_${slug(c)}_${slug(v)}`);
		}
	} else {
		out.push(...roles.numerics);
		for (const c of roles.categoricals) {
			for (const v of categories[c] ?? []) out.push(`${slug(c)}_${slug(v)}`);
		}
	}
	if (recipe.customers) {
		out.push(...recipe.customers.numerics);
		for (const c of recipe.customers.categoricals) {
			for (const v of categories[`${recipe.customers.table}.${c}`] ?? []) {
				out.push(`${slug(c)}_${slug(v)}`);
			}
		}
	}
	return [...new Set(out)];
}

function oneHot(table: string, column: string, values: readonly string[]): string[] {
	return values.map(
		(v) =>
			`CASE WHEN ${table}.${ident(column)}::VARCHAR = ${literal(v)} THEN 1.0 ELSE 0.0 END AS ${ident(`${slug(column)}_${slug(v)}`)}`
	);
}

/**
 * `CREATE TABLE customer_features`: one row per customer, every candidate feature in plain
 * units, the key column under its own name first.
 */
export function featureSql(
	recipe: FeatureRecipe,
	categories: CategoryValues,
	columnTypes: Record<string, string>,
	table: string = FEATURES_TABLE
): string {
	const { roles } = recipe;
	if (!roles.key && recipe.grain === 'transactions')
		throw new Error('A customer key column is needed.');
	const key = ident(roles.key ?? ROW_KEY);
	const src = ident(recipe.source);
	// Keys compare as keys (src/sql/keys.sql.ts): 12347.0 = 12347 = 012347 on both sides.
	const joinCustomers = (from: string): string =>
		recipe.customers
			? `\nLEFT JOIN ${ident(recipe.customers.table)} AS c ON ${keyText(`c.${ident(recipe.customers.key)}`)} = ${from}`
			: '';
	const customerColumns = recipe.customers
		? [
				...recipe.customers.numerics.map((n) => `TRY_CAST(c.${ident(n)} AS DOUBLE) AS ${ident(n)}`),
				...recipe.customers.categoricals.flatMap((c) =>
					oneHot('c', c, categories[`${recipe.customers!.table}.${c}`] ?? [])
				)
			]
		: [];

	if (recipe.grain === 'customers') {
		// Without an id column, rowid + 1 numbers the customers by their line in the file.
		const keyExpr = roles.key
			? keyValue(`t.${key}`, columnTypes[roles.key] ?? 'VARCHAR')
			: '(t.rowid + 1)::VARCHAR';
		const columns = [
			`${keyExpr} AS ${key}`,
			...roles.numerics.map((n) => `TRY_CAST(${ident(n)} AS DOUBLE) AS ${ident(n)}`),
			...roles.categoricals.flatMap((c) => oneHot('t', c, categories[c] ?? [])),
			...customerColumns
		];
		return `-- One row per ${roles.key ?? 'line'} of ${recipe.source}: its numeric columns, and a 0/1 column per
-- value of each low-cardinality column (one-hot). Rows without a key are left out; a key that
-- repeats is refused before this runs (one row per customer is never merged).
CREATE OR REPLACE TABLE ${ident(table)} AS
SELECT ${columns.join(',\n       ')}
FROM ${src} AS t${joinCustomers(keyText(keyExpr))}
WHERE ${keyExpr} IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY ${keyExpr} ORDER BY t.rowid) = 1`;
	}

	const amount = amountExpr(roles) ?? '1.0';
	const ts = roles.timestamp
		? timestampExpr(
				roles.timestamp,
				columnTypes[roles.timestamp] ?? 'VARCHAR',
				recipe.dateOrder ?? null
			)
		: 'NULL::TIMESTAMP';
	const customerKey = keyValue(key, (roles.key && columnTypes[roles.key]) || 'VARCHAR');
	const order = roles.orderId
		? `${ident(roles.orderId)}::VARCHAR`
		: `${customerKey} || '@' || ${ts}::VARCHAR`;
	const exact = recencyMode(recipe) === 'exact';
	const drop = returnsMode(recipe) === 'drop';
	// The reference date: the user's, or the day after the last purchase (whole days), or the
	// last purchase's own time (exact).
	const lastPurchase = '(SELECT max(ts) FROM orders WHERE customer_key IS NOT NULL AND amount > 0)';
	const asOf = recipe.asOf
		? `${literal(recipe.asOf)}::TIMESTAMP`
		: exact
			? lastPurchase
			: `CAST(CAST(${lastPurchase} AS DATE) + 1 AS TIMESTAMP)`;
	const asOfText = recipe.asOf
		? recipe.asOf
		: exact
			? 'the time of the last purchase in the data'
			: 'the day after the last purchase in the data';
	const categoricalSelect = roles.categoricals
		.map((c) => `, ${ident(c)}::VARCHAR AS ${ident(c)}`)
		.join('');
	const qty = roles.quantity ? `TRY_CAST(${ident(roles.quantity)} AS DOUBLE)` : 'NULL::DOUBLE';
	const mix = roles.categoricals.flatMap((c) =>
		(categories[c] ?? []).map(
			(v) =>
				`coalesce(sum(abs(amount)) FILTER (WHERE ${ident(c)} = ${literal(v)}), 0) / nullif(sum(abs(amount)), 0) AS ${ident(`share_${slug(c)}_${slug(v)}`)}`
		)
	);
	// Calendar days between the dates (the field's convention), or the exact time in days.
	const days = (a: string, b: string): string =>
		exact
			? `date_diff('second', ${a}, ${b}) / 86400.0`
			: `date_diff('day', CAST(${a} AS DATE), CAST(${b} AS DATE))`;
	const purchases = 'count(*) FILTER (WHERE amount > 0)';
	const lastTs = 'max(ts) FILTER (WHERE amount > 0)';
	const perCustomer = [
		'customer_key',
		...(roles.timestamp ? [`${days(lastTs, 'any_value(as_of)')} AS recency_days`] : []),
		`${purchases} AS frequency`,
		...(roles.amount || (roles.quantity && roles.unitPrice)
			? [
					'sum(amount) AS monetary',
					`sum(amount) / nullif(${purchases}, 0) AS avg_order_value`,
					'sum(returned_lines) / sum(lines) AS return_share'
				]
			: []),
		...(roles.timestamp
			? [
					`${days('min(ts)', 'any_value(as_of)')} AS tenure_days`,
					`CASE WHEN count(ts) > 1 THEN ${days('min(ts)', 'max(ts)')} / (count(ts) - 1) END AS days_between_orders`
				]
			: []),
		...(roles.quantity ? [`sum(items) / nullif(${purchases}, 0) AS items_per_order`] : [])
	];
	const definitions = candidateFeatures(recipe, categories)
		.filter((f) => FEATURE_DEFINITIONS[f])
		.map((f) => `--   ${f}: ${FEATURE_DEFINITIONS[f]}`)
		.join('\n');
	// Dropped returns still count in return_share (as returned lines of the order they are in).
	const kept = drop ? 'amount >= 0' : 'TRUE';
	return `-- One row per ${roles.key}, from the order lines of ${recipe.source}.
-- Reference date: ${asOfText}. Recency and tenure in ${exact ? 'exact time (fractional days)' : 'whole calendar days'}.
-- Line amount: ${roles.amount ? roles.amount : roles.quantity && roles.unitPrice ? `${roles.quantity} × ${roles.unitPrice}${roles.discount ? ` × (1 − ${roles.discount})` : ''}` : 'none (every line counts 1)'}.
-- Returns and cancellations (negative amounts): ${drop ? 'dropped' : 'netted against spend'}. Lines without a ${roles.key}
-- are left out, and so are customers with no purchase left (no order with a positive total).
-- Keys compare as keys: 12347.0, 12347 and 012347 are the same customer.
${definitions}
CREATE OR REPLACE TABLE ${ident(table)} AS
-- Lines without a key group under a NULL key, dropped from orders onwards: the key is computed
-- once per line this way, not again for a filter.
WITH lines AS NOT MATERIALIZED (
	SELECT ${customerKey} AS customer_key, ${order} AS order_id, ${ts} AS ts,
	       ${amount} AS amount, ${qty} AS quantity${categoricalSelect}
	FROM ${src}
),
orders AS (
	SELECT customer_key, order_id, min(ts) FILTER (WHERE ${kept}) AS ts,
	       sum(amount) FILTER (WHERE ${kept}) AS amount, sum(quantity) FILTER (WHERE ${kept}) AS items,
	       count(*) AS lines, count(*) FILTER (WHERE amount < 0) AS returned_lines
	FROM lines
	GROUP BY customer_key, order_id
),
per_customer AS (
	SELECT ${perCustomer.join(',\n	       ')}
	FROM orders, (SELECT ${asOf} AS as_of)
	WHERE customer_key IS NOT NULL
	GROUP BY customer_key
	HAVING ${purchases} > 0
)${
		mix.length > 0
			? `,
mix AS (
	SELECT customer_key,
	       ${mix.join(',\n	       ')}
	FROM lines
	WHERE ${kept}
	GROUP BY customer_key
)`
			: ''
	}
SELECT p.customer_key AS ${key}, p.* EXCLUDE (customer_key)${mix.length > 0 ? ', m.* EXCLUDE (customer_key)' : ''}${customerColumns.length > 0 ? `,\n       ${customerColumns.join(',\n       ')}` : ''}
FROM per_customer AS p${mix.length > 0 ? '\nLEFT JOIN mix AS m USING (customer_key)' : ''}${joinCustomers(keyText('p.customer_key'))}`;
}

/**
 * Customers with a key in the source (distinct canonical keys): with the features table's count,
 * how many were left out for having no purchase left.
 */
export function sourceCustomersSql(
	recipe: FeatureRecipe,
	columnTypes: Record<string, string>
): string | null {
	if (recipe.grain !== 'transactions' || !recipe.roles.key) return null;
	// Distinct values as written first (cheap), then their canonical keys: the same count as
	// canonicalising every line, for a fraction of the work on order lines.
	const k = keyValue('raw', columnTypes[recipe.roles.key] ?? 'VARCHAR');
	return `SELECT count(DISTINCT ${k}) FROM (SELECT DISTINCT ${ident(recipe.roles.key)} AS raw FROM ${ident(recipe.source)})`;
}

/**
 * A feature value as DOUBLE, or NULL when it is not a usable number: NaN, ±Infinity, or beyond
 * ±1e100 (no count, amount or age is that large; squaring it would overflow the statistics).
 */
export function finiteExpr(x: string): string {
	return `CASE WHEN isfinite(${x}::DOUBLE) AND abs(${x}::DOUBLE) < 1e100 THEN ${x}::DOUBLE END`;
}

/**
 * The model matrix's transforms as SQL select lists, one per step, shared by matrixSql and the
 * Compare cell's periods (src/sql/compare.sql.ts), so both transform a feature the same way.
 * Statistics get the suffixes `__median`, `__lo`, `__hi`, `__center`, `__scale`.
 */
export function matrixSteps(recipe: FeatureRecipe): {
	/** Step 1: finite values, log1p where chosen; `scaleBy` multiplies the named features first. */
	logged(scaleBy?: { features: readonly string[]; factor: number }): string[];
	/** Statistics over step 1: the median, and the clipping bounds when winsorising. */
	bounds: string[];
	/** Steps 2–3: missing values filled with the median (when `fill`), then clipped. */
	clipped(fill: boolean): string[];
	/** Statistics over step 3: centre and spread for the scaling. */
	spread: string[];
	/** Step 4: (x − centre) ÷ spread. */
	scaled: string[];
	/** The `drop` rule's WHERE clause (with its line break), or ''. */
	dropRule: string;
} {
	const features = recipe.selected;
	const q = (f: string, suffix: string): string => ident(`${f}__${suffix}`);
	const { log1p, winsorise, scale } = recipe.transforms;
	return {
		logged: (scaleBy) =>
			features.map((f) => {
				const raw = finiteExpr(ident(f));
				const x =
					scaleBy && scaleBy.factor !== 1 && scaleBy.features.includes(f)
						? `(${raw} * ${scaleBy.factor})`
						: raw;
				// CASE, not greatest(): DuckDB's greatest() skips NULL, which would turn a missing
				// value into ln(1) = 0 instead of leaving it to the missing-value rule.
				return log1p.includes(f)
					? `ln(1 + CASE WHEN ${x} < 0 THEN 0 ELSE ${x} END) AS ${ident(f)}`
					: `${x} AS ${ident(f)}`;
			}),
		bounds: features.flatMap((f) => [
			`median(${ident(f)}) AS ${q(f, 'median')}`,
			...(winsorise
				? [
						`quantile_cont(${ident(f)}, ${winsorise.lower}) AS ${q(f, 'lo')}`,
						`quantile_cont(${ident(f)}, ${winsorise.upper}) AS ${q(f, 'hi')}`
					]
				: [])
		]),
		clipped: (fill) =>
			features.map((f) => {
				const filled = fill ? `coalesce(${ident(f)}, ${q(f, 'median')})` : ident(f);
				return winsorise
					? `least(greatest(${filled}, ${q(f, 'lo')}), ${q(f, 'hi')}) AS ${ident(f)}`
					: `${filled} AS ${ident(f)}`;
			}),
		spread: features.flatMap((f) =>
			scale === 'zscore'
				? [
						`avg(${ident(f)}) AS ${q(f, 'center')}`,
						`coalesce(nullif(stddev_pop(${ident(f)}), 0), 1) AS ${q(f, 'scale')}`
					]
				: scale === 'robust'
					? [
							`median(${ident(f)}) AS ${q(f, 'center')}`,
							`coalesce(nullif(quantile_cont(${ident(f)}, 0.75) - quantile_cont(${ident(f)}, 0.25), 0), 1) AS ${q(f, 'scale')}`
						]
					: [`0 AS ${q(f, 'center')}`, `1 AS ${q(f, 'scale')}`]
		),
		scaled: features.map(
			(f) => `(${ident(f)} - ${q(f, 'center')}) / ${q(f, 'scale')} AS ${ident(f)}`
		),
		dropRule:
			recipe.missing === 'drop'
				? `\n	WHERE ${features.map((f) => `${ident(f)} IS NOT NULL`).join(' AND ')}`
				: ''
	};
}

/**
 * `CREATE TABLE model_matrix`: the selected features, transformed in four visible steps.
 * Non-finite values (NaN, ±Infinity) count as missing, so no statistic ever sees them.
 */
export function matrixSql(
	recipe: FeatureRecipe,
	keyColumn: string,
	table: string = MATRIX_TABLE,
	features: string = FEATURES_TABLE
): string {
	const selected = recipe.selected;
	if (selected.length === 0) throw new Error('Choose at least one feature.');
	const key = ident(keyColumn);
	const { log1p, winsorise, scale } = recipe.transforms;
	const steps = matrixSteps(recipe);
	const scaleText =
		scale === 'zscore'
			? 'z-score: (x − mean) ÷ standard deviation'
			: scale === 'robust'
				? 'robust: (x − median) ÷ interquartile range'
				: 'none';
	return `-- What k-means sees: ${selected.join(', ')}.
-- 1. log1p: ${log1p.filter((f) => selected.includes(f)).join(', ') || 'none'}
-- 2. winsorise: ${winsorise ? `clip to the ${winsorise.lower * 100}th–${winsorise.upper * 100}th percentile` : 'none'}
-- 3. missing values (empty, NaN, infinite or beyond ±1e100): ${recipe.missing === 'median' ? 'filled with the column median' : 'customers with any missing value are left out'}
-- 4. scaling: ${scaleText} (a constant column is divided by 1)
CREATE OR REPLACE TABLE ${ident(table)} AS
WITH logged AS (
	SELECT ${key}, ${steps.logged().join(', ')}
	FROM ${ident(features)}
),
bounds AS (
	SELECT ${steps.bounds.join(', ')}
	FROM logged
),
clipped AS (
	SELECT ${key}, ${steps.clipped(recipe.missing === 'median').join(', ')}
	FROM logged, bounds${steps.dropRule}
),
spread AS (
	SELECT ${steps.spread.join(', ')}${scale === 'none' ? '' : '\n	FROM clipped'}
)
SELECT ${key}, ${steps.scaled.join(', ')}
FROM clipped, spread
ORDER BY ${key}`;
}
