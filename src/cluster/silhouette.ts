/**
 * Per-customer silhouette values, for Orange's Silhouette Plot: s(i) = (b − a) / max(a, b), a =
 * mean distance to the own segment, b = to the nearest other segment, on a seeded sample (the
 * sweep's sample rule) so large data stays fast. The same definition as the mean silhouette in
 * metrics.ts (a customer alone in its segment scores 0), kept per customer here. Pure.
 */
import type { Matrix } from './matrix';
import { sampleIndex, takeRows } from './sample';

export interface SilhouetteValues {
	/** Row numbers of the sampled customers (ascending). */
	rows: Int32Array;
	/** Their silhouette values, in the same order. */
	values: Float64Array;
}

export function silhouetteValues(
	m: Matrix,
	labels: ArrayLike<number>,
	k: number,
	opts: { sampleSize: number; seed: number }
): SilhouetteValues {
	const rows = sampleIndex(m.n, opts.sampleSize, opts.seed);
	const x = takeRows(m, rows);
	const s = rows.length;
	const { d } = m;
	const lab = Int32Array.from(rows, (i) => labels[i]!);
	const count = new Int32Array(k);
	for (const c of lab) count[c]!++;
	const sums = new Float64Array(s * k);
	for (let a = 0; a < s; a++) {
		for (let b = a + 1; b < s; b++) {
			let q = 0;
			for (let j = 0; j < d; j++) {
				const diff = x.data[a * d + j]! - x.data[b * d + j]!;
				q += diff * diff;
			}
			const dist = Math.sqrt(q);
			sums[a * k + lab[b]!]! += dist;
			sums[b * k + lab[a]!]! += dist;
		}
	}
	const values = new Float64Array(s);
	for (let a = 0; a < s; a++) {
		const own = lab[a]!;
		if (count[own]! <= 1) continue;
		const intra = sums[a * k + own]! / (count[own]! - 1);
		let nearest = Infinity;
		for (let c = 0; c < k; c++) {
			if (c === own || count[c] === 0) continue;
			nearest = Math.min(nearest, sums[a * k + c]! / count[c]!);
		}
		if (nearest === Infinity) continue;
		const denom = Math.max(intra, nearest);
		if (denom > 0) values[a] = (nearest - intra) / denom;
	}
	return { rows, values };
}
