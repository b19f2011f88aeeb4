/**
 * Guards the IMM threshold tree behind each segment's rule: splits worked out by hand on tiny
 * data (which feature, which threshold, how many mistakes, fidelity), the root's mistake count
 * against brute force over every threshold, and exactly k leaves on k-means results.
 */
import { describe, expect, it } from 'vitest';
import { kmeans } from '../../../src/cluster/kmeans';
import { createRng } from '../../../src/cluster/rng';
import {
	fidelity,
	fitThresholdTree,
	leafPaths,
	predict,
	type ThresholdTree
} from '../../../src/cluster/tree';
import { blobs, fromRows } from './data';

function centroidsOf(rows: number[][], labels: number[], k: number): Float64Array {
	const d = rows[0]!.length;
	const out = new Float64Array(k * d);
	const n = new Array<number>(k).fill(0);
	rows.forEach((r, i) => {
		n[labels[i]!]!++;
		r.forEach((v, j) => (out[labels[i]! * d + j]! += v));
	});
	return out.map((v, p) => v / n[Math.floor(p / d)]!);
}

function leaves(t: ThresholdTree): number {
	return t.kind === 'leaf' ? 1 : leaves(t.left) + leaves(t.right);
}

describe('fitThresholdTree', () => {
	it('splits one feature at the middle of the widest clean gap', () => {
		const rows = [[0], [1], [2], [10], [11], [12]];
		const labels = [0, 0, 0, 1, 1, 1];
		const tree = fitThresholdTree(fromRows(rows), labels, centroidsOf(rows, labels, 2), 2);
		// Centres 1 and 11; no mistakes for θ in [2, 10), so θ = 6.
		expect(tree).toMatchObject({ kind: 'split', feature: 0, threshold: 6, mistakes: 0 });
		expect(leafPaths(tree)).toEqual([
			{ cluster: 0, conditions: [{ feature: 0, threshold: 6, le: true }] },
			{ cluster: 1, conditions: [{ feature: 0, threshold: 6, le: false }] }
		]);
	});

	it('picks the feature and threshold with the fewest mistakes, worked by hand', () => {
		// A around (0.5, 0.5); B around (4.5, 0.5) plus a stray member at (0.8, 0.5), which pulls
		// B's centre to x = 3.76; C around (4.5, 4.5).
		const rows = [
			[0, 0],
			[1, 0],
			[0, 1],
			[1, 1],
			[4, 0],
			[5, 0],
			[4, 1],
			[5, 1],
			[0.8, 0.5],
			[4, 4],
			[5, 4],
			[4, 5],
			[5, 5]
		];
		const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2];
		const m = fromRows(rows);
		const tree = fitThresholdTree(m, labels, centroidsOf(rows, labels, 3), 3);
		// Root: y separates C with no mistake across the gap 1 → 4 (θ = 2.5); x would cost the
		// stray point. Then A | B on x: the stray member is the one mistake, θ midway from 1 to
		// B's centre 3.76.
		expect(tree).toMatchObject({ kind: 'split', feature: 1, threshold: 2.5, mistakes: 0 });
		if (tree.kind !== 'split') throw new Error('no split');
		expect(tree.right).toEqual({ kind: 'leaf', cluster: 2, points: 4 });
		expect(tree.left).toMatchObject({ kind: 'split', feature: 0, mistakes: 1, points: 9 });
		if (tree.left.kind !== 'split') throw new Error('no split');
		expect(tree.left.threshold).toBeCloseTo((1 + 3.76) / 2, 12);
		// IMM drops the mistaken point: B's leaf holds 4 of its 5 members.
		expect(tree.left.right).toEqual({ kind: 'leaf', cluster: 1, points: 4 });

		const f = fidelity(labels, predict(tree, m), 3);
		expect(f.perCluster).toEqual([1, 4 / 5, 1]);
		expect(f.overall).toBeCloseTo(12 / 13, 14);
		expect(f.sizes).toEqual([4, 5, 4]);
	});

	it('finds the fewest root mistakes over every feature and threshold (brute force)', () => {
		const rng = createRng(5);
		for (let trial = 0; trial < 20; trial++) {
			const n = 30;
			const k = 3 + (trial % 3);
			const rows = Array.from({ length: n }, () => [rng.int(0, 9), rng.int(0, 9), rng.next() * 10]);
			const labels = rows.map((_, i) => (i < k ? i : rng.int(0, k - 1)));
			const centroids = centroidsOf(rows, labels, k);
			const tree = fitThresholdTree(fromRows(rows), labels, centroids, k);
			let best = Infinity;
			for (let j = 0; j < 3; j++) {
				const centreValues = Array.from({ length: k }, (_, c) => centroids[c * 3 + j]!);
				const lo = Math.min(...centreValues);
				const hi = Math.max(...centreValues);
				const cuts = [...rows.map((r) => r[j]!), ...centreValues].filter((v) => v >= lo && v < hi);
				for (const theta of cuts) {
					let mistakes = 0;
					rows.forEach((r, i) => {
						if (r[j]! <= theta !== centroids[labels[i]! * 3 + j]! <= theta) mistakes++;
					});
					best = Math.min(best, mistakes);
				}
			}
			expect(tree.kind).toBe('split');
			if (tree.kind === 'split') expect(tree.mistakes).toBe(best);
			expect(leaves(tree)).toBe(k);
		}
	});

	it('explains well-separated k-means segments exactly, with k leaves', () => {
		const { m } = blobs(
			[
				[0, 0, 0],
				[8, 0, 0],
				[0, 8, 0],
				[0, 0, 8],
				[8, 8, 8]
			],
			60,
			0.7,
			3
		);
		const fit = kmeans(m, { k: 5, seed: 1 });
		const tree = fitThresholdTree(m, fit.labels, fit.centroids, 5);
		expect(leaves(tree)).toBe(5);
		const paths = leafPaths(tree);
		expect(paths.map((p) => p.cluster)).toEqual([0, 1, 2, 3, 4]);
		expect(fidelity(fit.labels, predict(tree, m), 5).overall).toBe(1);
	});

	it('refuses labels that do not fit k', () => {
		const m = fromRows([[0], [1]]);
		expect(() => fitThresholdTree(m, [0, 2], new Float64Array(2), 2)).toThrow(/outside 0..1/);
		expect(() => fitThresholdTree(m, [0], new Float64Array(2), 2)).toThrow(/1 labels for 2/);
	});
});
