import { describe, it, expect } from 'vitest';
import { calinskiHarabasz, daviesBouldin, inertia, silhouette } from '../../../src/cluster/metrics';
import { kmeans } from '../../../src/cluster/kmeans';
import { blobs, fromRows, randomLabels, uniform } from './data';
import type { Matrix } from '../../../src/cluster/matrix';

// Slow, textbook reference implementations (straight from the definitions, no shortcuts).

function dist(m: Matrix, i: number, j: number): number {
	let q = 0;
	for (let c = 0; c < m.d; c++) q += (m.data[i * m.d + c]! - m.data[j * m.d + c]!) ** 2;
	return Math.sqrt(q);
}

function refMeans(m: Matrix, labels: Int32Array, k: number): number[][] {
	return Array.from({ length: k }, (_, c) => {
		const rows = [...labels.keys()].filter((i) => labels[i] === c);
		return Array.from(
			{ length: m.d },
			(_, j) => rows.reduce((s, i) => s + m.data[i * m.d + j]!, 0) / rows.length
		);
	});
}

function refSilhouette(m: Matrix, labels: Int32Array, k: number): number {
	let total = 0;
	for (let i = 0; i < m.n; i++) {
		const mean = (c: number, skipSelf: boolean) => {
			let s = 0;
			let cnt = 0;
			for (let j = 0; j < m.n; j++) {
				if (labels[j] !== c || (skipSelf && j === i)) continue;
				s += dist(m, i, j);
				cnt++;
			}
			return { s: cnt ? s / cnt : 0, cnt };
		};
		const own = mean(labels[i]!, true);
		if (own.cnt === 0) continue;
		let b = Infinity;
		for (let c = 0; c < k; c++) {
			if (c === labels[i]) continue;
			const o = mean(c, false);
			if (o.cnt > 0) b = Math.min(b, o.s);
		}
		total += (b - own.s) / Math.max(own.s, b);
	}
	return total / m.n;
}

function refCH(m: Matrix, labels: Int32Array, k: number): number {
	const means = refMeans(m, labels, k);
	const overall = Array.from(
		{ length: m.d },
		(_, j) => [...labels.keys()].reduce((s, i) => s + m.data[i * m.d + j]!, 0) / m.n
	);
	let between = 0;
	let within = 0;
	for (let c = 0; c < k; c++) {
		const size = labels.filter((l) => l === c).length;
		between += size * means[c]!.reduce((s, v, j) => s + (v - overall[j]!) ** 2, 0);
	}
	for (let i = 0; i < m.n; i++) {
		for (let j = 0; j < m.d; j++) within += (m.data[i * m.d + j]! - means[labels[i]!]![j]!) ** 2;
	}
	return between / (k - 1) / (within / (m.n - k));
}

function refDB(m: Matrix, labels: Int32Array, k: number): number {
	const means = refMeans(m, labels, k);
	const spread = means.map((mu, c) => {
		const rows = [...labels.keys()].filter((i) => labels[i] === c);
		return (
			rows.reduce(
				(s, i) => s + Math.sqrt(mu.reduce((q, v, j) => q + (m.data[i * m.d + j]! - v) ** 2, 0)),
				0
			) / rows.length
		);
	});
	let total = 0;
	for (let c = 0; c < k; c++) {
		let worst = 0;
		for (let o = 0; o < k; o++) {
			if (o === c) continue;
			const sep = Math.sqrt(means[c]!.reduce((q, v, j) => q + (v - means[o]![j]!) ** 2, 0));
			worst = Math.max(worst, (spread[c]! + spread[o]!) / sep);
		}
		total += worst;
	}
	return total / k;
}

const twoBlobs = blobs(
	[
		[0, 0],
		[20, 20]
	],
	150,
	0.5,
	11
);

describe('silhouette', () => {
	it('is above 0.9 on two tight, well separated blobs', () => {
		expect(silhouette(twoBlobs.m, twoBlobs.truth, 2)).toBeGreaterThan(0.9);
	});

	it('is low on uniform noise', () => {
		const noise = uniform(600, 2, 4);
		const random = randomLabels(600, 4, 1);
		expect(Math.abs(silhouette(noise, random, 4))).toBeLessThan(0.05);
		const fitted = kmeans(noise, { k: 4, seed: 1 });
		expect(silhouette(noise, fitted.labels, 4)).toBeLessThan(0.5);
	});

	it('matches a straightforward reference implementation within 1e-9', () => {
		for (const [n, d, k, seed] of [
			[60, 3, 4, 1],
			[45, 5, 2, 2],
			[80, 2, 6, 3]
		] as const) {
			const m = uniform(n, d, seed);
			const labels = randomLabels(n, k, seed + 10);
			labels[n - 1] = k - 1; // keep a label that may be a singleton: exercises s = 0
			expect(silhouette(m, labels, k)).toBeCloseTo(refSilhouette(m, labels, k), 9);
		}
	});

	it('scores a singleton segment 0 like scikit-learn', () => {
		const m = fromRows([[0], [1], [10]]);
		const labels = Int32Array.from([0, 0, 1]);
		// Points 0 and 1: a = 1, b = 10 and 9. Point 2 alone: 0.
		const expected = ((10 - 1) / 10 + (9 - 1) / 9 + 0) / 3;
		expect(silhouette(m, labels, 2)).toBeCloseTo(expected, 14);
		expect(refSilhouette(m, labels, 2)).toBeCloseTo(expected, 14);
	});

	it('samples deterministically and stays close to the exact value', () => {
		const { m, truth } = blobs(
			[
				[0, 0],
				[3, 0],
				[0, 3]
			],
			400,
			1,
			5
		);
		const exact = silhouette(m, truth, 3);
		const a = silhouette(m, truth, 3, { sampleSize: 300, seed: 9 });
		const b = silhouette(m, truth, 3, { sampleSize: 300, seed: 9 });
		const c = silhouette(m, truth, 3, { sampleSize: 300, seed: 10 });
		expect(a).toBe(b);
		expect(a).not.toBe(c);
		expect(Math.abs(a - exact)).toBeLessThan(0.05);
		expect(silhouette(m, truth, 3, { sampleSize: 1200 })).toBe(exact);
	});

	it('is invariant to a global scale, including extreme magnitudes', () => {
		const { m, truth } = twoBlobs;
		const ref = silhouette(m, truth, 2);
		for (const f of [1e200, 1e-200]) {
			const scaled = { ...m, data: m.data.map((x) => x * f) };
			expect(silhouette(scaled, truth, 2)).toBeCloseTo(ref, 12);
			expect(calinskiHarabasz(scaled, truth, 2)).toBeCloseTo(calinskiHarabasz(m, truth, 2), 6);
			expect(daviesBouldin(scaled, truth, 2)).toBeCloseTo(daviesBouldin(m, truth, 2), 12);
		}
	});
});

describe('Calinski-Harabasz and Davies-Bouldin', () => {
	it('point the right way: true blobs beat random labels', () => {
		const { m, truth } = twoBlobs;
		const random = randomLabels(m.n, 2, 3);
		expect(calinskiHarabasz(m, truth, 2)).toBeGreaterThan(100 * calinskiHarabasz(m, random, 2));
		expect(daviesBouldin(m, truth, 2)).toBeLessThan(0.1);
		expect(daviesBouldin(m, random, 2)).toBeGreaterThan(1);
	});

	it('match straightforward reference implementations within 1e-9 (relative for CH)', () => {
		for (const [n, d, k, seed] of [
			[60, 3, 4, 1],
			[45, 5, 2, 2],
			[80, 2, 6, 3]
		] as const) {
			const m = uniform(n, d, seed);
			const labels = randomLabels(n, k, seed + 10);
			const ch = calinskiHarabasz(m, labels, k);
			expect(Math.abs(ch - refCH(m, labels, k)) / refCH(m, labels, k)).toBeLessThan(1e-9);
			expect(daviesBouldin(m, labels, k)).toBeCloseTo(refDB(m, labels, k), 9);
		}
	});
});

describe('degenerate cases never give NaN', () => {
	const m = uniform(20, 2, 1);

	it('k = 1 (or one non-empty segment) scores 0', () => {
		const zeros = new Int32Array(20);
		expect(silhouette(m, zeros, 1)).toBe(0);
		expect(calinskiHarabasz(m, zeros, 1)).toBe(0);
		expect(daviesBouldin(m, zeros, 1)).toBe(0);
		expect(silhouette(m, zeros, 3)).toBe(0);
	});

	it('segments of identical customers: silhouette 1, CH 1 (scikit-learn), DB 0', () => {
		const dup = fromRows([
			[0.1, 0.2],
			[0.1, 0.2],
			[0.1, 0.2],
			[7, 7],
			[7, 7]
		]);
		const labels = Int32Array.from([0, 0, 0, 1, 1]);
		expect(silhouette(dup, labels, 2)).toBe(1);
		expect(calinskiHarabasz(dup, labels, 2)).toBe(1);
		expect(daviesBouldin(dup, labels, 2)).toBe(0);
	});

	it('all customers identical but split in two: 0, 1, 0', () => {
		const same = fromRows([[2], [2], [2], [2]]);
		const labels = Int32Array.from([0, 1, 0, 1]);
		expect(silhouette(same, labels, 2)).toBe(0);
		expect(calinskiHarabasz(same, labels, 2)).toBe(1);
		expect(daviesBouldin(same, labels, 2)).toBe(0);
	});

	it('empty labels in 0..k-1 are ignored', () => {
		const labels = randomLabels(20, 2, 4);
		expect(silhouette(m, labels, 5)).toBeCloseTo(silhouette(m, labels, 2), 14);
		expect(calinskiHarabasz(m, labels, 5)).toBeCloseTo(calinskiHarabasz(m, labels, 2), 9);
		expect(daviesBouldin(m, labels, 5)).toBeCloseTo(daviesBouldin(m, labels, 2), 14);
	});

	it('rejects labels out of range', () => {
		expect(() => silhouette(m, new Int32Array(20).fill(3), 2)).toThrow(RangeError);
		expect(() => calinskiHarabasz(m, new Int32Array(19), 2)).toThrow(RangeError);
	});
});

describe('inertia', () => {
	it('equals the k-means inertia', () => {
		const res = kmeans(twoBlobs.m, { k: 2, seed: 1 });
		expect(inertia(twoBlobs.m, res.labels, res.centroids)).toBeCloseTo(res.inertia, 9);
	});
});
