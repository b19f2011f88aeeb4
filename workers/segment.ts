/**
 * The segmentation pipeline in the worker:
 *
 *   suggestRecipe  column stats → roles → default recipe (src/segment/roles, src/sql/features)
 *   buildFeatures  run the feature SQL and the model-matrix SQL; count what was left out
 *   sweep          k = 2..10 on the matrix (a seeded sample of large data), scored
 *   segment        final k-means on every customer → table `ref.segments` (key, segment, distance)
 *   rfm            quintile R, F, M scores and the classic named groups → table `ref.rfm`
 *   export         segments.csv / segments.parquet
 *
 * Every call names the tables it reads and writes (FeatureRef / SegmentRef, from the document):
 * nothing here remembers what was built last. Bulk data stays here: the UI gets summaries. Long
 * loops yield between steps so a cancel message gets through, and check the request's flag.
 */
import type { Table } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type {
	ExportFile,
	ExportPrivacy,
	FeatureRef,
	FeatureReport,
	ProgressCallback,
	RecipeSuggestion,
	RfmReport,
	SegmentOptions,
	SegmentRef,
	SegmentReport,
	SweepReport,
	SweepRowInfo
} from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { kmeans } from '../src/cluster/kmeans';
import {
	CancelledError,
	ClusterInputError,
	countDistinctRows,
	type Matrix
} from '../src/cluster/matrix';
import { sampleRows } from '../src/cluster/sample';
import { recommendK } from '../src/cluster/sweep';
import {
	RFM_GROUP_ADVICE,
	DEFAULT_RFM_RULES,
	type RfmGroup,
	type RfmRule
} from '../src/segment/rfm';
import { detectRoles, textDateOrder } from '../src/segment/roles';
import { cutoffsSql, explainTies, rfmScoresSql, type RfmCutoffs } from '../src/segment/rfm-scores';
import {
	DEFAULT_LOG1P,
	DEFAULT_TRANSACTION_FEATURES,
	FEATURES_TABLE,
	MATRIX_TABLE,
	MAX_CATEGORY_VALUES,
	RFM_TABLE,
	SEGMENTS_TABLE,
	amountExpr,
	candidateFeatures,
	featureSql,
	finiteExpr,
	keyColumnOf,
	matrixSql,
	type CategoryValues,
	type FeatureRecipe
} from '../src/sql/features.sql';
import { ident, literal } from '../src/sql/sql';
import { exportPii } from '../src/segment/pii';
import { encodeColumns } from './arrow-build';
import { columnValues } from './arrow-read';
import { toCsv } from '../src/lib/csv';
import { queryRows, queryTable, queryValue, type Db } from './db';
import { isNumericType } from './profile';
import { describeTable, listTables, tableExists } from './tables';
import { EXACT_DISTINCT_ROWS, columnStats } from './column-stats';
import { assertUniqueKey, columnAdvice, joinReport, noPurchase } from './recipe-checks';
import { loadKernel } from './kernel';
import { fitOnTwoThreads } from './fit-pool';
import { warmSecondThread } from './second-thread';
import { scoreKs } from './sweep-pool';
import { ROW_KEY } from '../src/sql/features.sql';

export { SEGMENTS_TABLE, RFM_TABLE };
/** The k sweep runs on at most this many customers (seeded sample); the final fit on all. */
export const SWEEP_SAMPLE = 12_000;
const SILHOUETTE_SAMPLE = 3_000;
const SWEEP_RESTARTS = 3;
/** Restarts (n_init) of the final fit unless the call says otherwise. */
const FINAL_RESTARTS = 10;

/**
 * What a pipeline call may use besides the database and its refs: caches keyed by their whole
 * input (never read as "whatever was built last"), and its own request's cancel flag.
 */
export interface PipelineContext {
	/** Distinct values of text columns, by `table.column` (cleared when tables change). */
	categories: Map<string, string[]>;
	/** The sweep's best centroids per k, by sweepKey(matrix table, recipe, seed). */
	sweepFits: Map<string, Map<number, Float64Array>>;
	/** Tables the pipeline wrote under the names it was given: never proposed as demographics. */
	made: Set<string>;
	/** True once this call's request was cancelled. */
	readonly cancelled: boolean;
}

/** The sweep cache's key: the matrix table, the recipe that built it and the seed. */
export function sweepKey(matrix: string, recipe: FeatureRecipe, seed: number): string {
	return JSON.stringify([matrix, recipe, seed]);
}

/** The customer key of a ref's tables (the rule buildFeatures uses), or a plain error. */
export function keyOf(recipe: FeatureRecipe): string {
	const key = keyColumnOf(recipe);
	if (!key) {
		throw new EngineError(
			'sql',
			`No column of ${recipe.source} looks like a customer key: choose the column that identifies the customer in Customer key (Features cell), or “no key: one customer per row”.`
		);
	}
	return key;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function checkCancelled(ctx: PipelineContext): void {
	if (ctx.cancelled) throw new EngineError('cancelled', 'Cancelled.');
}

async function categoryValues(
	db: Db,
	ctx: Pick<PipelineContext, 'categories'>,
	table: string,
	column: string
): Promise<string[]> {
	const cached = ctx.categories.get(`${table}.${column}`);
	if (cached) return cached;
	const rows = await queryRows(
		db,
		`SELECT ${ident(column)}::VARCHAR AS v, count(*) AS n FROM ${ident(table)}
		 WHERE ${ident(column)} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT ${MAX_CATEGORY_VALUES + 1}`
	);
	// Too many values to mix or one-hot: leave the column out rather than pick some.
	const values = rows.length > MAX_CATEGORY_VALUES ? [] : rows.map(([v]) => String(v));
	ctx.categories.set(`${table}.${column}`, values);
	return values;
}

export async function allCategories(
	db: Db,
	ctx: Pick<PipelineContext, 'categories'>,
	recipe: FeatureRecipe
): Promise<CategoryValues> {
	const out: CategoryValues = Object.create(null) as CategoryValues;
	for (const c of recipe.roles.categoricals) {
		out[c] = await categoryValues(db, ctx, recipe.source, c);
	}
	if (recipe.customers) {
		const t = recipe.customers.table;
		for (const c of recipe.customers.categoricals) {
			out[`${t}.${c}`] = await categoryValues(db, ctx, t, c);
		}
	}
	return out;
}

/** Look at a table and propose the standard recipe, joining a customers table when one fits. */
export async function suggestRecipe(
	db: Db,
	ctx: PipelineContext,
	table: string
): Promise<RecipeSuggestion> {
	const { rowCount, columns, stats } = await columnStats(db, table);
	let detection = detectRoles(stats, rowCount);
	// Estimated distinct counts can be a few percent low: check the key's uniqueness exactly,
	// since it decides between one row per customer and order lines.
	const keyStats = stats.find((c) => c.name === detection.roles.key);
	if (keyStats && rowCount > EXACT_DISTINCT_ROWS) {
		keyStats.distinct = Number(
			await queryValue(db, `SELECT count(DISTINCT ${ident(keyStats.name)}) FROM ${ident(table)}`)
		);
		detection = detectRoles(stats, rowCount);
	}
	const { roles, grain } = detection;
	const notes = [...detection.notes];
	// Order lines without a key still get a recipe: the Features cell shows it with the key
	// picker, and building features asks for the key (buildFeatures).
	if (!roles.key && grain === 'customers') {
		notes.push(
			`No customer id column: each row is one customer, numbered by its line in the file (${ROW_KEY}).`
		);
	}
	let customers: FeatureRecipe['customers'] = null;
	if (grain === 'transactions' && roles.key) {
		// A second loaded table with the same key and one row per customer: its demographics.
		for (const other of await listTables(db)) {
			if (other.name === table || !other.columns.some((c) => c.name === roles.key)) continue;
			// Segbook's own tables (a previous run's features or segments) are no demographics.
			const own = [FEATURES_TABLE, MATRIX_TABLE, SEGMENTS_TABLE, RFM_TABLE].includes(other.name);
			if (own || ctx.made.has(other.name)) continue;
			const o = await columnStats(db, other.name);
			const d = detectRoles(o.stats, o.rowCount);
			if (d.grain === 'customers' && d.roles.key === roles.key) {
				customers = {
					table: other.name,
					key: roles.key,
					numerics: d.roles.numerics,
					categoricals: d.roles.categoricals
				};
				notes.push(`Joined ${other.name} on ${roles.key} for demographics.`);
				break;
			}
		}
	}
	const recipe: FeatureRecipe = {
		source: table,
		grain,
		roles,
		asOf: null,
		customers,
		selected: [],
		transforms: { log1p: [], winsorise: null, scale: 'zscore' },
		missing: 'median',
		dateOrder: textDateOrder(stats.find((c) => c.name === roles.timestamp)?.sample ?? [])
	};
	const candidates = candidateFeatures(recipe, await allCategories(db, ctx, recipe));
	if (grain === 'transactions') {
		recipe.selected = DEFAULT_TRANSACTION_FEATURES.filter((f) => candidates.includes(f));
		recipe.transforms.log1p = DEFAULT_LOG1P.filter((f) => candidates.includes(f));
	} else {
		recipe.selected = roles.numerics.filter((f) => candidates.includes(f));
		if (recipe.selected.length === 0) recipe.selected = candidates.slice(0, 8);
	}
	const advice =
		grain === 'customers'
			? await columnAdvice(
					db,
					table,
					stats,
					roles.numerics,
					roles.categoricals.filter((c) => stats.some((s) => s.name === c && s.numbers))
				)
			: null;
	if (advice) {
		recipe.transforms.log1p = advice.log1p.filter((f) => recipe.selected.includes(f));
		notes.push(...advice.notes);
	}
	return { recipe, candidates, notes, columns, flags: advice?.flags ?? [] };
}

/**
 * The Features step's progress in percent: its statements in order, each starting at its share
 * of the step's time so far (measured at a million order lines in node: the feature SQL 765 ms of
 * 939, the model matrix 57, the counts after it about 90).
 */
const FEATURE_STEPS = {
	key: { phase: 'Checking the customer key', from: 0 },
	features: { phase: 'Computing the features of every customer', from: 0.02 },
	matrix: { phase: 'Building the model matrix', from: 0.84 },
	checks: { phase: 'Counting what was left out', from: 0.9 }
} as const;

function featureSteps(
	onProgress: ProgressCallback | undefined
): (name: keyof typeof FEATURE_STEPS) => void {
	return (name) => {
		const { phase, from } = FEATURE_STEPS[name];
		onProgress?.({ phase, fraction: from });
	};
}

export async function buildFeatures(
	db: Db,
	ctx: PipelineContext,
	recipe: FeatureRecipe,
	out: { features: string; matrix: string },
	onProgress?: ProgressCallback
): Promise<FeatureReport> {
	const started = performance.now();
	const step = featureSteps(onProgress);
	// The sweep and the final fit that follow use a second thread: it starts while this runs.
	warmSecondThread();
	const key = keyOf(recipe);
	const featuresTable = ident(out.features);
	const matrixTable = ident(out.matrix);
	const columns = await describeTable(db, recipe.source);
	const types = Object.fromEntries(columns.map((c) => [c.name, c.type]));
	for (const [role, column] of Object.entries(recipe.roles)) {
		if (typeof column === 'string' && !(column in types)) {
			throw new EngineError(
				'sql',
				`${recipe.source} has no column “${column}” (chosen as ${role}).`
			);
		}
	}
	step('key');
	await assertUniqueKey(db, recipe);
	step('features');
	const fSql = featureSql(recipe, await allCategories(db, ctx, recipe), types, out.features);
	await db.run(fSql);
	const available = new Set((await describeTable(db, out.features)).map((c) => c.name));
	const missingFeatures = recipe.selected.filter((f) => !available.has(f));
	if (missingFeatures.length > 0) {
		throw new EngineError(
			'sql',
			`These features cannot be computed from this data: ${missingFeatures.join(', ')}.`
		);
	}
	// The sweep's centroids for this matrix belong to the table being replaced.
	for (const k of [...ctx.sweepFits.keys()]) {
		if (JSON.parse(k)[0] === out.matrix) ctx.sweepFits.delete(k);
	}
	step('matrix');
	const mSql = matrixSql(recipe, key, out.matrix, out.features);
	await db.run(mSql);
	ctx.made.add(out.features).add(out.matrix);
	step('checks');

	const src = ident(recipe.source);
	// One scan of the source for what was left out: rows without a key, return lines.
	const amount = recipe.grain === 'transactions' ? amountExpr(recipe.roles) : null;
	const keyInSource = recipe.roles.key ? ident(recipe.roles.key) : 'rowid';
	const [withoutKey, returns] =
		(
			await queryRows(
				db,
				`SELECT count(*) FILTER (WHERE ${keyInSource} IS NULL), ${amount ? `count(*) FILTER (WHERE ${amount} < 0)` : '0'} FROM ${src}`
			)
		)[0] ?? [];
	const rowsWithoutKey = Number(withoutKey);
	const returnLines = Number(returns);
	const customers = Number(await queryValue(db, `SELECT count(*) FROM ${featuresTable}`));
	const inMatrix = Number(await queryValue(db, `SELECT count(*) FROM ${matrixTable}`));
	const { matchRate, matchNote } = await joinReport(db, recipe, key, customers, out.features);
	const statsRow =
		(
			await queryRows(
				db,
				`SELECT ${recipe.selected
					.map((f) => {
						const x = finiteExpr(ident(f));
						return `avg(${x}), min(${x}), max(${x}), count(*) - count(${x})`;
					})
					.join(', ')} FROM ${featuresTable}`
			)
		)[0] ?? [];
	const num = (v: unknown): number | null =>
		typeof v === 'number' && Number.isFinite(v) ? v : null;
	const stats = recipe.selected.map((name, i) => ({
		name,
		mean: num(statsRow[i * 4]),
		min: num(statsRow[i * 4 + 1]),
		max: num(statsRow[i * 4 + 2]),
		missing: Number(statsRow[i * 4 + 3])
	}));
	const constant = stats.filter((s) => s.min !== null && s.min === s.max).map((s) => s.name);
	return {
		keyColumn: key,
		customers,
		rowsWithoutKey,
		returnLines,
		dropped: customers - inMatrix,
		matchRate,
		matchNote,
		noPurchase: await noPurchase(db, recipe, types, customers),
		stats,
		constant,
		featureSql: fSql,
		matrixSql: mSql,
		ms: performance.now() - started
	};
}

export interface LoadedMatrix {
	matrix: Matrix;
	/** Each customer's key, decoded from the table when first asked for. */
	keys(): string[];
	/**
	 * Each row's DuckDB rowid in the table, to join results back by in SQL without decoding the
	 * keys; null when the table has a column of its own named rowid (it would shadow them).
	 */
	rowids: BigInt64Array | null;
	features: string[];
}

/** A model matrix as a row-major Float64Array, keys beside it, in the table's key order. */
export async function loadMatrix(db: Db, table: string): Promise<LoadedMatrix> {
	if (!(await tableExists(db, table))) {
		throw new EngineError(
			'sql',
			`Build the features first (run the Features cell): there is no ${table} yet.`
		);
	}
	const arrow: Table = await queryTable(
		db,
		`SELECT *, rowid AS segbook_rowid FROM ${ident(table)}`
	);
	const n = arrow.numRows;
	const fields = arrow.schema.fields.map((f) => f.name);
	const features = fields.slice(1, -1);
	const d = features.length;
	if (n === 0)
		throw new EngineError(
			'sql',
			'No customers are left to segment: check the features and the missing-value rule.'
		);
	const data = new Float64Array(n * d);
	for (let j = 0; j < d; j++) {
		const column = arrow.getChildAt(j + 1);
		if (!column) continue;
		const values = column.toArray() as ArrayLike<number | null>;
		for (let i = 0; i < n; i++) data[i * d + j] = Number(values[i] ?? Number.NaN);
	}
	const keyColumn = arrow.getChildAt(0);
	let keys: string[] | null = null;
	const rowids = fields.slice(0, -1).includes('rowid')
		? null
		: (arrow.getChildAt(d + 1)?.toArray() as BigInt64Array);
	return {
		matrix: { data, n, d },
		keys: () => (keys ??= keyColumn ? columnValues(keyColumn).map(String) : []),
		rowids,
		features
	};
}

/** The median of some times (the lower middle of an even count), or 0 for none. */
function medianOf(ms: readonly number[]): number {
	if (ms.length === 0) return 0;
	const sorted = [...ms].sort((a, b) => a - b);
	return sorted[(sorted.length - 1) >> 1]!;
}

function clusterError(e: unknown): never {
	if (e instanceof ClusterInputError) throw new EngineError('sql', e.message);
	if (e instanceof CancelledError) throw new EngineError('cancelled', 'Cancelled.');
	throw e;
}

export async function sweep(
	db: Db,
	ctx: PipelineContext,
	ref: FeatureRef,
	seed: number,
	onProgress?: ProgressCallback
): Promise<SweepReport> {
	const started = performance.now();
	const { matrix } = await loadMatrix(db, ref.matrix);
	const m = sampleRows(matrix, SWEEP_SAMPLE, seed);
	const distinct = countDistinctRows(m, 11);
	// At least 20 customers per segment on average: more segments than that can't be acted on.
	const kMax = Math.min(10, m.n - 1, distinct, Math.max(2, Math.floor(matrix.n / 20)));
	if (kMax < 2) {
		throw new EngineError(
			'sql',
			distinct < 2
				? 'Every customer has the same feature values, so there is nothing to segment. Choose other features.'
				: `Only ${m.n} customers: too few to compare numbers of segments.`
		);
	}
	const ks = Array.from({ length: kMax - 1 }, (_, i) => i + 2);
	const progress = (done: number, total: number): void =>
		onProgress?.({
			phase: `Trying 2 to ${kMax} segments: ${done} of ${total} done`,
			fraction: done / total
		});
	progress(0, ks.length);
	let scored;
	try {
		// Two threads: this worker and a second one (sweep-pool.ts); the same rows as one thread.
		scored = await scoreKs(m, ks, {
			seed,
			restarts: SWEEP_RESTARTS,
			silhouetteSample: SILHOUETTE_SAMPLE,
			kernel: await loadKernel(),
			shouldStop: () => ctx.cancelled,
			onScored: progress
		});
	} catch (e) {
		clusterError(e);
	}
	checkCancelled(ctx);
	const rows: SweepRowInfo[] = ks.map((k) => scored.byK.get(k)!.row);
	const centroids = new Map(ks.map((k) => [k, scored.byK.get(k)!.centroids]));
	const { recommendedK, reason, elbowK } = recommendK(rows);
	ctx.sweepFits.set(sweepKey(ref.matrix, ref.recipe, seed), centroids);
	return {
		rows,
		recommendedK,
		reason,
		elbowK,
		sampled: m.n,
		customers: matrix.n,
		ms: performance.now() - started,
		threads: scored.threads
	};
}

export async function segment(
	db: Db,
	ctx: PipelineContext,
	ref: SegmentRef,
	options: SegmentOptions,
	onProgress?: ProgressCallback
): Promise<SegmentReport> {
	const started = performance.now();
	const key = keyOf(ref.recipe);
	const loaded = await loadMatrix(db, ref.matrix);
	const { matrix, features } = loaded;
	if (!Number.isInteger(options.k) || options.k < 1) {
		throw new EngineError('sql', 'The number of segments must be a whole number of at least 1.');
	}
	if (options.k > matrix.n) {
		throw new EngineError(
			'sql',
			`${options.k} segments but only ${matrix.n} customer${matrix.n === 1 ? '' : 's'}: choose at most ${matrix.n}.`
		);
	}
	onProgress?.({
		phase: `Finding ${options.k} segments among ${matrix.n.toLocaleString('en')} customers`,
		fraction: null
	});
	await tick();
	checkCancelled(ctx);
	let fit;
	let threads = 1;
	// The sweep's best centroids for this k (on a seeded sample of large data) are one candidate.
	const init = ctx.sweepFits.get(sweepKey(ref.matrix, ref.recipe, options.seed))?.get(options.k);
	const kernel = await loadKernel();
	try {
		const common = {
			k: options.k,
			seed: options.seed,
			shouldStop: () => ctx.cancelled,
			kernel
		};
		// n_init = 10 fresh k-means++ starts on every customer, half on a second thread; the
		// sweep's best centroids for this k compete as one more start; the lowest inertia wins.
		fit = await fitOnTwoThreads(matrix, {
			...common,
			restarts: options.restarts ?? FINAL_RESTARTS
		});
		threads = fit.threads;
		if (init && options.restarts === undefined) {
			const warm = kmeans(matrix, { ...common, init });
			if (warm.inertia < fit.inertia) fit = warm;
		}
	} catch (e) {
		clusterError(e);
	}
	const segmentOf = new Int32Array(matrix.n);
	for (let i = 0; i < matrix.n; i++) segmentOf[i] = fit.labels[i]! + 1;
	// Each customer's segment goes back to DuckDB beside the matrix row it came from, and the key
	// joins it there: the keys never go through JavaScript (decoding and encoding them again
	// cost more than the rest of this step's table work at 60,000 customers).
	const rowids = loaded.rowids;
	const { ipc } = encodeColumns(
		new Map<string, ArrayLike<unknown>>([
			rowids ? ['segbook_rowid', rowids] : [key, loaded.keys()],
			['segment', segmentOf],
			['distance', fit.distances]
		])
	);
	const scratch = `segbook_in_${ref.segments}`;
	const segmentsTable = ident(ref.segments);
	const featuresTable = ident(ref.features);
	await db.run(`DROP TABLE IF EXISTS ${ident(scratch)}`);
	// RFM groups of an earlier run (another file, another key) no longer describe these segments.
	await db.run(`DROP TABLE IF EXISTS ${ident(ref.rfm)}`);
	await db.insertArrowIPC(ipc, scratch);
	await db.run(
		rowids
			? `CREATE OR REPLACE TABLE ${segmentsTable} AS
			   SELECT m.${ident(key)}::VARCHAR AS ${ident(key)}, s.segment, s.distance
			   FROM ${ident(ref.matrix)} AS m JOIN ${ident(scratch)} AS s ON m.rowid = s.segbook_rowid
			   ORDER BY s.segment, m.${ident(key)}`
			: `CREATE OR REPLACE TABLE ${segmentsTable} AS FROM ${ident(scratch)} ORDER BY segment, ${ident(key)}`
	);
	await db.run(`DROP TABLE ${ident(scratch)}`);
	ctx.made.add(ref.segments);

	// Each segment's means, and (the row without a segment) the means over every segmented
	// customer, in one join.
	const grouped = await queryRows(
		db,
		`SELECT s.segment, count(*) AS n, ${features
			.map((f) => `avg(${finiteExpr(`f.${ident(f)}`)})`)
			.join(', ')}
		 FROM ${segmentsTable} s JOIN ${featuresTable} f USING (${ident(key)})
		 GROUP BY GROUPING SETS ((s.segment), ()) ORDER BY s.segment NULLS LAST`
	);
	const means = grouped.filter((row) => row[0] !== null);
	const base = grouped.find((row) => row[0] === null)?.slice(2) ?? [];
	const num = (v: unknown): number | null =>
		typeof v === 'number' && Number.isFinite(v) ? v : null;
	return {
		k: fit.k,
		seed: options.seed,
		inertia: fit.inertia,
		iterations: fit.iterations,
		customers: matrix.n,
		segments: means.map((row) => ({
			segment: Number(row[0]),
			size: Number(row[1]),
			share: Number(row[1]) / matrix.n,
			means: features.map((f, j) => [f, num(row[j + 2])] as [string, number | null])
		})),
		baseMeans: features.map((f, j) => [f, num(base[j])] as [string, number | null]),
		centroids: Array.from({ length: fit.k }, (_, c) => [
			...fit.centroids.subarray(c * matrix.d, (c + 1) * matrix.d)
		]),
		ms: performance.now() - started,
		// Timed over the Lloyd iterations only (not seeding or set-up).
		msPerIteration: medianOf(fit.timing.iterationMs),
		multiplyAdds: matrix.n * options.k * matrix.d,
		kernel: kernel ? 'wasm-simd' : 'typescript',
		threads
	};
}

/** Banded scores (5 = best) and the classic named groups, from a features table. */
export function rfmSql(
	rules: readonly RfmRule[],
	features: string = FEATURES_TABLE,
	target: string = RFM_TABLE,
	cutoffs: RfmCutoffs | null = null
): string {
	return rfmScoresSql(ident(target), ident(features), rules, cutoffs);
}

export async function rfm(
	db: Db,
	ref: SegmentRef,
	rules?: RfmRule[],
	cutoffs?: RfmCutoffs
): Promise<RfmReport> {
	const started = performance.now();
	if (!(await tableExists(db, ref.features)))
		throw new EngineError('sql', 'Build the features first (run the Features cell).');
	const available = new Set((await describeTable(db, ref.features)).map((c) => c.name));
	for (const f of ['recency_days', 'frequency', 'monetary']) {
		if (!available.has(f)) {
			throw new EngineError(
				'sql',
				`Rule-based RFM needs ${f}: it needs order dates and amounts in the data.`
			);
		}
	}
	const sql = rfmSql(rules ?? DEFAULT_RFM_RULES, ref.features, ref.rfm, cutoffs ?? null);
	await db.run(sql);
	const rfmTable = ident(ref.rfm);
	const total = Number(await queryValue(db, `SELECT count(*) FROM ${rfmTable}`));
	const groups = await queryRows(
		db,
		`SELECT rfm_group, count(*) FROM ${rfmTable} GROUP BY ALL ORDER BY 2 DESC`
	);
	const [r, f, m] =
		(await queryRows(db, cutoffsSql(ident(ref.features), cutoffs ?? null)))[0] ?? [];
	const asList = (v: unknown): number[] =>
		Array.from((v ?? []) as ArrayLike<unknown>, (x) => Number(x));
	const used = { recency: asList(r), frequency: asList(f), monetary: asList(m) };
	// Share of customers at each tied cut-off value, for the sentence that explains it.
	const shares = new Map<string, number>();
	const column = { recency: 'recency_days', frequency: 'frequency', monetary: 'monetary' } as const;
	for (const measure of ['recency', 'frequency', 'monetary'] as const) {
		const cuts = used[measure];
		for (const v of new Set(cuts.filter((x, i) => cuts.indexOf(x) !== i))) {
			const n = Number(
				await queryValue(
					db,
					`SELECT count(*) FROM ${ident(ref.features)} WHERE ${column[measure]} = ${literal(v)}`
				)
			);
			shares.set(`${measure}:${v}`, n / Math.max(1, total));
		}
	}
	return {
		groups: groups.map(([g, n]) => ({
			group: String(g),
			size: Number(n),
			share: Number(n) / Math.max(1, total),
			advice: RFM_GROUP_ADVICE[String(g) as RfmGroup] ?? ''
		})),
		cutoffs: used,
		ties: explainTies(used, (measure, v) => shares.get(`${measure}:${v}`) ?? 0),
		grid: (
			await queryRows(
				db,
				`SELECT r, fm, any_value(rfm_group), count(*) FROM ${rfmTable} GROUP BY r, fm ORDER BY r, fm`
			)
		).map(([r, fm, group, n]) => ({
			r: Number(r),
			fm: Number(fm),
			group: String(group),
			customers: Number(n)
		})),
		sql,
		ms: performance.now() - started
	};
}

/** segments.csv: the key under its own name, segment 1..k, persona; one row per customer. */
export async function exportSegments(
	db: Db,
	ref: SegmentRef,
	format: 'csv' | 'parquet',
	personas: ReadonlyMap<number, string> = new Map(),
	privacy?: ExportPrivacy
): Promise<ExportFile> {
	if (!(await tableExists(db, ref.segments)))
		throw new EngineError('sql', 'There are no segments yet: run the Segments cell.');
	const keyColumn = keyOf(ref.recipe);
	const key = ident(keyColumn);
	const segmentsTable = ident(ref.segments);
	const notes: string[] = [];
	// Personal data stays out unless the user opts in: a key that looks personal (an e-mail, a
	// phone number, a name) becomes the notebook-salted hash protectColumn writes.
	let keyExpr = key;
	if (!privacy?.includePersonal) {
		const sample = await queryTable(
			db,
			`SELECT ${key}::VARCHAR FROM ${segmentsTable} WHERE ${key} IS NOT NULL LIMIT 200`
		);
		const values: string[] = [];
		for (let i = 0; i < sample.numRows; i++) values.push(String(sample.getChildAt(0)?.get(i)));
		if (sample.numRows > 0 && exportPii(keyColumn, values, true) !== null) {
			keyExpr = `'h_' || left(sha256(${literal(privacy?.salt ?? '')} || ${key}::VARCHAR), 16)`;
			notes.push(
				`${keyColumn} looks like personal data, so the file holds its salted hash (the same as “replace by a salted hash” in the Data cell). Tick “Include personal data in exports” to keep the values.`
			);
		}
	}
	// Small segments can single people out: they are held back, and the note says how many.
	const minSize = Math.max(0, Math.trunc(privacy?.minSegmentSize ?? 0));
	let keep = '';
	if (minSize > 1) {
		const small = await queryTable(
			db,
			`SELECT segment, count(*) AS n FROM ${segmentsTable} GROUP BY segment HAVING count(*) < ${minSize} ORDER BY segment`
		);
		if (small.numRows > 0) {
			const held: number[] = [];
			let customers = 0;
			for (let i = 0; i < small.numRows; i++) {
				held.push(Number(small.getChildAt(0)?.get(i)));
				customers += Number(small.getChildAt(1)?.get(i));
			}
			keep = `WHERE segment NOT IN (${held.join(', ')})`;
			notes.push(
				`${customers.toLocaleString('en')} customer${customers === 1 ? '' : 's'} in segment${held.length === 1 ? '' : 's'} ${held.join(', ')} ${customers === 1 ? 'was' : 'were'} held back: segments under ${minSize.toLocaleString('en')} customers (the minimum segment size for export) are small enough to single people out.`
			);
		}
	}
	const table = await queryTable(
		db,
		`SELECT ${keyExpr} AS k, segment FROM ${segmentsTable} ${keep} ORDER BY ${key}`
	);
	const keys = table.getChildAt(0);
	const segments = table.getChildAt(1);
	const n = table.numRows;
	const keyValues = new Array<string>(n);
	const segmentValues = new Int32Array(n);
	const personaValues = new Array<string>(n);
	// Each key read (decoded) once, all at once: the CSV keeps a numeric key a number.
	const rawKeys = keys ? columnValues(keys) : [];
	for (let i = 0; i < n; i++) {
		keyValues[i] = String(rawKeys[i]);
		segmentValues[i] = Number(segments?.get(i));
		personaValues[i] = personas.get(segmentValues[i]!) ?? `Segment ${segmentValues[i]}`;
	}
	if (format === 'csv') {
		// Keys and persona names are text to the CSV writer, which neutralises formulas in them (a
		// key such as =HYPERLINK(…) or a persona named by a link); a numeric key stays a number.
		const rows = new Array<[string | number | bigint, number, string]>(n);
		for (let i = 0; i < n; i++) {
			const raw = rawKeys[i];
			const key = typeof raw === 'number' || typeof raw === 'bigint' ? raw : keyValues[i]!;
			rows[i] = [key, segmentValues[i]!, personaValues[i]!];
		}
		return {
			name: 'segments.csv',
			mime: 'text/csv',
			bytes: new TextEncoder().encode(toCsv([keyColumn, 'segment', 'persona'], rows)),
			rows: n,
			notes
		};
	}
	const buffer = parquetWriteBuffer({
		columnData: [
			{ name: keyColumn, data: keyValues, type: 'STRING' },
			{ name: 'segment', data: segmentValues, type: 'INT32' },
			{ name: 'persona', data: personaValues, type: 'STRING' }
		]
	});
	return {
		name: 'segments.parquet',
		mime: 'application/vnd.apache.parquet',
		bytes: new Uint8Array(buffer),
		rows: n,
		notes
	};
}

export { isNumericType };
