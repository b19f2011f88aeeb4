/**
 * The WebAssembly SIMD kernel against the TypeScript reference: the same labels, centroids,
 * inertia and distances, bit for bit, across shapes that exercise every code path (odd n, d below,
 * at and above the 4-wide unroll, empty clusters re-seeded, duplicates, restarts, init, maxIter).
 */
import { describe, expect, it } from 'vitest';
import { kmeans, type KMeansOptions } from '../../../src/cluster/kmeans';
import type { Matrix } from '../../../src/cluster/matrix';
import { nodeKernel } from '../../helpers/wasm-kernel';
import { FOUR_CENTERS, blobs, fromRows, uniform } from './data';

async function expectSame(m: Matrix, opts: KMeansOptions): Promise<void> {
	const kernel = await nodeKernel();
	const ref = kmeans(m, opts);
	const simd = kmeans(m, { ...opts, kernel });
	expect(simd.labels).toEqual(ref.labels);
	expect(simd.centroids).toEqual(ref.centroids);
	expect(simd.inertia).toBe(ref.inertia);
	expect(simd.iterations).toBe(ref.iterations);
	expect(simd.sizes).toEqual(ref.sizes);
	expect(simd.distances).toEqual(ref.distances);
}

describe('WebAssembly kernel = TypeScript kernel', () => {
	it('on blobs, odd n, d = 3 (tail only)', async () => {
		const { m } = blobs(FOUR_CENTERS, [101, 80, 57, 33], 2.5, 11);
		await expectSame(m, { k: 4, seed: 3 });
		await expectSame(m, { k: 7, seed: 9, restarts: 2 });
	});

	it('on uniform noise with d = 1, 4, 5, 9 and many k', async () => {
		for (const d of [1, 4, 5, 9]) {
			const m = uniform(1201, d, d);
			for (const k of [2, 6, 11]) await expectSame(m, { k, seed: 42 + k });
		}
	});

	it('when labels stop at maxIter, and from given centroids', async () => {
		const m = uniform(3000, 4, 5);
		await expectSame(m, { k: 8, seed: 1, maxIter: 2 });
		await expectSame(m, {
			k: 3,
			seed: 1,
			init: Float64Array.from([0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1])
		});
	});

	it('with duplicated customers and a cluster that empties', async () => {
		// Many copies of few profiles, and an init that leaves a centroid with no customer.
		const rows: number[][] = [];
		for (let i = 0; i < 400; i++) rows.push([i % 3, (i % 3) * 2, 1]);
		rows.push([50, 50, 50]);
		const m = fromRows(rows);
		await expectSame(m, { k: 3, seed: 2 });
		await expectSame(m, {
			k: 4,
			seed: 2,
			init: Float64Array.from([0, 0, 1, 1, 2, 1, 2, 4, 1, 1000, 1000, 1000])
		});
	});

	it('at 60,000 × 4, k = 6 (the lesson’s shape)', async () => {
		const m = uniform(60_000, 4, 77);
		await expectSame(m, { k: 6, seed: 7, restarts: 2 });
	});
});
