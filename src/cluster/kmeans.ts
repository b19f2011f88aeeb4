/**
 * k-means clustering (Lloyd's algorithm with greedy k-means++ seeding), deterministic for a seed.
 *
 *   validate ──► seed ──────────► Lloyd ─────────────────► keep best ──► relabel
 *   shape, k,    greedy k-means++  assign to nearest,       lowest        by descending size,
 *   finite,      per restart from  move centroids to means, inertia       ties by first row;
 *   range        a derived seed    re-seed empty clusters,  over          distances, sizes
 *                (fewer distinct   until labels stop        restarts
 *                 seeds ⇒ error)   changing or inertia
 *                                  stops improving
 *
 * Speed: the first assignment of a restart is the full n·k·d scan. Later ones use Hamerly's
 * bounds to skip the scan for customers whose centroid provably stays the nearest, and the update
 * only recomputes clusters whose membership changed. Both shortcuts give exactly the labels,
 * centroids and inertia of plain Lloyd (a test compares them bit for bit), just faster.
 *
 * Determinism: all randomness comes from `createRng` (32-bit integer arithmetic), every sum runs in
 * a fixed order, ties go to the lower index, and the only floating functions used are +, -, ×, ÷
 * and sqrt, which IEEE 754 rounds identically everywhere. So a seed gives bit-identical results on
 * every machine and engine. (`Math.log` only picks the integer number of local seeding trials, and
 * ln k is never close to an integer for integer k.)
 *
 * Range: data with huge (~1e150) or tiny (~1e-150) magnitudes is multiplied by a power of two
 * before clustering. That is exact, so the partition is the same one the raw data would give if
 * squared distances could not overflow; centroids and distances are scaled back exactly.
 */

import {
	CancelledError,
	ClusterInputError,
	checkMatrix,
	countDistinctRows,
	plural,
	safeScaleFactor,
	scaledCopy,
	type Matrix
} from './matrix';
import { createRng, type Rng } from './rng';
import { KernelMatrix, type KMeansKernel } from './wasm-kernel';
import { sampleIndex } from './weighted-draw';

export { CancelledError, ClusterInputError, countDistinctRows } from './matrix';
export type { ClusterInputErrorCode, Matrix } from './matrix';

/** Progress report after each Lloyd iteration. */
export type KMeansIterationInfo = {
	/** 0-based restart index. */
	restart: number;
	restarts: number;
	/** 1-based iteration within the restart. */
	iteration: number;
	/** Inertia of the assignment made in this iteration (before the centroids moved). */
	inertia: number;
	/** How many customers changed segment in this iteration. */
	changed: number;
};

export type KMeansOptions = {
	k: number;
	/** Safe integer. Restart r runs from a seed derived from (seed, r). */
	seed: number;
	/** Independent k-means++ starts; the lowest inertia wins. Default 4. */
	restarts?: number;
	/**
	 * The first start's number (default 0): starts `firstRestart … firstRestart + restarts − 1`
	 * run, each from the seed derived from (seed, its number), so a fit split over two threads
	 * (workers/fit-pool.ts) runs exactly the starts of a one-thread fit.
	 */
	firstRestart?: number;
	/** Maximum Lloyd iterations per restart. Default 100. */
	maxIter?: number;
	/**
	 * Stop a restart when inertia improves by at most `tol` × inertia in one iteration (or when no
	 * label changes, whichever comes first). Default 1e-6.
	 */
	tol?: number;
	/**
	 * Start from these k×d centroids (in the data's units) instead of k-means++, e.g. to refine a
	 * previous result. Runs once: `restarts` is ignored.
	 */
	init?: Float64Array;
	onIteration?: (info: KMeansIterationInfo) => void;
	/** Polled before each restart and each iteration; returning true throws `CancelledError`. */
	shouldStop?: () => boolean;
	/**
	 * The WebAssembly SIMD kernel (wasm-kernel.ts): the same labels, centroids and inertia bit for
	 * bit, with full assignments in SIMD instead of the bounded passes below.
	 */
	kernel?: KMeansKernel;
};

/** Where a run's time went (performance.now), for the benchmark's per-iteration figure. */
export type KMeansTiming = {
	/** k-means++ seeding, all restarts. */
	seedMs: number;
	/** Lloyd iterations only (update + assignment), all restarts. */
	lloydMs: number;
	/** Lloyd iterations, all restarts. */
	iterations: number;
	/**
	 * Each Lloyd iteration's time (update + assignment), all restarts: their median is the
	 * benchmark's figure, which a descheduled thread or a collection in one iteration does not move.
	 */
	iterationMs: number[];
};

export type KMeansResult = {
	/** Segment of each customer, 0..k-1, segment 0 the largest. */
	labels: Int32Array;
	/** k×d row-major, in the same order as the labels. */
	centroids: Float64Array;
	/** Sum of squared Euclidean distances to the assigned centroid. */
	inertia: number;
	/** Lloyd iterations (centroid updates) of the winning restart. */
	iterations: number;
	k: number;
	/**
	 * Customers per segment (descending). Never 0 after convergence; a run cut short by `maxIter`
	 * can in pathological ties end with an empty segment, whose centroid is still finite.
	 */
	sizes: Int32Array;
	/** Each customer's Euclidean distance to its centroid. */
	distances: Float64Array;
	timing: KMeansTiming;
};

/**
 * Greedy k-means++ seeding (as scikit-learn): each new centre is the best of 2 + ⌊ln k⌋ candidates
 * drawn with probability proportional to the squared distance to the nearest chosen centre, "best"
 * meaning the lowest resulting total. Returns c×d centres, c ≤ k; c < k happens only when every
 * remaining point coincides with a chosen centre, i.e. the data has just c distinct rows.
 */
export function kmeansPlusPlus(m: Matrix, k: number, rng: Rng): Float64Array {
	const { data, n, d } = m;
	if (!Number.isInteger(k) || k < 1) throw new RangeError(`kmeansPlusPlus: bad k ${k}`);
	if (n === 0) throw new RangeError('kmeansPlusPlus: empty matrix');
	const centers = new Float64Array(k * d);
	const first = Math.min(n - 1, Math.floor(rng.next() * n));
	centers.set(data.subarray(first * d, first * d + d), 0);

	let closest = new Float64Array(n);
	let pot = 0;
	for (let i = 0; i < n; i++) {
		const dist = sqDist(data, i * d, data, first * d, d);
		closest[i] = dist;
		pot += dist;
	}
	const trials = 2 + Math.floor(Math.log(k));
	const cum = new Float64Array(n);
	let cand = new Float64Array(n);
	let best = new Float64Array(n);

	let c = 1;
	for (; c < k; c++) {
		// Every point sits on a chosen centre: no new distinct centre exists.
		if (!(pot > 0)) break;
		let acc = 0;
		for (let i = 0; i < n; i++) {
			acc += closest[i]!;
			cum[i] = acc;
		}
		let bestPot = Infinity;
		let bestId = -1;
		for (let t = 0; t < trials; t++) {
			const id = sampleIndex(cum, closest, rng.next() * acc);
			let p = 0;
			const cb = id * d;
			for (let i = 0; i < n; i++) {
				const old = closest[i]!;
				const dist = sqDist(data, i * d, data, cb, d);
				const v = dist < old ? dist : old;
				cand[i] = v;
				p += v;
			}
			if (p < bestPot) {
				bestPot = p;
				bestId = id;
				const tmp = best;
				best = cand;
				cand = tmp;
			}
		}
		centers.set(data.subarray(bestId * d, bestId * d + d), c * d);
		const tmp = closest;
		closest = best;
		best = tmp;
		pot = bestPot;
	}
	return c === k ? centers : centers.slice(0, c * d);
}

/**
 * Squared Euclidean distance between row ai of a and row bi of b. Four independent accumulators
 * let the CPU overlap the additions (10–20% faster than one running sum at d = 8, node 20). Every
 * k-means distance goes through this one function, so the same pair always gives the same bits.
 */
function sqDist(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
	let s0 = 0;
	let s1 = 0;
	let s2 = 0;
	let s3 = 0;
	let j = 0;
	const d4 = d - (d & 3);
	for (; j < d4; j += 4) {
		const t0 = a[ai + j]! - b[bi + j]!;
		const t1 = a[ai + j + 1]! - b[bi + j + 1]!;
		const t2 = a[ai + j + 2]! - b[bi + j + 2]!;
		const t3 = a[ai + j + 3]! - b[bi + j + 3]!;
		s0 += t0 * t0;
		s1 += t1 * t1;
		s2 += t2 * t2;
		s3 += t3 * t3;
	}
	for (; j < d; j++) {
		const t = a[ai + j]! - b[bi + j]!;
		s0 += t * t;
	}
	return s0 + s1 + (s2 + s3);
}

/** Restart r's seed: a splitmix-style hash of (seed, r), so restarts are independent streams. */
function restartSeed(seed: number, r: number): number {
	const hi = Math.floor(seed / 4294967296) | 0;
	let h = (seed | 0) ^ Math.imul(r + 1, 0x9e3779b9) ^ Math.imul(hi, 0x27d4eb2f);
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

type Pass = { inertia: number; changed: number };

/**
 * Full assignment: each point to its nearest centroid (ties to the lower index). Writes labels,
 * squared distances `mind`, and `lower` = distance to the second-nearest centroid, the starting
 * lower bound for the bounded passes. This is the n·k·d loop. Exported for the step-through
 * stepper (stepper.ts), which runs exactly these two halves of a Lloyd iteration one at a time.
 */
export function assignAll(
	data: Float64Array,
	n: number,
	d: number,
	cent: Float64Array,
	k: number,
	labels: Int32Array,
	mind: Float64Array,
	lower: Float64Array,
	dirty: Uint8Array
): Pass {
	let inertia = 0;
	let changed = 0;
	for (let i = 0; i < n; i++) {
		const base = i * d;
		let best = Infinity;
		let second = Infinity;
		let bestC = 0;
		for (let c = 0; c < k; c++) {
			const q = sqDist(data, base, cent, c * d, d);
			if (q < best) {
				second = best;
				best = q;
				bestC = c;
			} else if (q < second) second = q;
		}
		const old = labels[i]!;
		if (old !== bestC) {
			if (old >= 0) dirty[old] = 1;
			dirty[bestC] = 1;
			labels[i] = bestC;
			changed++;
		}
		mind[i] = best;
		lower[i] = Math.sqrt(second);
		inertia += best;
	}
	return { inertia, changed };
}

/**
 * Relative safety margin on the Hamerly skip test. Bounds accumulate a few ulps of rounding per
 * iteration; skipping only when the assigned centroid wins by more than this margin means a skip
 * never takes a decision that the full scan would take differently.
 */
const SKIP_MARGIN = 1 - 1e-9;

/**
 * Bounded assignment (Hamerly 2010): same result as `assignAll`, but a point whose assigned
 * centroid is provably still the nearest skips the k-way scan. The proof uses two lower bounds on
 * the distance to every other centroid: `lower[i]` (last second-nearest distance minus how far the
 * centroids have moved since) and `half[a]` (half the distance from centroid a to its nearest
 * other centroid; triangle inequality). The exact distance to the assigned centroid is computed
 * for every point anyway, so labels, `mind` and the inertia are exactly what a full pass gives.
 */
function assignBounded(
	data: Float64Array,
	n: number,
	d: number,
	cent: Float64Array,
	k: number,
	labels: Int32Array,
	mind: Float64Array,
	lower: Float64Array,
	dirty: Uint8Array,
	half: Float64Array,
	moved: { max: number; maxC: number; second: number }
): Pass {
	let inertia = 0;
	let changed = 0;
	const { max, maxC, second: secondMax } = moved;
	for (let i = 0; i < n; i++) {
		const a = labels[i]!;
		const base = i * d;
		const l = lower[i]! - (a === maxC ? secondMax : max);
		const q = sqDist(data, base, cent, a * d, d);
		const h = half[a]!;
		const bound = (h > l ? h : l) * SKIP_MARGIN;
		if (bound > 0 && q < bound * bound) {
			mind[i] = q;
			lower[i] = l;
			inertia += q;
			continue;
		}
		let best = Infinity;
		let second = Infinity;
		let bestC = 0;
		for (let c = 0; c < k; c++) {
			const qc = c === a ? q : sqDist(data, base, cent, c * d, d);
			if (qc < best) {
				second = best;
				best = qc;
				bestC = c;
			} else if (qc < second) second = qc;
		}
		if (a !== bestC) {
			dirty[a] = 1;
			dirty[bestC] = 1;
			labels[i] = bestC;
			changed++;
		}
		mind[i] = best;
		lower[i] = Math.sqrt(second);
		inertia += best;
	}
	return { inertia, changed };
}

/**
 * After an update: how far each centroid moved (largest and second largest, for the lower
 * bounds) and half the distance from each centroid to its nearest neighbour.
 */
function boundsAfterUpdate(
	cent: Float64Array,
	prev: Float64Array,
	k: number,
	d: number,
	half: Float64Array
): { max: number; maxC: number; second: number } {
	let max = 0;
	let maxC = -1;
	let second = 0;
	for (let c = 0; c < k; c++) {
		const s = Math.sqrt(sqDist(cent, c * d, prev, c * d, d));
		if (s > max) {
			second = max;
			max = s;
			maxC = c;
		} else if (s > second) second = s;
	}
	half.fill(Infinity);
	for (let c = 0; c < k; c++) {
		for (let o = c + 1; o < k; o++) {
			const h = 0.5 * Math.sqrt(sqDist(cent, c * d, cent, o * d, d));
			if (h < half[c]!) half[c] = h;
			if (h < half[o]!) half[o] = h;
		}
	}
	return { max, maxC, second };
}

/**
 * Moves every centroid to the mean of its points. An empty cluster first takes over the point
 * farthest from its own centroid (as scikit-learn), taken from a cluster that keeps at least one
 * point, so no centroid is ever 0/0 = NaN.
 *
 * Only "dirty" clusters (a point joined or left since the last update) are recomputed: a cluster
 * with the same members would get the same mean, bit for bit, so skipping it changes nothing and
 * saves most of the O(n·d) work in the long tail of small corrections.
 *
 * Sums are taken relative to each cluster's first point (mean = x_first + mean(x - x_first)): a
 * cluster of identical customers then gets exactly their value as centroid (a plain sum of 100
 * copies of 0.1, divided by 100, is off by an ulp), and cancellation is smaller for data far from 0.
 */
export function update(
	data: Float64Array,
	n: number,
	d: number,
	cent: Float64Array,
	k: number,
	labels: Int32Array,
	mind: Float64Array,
	lower: Float64Array,
	dirty: Uint8Array,
	sums: Float64Array,
	counts: Int32Array,
	refs: Int32Array
): void {
	counts.fill(0);
	for (let i = 0; i < n; i++) counts[labels[i]!]!++;
	for (let c = 0; c < k; c++) {
		if (counts[c] !== 0) continue;
		let far = -1;
		let farDist = -1;
		for (let i = 0; i < n; i++) {
			const v = mind[i]!;
			if (v > farDist && counts[labels[i]!]! > 1) {
				farDist = v;
				far = i;
			}
		}
		// With at least k distinct points some point always qualifies; guard anyway.
		if (far < 0) continue;
		const old = labels[far]!;
		counts[old]!--;
		counts[c] = 1;
		labels[far] = c;
		dirty[old] = 1;
		dirty[c] = 1;
		// Zero so the same point is not picked again for another empty cluster.
		mind[far] = 0;
		// Its old lower bound excluded its old centroid, which is now "another" centroid: reset it.
		lower[far] = 0;
	}
	let anyDirty = false;
	for (let c = 0; c < k; c++) {
		if (dirty[c]) {
			anyDirty = true;
			refs[c] = -1;
			sums.fill(0, c * d, c * d + d);
		}
	}
	if (!anyDirty) return;
	for (let i = 0; i < n; i++) {
		const c = labels[i]!;
		if (dirty[c] === 0) continue;
		const base = i * d;
		const rb = refs[c]!;
		if (rb < 0) {
			refs[c] = base;
			continue; // x - x_first = 0
		}
		const cb = c * d;
		for (let j = 0; j < d; j++) sums[cb + j]! += data[base + j]! - data[rb + j]!;
	}
	for (let c = 0; c < k; c++) {
		const cnt = counts[c]!;
		// Clean clusters keep their (identical) mean; an empty one keeps its previous finite centroid.
		if (dirty[c] === 0 || cnt === 0) continue;
		dirty[c] = 0;
		const cb = c * d;
		const rb = refs[c]!;
		// Divide rather than multiply by 1/cnt: one rounding instead of two.
		for (let j = 0; j < d; j++) cent[cb + j] = data[rb + j]! + sums[cb + j]! / cnt;
	}
}

function hasEmptyCluster(labels: Int32Array, k: number, counts: Int32Array): boolean {
	counts.fill(0);
	for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
	for (let c = 0; c < k; c++) if (counts[c] === 0) return true;
	return false;
}

function badK(k: number): ClusterInputError {
	return new ClusterInputError(
		'bad-k',
		`The number of segments must be a whole number of at least 1 (got ${String(k)}).`
	);
}

/** Checks k against the number of customers. */
function validateK(k: number, n: number): void {
	if (!Number.isInteger(k) || k < 1) throw badK(k);
	if (k > n) {
		throw new ClusterInputError(
			'k-too-large',
			`k = ${k} but only ${plural(n, 'customer')}; choose at most ${plural(n, 'segment')}.`
		);
	}
}

function tooFewDistinct(distinct: number, k: number): ClusterInputError {
	return new ClusterInputError(
		'too-few-distinct',
		distinct <= 1
			? `All customers have identical values, so they cannot be split into ${k} segments.`
			: `Only ${distinct} distinct customers; choose at most ${plural(distinct, 'segment')}.`
	);
}

export function kmeans(m: Matrix, opts: KMeansOptions): KMeansResult {
	const { k, seed } = opts;
	const init = opts.init;
	const restarts = init ? 1 : (opts.restarts ?? 4);
	const maxIter = opts.maxIter ?? 100;
	const tol = opts.tol ?? 1e-6;
	if (!Number.isInteger(k) || k < 1) throw badK(k);
	if (!Number.isSafeInteger(seed)) throw new RangeError(`kmeans: seed must be a safe integer`);
	if (!Number.isInteger(restarts) || restarts < 1) throw new RangeError('kmeans: restarts >= 1');
	if (!Number.isSafeInteger(opts.firstRestart ?? 0) || (opts.firstRestart ?? 0) < 0) {
		throw new RangeError('kmeans: firstRestart >= 0');
	}
	if (!Number.isInteger(maxIter) || maxIter < 0) throw new RangeError('kmeans: maxIter >= 0');
	if (!(tol >= 0)) throw new RangeError('kmeans: tol >= 0');

	const stats = checkMatrix(m);
	const { n, d } = m;
	validateK(k, n);
	const shouldStop = opts.shouldStop;
	if (init) {
		if (init.length !== k * d) {
			throw new RangeError(`kmeans: init has ${init.length} values, expected k×d = ${k * d}`);
		}
		for (let p = 0; p < init.length; p++) {
			if (!Number.isFinite(init[p]!)) throw new RangeError('kmeans: init must be finite');
		}
		// Without k-means++ there is no seeding step to notice duplicates: count them directly.
		const distinct = countDistinctRows(m, k);
		if (distinct < k) throw tooFewDistinct(distinct, k);
	}

	const f = safeScaleFactor(stats.maxAbs);
	const work = scaledCopy(m, f);
	const data = work.data;

	const sums = new Float64Array(k * d);
	const counts = new Int32Array(k);
	const refs = new Int32Array(k);
	const prevCent = new Float64Array(k * d);
	const half = new Float64Array(k);
	const lower = new Float64Array(n);
	const dirty = new Uint8Array(k);
	let labels = new Int32Array(n);
	let mind = new Float64Array(n);
	let bestLabels = new Int32Array(n);
	let bestMind = new Float64Array(n);
	let bestCent: Float64Array = new Float64Array(k * d);
	let bestInertia = Infinity;
	let bestIter = 0;
	const timing: KMeansTiming = { seedMs: 0, lloydMs: 0, iterations: 0, iterationMs: [] };
	const wasm = opts.kernel ? new KernelMatrix(opts.kernel, data, n, d, k) : null;
	if (wasm) {
		labels = wasm.labels;
		mind = wasm.mind;
	}

	const firstRestart = opts.firstRestart ?? 0;
	for (let r = firstRestart; r < firstRestart + restarts; r++) {
		if (shouldStop?.()) throw new CancelledError();
		const seedStarted = performance.now();
		const rng = init ? null : createRng(restartSeed(seed, r));
		const cent = init
			? init.map((v) => v * f)
			: wasm
				? wasm.seed(k, rng!)
				: kmeansPlusPlus(work, k, rng!);
		timing.seedMs += performance.now() - seedStarted;
		if (cent.length < k * d) {
			// Seeding ran out of distinct points; count them exactly for the message. (Fewer seeds than
			// distinct rows can only come from squared differences underflowing: treat those as equal.)
			const distinct = Math.min(countDistinctRows(m, k), cent.length / d);
			throw tooFewDistinct(distinct, k);
		}
		if (shouldStop?.()) throw new CancelledError();
		if (wasm) wasm.reset();
		else {
			labels.fill(-1);
			dirty.fill(1);
		}
		let pass = wasm
			? wasm.assign(cent)
			: assignAll(data, n, d, cent, k, labels, mind, lower, dirty);
		let iterations = 0;
		let prev = Infinity;
		for (;;) {
			const inertia = pass.inertia;
			// Labels stable: the centroids are already the means of this assignment. Inertia barely
			// improving: stop too, unless a cluster just lost all its customers (one more update
			// re-seeds it, so a converged result never has an empty segment).
			if (
				iterations > 0 &&
				(pass.changed === 0 ||
					(prev - inertia <= tol * inertia && !hasEmptyCluster(labels, k, counts)))
			) {
				break;
			}
			// Out of iterations: stop right after an assignment so labels match the centroids.
			if (iterations >= maxIter) break;
			const iterationStarted = performance.now();
			if (wasm) wasm.update(cent);
			else {
				prevCent.set(cent);
				update(data, n, d, cent, k, labels, mind, lower, dirty, sums, counts, refs);
			}
			const updateMs = performance.now() - iterationStarted;
			iterations++;
			opts.onIteration?.({
				restart: r,
				restarts,
				iteration: iterations,
				inertia,
				changed: pass.changed
			});
			prev = inertia;
			if (shouldStop?.()) throw new CancelledError();
			const assignStarted = performance.now();
			if (wasm) pass = wasm.assign(cent);
			else {
				const moved = boundsAfterUpdate(cent, prevCent, k, d, half);
				pass = assignBounded(data, n, d, cent, k, labels, mind, lower, dirty, half, moved);
			}
			// The callback's time is left out: only the update and the assignment count.
			const iterationMs = updateMs + performance.now() - assignStarted;
			timing.lloydMs += iterationMs;
			timing.iterationMs.push(iterationMs);
			timing.iterations++;
		}
		// Strictly lower: on a tie the earlier restart wins, which keeps the result deterministic.
		if (pass.inertia < bestInertia) {
			bestInertia = pass.inertia;
			bestIter = iterations;
			bestCent = cent;
			if (wasm) {
				bestLabels.set(labels);
				bestMind.set(mind);
			} else {
				[bestLabels, labels] = [labels, bestLabels];
				[bestMind, mind] = [mind, bestMind];
			}
		}
	}

	const out = relabelBySize(bestLabels, bestCent, k, d);
	const back = 1 / f; // exact: f is a power of two
	const centroids = out.centroids;
	if (f !== 1) for (let p = 0; p < centroids.length; p++) centroids[p] = centroids[p]! * back;
	const distances = new Float64Array(n);
	for (let i = 0; i < n; i++) distances[i] = Math.sqrt(bestMind[i]!) * back;
	const inertia = bestInertia * back * back;
	if (!Number.isFinite(inertia)) {
		throw new ClusterInputError(
			'non-finite',
			`The values are too large to measure distances in double precision (row ${stats.maxRow + 1} ` +
				`column ${stats.maxColumn + 1} is ${stats.maxAbs.toExponential(2)}). ` +
				'Rescale or log-transform the columns first.',
			{ row: stats.maxRow, column: stats.maxColumn }
		);
	}
	return {
		labels: out.labels,
		centroids,
		inertia,
		iterations: bestIter,
		k,
		sizes: out.sizes,
		distances,
		timing
	};
}

/**
 * Renumbers clusters by descending size, ties by the lower first row, so "segment 1" is always
 * the biggest and two runs that find the same partition print the same labels.
 */
function relabelBySize(
	labels: Int32Array,
	cent: Float64Array,
	k: number,
	d: number
): { labels: Int32Array; centroids: Float64Array; sizes: Int32Array } {
	const n = labels.length;
	const size = new Int32Array(k);
	const first = new Int32Array(k).fill(n);
	for (let i = 0; i < n; i++) {
		const c = labels[i]!;
		if (size[c]!++ === 0) first[c] = i;
	}
	const order = Array.from({ length: k }, (_, c) => c);
	order.sort((a, b) => size[b]! - size[a]! || first[a]! - first[b]!);
	const newOf = new Int32Array(k);
	const sizes = new Int32Array(k);
	const centroids = new Float64Array(k * d);
	for (let r = 0; r < k; r++) {
		const c = order[r]!;
		newOf[c] = r;
		sizes[r] = size[c]!;
		centroids.set(cent.subarray(c * d, c * d + d), r * d);
	}
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) out[i] = newOf[labels[i]!]!;
	return { labels: out, centroids, sizes };
}
