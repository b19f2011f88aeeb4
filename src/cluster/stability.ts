/**
 * How stable is each segment? Hennig's clusterboot (fpc; "Cluster-wise assessment of cluster
 * stability", Computational Statistics & Data Analysis 52, 2007):
 *
 *   for b = 1..B (seeded from the notebook's seed):
 *     1. resample the customers: a bootstrap (n draws with replacement, each customer drawn
 *        used once, as clusterboot's default) or a subsample (half, without replacement)
 *     2. re-cluster the resample: k-means, same k, a seed of its own
 *     3. match: for each original segment, the largest Jaccard similarity |A ∩ B| / |A ∪ B|
 *        between its members in the resample and any new segment
 *   stability of a segment = its mean best Jaccard over the resamples
 *
 * Hennig's reading: below 0.6 the segment is unstable (it dissolves into others), 0.6–0.75 it
 * shows a pattern but do not trust it much, above 0.75 it is stable, above 0.85 highly stable.
 * A segment that dissolves (best Jaccard under 0.5) in half the resamples or more is unstable too.
 *
 * A generator, so the worker can report progress and take a Cancel between resamples; the
 * plain function runs it through. Pure.
 */
import { kmeans } from './kmeans';
import type { Matrix } from './matrix';
import { createRng } from './rng';
import type { KMeansKernel } from './wasm-kernel';
import { takeRows } from './sample';

export const UNSTABLE_BELOW = 0.6;
export const STABLE_FROM = 0.75;
/** Hennig counts a segment as dissolved in a resample when its best Jaccard is below 0.5. */
export const DISSOLVED_BELOW = 0.5;
export const MIN_RESAMPLES = 20;
/** Dissolved in at least this share of the resamples: unstable (see stabilityLabel). */
export const DISSOLVED_SHARE_UNSTABLE = 0.5;

export interface StabilityOptions {
	k: number;
	seed: number;
	/** At least MIN_RESAMPLES (20, the default). */
	resamples?: number;
	method?: 'bootstrap' | 'subsample';
	/** k-means++ starts per re-clustering (default 1, as clusterboot's kmeansCBI). */
	restarts?: number;
	/** The WebAssembly SIMD kernel for the re-clusterings: the same labels, faster. */
	kernel?: KMeansKernel;
}

export interface StabilityResult {
	/** Per original segment (0..k−1): the mean best Jaccard over the resamples it appeared in. */
	jaccard: number[];
	/** Per segment: resamples in which its best Jaccard fell below 0.5 (Hennig's dissolution). */
	dissolved: number[];
	/** Per segment: resamples in which its best Jaccard was at least 0.75 (recovered). */
	recovered: number[];
	resamples: number;
	method: 'bootstrap' | 'subsample';
}

/**
 * For each original cluster 0..k−1 (labels of some rows) the largest Jaccard similarity with a
 * cluster 0..kFound−1 of a second labelling of the same rows, and that cluster. A cluster with no
 * rows gets NaN and partner −1.
 */
export function bestJaccard(
	original: ArrayLike<number>,
	k: number,
	found: ArrayLike<number>,
	kFound: number
): { jaccard: number[]; partner: number[] } {
	if (original.length !== found.length) throw new RangeError('bestJaccard: lengths differ');
	const both = new Float64Array(k * kFound);
	const sizeA = new Float64Array(k);
	const sizeB = new Float64Array(kFound);
	for (let i = 0; i < original.length; i++) {
		const a = original[i]!;
		const b = found[i]!;
		both[a * kFound + b]!++;
		sizeA[a]!++;
		sizeB[b]!++;
	}
	const jaccard: number[] = [];
	const partner: number[] = [];
	for (let a = 0; a < k; a++) {
		if (sizeA[a] === 0) {
			jaccard.push(Number.NaN);
			partner.push(-1);
			continue;
		}
		let best = 0;
		let who = -1;
		for (let b = 0; b < kFound; b++) {
			const inter = both[a * kFound + b]!;
			const j = inter / (sizeA[a]! + sizeB[b]! - inter);
			if (j > best) {
				best = j;
				who = b;
			}
		}
		jaccard.push(best);
		partner.push(who);
	}
	return { jaccard, partner };
}

/** Yields the number of resamples done after each one; returns the result. */
export function* stabilitySteps(
	m: Matrix,
	labels: ArrayLike<number>,
	opts: StabilityOptions
): Generator<number, StabilityResult> {
	const { k, seed } = opts;
	const resamples = opts.resamples ?? MIN_RESAMPLES;
	const method = opts.method ?? 'bootstrap';
	if (!Number.isInteger(resamples) || resamples < MIN_RESAMPLES) {
		throw new RangeError(`stability: at least ${MIN_RESAMPLES} resamples, got ${resamples}`);
	}
	if (labels.length !== m.n) throw new RangeError('stability: one label per row');
	const half = Math.floor(m.n / 2);
	if (half < k + 1) {
		throw new RangeError(`stability: ${m.n} rows are too few to re-cluster into ${k} segments`);
	}
	const rng = createRng(seed);
	const sum = new Float64Array(k);
	const seen = new Float64Array(k);
	const dissolved = new Array<number>(k).fill(0);
	const recovered = new Array<number>(k).fill(0);
	const pick = new Int32Array(m.n);
	const drawn = new Uint8Array(m.n);
	let size = half;
	const perm = method === 'subsample' ? Int32Array.from({ length: m.n }, (_, i) => i) : null;
	for (let b = 0; b < resamples; b++) {
		if (perm) {
			// A fresh partial Fisher-Yates over the running permutation: a uniform subset each time.
			for (let i = 0; i < size; i++) {
				const j = i + Math.floor(rng.next() * (m.n - i));
				const t = perm[i]!;
				perm[i] = perm[j]!;
				perm[j] = t;
				pick[i] = perm[i]!;
			}
		} else {
			// n draws with replacement; a customer drawn again is used once (clusterboot's default,
			// multipleboot = FALSE), so about 63% of the customers make up each resample.
			drawn.fill(0);
			for (let i = 0; i < m.n; i++) drawn[Math.floor(rng.next() * m.n)] = 1;
			size = 0;
			for (let i = 0; i < m.n; i++) if (drawn[i]) pick[size++] = i;
		}
		const rows = pick.subarray(0, size);
		const fit = kmeans(takeRows(m, rows), {
			k,
			seed: rng.int(0, 2 ** 31 - 1),
			restarts: opts.restarts ?? 1,
			...(opts.kernel ? { kernel: opts.kernel } : {})
		});
		const original = new Int32Array(size);
		for (let i = 0; i < size; i++) original[i] = labels[rows[i]!]!;
		const { jaccard } = bestJaccard(original, k, fit.labels, k);
		jaccard.forEach((j, c) => {
			if (Number.isNaN(j)) return;
			sum[c]! += j;
			seen[c]!++;
			if (j < DISSOLVED_BELOW) dissolved[c]!++;
			if (j >= STABLE_FROM) recovered[c]!++;
		});
		yield b + 1;
	}
	return {
		jaccard: Array.from(sum, (s, c) => (seen[c]! > 0 ? s / seen[c]! : 0)),
		dissolved,
		recovered,
		resamples,
		method
	};
}

export function clusterStability(
	m: Matrix,
	labels: ArrayLike<number>,
	opts: StabilityOptions
): StabilityResult {
	const steps = stabilitySteps(m, labels, opts);
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
	}
}

/**
 * Hennig's bands in words, for cards and advice. A segment that dissolved (best Jaccard under
 * 0.5) in at least half of the resamples is unstable whatever its mean: a mean lifted by the
 * resamples where it does come back hides that as often as not it is not there at all. (On the
 * generated sample, the planted personas dissolve in at most 4 of 20 resamples; the pieces of a
 * persona split by too large a k in about half.)
 */
export function stabilityLabel(
	jaccard: number,
	dissolvedShare = 0
): 'highly stable' | 'stable' | 'weak' | 'unstable' {
	if (jaccard < UNSTABLE_BELOW || dissolvedShare >= DISSOLVED_SHARE_UNSTABLE) return 'unstable';
	if (jaccard < STABLE_FROM) return 'weak';
	if (jaccard < 0.85) return 'stable';
	return 'highly stable';
}
