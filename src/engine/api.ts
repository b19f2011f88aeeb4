/**
 * THE contract between the UI (main thread) and the engine worker.
 *
 * Types, plus the one list of the engine's methods (ENGINE_METHODS) with each call's time
 * budget: both sides import this file and neither invents shapes.
 * Bulk data crosses as Arrow IPC bytes (transferred, never copied); everything else is a
 * small structured-cloneable summary. File handles go to the worker as `File` objects, which
 * the browser passes by reference.
 */

import type { FeatureRecipe } from '../sql/features.sql';
import type { RfmRule } from '../segment/rfm';
import type { RfmCutoffs } from '../segment/rfm-scores';
import type { Kpis, TopValue, Trait } from '../segment/personas';
import type { SegmentModel } from '../segment/model-file';
import type { ReadOptions, ReadReport, SuspectLine } from './read-options';

import type { InsightCalls, InsightKind } from './insight-api';

export type { FeatureRecipe, Kpis, RfmCutoffs, RfmRule, SegmentModel, TopValue, Trait };
export type { InsightCalls, InsightKind } from './insight-api';
export type { ReadOptions, ReadReport, SuspectLine };
export type { DecimalChoice, EncodingChoice, HeaderChoice } from './read-options';

export const API_VERSION = 2;

/** A loaded table as the notebook knows it. */
export interface TableInfo {
	/** The SQL name: sanitised from the file name, unique in the session. */
	name: string;
	/** Where it came from: the file name, or `sample:<seed>` for generated data. */
	source: string;
	rowCount: number;
	columns: ColumnInfo[];
}

export interface ColumnInfo {
	name: string;
	/** DuckDB's type name, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP. */
	type: string;
}

/** One data line DuckDB could not read, as reported by `store_rejects`. */
export interface RejectedLine {
	line: number;
	column: string | null;
	errorType: string;
	message: string;
	text: string;
}

/** What a load did, checked: loaded + rejected must equal the data lines of the file. */
/** The files a load takes, for file pickers (`accept`): text, Parquet, JSON and Excel. */
export const FILE_TYPES = '.csv,.tsv,.txt,.parquet,.json,.ndjson,.jsonl,.xlsx,.xlsm';

export interface LoadReport {
	table: TableInfo;
	format: 'csv' | 'parquet' | 'json' | 'xlsx' | 'sample';
	/** An Excel workbook: the sheet that was read. */
	sheet?: string | undefined;
	/** Data lines counted in the file itself (CSV only; null where lines mean nothing). */
	dataLines: number | null;
	rowsLoaded: number;
	rowsRejected: number;
	rejected: RejectedLine[];
	/** Header records before the data (0 = none, 2+ = merged), counted as lines of the file. */
	headerLines?: number | undefined;
	/** Preamble lines skipped before the header. */
	skippedLines?: number | undefined;
	/**
	 * CSV read by DuckDB: the `read_csv` options it ran with (columns, types, delimiter, quote,
	 * encoding, header, skip, decimal and date formats), so the exported pipeline reads the file
	 * the same way on native DuckDB.
	 */
	readCsvOptions?: string | undefined;
	/** Loaded rows that do not fit their neighbours (shape or type), at most 100 listed. */
	suspect?: SuspectLine[] | undefined;
	/** All suspect rows (the list may be shorter). */
	suspectCount?: number | undefined;
	/** Lines rejected at first and repaired, each with how. */
	recovered?: SuspectLine[] | undefined;
	/** Plain-language notes: encoding retried, decimal comma, renamed headers, ... */
	notes: string[];
	/** CSV dialect as sniffed, shown to the user. */
	dialect: string | null;
	/** Text files: every import setting as used, and which were detected (the Read as panel). */
	read?: ReadReport | null | undefined;
	ms: number;
}

/** Column types a user can switch a column to in the Data cell. */
export const COLUMN_TYPES = [
	'VARCHAR',
	'BIGINT',
	'DOUBLE',
	'DATE',
	'TIMESTAMP',
	'BOOLEAN'
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnProfile extends ColumnInfo {
	nullShare: number;
	/** Approximate distinct values. */
	distinct: number;
	minText: string | null;
	maxText: string | null;
	mean: number | null;
	/** Equal-width histogram between min and max (numbers and dates), else null. */
	bins: number[] | null;
	/** Most frequent values (text columns and integer codes), else null. */
	top: { value: string; count: number }[] | null;
	/**
	 * Whole numbers with a dozen values or fewer on many rows (Channel 1–2, Region 1–3): codes,
	 * profiled by their values; the Features cell one-hot encodes them unless switched to number.
	 */
	code?: boolean;
	/** Looks like personal data: what kind (`e-mail`, `phone`, `name`, `address`), or null. */
	pii: string | null;
}

/** What to do with a column of personal data, applied in the worker before anything else sees it. */
export type Protection = 'exclude' | 'mask' | 'hash';

export interface TypeChange {
	profile: TableProfile;
	/** Values that could not be converted and became empty (NULL). */
	lost: number;
}

export interface TableProfile {
	table: string;
	rowCount: number;
	/** The first columns of the table (all of them unless it is very wide: see columnCount). */
	columns: ColumnProfile[];
	/** Columns in the table; more than `columns.length` when only the first ones were profiled. */
	columnCount: number;
	ms: number;
}

export interface QueryOptions {
	/** Materialise the result under this name so later cells can use it. */
	resultName?: string | undefined;
	/** Rows sent to the UI at most (the rest stays in the worker). */
	rowLimit?: number | undefined;
	/**
	 * This call's time budget in ms (default QUERY_BUDGET_MS); past it the client restarts the
	 * engine and the call fails with a `timeout` error. Read by the client, not the worker.
	 */
	budgetMs?: number | undefined;
}

export interface QueryResult {
	/** Arrow IPC stream bytes of the first `rowLimit` rows. */
	ipc: Uint8Array;
	/** Total rows of the result (may exceed what `ipc` holds). */
	rowCount: number;
	columns: ColumnInfo[];
	/** Set when the result was stored as a named table. */
	resultName: string | null;
	ms: number;
}

export interface SampleOptions {
	customers: number;
	seed: number;
	/** Plant a shift between the two years (some customers change segment); absent = off. */
	shift?: boolean | undefined;
}

export interface EngineInfo {
	duckdbVersion: string;
	bundle: string;
	/** The lockdown self-check passed: external access off, configuration locked. */
	lockedDown: boolean;
	ms: number;
}

export interface Progress {
	phase: string;
	/** 0..1, or null when unknown. */
	fraction: number | null;
}

export type ProgressCallback = (p: Progress) => void;

/** Error codes the engine reports; the UI maps them to what the user should do. */
export type EngineErrorCode =
	| 'sql'
	| 'file-empty'
	| 'no-data-rows'
	| 'file-format'
	| 'encoding'
	| 'line-too-long'
	| 'locked'
	| 'cancelled'
	| 'crashed'
	| 'timeout'
	/** The engine restarted (another call's crash, time budget or cancel) before this call finished. */
	| 'restarted'
	| 'internal';

/** A proposed or edited feature recipe, with what the Features cell needs to show it. */
export interface RecipeSuggestion {
	recipe: FeatureRecipe;
	/** Every feature the recipe can offer (checkboxes), in display order. */
	candidates: string[];
	/** Plain sentences about the detection (what was found, what is missing). */
	notes: string[];
	/** Columns of the source table, for the role pickers. */
	columns: ColumnInfo[];
	/** Columns worth a second look, each with the fix the Features cell offers. */
	flags?: ColumnFlag[];
}

/**
 * A column the Features cell points out (src/segment/column-kinds.ts): extreme values
 * (winsorise or leave out), heavy skew (log1p), a code read as a category (switch to number).
 */
export interface ColumnFlag {
	column: string;
	kind: 'outliers' | 'skew' | 'code';
	message: string;
	/** Rows flagged (outliers), or null. */
	count: number | null;
}

export interface FeatureStat {
	name: string;
	mean: number | null;
	min: number | null;
	max: number | null;
	missing: number;
}

export interface FeatureReport {
	keyColumn: string;
	customers: number;
	/** Source rows left out because they had no customer key. */
	rowsWithoutKey: number;
	/** Order lines with a negative amount (returns, cancellations): subtracted from spend. */
	returnLines: number;
	/** Customers left out of the model matrix (missing values with the `drop` rule). */
	dropped: number;
	/** Customers whose key was found in the joined customers table, or null without a join. */
	matchRate: number | null;
	/** Why the match rate is what it is, when it needs saying (keys read as keys, a format mismatch). */
	matchNote: string | null;
	/** Customers left out because no purchase is left (only returns or cancellations). */
	noPurchase: number;
	stats: FeatureStat[];
	/** Selected features that are the same for every customer (they cannot separate anyone). */
	constant: string[];
	featureSql: string;
	matrixSql: string;
	ms: number;
}

export interface SweepRowInfo {
	k: number;
	inertia: number;
	silhouette: number;
	calinskiHarabasz: number;
	daviesBouldin: number;
}

export interface SweepReport {
	rows: SweepRowInfo[];
	recommendedK: number;
	reason: string;
	elbowK: number | null;
	/** Customers the sweep ran on (a seeded sample of large data). */
	sampled: number;
	customers: number;
	ms: number;
	/** Threads the k values were spread over (2 in a browser, 1 where a worker cannot start). */
	threads: number;
}

export interface SegmentOptions {
	k: number;
	seed: number;
	restarts?: number | undefined;
}

export interface SegmentSummary {
	segment: number;
	size: number;
	share: number;
	/** Mean of each selected feature in plain units (customer_features), by feature name. */
	means: [string, number | null][];
}

export interface SegmentReport {
	k: number;
	seed: number;
	inertia: number;
	iterations: number;
	customers: number;
	segments: SegmentSummary[];
	/** Base means in plain units, same order as the segment means. */
	baseMeans: [string, number | null][];
	/** k-means' centres in the model matrix's scaled units: row i is segment i + 1 (the model file). */
	centroids: number[][];
	ms: number;
	/**
	 * k-means time per Lloyd iteration (the iterations alone: their median, 0 without any), and
	 * its multiply-adds (n·k·d), for the benchmark.
	 */
	msPerIteration: number;
	multiplyAdds: number;
	/** Which k-means kernel ran: WebAssembly SIMD, or the TypeScript reference (no SIMD). */
	kernel: 'wasm-simd' | 'typescript';
	/** Threads the final fit's starts ran on: 2 when the second worker took half. */
	threads?: number;
}

export interface RfmReport {
	groups: { group: string; size: number; share: number; advice: string }[];
	/** The cut-offs used (quintiles unless set), in plain units: days, orders, spend (4 each). */
	cutoffs: RfmCutoffs;
	/** Sentences about cut-offs that coincide (many customers with one value), or none. */
	ties: string[];
	/** Customers per R × FM cell (5 × 5, empty cells left out), with the cell's group. */
	grid: { r: number; fm: number; customers: number; group: string }[];
	sql: string;
	ms: number;
}

export interface PersonaProfile {
	segment: number;
	size: number;
	share: number;
	revenueShare: number | null;
	kpis: Kpis;
	/** Every numeric feature, most distinguishing first. */
	traits: Trait[];
	/** Categorical values over-represented in the segment (from mix and one-hot features). */
	tops: TopValue[];
	rfmMix: { group: string; share: number }[];
	/** Generated by the naming rules (src/segment/personas.ts); the notebook may override. */
	name: string;
	description: string;
	/** A suggested action for the segment, in a sentence. */
	action: string;
}

export interface PersonasReport {
	personas: PersonaProfile[];
	base: Kpis;
	customers: number;
	/** A seeded sample of customers on the first two principal components of the model matrix. */
	map: {
		points: { x: number; y: number; segment: number; key: string }[];
		explained: [number, number];
	};
	/** k-means segment × RFM group counts. */
	overlap: { segment: number; group: string; customers: number }[];
	/** Per-feature values by segment for boxplots (a seeded sample). */
	distributions: { segment: number; feature: string; value: number }[];
	ms: number;
}

export interface CustomerProfile {
	key: string;
	segment: number | null;
	/** Distance to the segment's centroid as a percentile of its members' distances (0 = most typical). */
	typicality: number | null;
	rfmGroup: string | null;
	features: { feature: string; value: number | null; percentile: number | null }[];
	/** Orders over time (transactions only): date and amount. */
	timeline: { date: string; amount: number }[];
}

/** The generated sample's planted personas against the segments found (the classroom reveal). */
export interface AnswerKeyReport {
	/** Planted personas (generator names, e.g. `champion`), rows of `counts`. */
	personas: string[];
	/** Segments found, columns of `counts`. */
	segments: number[];
	counts: number[][];
	customers: number;
	/** Adjusted Rand index between planted and found (1 = the same grouping). */
	ari: number;
	/** Share of customers in a segment whose majority persona is their own. */
	agreement: number;
	matches: { segment: number; persona: string; share: number }[];
	k: number;
	seed: number;
	/** The same k and seed on other feature choices, scored against the planted personas. */
	experiments: {
		label: string;
		features: string[];
		transforms: FeatureRecipe['transforms'];
		ari: number;
	}[];
	ms: number;
}

export interface CompareOptions {
	/** Split the history at this date (YYYY-MM-DD, the first day of the second period); null = halfway. */
	split: string | null;
	/**
	 * Instead of a split: this calendar quarter (`2025-Q4`) against the quarter before it.
	 * Null or absent = split the history in two.
	 */
	quarter?: string | null | undefined;
}

/** One side of a Compare: the orders before the split, or from it on. */
export interface ComparePeriod {
	label: 'before' | 'after';
	/** First and last order instant in the period, `YYYY-MM-DD HH:MM:SS`. */
	from: string;
	to: string;
	days: number;
	orders: number;
	/** Segmented customers with at least one order in the period. */
	activeCustomers: number;
	/**
	 * Orders and spend of the period multiplied by this (whole history ÷ period length) before
	 * scaling, so a period's customers are measured against segments fitted on the whole history.
	 */
	scaleFactor: number;
}

/** A segment's size and key figures in one period (plain, unscaled units). */
export interface CompareKpis {
	segment: number;
	customers: number;
	revenue: number | null;
	orders: number | null;
	avgOrderValue: number | null;
}

/** Customers by segment before × segment after; null = not active (no orders in that period). */
export interface MigrationCell {
	from: number | null;
	to: number | null;
	customers: number;
}

export interface CompareFlow extends MigrationCell {
	/** Share of the `from` group (before the split) that made this move. */
	share: number;
}

export interface SegmentDrift {
	segment: number;
	/** Mean of each model feature per period in plain units, for the segment's members then. */
	features: { feature: string; before: number | null; after: number | null }[];
	/** How far the segment's centre moved, in the model's scaled units (Euclidean). */
	distance: number | null;
}

export interface CompareReport {
	/** The split instant used, `YYYY-MM-DD HH:MM:SS`. */
	split: string;
	periods: [ComparePeriod, ComparePeriod];
	/** Segment numbers 1..k. */
	segments: number[];
	/** Segmented customers (rows of the migration matrix sum to it). */
	customers: number;
	/** Every non-empty cell of the migration matrix. */
	matrix: MigrationCell[];
	/** The largest moves between two segments (both active), largest first. */
	flows: CompareFlow[];
	kpis: [CompareKpis[], CompareKpis[]];
	drift: SegmentDrift[];
	/** The per-customer result, for SQL cells: key, segment, segment_before, segment_after. */
	table: string;
	notes: string[];
	ms: number;
}

export interface ExportFile {
	name: string;
	mime: string;
	bytes: Uint8Array;
	rows: number;
	/** What the export replaced or held back, in plain words (empty when nothing). */
	notes?: string[];
}

/**
 * What an export may carry: exports and links carry no personal data unless the user opts in.
 * Without the opt-in, a customer key that looks personal is replaced by the notebook-salted hash
 * (the one protectColumn writes, so the owner can join it back) and result columns that look
 * personal are masked; segments smaller than `minSegmentSize` customers are held back.
 */
export interface ExportPrivacy {
	includePersonal: boolean;
	/** The notebook's salt (its id), as for protectColumn. */
	salt: string;
	/** Segments with fewer customers are left out of a segments export (0 keeps all). */
	minSegmentSize: number;
}

// ---------------------------------------------------------------- model file and scoring

/** A Segments cell's tables, as the document names them. */
export interface ModelTables {
	recipe: FeatureRecipe;
	/** The feature table (plain units) and the segments table (key, segment, distance). */
	features: string;
	segments: string;
}

export interface ModelFit {
	/** k-means' centres in scaled units, row i = segment i + 1 (SegmentReport.centroids). */
	centroids: number[][];
	seed: number;
	personas: { segment: number; name: string; description: string }[];
}

export interface ScoreOptions {
	/** The loaded table to score (same shape as the model's source). */
	source: string;
	/** A customers table for the recipe's join, when it has one. */
	customers?: string | undefined;
	/** The result table: key, segment, persona, distance, beyond_fit. */
	output: string;
}

export interface ScoredSegment {
	segment: number;
	name: string;
	customers: number;
	share: number;
	medianDistance: number | null;
	maxDistance: number | null;
	/** The farthest fitted customer of this segment, from the model. */
	fittedMaxDistance: number;
	/** Customers farther from the centre than any fitted customer of the segment. */
	beyond: number;
}

export interface ScoreReport {
	table: string;
	keyColumn: string;
	customers: number;
	/** Customers with features but left out by the drop rule (a missing value). */
	leftOut: number;
	segments: ScoredSegment[];
	beyond: number;
	beyondShare: number;
	ms: number;
}

/** A Features cell's result: the recipe (from the document) and where its tables are. */
export interface FeatureRef {
	recipe: FeatureRecipe;
	/** One row per customer in plain units (the cell's output, default `customer_features`). */
	features: string;
	/** The model matrix k-means sees (`matrixTableOf(features)`). */
	matrix: string;
}

/** A Segments cell's result on top of its Features cell's. */
export interface SegmentRef extends FeatureRef {
	/** Each customer's segment (the cell's output, default `segments`). */
	segments: string;
	/** The rule-based RFM groups (`rfmTableOf(segments)`). */
	rfm: string;
}

/**
 * Every call takes the tables it reads and writes from the document (refs): the worker keeps no
 * hidden "last built" state. Adding a call: a method here, its line in ENGINE_METHODS, and its
 * handler on the Engine (workers/engine.ts); the client and the worker derive the rest.
 */
export interface EngineApi {
	init(): Promise<EngineInfo>;
	/** `table` forces the table name (re-attaching a notebook's file); it replaces that table. */
	/** `read`: import settings (absent fields are detected). */
	loadFile(
		file: File,
		table?: string,
		onProgress?: ProgressCallback,
		read?: ReadOptions
	): Promise<LoadReport>;
	loadSample(options: SampleOptions, onProgress?: ProgressCallback): Promise<LoadReport[]>;
	/** Profiles the first `columns` columns (default PROFILE_COLUMNS). */
	profile(table: string, columns?: number): Promise<TableProfile>;
	setColumnType(table: string, column: string, type: ColumnType): Promise<TypeChange>;
	/** Drop, mask or hash (salted) a column in place; `salt` is the notebook's own. */
	protectColumn(
		table: string,
		column: string,
		action: Protection,
		salt: string
	): Promise<TableProfile>;
	query(sql: string, options: QueryOptions): Promise<QueryResult>;
	/** Names of tables and their columns, for completion in the editor. */
	schema(): Promise<TableInfo[]>;
	dropTable(name: string): Promise<void>;
	suggestRecipe(table: string): Promise<RecipeSuggestion>;
	/** Writes `out.features` and `out.matrix`. */
	buildFeatures(
		recipe: FeatureRecipe,
		out: { features: string; matrix: string },
		onProgress?: ProgressCallback
	): Promise<FeatureReport>;
	sweep(ref: FeatureRef, seed: number, onProgress?: ProgressCallback): Promise<SweepReport>;
	/** Writes `ref.segments`. */
	segment(
		ref: SegmentRef,
		options: SegmentOptions,
		onProgress?: ProgressCallback
	): Promise<SegmentReport>;
	/** Writes `ref.rfm` from `ref.features`. */
	rfm(ref: SegmentRef, rules?: RfmRule[], cutoffs?: RfmCutoffs): Promise<RfmReport>;
	/** `personas` maps segment number → persona name for the export's persona column. */
	exportSegments(
		ref: SegmentRef,
		format: 'csv' | 'parquet',
		personas?: Map<number, string>,
		privacy?: ExportPrivacy
	): Promise<ExportFile>;
	personas(ref: SegmentRef): Promise<PersonasReport>;
	customer(ref: SegmentRef, key: string): Promise<CustomerProfile>;
	/** Customer keys starting with `prefix`, for the Customer cell's picker. */
	customerKeys(ref: SegmentRef, prefix: string): Promise<string[]>;
	/** Customers' segments before and after a split date; writes `options.output`. */
	compare(ref: SegmentRef, options: CompareOptions & { output: string }): Promise<CompareReport>;
	/** The sample's answer key against the segments; `seed` re-runs the variations. */
	answerKey(ref: SegmentRef, seed: number): Promise<AnswerKeyReport>;
	/** A query's whole result as a CSV or Parquet file. */
	exportQuery(sql: string, format: 'csv' | 'parquet', privacy?: ExportPrivacy): Promise<ExportFile>;
	/** Rows of a table for a chart: at most `limit`, as Arrow IPC bytes. */
	chartRows(table: string, limit: number): Promise<QueryResult>;
	/** 1 in `every` customers of a file too large for the tab (the memory pre-flight). */
	loadCustomerSample(
		file: File,
		every: number,
		table?: string,
		onProgress?: ProgressCallback
	): Promise<LoadReport>;
	/** The model file of a segmentation (Export model, and the pipeline exports built on it). */
	exportModel(tables: ModelTables, fit: ModelFit): Promise<SegmentModel>;
	/** Another loaded table scored with a model: writes `options.output`. */
	scoreCustomers(model: SegmentModel, options: ScoreOptions): Promise<ScoreReport>;
	/** Segment insights (src/engine/insight-api.ts): rules, stability, diagnostics, KPIs, overlap. */
	insight<K extends InsightKind>(
		kind: K,
		input: InsightCalls[K]['input'],
		onProgress?: ProgressCallback
	): Promise<InsightCalls[K]['output']>;
	/**
	 * Best-effort cancel of request `requestId` (none = every running request); the client
	 * restarts the worker if it has not stopped shortly after.
	 */
	cancel(requestId?: number): Promise<boolean>;
}

/**
 * How long a kind of call may take before the client restarts the engine (the watchdog).
 * `query` is the default for SQL; a SQL cell can change it per call (QueryOptions.budgetMs).
 */
export type BudgetKind = 'instant' | 'query' | 'scan' | 'long';

export const BUDGET_MS: Readonly<Record<BudgetKind, number>> = {
	/** Lookups on small results: the schema, a customer, keys for a picker. */
	instant: 30_000,
	/** User SQL and what runs it: a query, its export, a chart's rows. */
	query: 60_000,
	/** One pass over a table: profiles, type changes, protections, role detection. */
	scan: 180_000,
	/** Loads and the pipeline: features, the k sweep, k-means, personas, Compare. */
	long: 600_000
};

/** The default budget for a SQL call, in ms (60 s; the SQL cell may pass its own). */
export const QUERY_BUDGET_MS = BUDGET_MS.query;

export interface CallSpec {
	budget: BudgetKind;
	/** Index of the argument that is a progress callback (the client forwards progress). */
	progress?: number;
	/** Index of an options argument whose `budgetMs` overrides the kind's budget. */
	budgetArg?: number;
	/** The result's field holding bytes the worker transfers instead of copying. */
	transfer?: 'ipc' | 'bytes';
	/** A control call: not queued behind a restart, no request of its own, no budget. */
	control?: true;
}

/** THE list of the engine's methods. The client, the worker and the test adapter derive from it. */
export const ENGINE_METHODS = {
	init: { budget: 'long' },
	loadFile: { budget: 'long', progress: 2 },
	loadSample: { budget: 'long', progress: 1 },
	profile: { budget: 'scan' },
	setColumnType: { budget: 'scan' },
	protectColumn: { budget: 'scan' },
	query: { budget: 'query', budgetArg: 1, transfer: 'ipc' },
	schema: { budget: 'instant' },
	dropTable: { budget: 'instant' },
	suggestRecipe: { budget: 'scan' },
	buildFeatures: { budget: 'long', progress: 2 },
	sweep: { budget: 'long', progress: 2 },
	segment: { budget: 'long', progress: 2 },
	rfm: { budget: 'long' },
	exportSegments: { budget: 'long', transfer: 'bytes' },
	personas: { budget: 'long' },
	customer: { budget: 'instant' },
	customerKeys: { budget: 'instant' },
	compare: { budget: 'long' },
	answerKey: { budget: 'long' },
	exportQuery: { budget: 'query', transfer: 'bytes' },
	chartRows: { budget: 'query', transfer: 'ipc' },
	loadCustomerSample: { budget: 'long', progress: 3 },
	exportModel: { budget: 'long' },
	scoreCustomers: { budget: 'long' },
	insight: { budget: 'long', progress: 2 },
	cancel: { budget: 'instant', control: true }
} as const satisfies Record<keyof EngineApi, CallSpec>;

export type EngineMethod = keyof EngineApi;

/**
 * What crosses to the worker: every method with the request id first. The worker's exposure
 * (workers/engine.worker.ts) is derived from ENGINE_METHODS in this shape.
 */
export type WireApi = {
	[K in EngineMethod]: (
		requestId: number,
		...args: Parameters<EngineApi[K]>
	) => ReturnType<EngineApi[K]>;
};
