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
import { FEATURES_TABLE, matrixSteps, type FeatureRecipe } from './features.sql';
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
	/** The features the segments were fitted on, for the statistics (default customer_features). */
	fit?: string | undefined;
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
	const { scale } = recipe.transforms;
	const steps = matrixSteps(recipe);
	const totalsBy = { features: WINDOW_TOTALS, factor: options.factor };
	const totals = features.filter((f) => WINDOW_TOTALS.includes(f));
	const fit = options.fit ?? FEATURES_TABLE;
	return `-- One period's customers in the model's scaled space: the transforms of the model matrix
-- with the fit's statistics (from ${fit}).${
		totals.length > 0 && options.factor !== 1
			? `\n-- ${totals.join(' and ')} scaled × ${options.factor.toFixed(3)} to the whole history's length.`
			: ''
	}
CREATE OR REPLACE TABLE ${ident(options.target)} AS
WITH fit_logged AS (
	SELECT ${key}, ${steps.logged().join(', ')}
	FROM ${ident(fit)}
),
bounds AS (
	SELECT ${steps.bounds.join(', ')}
	FROM fit_logged
),
fit_clipped AS (
	SELECT ${key}, ${steps.clipped(recipe.missing === 'median').join(', ')}
	FROM fit_logged, bounds${steps.dropRule}
),
spread AS (
	SELECT ${steps.spread.join(', ')}${scale === 'none' ? '' : '\n	FROM fit_clipped'}
),
logged AS (
	SELECT ${key}, ${steps.logged(totalsBy).join(', ')}
	FROM ${ident(options.features)}
	WHERE ${options.where}
),
clipped AS (
	SELECT ${key}, ${steps.clipped(true).join(', ')}
	FROM logged, bounds
)
SELECT ${key}, ${steps.scaled.join(', ')}
FROM clipped, spread
ORDER BY ${key}`;
}
