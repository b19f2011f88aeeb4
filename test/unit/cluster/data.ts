/** Synthetic data sets for the clustering tests (seeded, so every run sees the same numbers). */

import { createRng } from '../../../src/cluster/rng';
import type { Matrix } from '../../../src/cluster/matrix';

/**
 * Gaussian blobs stored blob after blob: rows of blob b come before those of blob b + 1, so the
 * true label of a row is simply its blob index.
 */
export function blobs(
	centers: number[][],
	sizes: number | number[],
	sd: number,
	seed: number
): { m: Matrix; truth: Int32Array } {
	const rng = createRng(seed);
	const d = centers[0]!.length;
	const counts = centers.map((_, b) => (typeof sizes === 'number' ? sizes : sizes[b]!));
	const n = counts.reduce((a, b) => a + b, 0);
	const data = new Float64Array(n * d);
	const truth = new Int32Array(n);
	let i = 0;
	centers.forEach((c, b) => {
		for (let r = 0; r < counts[b]!; r++, i++) {
			truth[i] = b;
			for (let j = 0; j < d; j++) data[i * d + j] = c[j]! + rng.gauss(0, sd);
		}
	});
	return { m: { data, n, d }, truth };
}

/** n×d uniform noise in [0, 1). */
export function uniform(n: number, d: number, seed: number): Matrix {
	const rng = createRng(seed);
	const data = new Float64Array(n * d);
	for (let p = 0; p < data.length; p++) data[p] = rng.next();
	return { data, n, d };
}

export function fromRows(rows: number[][]): Matrix {
	const n = rows.length;
	const d = rows[0]?.length ?? 0;
	return { data: Float64Array.from(rows.flat()), n, d };
}

/** Random labels 0..k-1 with every label used at least once (the first k rows get 0..k-1). */
export function randomLabels(n: number, k: number, seed: number): Int32Array {
	const rng = createRng(seed);
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) out[i] = i < k ? i : rng.int(0, k - 1);
	return out;
}

export const FOUR_CENTERS = [
	[0, 0, 0],
	[10, 0, 0],
	[0, 10, 0],
	[0, 0, 10]
];
