/**
 * Cluster quality scores, matching scikit-learn's definitions:
 *
 * - inertia: sum of squared distances to the assigned centroid (lower is tighter; not comparable
 *   across k because it always falls as k grows).
 * - silhouette: mean over customers of (b - a) / max(a, b), a = mean distance to the own segment,
 *   b = mean distance to the nearest other segment. -1..1, higher is better.
 * - Calinski-Harabasz: between-segment over within-segment dispersion, scaled by degrees of
 *   freedom. Higher is better.
 * - Davies-Bouldin: mean over segments of the worst (spread_i + spread_j) / centroid distance.
 *   0 is best, lower is better.
 *
 * Degenerate inputs never produce NaN: with fewer than two non-empty segments every score is 0;
 * other special cases are documented per function. Silhouette, Calinski-Harabasz and Davies-Bouldin
 * do not change when all data is multiplied by a constant, so extreme magnitudes are rescaled by a
 * power of two first and squared distances cannot overflow.
 */

import { checkMatrix, safeScaleFactor, scaledCopy, type Matrix } from './matrix';
import { createRng } from './rng';

export type SilhouetteOptions = {
	/** Score at most this many customers (sampled without replacement). Default 5000. */
	sampleSize?: number;
	/** Seed for the sample (safe integer). Default 0. */
	seed?: number;
};

function checkLabels(labels: ArrayLike<number>, n: number, k: number): Int32Array {
	if (!Number.isInteger(k) || k < 1) throw new RangeError(`metrics: bad k ${k}`);
	if (labels.length !== n) {
		throw new RangeError(`metrics: ${labels.length} labels for ${n} rows`);
	}
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const c = labels[i]!;
		if (!Number.isInteger(c) || c < 0 || c >= k) {
			throw new RangeError(`metrics: label ${c} at row ${i} is outside 0..${k - 1}`);
		}
		out[i] = c;
	}
	return out;
}

/**
 * Sum of squared Euclidean distances from each row to `centroids[labels[i]]` (k×d). Unlike the
 * ratios below this is in squared data units, so it is not rescaled: it is Infinity only if the
 * true value exceeds the double range (~1.8e308).
 */
export function inertia(m: Matrix, labels: ArrayLike<number>, centroids: Float64Array): number {
	const { data, n, d } = m;
	checkMatrix(m);
	const k = Math.floor(centroids.length / d);
	if (k * d !== centroids.length || k < 1) {
		throw new RangeError(`inertia: centroids length ${centroids.length} is not a multiple of ${d}`);
	}
	const lab = checkLabels(labels, n, k);
	let total = 0;
	for (let i = 0; i < n; i++) {
		const base = i * d;
		const cb = lab[i]! * d;
		for (let j = 0; j < d; j++) {
			const diff = data[base + j]! - centroids[cb + j]!;
			total += diff * diff;
		}
	}
	return total;
}

/**
 * Per-cluster sizes and means of (already range-safe) data. Sums run relative to each cluster's
 * first row so that a cluster of identical customers has exactly their value as mean (then the
 * within-cluster spread is exactly 0, not 1e-30, and the degenerate cases below are recognised).
 */
function clusterMeans(
	data: Float64Array,
	n: number,
	d: number,
	lab: Int32Array,
	k: number
): { counts: Int32Array; means: Float64Array; nonEmpty: number } {
	const counts = new Int32Array(k);
	const refs = new Int32Array(k);
	const sums = new Float64Array(k * d);
	for (let i = 0; i < n; i++) {
		const c = lab[i]!;
		const base = i * d;
		if (counts[c]!++ === 0) {
			refs[c] = base;
			continue;
		}
		const cb = c * d;
		const rb = refs[c]!;
		for (let j = 0; j < d; j++) sums[cb + j]! += data[base + j]! - data[rb + j]!;
	}
	const means = new Float64Array(k * d);
	let nonEmpty = 0;
	for (let c = 0; c < k; c++) {
		const cnt = counts[c]!;
		if (cnt === 0) continue;
		nonEmpty++;
		const rb = refs[c]!;
		for (let j = 0; j < d; j++) means[c * d + j] = data[rb + j]! + sums[c * d + j]! / cnt;
	}
	return { counts, means, nonEmpty };
}

function rangeSafe(m: Matrix): Matrix {
	return scaledCopy(m, safeScaleFactor(checkMatrix(m).maxAbs));
}

/**
 * Mean silhouette coefficient. Exact when n <= sampleSize; otherwise computed on a seeded random
 * sample of sampleSize customers, with distances to all customers of the sample (as scikit-learn's
 * `sample_size`). A customer alone in its segment scores 0 (scikit-learn's convention); fewer than
 * two non-empty segments (in the sample) returns 0.
 */
export function silhouette(
	m: Matrix,
	labels: ArrayLike<number>,
	k: number,
	opts: SilhouetteOptions = {}
): number {
	const sampleSize = opts.sampleSize ?? 5000;
	const seed = opts.seed ?? 0;
	if (!Number.isInteger(sampleSize) || sampleSize < 2) {
		throw new RangeError('silhouette: sampleSize must be an integer >= 2');
	}
	const { n, d } = m;
	const safe = rangeSafe(m);
	const allLab = checkLabels(labels, n, k);

	// Pick the sample: a partial Fisher-Yates shuffle, then sorted so memory is read in order.
	let rows: Int32Array;
	if (n <= sampleSize) {
		rows = new Int32Array(n);
		for (let i = 0; i < n; i++) rows[i] = i;
	} else {
		const perm = new Int32Array(n);
		for (let i = 0; i < n; i++) perm[i] = i;
		const rng = createRng(seed);
		for (let i = 0; i < sampleSize; i++) {
			const j = i + Math.min(n - i - 1, Math.floor(rng.next() * (n - i)));
			const t = perm[i]!;
			perm[i] = perm[j]!;
			perm[j] = t;
		}
		rows = perm.slice(0, sampleSize).sort();
	}
	const s = rows.length;
	const cnt = new Int32Array(k);
	for (let a = 0; a < s; a++) cnt[allLab[rows[a]!]!]!++;
	let nonEmpty = 0;
	for (let c = 0; c < k; c++) if (cnt[c]! > 0) nonEmpty++;
	if (nonEmpty < 2) return 0;

	// The sample reordered by segment (stable, so each segment keeps row order): segment c holds
	// positions start[c]..start[c + 1] - 1, and `at[p]` is position p's place in row order.
	const start = new Int32Array(k + 1);
	for (let c = 0; c < k; c++) start[c + 1] = start[c]! + cnt[c]!;
	const fill = start.slice(0, k);
	const x = new Float64Array(s * d);
	const lab = new Int32Array(s);
	const at = new Int32Array(s);
	for (let a = 0; a < s; a++) {
		const i = rows[a]!;
		const c = allLab[i]!;
		const p = fill[c]!++;
		x.set(safe.data.subarray(i * d, i * d + d), p * d);
		lab[p] = c;
		at[p] = a;
	}

	// sums[p * k + c] = total distance from sample point p to the points of segment c. Each pair is
	// computed once and credited to both ends, halving the O(s²·d) work. Every sum adds its terms in
	// row order, as a plain double loop over the sample would; the reordering only lets a point's
	// running sum for one segment stay in a register instead of a chain of loads and stores through
	// memory (2.7× faster, the same bits).
	const sums = new Float64Array(s * k);
	for (let a = 0; a < s; a++) {
		const ab = a * d;
		const la = lab[a]!;
		const rowA = a * k;
		for (let c = la; c < k; c++) {
			const from = c === la ? a + 1 : start[c]!;
			const to = start[c + 1]!;
			sums[rowA + c] =
				d === 4
					? sumDistances4(x, ab, from, to, sums, k, la, sums[rowA + c]!)
					: sumDistances(x, d, ab, from, to, sums, k, la, sums[rowA + c]!);
		}
	}
	// Scores summed in row order, as before the reordering.
	const score = new Float64Array(s);
	for (let a = 0; a < s; a++) {
		const own = lab[a]!;
		const ownCount = cnt[own]!;
		if (ownCount <= 1) continue; // singleton: s = 0
		const intra = sums[a * k + own]! / (ownCount - 1);
		let nearest = Infinity;
		for (let c = 0; c < k; c++) {
			if (c === own || cnt[c] === 0) continue;
			const v = sums[a * k + c]! / cnt[c]!;
			if (v < nearest) nearest = v;
		}
		const denom = intra > nearest ? intra : nearest;
		// Both zero: the customer coincides with its own and the nearest other segment; score 0.
		if (denom > 0) score[at[a]!] = (nearest - intra) / denom;
	}
	let total = 0;
	for (let a = 0; a < s; a++) total += score[a]!;
	return total / s;
}

/**
 * Adds the distances from the point at x[ab..] to points from..to-1 onto `own` (returned) and
 * credits each to that point's sum for segment `la`, in order: q sums the squared differences
 * left to right, as every silhouette distance does.
 */
function sumDistances(
	x: Float64Array,
	d: number,
	ab: number,
	from: number,
	to: number,
	sums: Float64Array,
	k: number,
	la: number,
	own: number
): number {
	for (let b = from; b < to; b++) {
		const bb = b * d;
		let q = 0;
		for (let j = 0; j < d; j++) {
			const diff = x[ab + j]! - x[bb + j]!;
			q += diff * diff;
		}
		const dist = Math.sqrt(q);
		own += dist;
		sums[b * k + la]! += dist;
	}
	return own;
}

/** `sumDistances` for d = 4 (the default recipe), with the point's coordinates in registers. */
function sumDistances4(
	x: Float64Array,
	ab: number,
	from: number,
	to: number,
	sums: Float64Array,
	k: number,
	la: number,
	own: number
): number {
	const a0 = x[ab]!;
	const a1 = x[ab + 1]!;
	const a2 = x[ab + 2]!;
	const a3 = x[ab + 3]!;
	for (let b = from; b < to; b++) {
		const bb = b * 4;
		const t0 = a0 - x[bb]!;
		const t1 = a1 - x[bb + 1]!;
		const t2 = a2 - x[bb + 2]!;
		const t3 = a3 - x[bb + 3]!;
		// The same left-to-right order as the loop: (((t0² + t1²) + t2²) + t3²).
		const dist = Math.sqrt(t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3);
		own += dist;
		sums[b * k + la]! += dist;
	}
	return own;
}

/**
 * Calinski-Harabasz index: [B / (k' - 1)] / [W / (n - k')] with k' the number of non-empty
 * segments. Returns 0 when k' < 2, and 1 when W = 0 (every segment is a set of identical
 * customers), as scikit-learn does.
 */
export function calinskiHarabasz(m: Matrix, labels: ArrayLike<number>, k: number): number {
	const { n, d } = m;
	const safe = rangeSafe(m);
	const data = safe.data;
	const lab = checkLabels(labels, n, k);
	const { counts, means, nonEmpty } = clusterMeans(data, n, d, lab, k);
	if (nonEmpty < 2) return 0;
	const overall = new Float64Array(d);
	for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) overall[j]! += data[i * d + j]!;
	for (let j = 0; j < d; j++) overall[j]! /= n;
	let between = 0;
	for (let c = 0; c < k; c++) {
		const cnt = counts[c]!;
		if (cnt === 0) continue;
		let q = 0;
		for (let j = 0; j < d; j++) {
			const diff = means[c * d + j]! - overall[j]!;
			q += diff * diff;
		}
		between += cnt * q;
	}
	let within = 0;
	for (let i = 0; i < n; i++) {
		const base = i * d;
		const cb = lab[i]! * d;
		for (let j = 0; j < d; j++) {
			const diff = data[base + j]! - means[cb + j]!;
			within += diff * diff;
		}
	}
	if (within === 0) return 1;
	return (between * (n - nonEmpty)) / (within * (nonEmpty - 1));
}

/**
 * Davies-Bouldin index over non-empty segments. Returns 0 when fewer than two segments are
 * non-empty or every segment has zero spread; a pair of segments with identical centroids is
 * skipped (scikit-learn treats its distance as infinite).
 */
export function daviesBouldin(m: Matrix, labels: ArrayLike<number>, k: number): number {
	const { n, d } = m;
	const safe = rangeSafe(m);
	const data = safe.data;
	const lab = checkLabels(labels, n, k);
	const { counts, means, nonEmpty } = clusterMeans(data, n, d, lab, k);
	if (nonEmpty < 2) return 0;
	const spread = new Float64Array(k);
	for (let i = 0; i < n; i++) {
		const base = i * d;
		const c = lab[i]!;
		const cb = c * d;
		let q = 0;
		for (let j = 0; j < d; j++) {
			const diff = data[base + j]! - means[cb + j]!;
			q += diff * diff;
		}
		spread[c]! += Math.sqrt(q);
	}
	let anySpread = false;
	for (let c = 0; c < k; c++) {
		if (counts[c]! > 0) spread[c]! /= counts[c]!;
		if (spread[c]! > 0) anySpread = true;
	}
	if (!anySpread) return 0;
	let total = 0;
	for (let c = 0; c < k; c++) {
		if (counts[c] === 0) continue;
		let worst = 0;
		for (let o = 0; o < k; o++) {
			if (o === c || counts[o] === 0) continue;
			let q = 0;
			for (let j = 0; j < d; j++) {
				const diff = means[c * d + j]! - means[o * d + j]!;
				q += diff * diff;
			}
			if (q === 0) continue;
			const r = (spread[c]! + spread[o]!) / Math.sqrt(q);
			if (r > worst) worst = r;
		}
		total += worst;
	}
	return total / nonEmpty;
}
