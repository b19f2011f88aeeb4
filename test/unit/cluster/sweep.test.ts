import { describe, it, expect } from 'vitest';
import { elbowK, recommendK, sweepK, type SweepRow } from '../../../src/cluster/sweep';
import { CancelledError, ClusterInputError } from '../../../src/cluster/matrix';
import { FOUR_CENTERS, blobs, fromRows, uniform } from './data';

describe('sweepK', () => {
	const { m } = blobs(FOUR_CENTERS, 150, 0.8, 21);

	it('recommends k = 4 on four well separated blobs and explains why', () => {
		const progress: [number, number][] = [];
		const res = sweepK(m, { seed: 1, onProgress: (done, total) => progress.push([done, total]) });
		expect(res.rows.map((r) => r.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(res.recommendedK).toBe(4);
		expect(res.reason).toContain('k = 4');
		expect(res.reason).toMatch(/highest silhouette \(0\.\d\d\)/);
		expect(progress[0]).toEqual([0, 9]);
		expect(progress[progress.length - 1]).toEqual([9, 9]);
		expect(progress.length).toBe(10);
		const best = res.rows.find((r) => r.k === 4)!;
		for (const r of res.rows) {
			expect(r.silhouette).toBeLessThanOrEqual(best.silhouette);
			for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
		}
		expect(best.daviesBouldin).toBe(Math.min(...res.rows.map((r) => r.daviesBouldin)));
		expect(best.calinskiHarabasz).toBe(Math.max(...res.rows.map((r) => r.calinskiHarabasz)));
		expect(res.elbowK).toBe(4);
	});

	it('is deterministic for a seed', () => {
		const a = sweepK(m, { seed: 5, kMax: 5 });
		const b = sweepK(m, { seed: 5, kMax: 5 });
		expect(a).toEqual(b);
	});

	it('caps kMax at the number of distinct customers and at n - 1', () => {
		const rows: number[][] = [];
		for (let r = 0; r < 50; r++) rows.push([0, 0], [5, 5], [0, 9]);
		const res = sweepK(fromRows(rows), { seed: 1 });
		expect(res.rows.map((r) => r.k)).toEqual([2, 3]);
		expect(res.recommendedK).toBe(3);
		const small = sweepK(uniform(4, 2, 1), { seed: 1 });
		expect(small.rows.map((r) => r.k)).toEqual([2, 3]);
	});

	it('explains clearly when a sweep is impossible', () => {
		const same = fromRows([
			[1, 1],
			[1, 1],
			[1, 1]
		]);
		expect(() => sweepK(same, { seed: 1 })).toThrow(ClusterInputError);
		expect(() => sweepK(uniform(2, 2, 1), { seed: 1 })).toThrow('at least 3 customers');
		expect(() => sweepK(m, { seed: 1, kMin: 1 })).toThrow(ClusterInputError);
		expect(() => sweepK(m, { seed: 1, kMin: 5, kMax: 4 })).toThrow(ClusterInputError);
	});

	it('can be cancelled', () => {
		let calls = 0;
		expect(() => sweepK(m, { seed: 1, shouldStop: () => ++calls > 10 })).toThrow(CancelledError);
	});

	it('mentions the elbow when it differs from the silhouette choice', () => {
		// Two far-apart groups, one of which is itself two close sub-blobs: k = 2 wins clearly on
		// silhouette while the inertia curve still bends.
		const nested = blobs(
			[
				[0, 0],
				[0, 3],
				[40, 0]
			],
			100,
			0.5,
			8
		);
		const res = sweepK(nested.m, { seed: 2, kMax: 6 });
		expect(res.recommendedK).toBe(2);
		expect(res.reason.startsWith('k = 2')).toBe(true);
		expect(res.elbowK).toBe(3);
		expect(res.reason).toContain('bends most at k = 3');
	});
});

describe('recommendK', () => {
	const row = (k: number, silhouette: number, inertia: number): SweepRow => ({
		k,
		inertia,
		silhouette,
		calinskiHarabasz: 1,
		daviesBouldin: 1
	});

	it('takes the highest silhouette', () => {
		const r = recommendK([row(2, 0.4, 100), row(3, 0.61, 50), row(4, 0.5, 40), row(5, 0.3, 35)]);
		expect(r.recommendedK).toBe(3);
		expect(r.elbowK).toBe(3);
		expect(r.reason).toBe(
			'k = 3 has the highest silhouette (0.61): customers are reasonably well separated from the next segment.'
		);
	});

	it('breaks ties within 0.005 towards the smaller k, and says so', () => {
		const r = recommendK([row(2, 0.3, 100), row(3, 0.552, 60), row(4, 0.556, 30), row(5, 0.2, 25)]);
		expect(r.recommendedK).toBe(3);
		expect(r.reason).toContain('k = 3 has practically the highest silhouette (0.552');
		expect(r.reason).toContain('0.556 at k = 4');
		expect(r.reason).toContain('bends most at k = 4');
		// Just outside the band the larger k wins.
		expect(recommendK([row(2, 0.55, 10), row(3, 0.5551, 5), row(4, 0.5, 4)]).recommendedK).toBe(3);
		expect(recommendK([row(2, 0.55, 10), row(3, 0.556, 5), row(4, 0.5, 4)]).recommendedK).toBe(3);
		expect(recommendK([row(2, 0.55, 10), row(3, 0.5549, 5), row(4, 0.5, 4)]).recommendedK).toBe(2);
	});

	it('words low silhouettes honestly', () => {
		expect(recommendK([row(2, 0.1, 10), row(3, 0.12, 9)]).reason).toContain('no k separates');
		expect(recommendK([row(2, 0.3, 10), row(3, 0.2, 9)]).reason).toContain('weak');
		expect(recommendK([row(2, 0.9, 10), row(3, 0.2, 9)]).reason).toContain('clearly closer');
	});
});

describe('elbowK', () => {
	it('finds the knee of a convex decreasing curve', () => {
		expect(elbowK([1, 2, 3, 4, 5, 6], [100, 40, 12, 10, 9, 8])).toBe(3);
		expect(elbowK([2, 3, 4, 5], [100, 90, 20, 10])).toBe(4);
	});

	it('returns null without a bend or with too few points', () => {
		expect(elbowK([2, 3], [10, 5])).toBeNull();
		expect(elbowK([2, 3, 4], [10, 10, 10])).toBeNull();
		expect(elbowK([2, 3, 4], [10, 9.5, 0])).toBeNull();
	});
});
