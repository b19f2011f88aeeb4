/**
 * The Compare cell's SQL: the order lines of one period, and that period's features put through
 * the model matrix's transforms with the statistics of the fit, so a period's customers land in
 * the same scaled space as the centroids.
 *
 *   source ─▶ period lines (view) ─▶ period features (featureSql, as of the period's end)
 *          ─▶ period matrix: log1p → clip to the fit's bounds → fill with the fit's medians →
 *             scale with the fit's centre and spread (all computed from customer_features)
 *
 * Pure: builds text only.
 */
import { FEATURES_TABLE, finiteExpr, type FeatureRecipe } from './features.sql';
import { ident, literal } from './sql';

/** The per-customer result the Compare cell leaves for SQL cells. */
export const CHANGES_TABLE = 'segment_changes';

/**
 * Features that add up over a window (orders, spend): a period of a year has about half of a
 * two-year history's, so they are scaled to the whole history's length before the transforms.
 * Rates, shares, averages and days are left as they are.
 */
export const WINDOW_TOTALS: readonly string[] = Object.freeze(['frequency', 'monetary']);

/** `CREATE VIEW name`: the rows of `source` whose timestamp lies in [from, to). */
export function periodLinesSql(
	name: string,
	source: string,
	timestamp: string,
	from: string | null,
	to: string | null
): string {
	const bounds = [
		`${timestamp} IS NOT NULL`,
		...(from ? [`${timestamp} >= ${literal(from)}::TIMESTAMP`] : []),
		...(to ? [`${timestamp} < ${literal(to)}::TIMESTAMP`] : [])
	];
	return `CREATE OR REPLACE VIEW ${ident(name)} AS
SELECT * FROM ${ident(source)}
WHERE ${bounds.join(' AND ')}`;
}

export interface PeriodMatrixOptions {
	/** The period's customer features (made by featureSql). */
	features: string;
	/** The table to create. */
	target: string;
	/** WINDOW_TOTALS are multiplied by this before the transforms. */
	factor: number;
	/** A SQL condition on the period's features picking the rows to keep (e.g. active customers). */
	where: string;
}

/**
 * `CREATE TABLE target`: a period's features transformed exactly as matrixSql transforms the
 * whole history's, with every statistic (medians, clipping bounds, centre, spread) taken from the
 * fit (customer_features), not from the period. Missing values are always filled with the fit's
 * median: a customer with the `drop` rule still needs a place to be assigned.
 */
export function periodMatrixSql(
	recipe: FeatureRecipe,
	keyColumn: string,
	options: PeriodMatrixOptions
): string {
	const features = recipe.selected;
	if (features.length === 0) throw new Error('Choose at least one feature.');
	if (!Number.isFinite(options.factor) || options.factor <= 0) {
		throw new Error(`The period factor must be a positive number, got ${options.factor}.`);
	}
	const key = ident(keyColumn);
	const q = (f: string, suffix: string): string => ident(`${f}__${suffix}`);
	const { log1p, winsorise, scale } = recipe.transforms;
	const logged = (factor: number) =>
		features.map((f) => {
			const raw = finiteExpr(ident(f));
			const x = factor !== 1 && WINDOW_TOTALS.includes(f) ? `(${raw} * ${factor})` : raw;
			return log1p.includes(f) ? `ln(1 + greatest(${x}, 0)) AS ${ident(f)}` : `${x} AS ${ident(f)}`;
		});
	const bounds = features.flatMap((f) => [
		`median(${ident(f)}) AS ${q(f, 'median')}`,
		...(winsorise
			? [
					`quantile_cont(${ident(f)}, ${winsorise.lower}) AS ${q(f, 'lo')}`,
					`quantile_cont(${ident(f)}, ${winsorise.upper}) AS ${q(f, 'hi')}`
				]
			: [])
	]);
	const clipped = (fill: boolean) =>
		features.map((f) => {
			const filled = fill ? `coalesce(${ident(f)}, ${q(f, 'median')})` : ident(f);
			return winsorise
				? `least(greatest(${filled}, ${q(f, 'lo')}), ${q(f, 'hi')}) AS ${ident(f)}`
				: `${filled} AS ${ident(f)}`;
		});
	const spread = features.flatMap((f) =>
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
	);
	const fitDrop =
		recipe.missing === 'drop'
			? `\n	WHERE ${features.map((f) => `${ident(f)} IS NOT NULL`).join(' AND ')}`
			: '';
	const scaled = features.map(
		(f) => `(${ident(f)} - ${q(f, 'center')}) / ${q(f, 'scale')} AS ${ident(f)}`
	);
	const totals = features.filter((f) => WINDOW_TOTALS.includes(f));
	return `-- One period's customers in the model's scaled space: the transforms of the model matrix
-- with the fit's statistics (from ${FEATURES_TABLE}).${
		totals.length > 0 && options.factor !== 1
			? `\n-- ${totals.join(' and ')} scaled × ${options.factor.toFixed(3)} to the whole history's length.`
			: ''
	}
CREATE OR REPLACE TABLE ${ident(options.target)} AS
WITH fit_logged AS (
	SELECT ${key}, ${logged(1).join(', ')}
	FROM ${FEATURES_TABLE}
),
bounds AS (
	SELECT ${bounds.join(', ')}
	FROM fit_logged
),
fit_clipped AS (
	SELECT ${key}, ${clipped(recipe.missing === 'median').join(', ')}
	FROM fit_logged, bounds${fitDrop}
),
spread AS (
	SELECT ${spread.join(', ')}${scale === 'none' ? '' : '\n	FROM fit_clipped'}
),
logged AS (
	SELECT ${key}, ${logged(options.factor).join(', ')}
	FROM ${ident(options.features)}
	WHERE ${options.where}
),
clipped AS (
	SELECT ${key}, ${clipped(true).join(', ')}
	FROM logged, bounds
)
SELECT ${key}, ${scaled.join(', ')}
FROM clipped, spread
ORDER BY ${key}`;
}
