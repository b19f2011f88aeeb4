/**
 * The silhouette's sums run over the sample reordered by segment (for speed); this guards that
 * the result is bit for bit the one of the plain double loop over the rows in order, which sums
 * every term in the same order.
 */
import { describe, expect, it } from 'vitest';
import { silhouette } from '../../../src/cluster/metrics';
import type { Matrix } from '../../../src/cluster/matrix';
import { fromRows, randomLabels, uniform } from './data';

/** The plain O(n²·d) loop in row order (the implementation before the reordering). */
function rowOrderSilhouette(m: Matrix, labels: Int32Array, k: number): number {
	const { data: x, n: s, d } = m;
	const cnt = new Int32Array(k);
	for (let a = 0; a < s; a++) cnt[labels[a]!]!++;
	let nonEmpty = 0;
	for (let c = 0; c < k; c++) if (cnt[c]! > 0) nonEmpty++;
	if (nonEmpty < 2) return 0;
	const sums = new Float64Array(s * k);
	for (let a = 0; a < s; a++) {
		for (let b = a + 1; b < s; b++) {
			let q = 0;
			for (let j = 0; j < d; j++) {
				const diff = x[a * d + j]! - x[b * d + j]!;
				q += diff * diff;
			}
			const dist = Math.sqrt(q);
			sums[a * k + labels[b]!]! += dist;
			sums[b * k + labels[a]!]! += dist;
		}
	}
	let total = 0;
	for (let a = 0; a < s; a++) {
		const own = labels[a]!;
		if (cnt[own]! <= 1) continue;
		const intra = sums[a * k + own]! / (cnt[own]! - 1);
		let nearest = Infinity;
		for (let c = 0; c < k; c++) {
			if (c === own || cnt[c] === 0) continue;
			const v = sums[a * k + c]! / cnt[c]!;
			if (v < nearest) nearest = v;
		}
		const denom = intra > nearest ? intra : nearest;
		if (denom > 0) total += (nearest - intra) / denom;
	}
	return total / s;
}

describe('silhouette reordered by segment', () => {
	it('gives exactly the row-order result', () => {
		for (const [n, d, k, seed] of [
			[1500, 4, 6, 1],
			[777, 3, 9, 2],
			[400, 1, 2, 3],
			[901, 7, 5, 4]
		] as const) {
			const m = uniform(n, d, seed);
			const labels = randomLabels(n, k, seed + 20);
			labels[n - 1] = k - 1;
			expect(silhouette(m, labels, k, { sampleSize: n })).toBe(rowOrderSilhouette(m, labels, k));
		}
	});

	it('with duplicates, a singleton and an empty segment', () => {
		const rows: number[][] = [];
		for (let i = 0; i < 300; i++) rows.push([i % 4, (i * 7) % 3]);
		rows.push([40, 40]);
		const m = fromRows(rows);
		const labels = new Int32Array(m.n);
		for (let i = 0; i < m.n; i++) labels[i] = i === m.n - 1 ? 4 : i % 3 === 0 ? 0 : (i % 4) + 1;
		labels.forEach((c, i) => (labels[i] = c === 3 ? 2 : c)); // segment 3 empty
		expect(silhouette(m, labels, 5)).toBe(rowOrderSilhouette(m, labels, 5));
	});
});
