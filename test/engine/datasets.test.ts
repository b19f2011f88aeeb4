/**
 * Guards Segbook's segmentation against independent reference results on real public data sets
 * (shared/datasets/, see its README.md): scikit-learn 1.2.1 KMeans (k-means++, n_init=10) with
 * StandardScaler (population std). For each data set the test reproduces the reference's exact
 * preprocessing through Segbook's own recipe (features, log1p, z-score, missing values), runs
 * Segbook's k-means (10 restarts, fixed seed) on real DuckDB-WASM, and checks that
 *
 *   - the inertia is within 0.5 % of the reference's (a lower one is a better optimum of the
 *     same objective; much lower would mean different preprocessing, e.g. sample std), and
 *   - the partition agrees with the reference's per-customer assignments (adjusted Rand index),
 *     where the reference says its solution is stable over seeds.
 *
 * It also checks Segbook's own RFM features from the Superstore order lines against the
 * reference's, and that a tampered file (blanks, 999999, negative spend) gives clear results.
 * The data lives outside the repository: the whole suite skips where shared/ is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari';
import type { FeatureReport, FeatureRecipe, SegmentRef, SegmentReport } from '../../src/engine/api';
import { normaliseKey } from '../../src/sql/keys.sql';
import { ident } from '../../src/sql/sql';
import { sourceFromBytes } from '../../workers/db';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor } from '../helpers/engine';

const dir = join(import.meta.dirname, '../../../shared/datasets');
const SEED = 1;

/** The tables of the Features cell built last in these tests (one Features cell at a time). */
let cellRef: SegmentRef;

function build(engine: Engine, recipe: FeatureRecipe): Promise<FeatureReport> {
	cellRef = refsFor(recipe);
	return engine.buildFeatures(recipe, cellRef);
}

const RESTARTS = 10;
/** Inertia may differ from the reference by this share (either way; see the header). */
const INERTIA_TOLERANCE = 0.005;
const MIN_ARI = 0.95;

/** The parts of reference.json the test reads. */
interface Stability {
	n_init_10: { ari_vs_reference_min: number };
}
interface Solution {
	k: number;
	inertia: number;
	assignments_file: string;
	stability_other_seeds: Stability;
}
interface SweepRow {
	k: number;
	inertia: number;
	silhouette: number;
}

function readJson<T>(...path: string[]): T {
	return JSON.parse(readFileSync(join(dir, ...path), 'utf8')) as T;
}

/** `id,cluster` lines → id → cluster (ids as written, e.g. zero-padded `0001`). */
function readAssignments(...path: string[]): Map<string, number> {
	const lines = readFileSync(join(dir, ...path), 'utf8')
		.trim()
		.split(/\r?\n/);
	expect(lines[0]).toBe('id,cluster');
	return new Map(
		lines.slice(1).map((line) => {
			const [id, cluster] = line.split(',');
			return [id!, Number(cluster)];
		})
	);
}

async function load(engine: Engine, ...path: string[]): Promise<string> {
	const name = path[path.length - 1]!;
	const report = await engine.loadSource(sourceFromBytes(name, readFileSync(join(dir, ...path))));
	expect(report.rowsRejected).toBe(0);
	return report.table.name;
}

async function rows(engine: Engine, sqlText: string): Promise<unknown[][]> {
	const table = tableFromIPC((await engine.query(sqlText, { rowLimit: 10_000_000 })).ipc);
	const columns = table.schema.fields.map((_, i) => table.getChildAt(i));
	return Array.from({ length: table.numRows }, (_, r) => columns.map((c) => c?.get(r) as unknown));
}

/** Segbook's segment per customer key, from the `segments` table. */
async function ourSegments(engine: Engine, key: string): Promise<Map<string, number>> {
	const result = await rows(engine, `SELECT ${ident(key)}::VARCHAR, segment FROM segments`);
	return new Map(result.map(([k, s]) => [normaliseKey(String(k)), Number(s)]));
}

/** ARI between Segbook's segments and a reference labelling, over the same customers. */
async function ariAgainst(
	engine: Engine,
	key: string,
	reference: Map<string, number>
): Promise<number> {
	const ours = await ourSegments(engine, key);
	expect(ours.size).toBe(reference.size);
	const a: number[] = [];
	const b: number[] = [];
	for (const [id, cluster] of reference) {
		// Keys compare as keys: a zero-padded 0001 is customer 1 wherever it is written.
		const segment = ours.get(normaliseKey(id));
		expect(segment, `customer ${id} has no segment`).toBeDefined();
		a.push(segment!);
		b.push(cluster);
	}
	return adjustedRandIndex(a, b);
}

function expectInertia(ours: number, reference: number): void {
	expect(ours).toBeLessThanOrEqual(reference * (1 + INERTIA_TOLERANCE));
	expect(ours).toBeGreaterThanOrEqual(reference * (1 - INERTIA_TOLERANCE));
}

/** Segment with the solution's k; check inertia and, for a stable solution, the partition. */
async function expectSolution(
	engine: Engine,
	key: string,
	folder: string,
	solution: Solution,
	minAri = MIN_ARI
): Promise<{ report: SegmentReport; ari: number }> {
	const report = await engine.segment(cellRef, { k: solution.k, seed: SEED, restarts: RESTARTS });
	const ari = await ariAgainst(engine, key, readAssignments(folder, solution.assignments_file));
	expectInertia(report.inertia, solution.inertia);
	expect(ari).toBeGreaterThanOrEqual(minAri);
	return { report, ari };
}

/** The suggested recipe, with the reference's features and transforms (everything else kept). */
function recipeFor(
	base: FeatureRecipe,
	selected: string[],
	transforms: Partial<FeatureRecipe['transforms']> = {}
): FeatureRecipe {
	return {
		...base,
		selected,
		transforms: { log1p: [], winsorise: null, scale: 'zscore', ...transforms },
		missing: 'median'
	};
}

describe.skipIf(!existsSync(dir))(
	'agreement with the scikit-learn references (shared/datasets)',
	() => {
		let engine: Engine;
		beforeAll(async () => {
			engine = await createEngine();
		}, 30_000);

		describe('mall_customers', () => {
			// Reference: 'Annual Income (k$)' and 'Spending Score (1-100)' used raw (preprocessing
			// "none"), k = 5; alternative_zscore: the same two z-scored with population std, which is
			// what Segbook's z-score computes (stddev_pop). Nothing is missing. Column names with spaces,
			// '$', parentheses and a hyphen go through Segbook's SQL quoting unchanged.
			interface MallReference {
				features: string[];
				primary: Solution;
				k_sweep_raw: { silhouette_best_k: number; results: SweepRow[] };
				alternative_zscore: Solution & { silhouette_best_k: number };
			}
			const ref = (): MallReference => readJson('mall_customers', 'reference.json');
			let base: FeatureRecipe;

			beforeAll(async () => {
				const table = await load(engine, 'mall_customers', 'Mall_Customers.csv');
				expect(table).toBe('mall_customers');
				base = (await engine.suggestRecipe(table)).recipe;
			});

			it('detects the zero-padded CustomerID as key and the spaced names as numerics', () => {
				expect(base.grain).toBe('customers');
				expect(base.roles.key).toBe('CustomerID');
				expect(base.roles.numerics).toEqual(expect.arrayContaining(ref().features));
			});

			/** The raw-feature checks: k = 5 against `primary`, and the sweep's silhouette-best k. */
			async function expectRawReference(r: MallReference): Promise<void> {
				await expectSolution(engine, 'CustomerID', 'mall_customers', r.primary);
				// n = 200 is below the silhouette sample (5,000), so the sweep's silhouette is exact.
				const sweep = await engine.sweep(cellRef, SEED);
				expect(sweep.sampled).toBe(200);
				const best = sweep.rows.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
				expect(best.k).toBe(r.k_sweep_raw.silhouette_best_k);
				const refBest = r.k_sweep_raw.results.find((row) => row.k === best.k)!;
				expect(best.silhouette).toBeCloseTo(refBest.silhouette, 3);
				expectInertia(best.inertia, refBest.inertia);
			}

			it('raw income and score via scale none, k = 5: same inertia and partition', async () => {
				const r = ref();
				const features = await build(engine, recipeFor(base, r.features, { scale: 'none' }));
				expect(features.customers).toBe(200);
				expect(await engine.count('model_matrix')).toBe(200);
				expect(features.dropped).toBe(0);
				await expectRawReference(r);
			});

			it('z-scored income and score, k = 5: same inertia and partition', async () => {
				const r = ref();
				await build(engine, recipeFor(base, r.features, { scale: 'zscore' }));
				await expectSolution(engine, 'CustomerID', 'mall_customers', r.alternative_zscore);
				const sweep = await engine.sweep(cellRef, SEED);
				const best = sweep.rows.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
				expect(best.k).toBe(r.alternative_zscore.silhouette_best_k);
			});
		});

		describe('superstore', () => {
			// Reference RFM (README, reference.json recency_definition): recency = calendar days from
			// the customer's last Order Date to max(Order Date) + 1 day (2017-12-31), frequency =
			// distinct Order ID, monetary = Σ Sales; then log1p of R, F and M, z-score (population
			// std). Segbook's default recency_days is the same definition (whole calendar days to the
			// day after the last purchase), so like is compared with like by (a) segmenting the
			// reference's own R, F, M (rfm_features_rfm.csv) as a customer-level table, and (b)
			// building Segbook's features from the order lines with the default reference date.
			interface SuperstoreReference {
				snapshot_date: string;
				customers: number;
				transform: string;
				solutions: Record<'k2' | 'k4', Solution>;
			}
			const ref = (): SuperstoreReference => readJson('superstore', 'reference.json');
			const rfm = ['recency_days', 'frequency', 'monetary'];
			let referenceRfm: Map<string, [number, number, number]>;

			beforeAll(async () => {
				const table = await load(engine, 'superstore', 'rfm_features_rfm.csv');
				const result = await rows(
					engine,
					`SELECT customer_id, recency_days, frequency, monetary FROM ${ident(table)}`
				);
				referenceRfm = new Map(
					result.map(([id, r, f, m]) => [String(id), [Number(r), Number(f), Number(m)]])
				);
			});

			/**
			 * k = 2 is stable (n_init=10 on ten other seeds: ARI ≥ 0.995 vs the reference). k = 4 is
			 * not: its landscape is flat, ten other seeds found ARI 0.939–0.96 and none reproduced the
			 * reference partition (inertia 987.07–987.54 vs 986.90). There an ARI of 0.9 is required.
			 */
			const minAri = (s: Solution): number =>
				s.stability_other_seeds.n_init_10.ari_vs_reference_min >= MIN_ARI ? MIN_ARI : 0.9;

			it('the reference R, F, M as a customer table, log1p + z-score: k = 2 and k = 4 agree', async () => {
				const r = ref();
				expect(r.transform).toMatch(/log1p of R, F, M/);
				const { recipe } = await engine.suggestRecipe('rfm_features_rfm');
				expect(recipe.grain).toBe('customers');
				expect(recipe.roles.key).toBe('customer_id');
				const features = await build(engine, recipeFor(recipe, rfm, { log1p: rfm }));
				expect(features.customers).toBe(r.customers);
				for (const solution of [r.solutions.k2, r.solutions.k4]) {
					await expectSolution(engine, 'customer_id', 'superstore', solution, minAri(solution));
				}
			});

			it("Segbook's own features from the order lines: roles detected, F and M equal the reference's", async () => {
				const table = await load(engine, 'superstore', 'superstore.csv');
				const { recipe } = await engine.suggestRecipe(table);
				expect(recipe.grain).toBe('transactions');
				expect(recipe.roles).toMatchObject({
					key: 'Customer ID',
					orderId: 'Order ID',
					timestamp: 'Order Date',
					amount: 'Sales'
				});
				const report = await build(engine, recipe);
				expect(report.customers).toBe(ref().customers);
				expect(report.rowsWithoutKey).toBe(0);
				const ours = await rows(
					engine,
					`SELECT "Customer ID", recency_days, frequency, monetary FROM customer_features`
				);
				expect(ours).toHaveLength(referenceRfm.size);
				for (const [id, r, f, m] of ours) {
					const expected = referenceRfm.get(String(id));
					expect(expected, `customer ${String(id)}`).toBeDefined();
					const [refR, refF, refM] = expected!;
					expect(Number(f)).toBe(refF);
					expect(Math.abs(Number(m) - refM)).toBeLessThanOrEqual(1e-6 * Math.abs(refM));
					// Both count calendar days to the day after the last purchase in the file.
					expect(Number(r)).toBe(refR);
				}
			});

			it('the order lines with the default reference date (= 2017-12-31): the same k = 2 and k = 4', async () => {
				const r = ref();
				const { recipe } = await engine.suggestRecipe('superstore');
				expect(recipe.asOf).toBeNull();
				const report = await build(engine, recipeFor(recipe, rfm, { log1p: rfm }));
				expect(report.featureSql).toMatch(/Reference date: the day after the last purchase/);
				expect(report.customers).toBe(r.customers);
				const recency = await rows(
					engine,
					`SELECT "Customer ID", recency_days FROM customer_features`
				);
				for (const [id, days] of recency)
					expect(Number(days)).toBe(referenceRfm.get(String(id))![0]);
				for (const solution of [r.solutions.k2, r.solutions.k4]) {
					await expectSolution(engine, 'Customer ID', 'superstore', solution, minAri(solution));
				}
			});
		});

		describe('telco_churn', () => {
			// Reference: z-score (population std) of tenure and MonthlyCharges, k = 4; TotalCharges (text
			// with blanks) not used. Neither feature has missing values, so 'median' changes nothing.
			// Stable: ten other seeds with n_init=10 all give ARI ≥ 0.9996.
			it('tenure + MonthlyCharges z-scored, k = 4: same inertia and partition', async () => {
				const r = readJson<{ features: string[]; rows: number; solutions: { k4: Solution } }>(
					'telco_churn',
					'reference.json'
				);
				const table = await load(engine, 'telco_churn', 'WA_Fn-UseC_-Telco-Customer-Churn.csv');
				const { recipe } = await engine.suggestRecipe(table);
				expect(recipe.grain).toBe('customers');
				expect(recipe.roles.key).toBe('customerID');
				const features = await build(engine, recipeFor(recipe, r.features));
				expect(features.customers).toBe(r.rows);
				expect(features.stats.map((s) => s.missing)).toEqual([0, 0]);
				await expectSolution(engine, 'customerID', 'telco_churn', r.solutions.k4);
			});
		});

		describe('bank_marketing', () => {
			// Reference: z-score (population std) of age and balance (negative balances kept, no log),
			// k = 4. The file has no customer id: the reference's ids are the row numbers 1..11,162, so
			// the test adds them in SQL (rowid follows the file's order) and Segbook detects that column
			// as the key (the same numbering Segbook's own row_number fallback gives). Stable: ten other seeds with n_init=10 all give ARI ≥ 0.9958.
			it('age + balance z-scored, k = 4: same inertia and partition', async () => {
				const r = readJson<{ features: string[]; rows: number; solutions: { k4: Solution } }>(
					'bank_marketing',
					'reference.json'
				);
				const table = await load(engine, 'bank_marketing', 'bank_kaggle_variant.csv');
				// Without a key column Segbook numbers the customers by their line in the file.
				const plain = await engine.suggestRecipe(table);
				expect(plain.recipe.roles.key).toBeNull();
				expect(plain.notes.join(' ')).toMatch(/row_number/);
				await engine.query(`SELECT rowid + 1 AS customer_id, * FROM ${ident(table)}`, {
					resultName: 'bank'
				});
				// The first and last rows of the file, to be sure the ids follow its order.
				expect(
					await rows(
						engine,
						`SELECT age, balance FROM bank WHERE customer_id IN (1, 11162) ORDER BY customer_id`
					)
				).toEqual([
					[59n, 2343n],
					[34n, 0n]
				]);
				const { recipe } = await engine.suggestRecipe('bank');
				expect(recipe.roles.key).toBe('customer_id');
				expect(recipe.grain).toBe('customers');
				const features = await build(engine, recipeFor(recipe, r.features));
				expect(features.customers).toBe(r.rows);
				await expectSolution(engine, 'customer_id', 'bank_marketing', r.solutions.k4);
			});
		});

		describe('cc_general', () => {
			// Reference: drop CUST_ID and the empty trailing TESTING column; drop the 1 row without
			// CREDIT_LIMIT; fill MINIMUM_PAYMENTS with its median after that drop (312.452292);
			// z-score all 17 columns, no log. Segbook's 'median' rule would also fill CREDIT_LIMIT and
			// its 'drop' rule would also drop the 313 rows without MINIMUM_PAYMENTS, so the test drops
			// the CREDIT_LIMIT row in SQL first and then uses 'median' (DuckDB's median interpolates
			// like pandas'). k = 3 (silhouette best) and k = 4 are both stable over seeds with n_init=10
			// (ARI ≥ 0.99 and ≥ 0.98).
			interface CcReference {
				features: string[];
				preprocessing: { MINIMUM_PAYMENTS_nulls_filled_with_median: { median: number } };
				solutions: Record<'k3' | 'k4', Solution>;
			}
			it('17 columns, CREDIT_LIMIT row dropped, MINIMUM_PAYMENTS median-filled: k = 3 and k = 4', async () => {
				const r = readJson<CcReference>('cc_general', 'reference.json');
				expect(r.features).toHaveLength(17);
				const table = await load(engine, 'cc_general', 'CC GENERAL.csv');
				expect(table).toBe('cc_general');
				await engine.query(`SELECT * FROM ${ident(table)} WHERE CREDIT_LIMIT IS NOT NULL`, {
					resultName: 'cc_clean'
				});
				const { recipe } = await engine.suggestRecipe('cc_clean');
				expect(recipe.roles.key).toBe('CUST_ID');
				// The empty TESTING column is no feature; the 17 behaviour columns are.
				expect(recipe.roles.numerics).toEqual(r.features);
				const features = await build(engine, recipeFor(recipe, r.features));
				expect(features.customers).toBe(8949);
				expect(features.stats.find((s) => s.name === 'MINIMUM_PAYMENTS')?.missing).toBe(313);
				const [[median]] = (await rows(
					engine,
					'SELECT median(MINIMUM_PAYMENTS) FROM customer_features'
				)) as [[number]];
				expect(median).toBeCloseTo(
					r.preprocessing.MINIMUM_PAYMENTS_nulls_filled_with_median.median,
					5
				);
				for (const solution of [r.solutions.k3, r.solutions.k4]) {
					await expectSolution(engine, 'CUST_ID', 'cc_general', solution);
				}
			});
		});

		describe('wholesale_tampered (no reference)', () => {
			// Not real data: blanks, 999999 and negative spend inserted. No key column either, so the
			// row number is added as in bank_marketing. Checks that blanks become missing values
			// (median-filled or dropped, as the recipe says), and that nothing turns into NaN.
			const spend = ['Fresh', 'Milk', 'Grocery', 'Frozen', 'Detergents_Paper', 'Delicassen'];

			it('blanks become missing, 999999 and negatives stay numbers, no NaN in the segments', async () => {
				const text = readFileSync(
					join(dir, 'wholesale_tampered', 'wholesale_customers_tampered_rahmanaul.csv'),
					'utf8'
				);
				const lines = text.trim().split(/\r?\n/);
				const header = lines[0]!.split(',');
				expect(header.slice(2)).toEqual(spend);
				const cells = lines.slice(1).map((l) => l.split(','));
				const blanks = spend.map((_, j) => cells.filter((c) => (c[j + 2] ?? '') === '').length);
				const rowsWithBlank = cells.filter((c) => c.slice(2).some((v) => v === '')).length;
				expect(rowsWithBlank).toBeGreaterThan(0);

				const table = await load(
					engine,
					'wholesale_tampered',
					'wholesale_customers_tampered_rahmanaul.csv'
				);
				await engine.query(`SELECT rowid + 1 AS customer_id, * FROM ${ident(table)}`, {
					resultName: 'wholesale'
				});
				const { recipe } = await engine.suggestRecipe('wholesale');
				expect(recipe.roles.key).toBe('customer_id');
				const median = await build(engine, recipeFor(recipe, spend));
				expect(median.customers).toBe(cells.length);
				expect(median.dropped).toBe(0);
				expect(median.stats.map((s) => s.missing)).toEqual(blanks);
				// 999999, the other huge values and negative spend stay as they are (plain numbers).
				const values = spend.map((_, j) =>
					cells
						.map((c) => c[j + 2] ?? '')
						.filter((v) => v !== '')
						.map(Number)
				);
				expect(median.stats.map((s) => [s.min, s.max])).toEqual(
					values.map((v) => [Math.min(...v), Math.max(...v)])
				);
				expect(Math.min(...values.flat())).toBeLessThan(0);
				expect(values.flat()).toContain(999999);
				const seg = await engine.segment(cellRef, { k: 3, seed: SEED, restarts: RESTARTS });
				expect(Number.isFinite(seg.inertia)).toBe(true);
				expect(seg.segments.reduce((n, s) => n + s.size, 0)).toBe(cells.length);
				for (const s of seg.segments) {
					for (const [, v] of s.means) expect(Number.isFinite(v)).toBe(true);
				}
				for (const [, v] of seg.baseMeans) expect(Number.isFinite(v)).toBe(true);

				const dropped = await build(engine, {
					...recipeFor(recipe, spend),
					missing: 'drop'
				});
				expect(dropped.dropped).toBe(rowsWithBlank);
				const segDropped = await engine.segment(cellRef, { k: 3, seed: SEED, restarts: RESTARTS });
				expect(segDropped.customers).toBe(cells.length - rowsWithBlank);
				for (const s of segDropped.segments) {
					for (const [, v] of s.means) expect(Number.isFinite(v)).toBe(true);
				}
			});
		});
	}
);
