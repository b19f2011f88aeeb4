/**
 * The seeded row sample the k sweep runs on, shared by everything that must see the same
 * customers (the sweep in workers/segment.ts, the stability check, the silhouette plot).
 *
 * A partial Fisher-Yates shuffle from `createRng(seed)`, then sorted so the sample keeps the
 * table's order. Pure.
 */
import type { Matrix } from './matrix';
import { createRng } from './rng';

/** Row numbers of a seeded sample of `size` of `n` rows, ascending; every row when n ≤ size. */
export function sampleIndex(n: number, size: number, seed: number): Int32Array {
	if (n <= size) return Int32Array.from({ length: n }, (_, i) => i);
	const rng = createRng(seed);
	const index = new Int32Array(n);
	for (let i = 0; i < n; i++) index[i] = i;
	for (let i = 0; i < size; i++) {
		const j = i + Math.floor(rng.next() * (n - i));
		const t = index[i]!;
		index[i] = index[j]!;
		index[j] = t;
	}
	return index.slice(0, size).sort();
}

/** The rows of `m` at `rows`, in that order, as a new matrix. */
export function takeRows(m: Matrix, rows: ArrayLike<number>): Matrix {
	const size = rows.length;
	const data = new Float64Array(size * m.d);
	for (let r = 0; r < size; r++) {
		const i = rows[r]!;
		data.set(m.data.subarray(i * m.d, (i + 1) * m.d), r * m.d);
	}
	return { data, n: size, d: m.d };
}

/** The sweep's sample of a matrix (what sampleRows did in workers/segment.ts). */
export function sampleRows(m: Matrix, size: number, seed: number): Matrix {
	return m.n <= size ? m : takeRows(m, sampleIndex(m.n, size, seed));
}
