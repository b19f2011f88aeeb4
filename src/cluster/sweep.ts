/**
 * "How many segments?" — runs k-means for each k in a range and scores every result, then
 * recommends one k with a one-sentence reason a non-statistician can read.
 *
 * Rule (deliberately simple and explainable): the k with the highest silhouette wins; k values
 * within 0.005 of the best silhouette count as a tie and the smallest of them wins, because fewer
 * segments are easier to act on. The inertia elbow (kneedle: the point farthest below the straight
 * line from the first to the last inertia) is reported alongside and mentioned when it disagrees.
 */

import {
	ClusterInputError,
	CancelledError,
	checkMatrix,
	countDistinctRows,
	plural
} from './matrix';
import type { Matrix } from './matrix';
import { kmeans } from './kmeans';
import { calinskiHarabasz, daviesBouldin, silhouette } from './metrics';
import type { KMeansKernel } from './wasm-kernel';

export type SweepRow = {
	k: number;
	inertia: number;
	silhouette: number;
	calinskiHarabasz: number;
	daviesBouldin: number;
};

export type SweepOptions = {
	/** Default 2 (silhouette needs at least two segments). */
	kMin?: number;
	/** Default 10; capped at n - 1 and at the number of distinct customers. */
	kMax?: number;
	seed: number;
	/** k-means restarts per k (default: kmeans' default). */
	restarts?: number;
	/** Silhouette sample size (default: silhouette's default, 5000). */
	silhouetteSample?: number;
	/** Called with (0, total) before the first k and after each k. */
	onProgress?: (done: number, total: number) => void;
	shouldStop?: () => boolean;
};

export type SweepResult = {
	rows: SweepRow[];
	recommendedK: number;
	reason: string;
	/** Elbow of the inertia curve, or null with fewer than 3 rows or no bend. */
	elbowK: number | null;
};

export type ScoreOptions = {
	seed: number;
	restarts?: number | undefined;
	silhouetteSample?: number | undefined;
	kernel?: KMeansKernel | undefined;
	shouldStop?: (() => boolean) | undefined;
};

/**
 * One k of a sweep: k-means and its scores, and the centroids. A function of (m, k, options)
 * alone, so the sweep can score its k values in any order, on any thread, with the same result.
 */
export function scoreK(
	m: Matrix,
	k: number,
	opts: ScoreOptions
): { row: SweepRow; centroids: Float64Array } {
	const res = kmeans(m, {
		k,
		seed: opts.seed,
		restarts: opts.restarts,
		shouldStop: opts.shouldStop,
		kernel: opts.kernel
	});
	return {
		row: {
			k,
			inertia: res.inertia,
			// Same seed for every k: all silhouettes are measured on the same sample of customers.
			silhouette: silhouette(m, res.labels, k, {
				seed: opts.seed,
				sampleSize: opts.silhouetteSample
			}),
			calinskiHarabasz: calinskiHarabasz(m, res.labels, k),
			daviesBouldin: daviesBouldin(m, res.labels, k)
		},
		centroids: res.centroids
	};
}

/** Silhouette differences up to this are treated as ties (then the smaller k wins). */
export const SILHOUETTE_TIE = 0.005;

export function sweepK(m: Matrix, opts: SweepOptions): SweepResult {
	const kMin = opts.kMin ?? 2;
	const kMaxAsked = opts.kMax ?? 10;
	if (!Number.isInteger(kMin) || kMin < 2) {
		throw new ClusterInputError(
			'bad-k',
			`The smallest k to try must be a whole number of at least 2 (got ${String(kMin)}).`
		);
	}
	if (!Number.isInteger(kMaxAsked) || kMaxAsked < kMin) {
		throw new ClusterInputError(
			'bad-k',
			`The largest k to try must be a whole number of at least ${kMin} (got ${String(kMaxAsked)}).`
		);
	}
	checkMatrix(m);
	const { n } = m;
	// k = n puts every customer alone (silhouette undefined), so stop at n - 1. More segments than
	// distinct customers cannot exist; k equal to the distinct count is allowed because it is a
	// genuine grouping of duplicated profiles.
	const distinct = countDistinctRows(m, kMaxAsked);
	if (distinct < 2) {
		throw new ClusterInputError(
			'too-few-distinct',
			'All customers have identical values, so there is nothing to segment.'
		);
	}
	const kMax = Math.min(kMaxAsked, n - 1, distinct);
	if (kMax < kMin) {
		throw n - 1 < kMin
			? new ClusterInputError(
					'k-too-large',
					`Scoring k = ${kMin} needs at least ${kMin + 1} customers, but there are only ${n}.`
				)
			: new ClusterInputError(
					'too-few-distinct',
					`Only ${distinct} distinct customers; choose at most ${plural(distinct, 'segment')}.`
				);
	}

	const total = kMax - kMin + 1;
	opts.onProgress?.(0, total);
	const rows: SweepRow[] = [];
	for (let k = kMin; k <= kMax; k++) {
		if (opts.shouldStop?.()) throw new CancelledError();
		rows.push(scoreK(m, k, opts).row);
		opts.onProgress?.(rows.length, total);
	}

	return { rows, ...recommendK(rows) };
}

/**
 * The recommendation rule on its own (rows in increasing k): highest silhouette, ties within
 * SILHOUETTE_TIE go to the smallest k; plus the elbow and the one-sentence reason.
 */
export function recommendK(rows: readonly SweepRow[]): {
	recommendedK: number;
	reason: string;
	elbowK: number | null;
} {
	if (rows.length === 0) throw new RangeError('recommendK: no rows');
	let best = rows[0]!;
	for (const r of rows) if (r.silhouette > best.silhouette) best = r;
	// Rows are in increasing k, so the first one inside the tie band is the smallest k.
	const rec = rows.find((r) => r.silhouette >= best.silhouette - SILHOUETTE_TIE) ?? best;
	const elbow = elbowK(
		rows.map((r) => r.k),
		rows.map((r) => r.inertia)
	);
	return { recommendedK: rec.k, reason: explain(best, rec, elbow), elbowK: elbow };
}

/** Plain-English reading of a silhouette (Kaufman & Rousseeuw's bands). */
function describe(s: number): string {
	if (s > 0.7) return 'customers sit clearly closer to their own segment than to the next one.';
	if (s > 0.5) return 'customers are reasonably well separated from the next segment.';
	if (s > 0.25) {
		return 'the structure is weak: segments overlap a lot, so many customers sit near a boundary.';
	}
	return 'no k separates customers well, so treat the segments as a convenient split rather than natural groups.';
}

function explain(best: SweepRow, rec: SweepRow, elbow: number | null): string {
	const head =
		best === rec
			? `k = ${rec.k} has the highest silhouette (${rec.silhouette.toFixed(2)})`
			: `k = ${rec.k} has practically the highest silhouette (${rec.silhouette.toFixed(3)}, ` +
				`vs ${best.silhouette.toFixed(3)} at k = ${best.k}, and fewer segments are simpler)`;
	let text = `${head}: ${describe(rec.silhouette)}`;
	if (elbow !== null && elbow !== rec.k) {
		text += ` The inertia curve bends most at k = ${elbow} (the elbow), which suggests ${
			elbow < rec.k ? 'fewer' : 'more'
		} segments.`;
	}
	return text;
}

/**
 * Kneedle-style elbow: normalise k and inertia to [0, 1] and return the k farthest below the
 * straight line from the first to the last point (ties: smaller k). Null with fewer than three
 * points, flat inertia, or no point below the line.
 */
export function elbowK(ks: readonly number[], inertias: readonly number[]): number | null {
	const len = ks.length;
	if (len < 3 || inertias.length !== len) return null;
	const k0 = ks[0]!;
	const kN = ks[len - 1]!;
	const i0 = inertias[0]!;
	const iN = inertias[len - 1]!;
	if (!(kN > k0) || !(i0 > iN)) return null;
	let best: number | null = null;
	let bestGap = 0;
	for (let p = 1; p < len - 1; p++) {
		const x = (ks[p]! - k0) / (kN - k0);
		const y = (inertias[p]! - iN) / (i0 - iN);
		// The line runs from (0, 1) to (1, 0); 1 - x - y is proportional to the distance below it.
		const gap = 1 - x - y;
		if (gap > bestGap) {
			bestGap = gap;
			best = ks[p]!;
		}
	}
	return best;
}
