/**
 * Segment insights in the worker, each over tables the caller names (no session state):
 *
 *   rules        IMM threshold tree on the sweep's sample → original units, words, SQL CASE;
 *                fidelity on every customer
 *   stability    clusterboot on the sweep's sample: 20 seeded resamples, re-clustered, matched
 *   diagnostics  F and p per feature (one GROUP BY), per-customer silhouette on a sample
 *   retention    monthly cohort retention and repeat-purchase rate by segment (SQL)
 *   overlap      customers by label × label of any two segmentations (SQL), with their ARI
 *
 * The numeric work lives in src/cluster and src/segment; this file loads and stores.
 */
import type {
	DiagnosticsReport,
	InsightCalls,
	InsightKind,
	OverlapReport,
	RetentionReport,
	RulesReport,
	SegmentTables,
	StabilityReport
} from '../src/engine/insight-api';
import type { ProgressCallback } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { oneWayAnova } from '../src/cluster/anova';
import { adjustedRandFromCounts } from '../src/cluster/ari';
import type { Matrix } from '../src/cluster/matrix';
import { sampleIndex, takeRows } from '../src/cluster/sample';
import { silhouetteValues } from '../src/cluster/silhouette';
import { UNSTABLE_BELOW, stabilityLabel, stabilitySteps } from '../src/cluster/stability';
import { fidelity, fitThresholdTree, predict } from '../src/cluster/tree';
import {
	missingFills,
	ruleConditions,
	ruleWords,
	rulesCaseSql,
	toOriginalUnits,
	type RuleFeature
} from '../src/segment/rules';
import { finiteExpr } from '../src/sql/features.sql';
import { overlapSql, repeatSql, retentionSql } from '../src/sql/retention.sql';
import { ident } from '../src/sql/sql';
import { queryRows, queryTable, type Db } from './db';
import { loadKernel } from './kernel';
import { isNumericType } from './profile';
import { SWEEP_SAMPLE } from './segment';
import { describeTable, tableExists } from './tables';

/** Customers on the silhouette plot at most. */
const SILHOUETTE_SAMPLE = 2_000;

export interface InsightContext {
	onProgress?: ProgressCallback | undefined;
	shouldStop: () => boolean;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function requireTable(db: Db, table: string, what: string): Promise<void> {
	if (!(await tableExists(db, table))) {
		throw new EngineError(
			'sql',
			`There is no table “${table}” (${what}). Run the cell that makes it first.`
		);
	}
}

interface Segmented {
	matrix: Matrix;
	/** 0-based segment per customer (segment − 1). */
	labels: Int32Array;
	k: number;
	features: string[];
	/** Plain values per feature, NaN where missing. */
	original: Float64Array[];
}

/** The matrix, each customer's segment and plain feature values, in key order. */
async function loadSegmented(db: Db, t: SegmentTables): Promise<Segmented> {
	await requireTable(db, t.matrix, 'the model matrix');
	await requireTable(db, t.segments, 'the segments');
	await requireTable(db, t.features, 'the customer features');
	const features = (await describeTable(db, t.matrix))
		.map((c) => c.name)
		.filter((c) => c !== t.key);
	const have = new Set((await describeTable(db, t.features)).map((c) => c.name));
	const k = ident(t.key);
	const plain = features.map((f, j) =>
		have.has(f)
			? `${finiteExpr(`f.${ident(f)}`)} AS ${ident(`o${j}`)}`
			: `NULL::DOUBLE AS ${ident(`o${j}`)}`
	);
	const arrow = await queryTable(
		db,
		`SELECT ${features.map((f) => `m.${ident(f)}`).join(', ')}, s.segment, ${plain.join(', ')}
		 FROM ${ident(t.matrix)} m JOIN ${ident(t.segments)} s USING (${k}) JOIN ${ident(t.features)} f USING (${k})
		 ORDER BY m.${k}`
	);
	const n = arrow.numRows;
	const d = features.length;
	if (n === 0) throw new EngineError('sql', 'No segmented customers: run the Segments cell first.');
	const data = new Float64Array(n * d);
	for (let j = 0; j < d; j++) {
		const values = arrow.getChildAt(j)?.toArray() as ArrayLike<number | null> | undefined;
		for (let i = 0; i < n; i++) data[i * d + j] = Number(values?.[i] ?? Number.NaN);
	}
	const segments = arrow.getChildAt(d)?.toArray() as ArrayLike<number> | undefined;
	const labels = new Int32Array(n);
	let kMax = 0;
	for (let i = 0; i < n; i++) {
		labels[i] = Number(segments?.[i]) - 1;
		kMax = Math.max(kMax, labels[i]! + 1);
	}
	const original = features.map((_, j) => {
		const column = arrow.getChildAt(d + 1 + j);
		const out = new Float64Array(n);
		for (let i = 0; i < n; i++) out[i] = num(column?.get(i)) ?? Number.NaN;
		return out;
	});
	return { matrix: { data, n, d }, labels, k: kMax, features, original };
}

function centroidsOf(m: Matrix, labels: Int32Array, k: number): Float64Array {
	const sums = new Float64Array(k * m.d);
	const counts = new Float64Array(k);
	for (let i = 0; i < m.n; i++) {
		const c = labels[i]!;
		counts[c]!++;
		for (let j = 0; j < m.d; j++) sums[c * m.d + j]! += m.data[i * m.d + j]!;
	}
	return sums.map((s, p) =>
		counts[Math.floor(p / m.d)]! > 0 ? s / counts[Math.floor(p / m.d)]! : 0
	);
}

export async function segmentRules(
	db: Db,
	input: InsightCalls['rules']['input']
): Promise<RulesReport> {
	const started = performance.now();
	const s = await loadSegmented(db, input);
	const { matrix, labels, k, features } = s;
	const rows = sampleIndex(matrix.n, SWEEP_SAMPLE, input.seed);
	const tree = fitThresholdTree(
		takeRows(matrix, rows),
		Int32Array.from(rows, (i) => labels[i]!),
		centroidsOf(matrix, labels, k),
		k
	);
	// Each feature's matrix column as its own array: the rules scan it once per threshold.
	const ruleFeatures: RuleFeature[] = features.map((name, j) => {
		const column = new Float64Array(matrix.n);
		for (let i = 0; i < matrix.n; i++) column[i] = matrix.data[i * matrix.d + j]!;
		return { name, matrix: column, original: s.original[j]! };
	});
	const plainTree = toOriginalUnits(tree, ruleFeatures);
	const fills = missingFills(tree, plainTree, ruleFeatures);
	const f = fidelity(labels, predict(tree, matrix), k);
	const rules = ruleConditions(plainTree, features).map((r) => ({
		segment: r.cluster + 1,
		conditions: r.conditions,
		text: ruleWords(r.conditions),
		fidelity: f.perCluster[r.cluster] ?? 0,
		size: f.sizes[r.cluster] ?? 0
	}));
	const fillMap = new Map<string, number>();
	fills.forEach((v, j) => {
		if (v !== null) fillMap.set(features[j]!, v);
	});
	return {
		rules,
		fidelity: f.overall,
		sql: rulesCaseSql(rules, fillMap, f.overall),
		fittedOn: rows.length,
		customers: matrix.n,
		ms: performance.now() - started
	};
}

/** The stability figures as advice on the number of segments (Hennig's bands). */
export function stabilityAdvice(
	segments: StabilityReport['segments'],
	k: number,
	resamples: number
): string {
	const fmt = (x: number): string => x.toFixed(2);
	const list = (xs: StabilityReport['segments']): string =>
		xs.map((s) => `${s.segment} (${fmt(s.jaccard)})`).join(', ');
	const unstable = segments.filter((s) => s.band === 'unstable');
	const weak = segments.filter((s) => s.band === 'weak');
	const over = `over ${resamples} resamples of the customers`;
	if (unstable.length === 0 && weak.length === 0) {
		const lowest = Math.min(...segments.map((s) => s.jaccard));
		return `All ${k} segments are stable: each comes back when the customers are resampled (lowest mean Jaccard ${fmt(lowest)} ${over}).`;
	}
	const parts: string[] = [];
	if (unstable.length > 0) {
		const one = unstable.length === 1;
		const low = unstable.filter((s) => s.jaccard < UNSTABLE_BELOW);
		const gone = unstable.filter((s) => s.jaccard >= UNSTABLE_BELOW);
		const why = [
			...(low.length > 0 ? [`under ${UNSTABLE_BELOW} mean Jaccard ${over}`] : []),
			...gone.map(
				(s) => `segment ${s.segment} was not found in ${s.dissolved} of the ${resamples} resamples`
			)
		].join('; ');
		parts.push(
			`Segment${one ? '' : 's'} ${list(unstable)} ${one ? 'is' : 'are'} unstable (${why}): ${one ? 'it comes' : 'they come'} out differently each time.`
		);
	}
	if (weak.length > 0) {
		const one = weak.length === 1;
		parts.push(
			`Segment${one ? '' : 's'} ${list(weak)} ${one ? 'is' : 'are'} weak (0.6–0.75): a real pattern, but who belongs to ${one ? 'it' : 'them'} is doubtful.`
		);
	}
	parts.push(
		k > 2
			? `Fewer segments (${k - 1}) may serve better; compare them in the sweep.`
			: 'Treat the split with care.'
	);
	return parts.join(' ');
}

export async function stability(
	db: Db,
	input: InsightCalls['stability']['input'],
	ctx: InsightContext
): Promise<StabilityReport> {
	const started = performance.now();
	const { matrix, labels, k } = await loadSegmented(db, input);
	if (k < 2) {
		throw new EngineError(
			'sql',
			'Stability compares segments, so it needs at least 2: set Number of segments to 2 or more in the Segments cell.'
		);
	}
	const rows = sampleIndex(matrix.n, SWEEP_SAMPLE, input.seed);
	const sample = takeRows(matrix, rows);
	const sampleLabels = Int32Array.from(rows, (i) => labels[i]!);
	const resamples = input.resamples ?? 20;
	const kernel = await loadKernel();
	const steps = stabilitySteps(sample, sampleLabels, {
		k,
		seed: input.seed,
		resamples,
		...(kernel ? { kernel } : {})
	});
	ctx.onProgress?.({ phase: `Resampling customers (0 of ${resamples})`, fraction: 0 });
	let result;
	for (;;) {
		await tick();
		if (ctx.shouldStop()) throw new EngineError('cancelled', 'Cancelled.');
		const step = steps.next();
		if (step.done) {
			result = step.value;
			break;
		}
		ctx.onProgress?.({
			phase: `Resampling customers (${step.value} of ${resamples})`,
			fraction: step.value / resamples
		});
	}
	const segments = result.jaccard.map((jaccard, c) => ({
		segment: c + 1,
		jaccard,
		band: stabilityLabel(jaccard, (result.dissolved[c] ?? 0) / result.resamples),
		dissolved: result.dissolved[c] ?? 0
	}));
	return {
		segments,
		k,
		seed: input.seed,
		resamples: result.resamples,
		method: result.method,
		sampled: rows.length,
		customers: matrix.n,
		advice: stabilityAdvice(segments, k, result.resamples),
		ms: performance.now() - started
	};
}

export async function diagnostics(
	db: Db,
	input: InsightCalls['diagnostics']['input']
): Promise<DiagnosticsReport> {
	const started = performance.now();
	const s = await loadSegmented(db, input);
	const key = ident(input.key);
	const numeric = (await describeTable(db, input.features))
		.filter((c) => c.name !== input.key && isNumericType(c.type))
		.map((c) => c.name);
	const rows = await queryRows(
		db,
		`SELECT s.segment${numeric
			.map((f) => {
				const x = finiteExpr(`f.${ident(f)}`);
				return `, count(${x}), avg(${x}), coalesce(var_pop(${x}), 0) * count(${x})`;
			})
			.join('')}
		 FROM ${ident(input.segments)} s JOIN ${ident(input.features)} f USING (${key})
		 GROUP BY s.segment ORDER BY s.segment`
	);
	let dfBetween = 0;
	let dfWithin = 0;
	const variables = numeric
		.map((feature, j) => {
			const groups = rows.map((r) => ({
				n: Number(r[1 + j * 3]),
				mean: num(r[2 + j * 3]) ?? 0,
				ss: num(r[3 + j * 3]) ?? 0
			}));
			const a = oneWayAnova(groups);
			dfBetween = Math.max(dfBetween, a.dfBetween);
			dfWithin = Math.max(dfWithin, a.dfWithin);
			return {
				feature,
				f: a.f,
				p: a.p,
				etaSquared: a.etaSquared,
				means: rows.map((r) => ({ segment: Number(r[0]), mean: num(r[2 + j * 3]) }))
			};
		})
		.sort((x, y) => y.f - x.f);
	const sil = silhouetteValues(s.matrix, s.labels, s.k, {
		sampleSize: SILHOUETTE_SAMPLE,
		seed: input.seed
	});
	const silhouette = Array.from(sil.rows, (i, r) => ({
		segment: s.labels[i]! + 1,
		value: sil.values[r]!
	}));
	const bySegment = new Map<number, { sum: number; n: number }>();
	for (const p of silhouette) {
		const e = bySegment.get(p.segment) ?? { sum: 0, n: 0 };
		e.sum += p.value;
		e.n++;
		bySegment.set(p.segment, e);
	}
	return {
		variables,
		dfBetween,
		dfWithin,
		silhouette,
		silhouetteBySegment: [...bySegment]
			.sort((a, b) => a[0] - b[0])
			.map(([segment, e]) => ({ segment, mean: e.sum / e.n, customers: e.n })),
		sampled: sil.rows.length,
		customers: s.matrix.n,
		ms: performance.now() - started
	};
}

const bySegmentName = (a: string, b: string): number =>
	Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

export async function retention(
	db: Db,
	input: InsightCalls['retention']['input']
): Promise<RetentionReport> {
	const started = performance.now();
	await requireTable(db, input.source, 'the order lines');
	await requireTable(db, input.segments.table, 'the segments');
	const columns = await describeTable(db, input.source);
	const ts = columns.find((c) => c.name === input.timestamp);
	if (!ts || !columns.some((c) => c.name === input.key)) {
		throw new EngineError(
			'sql',
			`Retention needs the order date and customer key of ${input.source}: choose them in the Features cell.`
		);
	}
	const source = { ...input, timestampType: ts.type };
	const curves = (await queryRows(db, retentionSql(source))).map(([segment, months, n, kept]) => ({
		segment: String(segment),
		months: Number(months),
		customers: Number(n),
		retained: Number(kept),
		share: Number(n) > 0 ? Number(kept) / Number(n) : 0
	}));
	const repeat = (await queryRows(db, repeatSql(source))).map(([segment, n, r]) => ({
		segment: String(segment),
		customers: Number(n),
		repeaters: Number(r),
		rate: Number(n) > 0 ? Number(r) / Number(n) : 0
	}));
	curves.sort((a, b) => bySegmentName(a.segment, b.segment) || a.months - b.months);
	repeat.sort((a, b) => bySegmentName(a.segment, b.segment));
	return { curves, repeat, ms: performance.now() - started };
}

export async function overlap(
	db: Db,
	input: InsightCalls['overlap']['input']
): Promise<OverlapReport> {
	const started = performance.now();
	for (const side of [input.a, input.b]) {
		await requireTable(db, side.table, 'a segmentation');
		const names = (await describeTable(db, side.table)).map((c) => c.name);
		for (const column of [side.key, side.label]) {
			if (!names.includes(column)) {
				throw new EngineError(
					'sql',
					`${side.table} has no column “${column}”. Choose its customer key and label columns.`
				);
			}
		}
	}
	const rows = await queryRows(db, overlapSql(input.a, input.b));
	const cells: OverlapReport['cells'] = [];
	let onlyA = 0;
	let onlyB = 0;
	for (const [a, b, n] of rows) {
		const count = Number(n);
		if (a === null) onlyB += count;
		else if (b === null) onlyA += count;
		else cells.push({ a: String(a), b: String(b), customers: count });
	}
	// The contingency table of the matched customers, for the adjusted Rand index.
	const rowsOf = [...new Set(cells.map((c) => c.a))];
	const colsOf = [...new Set(cells.map((c) => c.b))];
	const table = rowsOf.map(() => new Array<number>(colsOf.length).fill(0));
	for (const c of cells) table[rowsOf.indexOf(c.a)]![colsOf.indexOf(c.b)] = c.customers;
	const matched = cells.reduce((s, c) => s + c.customers, 0);
	cells.sort((x, y) => bySegmentName(x.a, y.a) || bySegmentName(x.b, y.b));
	return {
		a: input.a,
		b: input.b,
		cells,
		onlyA,
		onlyB,
		matched,
		ari: adjustedRandFromCounts(table),
		ms: performance.now() - started
	};
}

/** The one entry point the engine exposes: each kind with its input and result type. */
export function runInsight<K extends InsightKind>(
	db: Db,
	kind: K,
	input: InsightCalls[K]['input'],
	ctx: InsightContext
): Promise<InsightCalls[K]['output']> {
	const calls: {
		[P in InsightKind]: (i: InsightCalls[P]['input']) => Promise<InsightCalls[P]['output']>;
	} = {
		rules: (i) => segmentRules(db, i),
		stability: (i) => stability(db, i, ctx),
		diagnostics: (i) => diagnostics(db, i),
		retention: (i) => retention(db, i),
		overlap: (i) => overlap(db, i)
	};
	if (!Object.hasOwn(calls, kind)) {
		throw new EngineError('internal', `Unknown insight ${String(kind)}.`);
	}
	const call = calls[kind] as (i: InsightCalls[K]['input']) => Promise<InsightCalls[K]['output']>;
	return call(input);
}
