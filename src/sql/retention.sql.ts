/**
 * Repeat and retention KPIs by segment, as readable DuckDB SQL over the order lines:
 *
 *   orders        one row per customer and order (the order id, or the order instant)
 *   months        one row per customer and calendar month with an order
 *   cohorts       each customer's first-purchase month, its segment, and how many months of
 *                 history follow it in the data (a cohort is only counted where it can be seen)
 *   retention     per segment and month m = 0..6 after the first purchase: of the customers whose
 *                 cohort is at least m months old, the share who bought in month m
 *   repeat        per segment: the share of customers with at least two orders
 *
 * Also the overlap of any two segmentations (a table, its key column and its label column each),
 * keys compared as text with the harmless differences removed (`012347`, `12347.0` → `12347`).
 */
import { timestampExpr } from './features.sql';
import { ident } from './sql';

/** Where a segmentation lives: a table, its customer key column and its label column. */
export interface SegmentationRef {
	table: string;
	key: string;
	label: string;
}

export interface RetentionSource {
	/** The order lines. */
	source: string;
	key: string;
	timestamp: string;
	/** DuckDB type of the timestamp column (text dates are parsed as the feature SQL does). */
	timestampType: string;
	/** The order id column, or null: one order per customer and instant. */
	orderId: string | null;
	segments: SegmentationRef;
}

/** Months after the first purchase the curves run to. */
export const RETENTION_MONTHS = 6;

/** A key as comparable text: trimmed, integer-looking keys without leading zeros or `.0`. */
export function keyText(column: string): string {
	const t = `trim(${column}::VARCHAR)`;
	return `CASE WHEN regexp_full_match(${t}, '[0-9]+(\\.0+)?') THEN regexp_replace(regexp_replace(${t}, '\\.0+$', ''), '^0+([0-9])', '\\1') ELSE ${t} END`;
}

function membersCte(segments: SegmentationRef): string {
	return `members AS (
	SELECT ${keyText(ident(segments.key))} AS k, any_value(${ident(segments.label)})::VARCHAR AS segment
	FROM ${ident(segments.table)}
	WHERE ${ident(segments.label)} IS NOT NULL
	GROUP BY ALL
)`;
}

function ordersCte(r: RetentionSource): string {
	const ts = timestampExpr(r.timestamp, r.timestampType);
	const order = r.orderId ? `${ident(r.orderId)}::VARCHAR` : `${ts}::VARCHAR`;
	// Keys are made comparable once per customer, not once per order line.
	return `raw_orders AS (
	SELECT ${ident(r.key)}::VARCHAR AS k0, ${order} AS order_id, min(${ts}) AS ts
	FROM ${ident(r.source)}
	WHERE ${ident(r.key)} IS NOT NULL AND ${ts} IS NOT NULL
	GROUP BY ALL
),
keys AS (
	SELECT k0, ${keyText('k0')} AS k FROM (SELECT DISTINCT k0 FROM raw_orders)
),
orders AS (
	SELECT keys.k, o.order_id, o.ts FROM raw_orders o JOIN keys USING (k0)
),
${membersCte(r.segments)}`;
}

export function retentionSql(r: RetentionSource): string {
	const ts = timestampExpr(r.timestamp, r.timestampType);
	return `-- Monthly cohort retention by segment: of each first-purchase month's customers, the share
-- who bought again m months later (m = 0..${RETENTION_MONTHS}), counting only cohorts old enough to see month m.
WITH raw_months AS (
	SELECT DISTINCT ${ident(r.key)}::VARCHAR AS k0, date_trunc('month', ${ts}) AS month
	FROM ${ident(r.source)}
	WHERE ${ident(r.key)} IS NOT NULL AND ${ts} IS NOT NULL
),
keys AS (
	SELECT k0, ${keyText('k0')} AS k FROM (SELECT DISTINCT k0 FROM raw_months)
),
months AS (
	SELECT DISTINCT keys.k, m.month FROM raw_months m JOIN keys USING (k0)
),
${membersCte(r.segments)},
cohorts AS (
	SELECT m.k, s.segment, min(m.month) AS cohort,
	       date_diff('month', min(m.month), (SELECT max(month) FROM months)) AS seen
	FROM months m JOIN members s USING (k)
	GROUP BY ALL
),
eligible AS (
	SELECT c.segment, h.m, count(*) AS customers
	FROM cohorts c, (SELECT range AS m FROM range(0, ${RETENTION_MONTHS + 1})) h
	WHERE c.seen >= h.m
	GROUP BY ALL
),
kept AS (
	SELECT c.segment, date_diff('month', c.cohort, m.month) AS m, count(*) AS retained
	FROM months m JOIN cohorts c USING (k)
	WHERE date_diff('month', c.cohort, m.month) <= ${RETENTION_MONTHS}
	GROUP BY ALL
)
SELECT e.segment, e.m AS months, e.customers, coalesce(k.retained, 0) AS retained
FROM eligible e LEFT JOIN kept k USING (segment, m)
ORDER BY e.segment, months`;
}

export function repeatSql(r: RetentionSource): string {
	return `-- Repeat-purchase rate by segment: the share of customers with at least two orders.
WITH ${ordersCte(r)},
per_customer AS (
	SELECT k, count(*) AS orders FROM orders GROUP BY k
)
SELECT s.segment, count(*) AS customers, count(*) FILTER (WHERE coalesce(p.orders, 0) >= 2) AS repeaters
FROM members s LEFT JOIN per_customer p USING (k)
GROUP BY ALL
ORDER BY s.segment`;
}

/** Customers by label of segmentation A × label of B, joined on the keys; plus the unmatched. */
export function overlapSql(a: SegmentationRef, b: SegmentationRef): string {
	const side = (r: SegmentationRef): string =>
		`SELECT ${keyText(ident(r.key))} AS k, any_value(${ident(r.label)})::VARCHAR AS label FROM ${ident(r.table)} WHERE ${ident(r.key)} IS NOT NULL GROUP BY ALL`;
	return `-- Customers in each pair of labels of ${a.table}.${a.label} and ${b.table}.${b.label}, matched on the key.
WITH a AS (${side(a)}),
b AS (${side(b)})
SELECT a.label AS a, b.label AS b, count(*) AS customers
FROM a FULL JOIN b USING (k)
GROUP BY ALL
ORDER BY a NULLS LAST, b NULLS LAST`;
}
