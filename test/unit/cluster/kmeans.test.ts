import { describe, it, expect } from 'vitest';
import {
	CancelledError,
	ClusterInputError,
	kmeans,
	kmeansPlusPlus,
	type KMeansIterationInfo
} from '../../../src/cluster/kmeans';
import { adjustedRandIndex } from '../../../src/cluster/ari';
import { createRng } from '../../../src/cluster/rng';
import { FOUR_CENTERS, blobs, fromRows, uniform } from './data';
import type { Matrix } from '../../../src/cluster/matrix';

function catchError(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error('expected an error');
}

function inputError(fn: () => unknown): ClusterInputError {
	const e = catchError(fn);
	expect(e).toBeInstanceOf(ClusterInputError);
	return e as ClusterInputError;
}

function expectAllFinite(xs: ArrayLike<number>): void {
	for (let i = 0; i < xs.length; i++) expect(Number.isFinite(xs[i])).toBe(true);
}

/** Recomputes a result's inertia and distances from scratch. */
function recompute(m: Matrix, labels: Int32Array, centroids: Float64Array) {
	const { data, n, d } = m;
	let inertia = 0;
	const distances = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let q = 0;
		for (let j = 0; j < d; j++) q += (data[i * d + j]! - centroids[labels[i]! * d + j]!) ** 2;
		inertia += q;
		distances[i] = Math.sqrt(q);
	}
	return { inertia, distances };
}

describe('adjustedRandIndex', () => {
	it('is 1 for identical partitions whatever the label names', () => {
		expect(adjustedRandIndex([0, 0, 1, 1, 2], [0, 0, 1, 1, 2])).toBe(1);
		expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
		expect(adjustedRandIndex([0, 0, 0], [1, 1, 1])).toBe(1);
		expect(adjustedRandIndex([0, 1, 2], [2, 1, 0])).toBe(1);
	});

	it('matches scikit-learn documentation values', () => {
		// adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) == 0.5714285714285714 (= 4/7)
		expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 14);
		expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 14);
		// adjusted_rand_score([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
		expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
		// adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5
		expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 14);
		// User guide: labels_true = [0, 0, 0, 1, 1, 1], labels_pred = [0, 0, 1, 1, 2, 2] -> 0.2424...
		expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(8 / 33, 14);
	});

	it('is symmetric and rejects mismatched lengths', () => {
		const a = [0, 1, 1, 2, 2, 2, 0, 1];
		const b = [1, 1, 0, 2, 2, 0, 0, 1];
		expect(adjustedRandIndex(a, b)).toBeCloseTo(adjustedRandIndex(b, a), 15);
		expect(() => adjustedRandIndex([0, 1], [0])).toThrow(RangeError);
	});
});

describe('kmeans on well-separated blobs', () => {
	const { m, truth } = blobs(FOUR_CENTERS, 200, 0.5, 1);

	it('recovers the blobs exactly, labels ordered by size then first row', () => {
		const res = kmeans(m, { k: 4, seed: 42 });
		expect(adjustedRandIndex(res.labels, truth)).toBe(1);
		// Equal sizes: ties go to the lower first row, and blob b starts before blob b + 1.
		expect(Array.from(res.labels)).toEqual(Array.from(truth));
		expect(Array.from(res.sizes)).toEqual([200, 200, 200, 200]);
		expect(res.k).toBe(4);
		for (let c = 0; c < 4; c++) {
			for (let j = 0; j < 3; j++) {
				expect(res.centroids[c * 3 + j]).toBeCloseTo(FOUR_CENTERS[c]![j]!, 0);
			}
		}
	});

	it('reports inertia and distances consistent with labels and centroids', () => {
		const res = kmeans(m, { k: 4, seed: 3 });
		const ref = recompute(m, res.labels, res.centroids);
		expect(res.inertia).toBeCloseTo(ref.inertia, 9);
		for (let i = 0; i < m.n; i++) expect(res.distances[i]).toBeCloseTo(ref.distances[i]!, 12);
		expect(res.iterations).toBeGreaterThanOrEqual(1);
	});

	it('is deterministic for a seed (bit-identical across runs)', () => {
		const noisy = uniform(500, 4, 9);
		const a = kmeans(noisy, { k: 5, seed: 7 });
		const b = kmeans(noisy, { k: 5, seed: 7 });
		expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
		expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
		expect(a.inertia).toBe(b.inertia);
		expect(a.iterations).toBe(b.iterations);
	});

	it('finds the same partition (and labels) from different seeds on clean blobs', () => {
		const first = kmeans(m, { k: 4, seed: 1 });
		for (const seed of [2, 99, 123456, 2 ** 40 + 5]) {
			const other = kmeans(m, { k: 4, seed });
			expect(Array.from(other.labels)).toEqual(Array.from(first.labels));
		}
	});

	it('orders segments by descending size', () => {
		const uneven = blobs(FOUR_CENTERS.slice(0, 3), [50, 300, 120], 0.5, 4);
		const res = kmeans(uneven.m, { k: 3, seed: 5 });
		expect(Array.from(res.sizes)).toEqual([300, 120, 50]);
		expect(res.labels[0]).toBe(2); // first rows are the 50-customer blob
		expect(res.labels[50]).toBe(0);
		expect(res.labels[350]).toBe(1);
	});

	it('reports iterations, respects maxIter and calls onIteration', () => {
		const infos: KMeansIterationInfo[] = [];
		const noisy = uniform(2000, 3, 2);
		const res = kmeans(noisy, { k: 6, seed: 1, restarts: 2, onIteration: (i) => infos.push(i) });
		expect(infos.length).toBeGreaterThan(2);
		expect(infos[0]).toMatchObject({ restart: 0, restarts: 2, iteration: 1 });
		expect(infos.some((i) => i.restart === 1)).toBe(true);
		const capped = kmeans(noisy, { k: 6, seed: 1, restarts: 1, maxIter: 2 });
		expect(capped.iterations).toBeLessThanOrEqual(2);
		expect(capped.inertia).toBeGreaterThanOrEqual(res.inertia);
	});

	it('more restarts never give a worse inertia', () => {
		const noisy = uniform(800, 2, 12);
		const one = kmeans(noisy, { k: 7, seed: 3, restarts: 1 });
		const eight = kmeans(noisy, { k: 7, seed: 3, restarts: 8 });
		expect(eight.inertia).toBeLessThanOrEqual(one.inertia);
	});
});

/**
 * Plain Lloyd's algorithm straight from the definition (every point against every centroid,
 * every iteration), with the same mean arithmetic and empty-cluster rule as the implementation.
 * The bounded (Hamerly) passes in `kmeans` must reproduce it exactly.
 */
function naiveLloyd(m: Matrix, init: Float64Array, maxIter: number) {
	const { data, n, d } = m;
	const k = init.length / d;
	const cent = Float64Array.from(init);
	const labels = new Int32Array(n).fill(-1);
	const mind = new Float64Array(n);
	const assignAll = () => {
		let changed = 0;
		for (let i = 0; i < n; i++) {
			let best = Infinity;
			let bestC = 0;
			for (let c = 0; c < k; c++) {
				let q = 0;
				for (let j = 0; j < d; j++) q += (data[i * d + j]! - cent[c * d + j]!) ** 2;
				if (q < best) {
					best = q;
					bestC = c;
				}
			}
			if (labels[i] !== bestC) changed++;
			labels[i] = bestC;
			mind[i] = best;
		}
		return changed;
	};
	let changed = assignAll();
	let iterations = 0;
	while (iterations < maxIter && (iterations === 0 || changed > 0)) {
		const members: number[][] = Array.from({ length: k }, () => []);
		labels.forEach((c, i) => members[c]!.push(i));
		for (let c = 0; c < k; c++) {
			if (members[c]!.length > 0) continue;
			let far = -1;
			for (let i = 0; i < n; i++) {
				if (members[labels[i]!]!.length > 1 && (far < 0 || mind[i]! > mind[far]!)) far = i;
			}
			const old = labels[far]!;
			members[old] = members[old]!.filter((i) => i !== far);
			members[c] = [far];
			labels[far] = c;
			mind[far] = 0;
		}
		for (let c = 0; c < k; c++) {
			const rows = members[c]!;
			const ref = rows[0]!;
			for (let j = 0; j < d; j++) {
				let sum = 0;
				for (const i of rows.slice(1)) sum += data[i * d + j]! - data[ref * d + j]!;
				cent[c * d + j] = data[ref * d + j]! + sum / rows.length;
			}
		}
		iterations++;
		changed = assignAll();
	}
	// Same presentation as kmeans: segments by descending size, ties by first row.
	const size = new Array<number>(k).fill(0);
	const first = new Array<number>(k).fill(n);
	labels.forEach((c, i) => {
		if (size[c]!++ === 0) first[c] = i;
	});
	const order = [...size.keys()].sort((a, b) => size[b]! - size[a]! || first[a]! - first[b]!);
	const rank = new Int32Array(k);
	order.forEach((c, r) => (rank[c] = r));
	return {
		labels: labels.map((c) => rank[c]!),
		centroids: Float64Array.from(order.flatMap((c) => Array.from(cent.subarray(c * d, c * d + d)))),
		iterations
	};
}

describe('bounded assignment equals plain Lloyd', () => {
	const cases: [string, Matrix, number][] = [
		['uniform noise, k = 8', uniform(2000, 5, 31), 8],
		['uniform noise, k = 3, d = 1', uniform(1500, 1, 32), 3],
		['overlapping blobs far from the origin', blobs(FOUR_CENTERS, 300, 4, 33).m, 5]
	];
	cases[2]![1].data.forEach((x, p, a) => (a[p] = x + 1e6));
	for (const [name, m, k] of cases) {
		it(name, () => {
			const init = kmeansPlusPlus(m, k, createRng(5));
			const fast = kmeans(m, { k, seed: 0, init, tol: 0, maxIter: 300 });
			const slow = naiveLloyd(m, init, 300);
			expect(fast.iterations).toBe(slow.iterations);
			expect(fast.iterations).toBeGreaterThan(5);
			expect(Array.from(fast.labels)).toEqual(Array.from(slow.labels));
			expect(Array.from(fast.centroids)).toEqual(Array.from(slow.centroids));
		});
	}
});

describe('kmeansPlusPlus', () => {
	it('picks k distinct data points', () => {
		const { m } = blobs(FOUR_CENTERS, 50, 0.5, 8);
		const c = kmeansPlusPlus(m, 4, createRng(1));
		expect(c.length).toBe(12);
		const rows = new Set<string>();
		for (let r = 0; r < 4; r++) rows.add(Array.from(c.subarray(r * 3, r * 3 + 3)).join(','));
		expect(rows.size).toBe(4);
	});

	it('returns fewer centres when there are fewer distinct points', () => {
		const m = fromRows([
			[1, 1],
			[1, 1],
			[2, 2],
			[2, 2]
		]);
		expect(kmeansPlusPlus(m, 3, createRng(1)).length).toBe(4);
	});
});

describe('kmeans input validation and degenerate data', () => {
	it('rejects empty data', () => {
		expect(
			inputError(() => kmeans({ data: new Float64Array(0), n: 0, d: 3 }, { k: 1, seed: 1 })).code
		).toBe('empty');
	});

	it('rejects a bad k', () => {
		const m = uniform(10, 2, 1);
		for (const k of [0, -1, 2.5, Number.NaN]) {
			expect(inputError(() => kmeans(m, { k, seed: 1 })).code).toBe('bad-k');
		}
	});

	it('rejects k > n with a plain message', () => {
		const e = inputError(() => kmeans(uniform(3, 2, 1), { k: 5, seed: 1 }));
		expect(e.code).toBe('k-too-large');
		expect(e.message).toContain('k = 5 but only 3 customers');
	});

	it('names the row and column of a NaN or Infinity (1-based in the message)', () => {
		for (const bad of [Number.NaN, Infinity, -Infinity]) {
			const m = uniform(20, 4, 1);
			m.data[11 * 4 + 2] = bad;
			const e = inputError(() => kmeans(m, { k: 2, seed: 1 }));
			expect(e.code).toBe('non-finite');
			expect(e.message).toContain('Row 12 column 3 is not a finite number');
			expect(e.row).toBe(11);
			expect(e.column).toBe(2);
		}
	});

	it('all points identical: k > 1 is too-few-distinct, k = 1 works', () => {
		const m = fromRows(Array.from({ length: 50 }, () => [3, 3, 3]));
		const e = inputError(() => kmeans(m, { k: 2, seed: 1 }));
		expect(e.code).toBe('too-few-distinct');
		expect(e.message).toContain('identical');
		const one = kmeans(m, { k: 1, seed: 1 });
		expect(one.inertia).toBe(0);
		expect(Array.from(one.centroids)).toEqual([3, 3, 3]);
		expect(Array.from(one.sizes)).toEqual([50]);
	});

	it('handles constant columns next to informative ones', () => {
		const { m, truth } = blobs(
			[
				[0, 5, 0],
				[10, 5, 10]
			],
			100,
			0.5,
			2
		);
		for (let i = 0; i < m.n; i++) m.data[i * 3 + 1] = 5; // column 2 constant
		const res = kmeans(m, { k: 2, seed: 1 });
		expect(adjustedRandIndex(res.labels, truth)).toBe(1);
		expect(res.centroids[1]).toBe(5);
		expect(res.centroids[4]).toBe(5);
		expectAllFinite(res.centroids);
	});

	it('duplicate points: 3 distinct x100 with k = 5 is an error, k = 3 is exact', () => {
		const rows: number[][] = [];
		const profiles = [
			[1, 2],
			[5, -1],
			[0.1, 0.2]
		];
		for (let r = 0; r < 100; r++) for (const p of profiles) rows.push(p);
		const m = fromRows(rows);
		const e = inputError(() => kmeans(m, { k: 5, seed: 1 }));
		expect(e.code).toBe('too-few-distinct');
		expect(e.message).toBe('Only 3 distinct customers; choose at most 3 segments.');
		const res = kmeans(m, { k: 3, seed: 1 });
		expect(res.inertia).toBe(0);
		expect(Array.from(res.sizes)).toEqual([100, 100, 100]);
		expect(
			adjustedRandIndex(
				res.labels,
				Array.from({ length: 300 }, (_, i) => i % 3)
			)
		).toBe(1);
		// Segment order follows the first row of each profile.
		expect(Array.from(res.centroids)).toEqual([1, 2, 5, -1, 0.1, 0.2]);
		expect(Array.from(res.distances).every((x) => x === 0)).toBe(true);
	});

	it('treats -0 and 0 as the same customer', () => {
		const m = fromRows([
			[0, 1],
			[-0, 1],
			[2, 2]
		]);
		expect(inputError(() => kmeans(m, { k: 3, seed: 1 })).code).toBe('too-few-distinct');
	});

	it('n = 1 with k = 1 works', () => {
		const res = kmeans(fromRows([[4, -2, 7]]), { k: 1, seed: 1 });
		expect(Array.from(res.labels)).toEqual([0]);
		expect(Array.from(res.centroids)).toEqual([4, -2, 7]);
		expect(res.inertia).toBe(0);
		expect(Array.from(res.distances)).toEqual([0]);
	});

	it('n = k: every customer alone', () => {
		const res = kmeans(
			fromRows([
				[0, 0],
				[1, 0],
				[0, 1]
			]),
			{ k: 3, seed: 1 }
		);
		expect(res.inertia).toBe(0);
		expect(Array.from(res.labels)).toEqual([0, 1, 2]);
	});

	it('extreme outliers (~1e150) give finite results, never NaN', () => {
		const { m } = blobs(FOUR_CENTERS, 100, 0.5, 3);
		m.data[5 * 3] = 1e150;
		m.data[77 * 3 + 1] = -3e150;
		const res = kmeans(m, { k: 4, seed: 1 });
		expect(Number.isFinite(res.inertia)).toBe(true);
		expectAllFinite(res.centroids);
		expectAllFinite(res.distances);
		// The two outliers are far from everything: each gets its own segment.
		expect(res.sizes[2]).toBe(1);
		expect(res.sizes[3]).toBe(1);
	});

	it('values so large that the inertia overflows give a clear error, never NaN', () => {
		const { m } = blobs(FOUR_CENTERS, 50, 0.5, 3);
		for (let p = 0; p < m.data.length; p++) m.data[p] = m.data[p]! * 1e306;
		const e = inputError(() => kmeans(m, { k: 4, seed: 1 }));
		expect(e.code).toBe('non-finite');
		expect(e.message).toContain('too large');
	});

	it('huge but representable data clusters exactly like the unscaled data', () => {
		const { m, truth } = blobs(FOUR_CENTERS, 100, 0.5, 3);
		const big = { ...m, data: m.data.map((x) => x * 2 ** 500) };
		const tiny = { ...m, data: m.data.map((x) => x * 2 ** -560) };
		const ref = kmeans(m, { k: 4, seed: 1 });
		for (const scaled of [big, tiny]) {
			const res = kmeans(scaled, { k: 4, seed: 1 });
			expect(adjustedRandIndex(res.labels, truth)).toBe(1);
			expect(Array.from(res.labels)).toEqual(Array.from(ref.labels));
			expectAllFinite(res.centroids);
			expect(Number.isFinite(res.inertia)).toBe(true);
		}
	});

	it('re-seeds an empty cluster instead of producing NaN centroids', () => {
		const m = fromRows([[0], [1], [2], [10], [11], [12]]);
		// The centroid at 100 attracts nobody in the first assignment.
		const res = kmeans(m, { k: 3, seed: 1, init: Float64Array.from([100, 1, 11]) });
		expectAllFinite(res.centroids);
		expect(Array.from(res.sizes).every((s) => s > 0)).toBe(true);
		expect(res.sizes.reduce((a, b) => a + b, 0)).toBe(6);
		const ref = recompute(m, res.labels, res.centroids);
		expect(res.inertia).toBeCloseTo(ref.inertia, 12);
	});

	it('init with fewer distinct points than k is too-few-distinct', () => {
		const m = fromRows([[0], [0], [1]]);
		const e = inputError(() => kmeans(m, { k: 3, seed: 1, init: Float64Array.from([0, 1, 2]) }));
		expect(e.code).toBe('too-few-distinct');
	});
});

describe('kmeans cancellation', () => {
	it('throws CancelledError when shouldStop returns true', () => {
		const m = uniform(3000, 4, 5);
		let calls = 0;
		const e = catchError(() => kmeans(m, { k: 8, seed: 1, shouldStop: () => ++calls > 3 }));
		expect(e).toBeInstanceOf(CancelledError);
		expect(calls).toBe(4);
	});

	it('runs to completion when shouldStop stays false', () => {
		const m = uniform(300, 2, 5);
		let calls = 0;
		const res = kmeans(m, {
			k: 3,
			seed: 1,
			shouldStop: () => {
				calls++;
				return false;
			}
		});
		expect(res.labels.length).toBe(300);
		expect(calls).toBeGreaterThan(4);
	});
});
