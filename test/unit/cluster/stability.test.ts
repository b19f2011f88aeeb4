/**
 * Guards the per-segment stability (Hennig's clusterboot): the best-Jaccard match worked by
 * hand, determinism for a seed, planted blobs staying stable, and a blob split by too large a k
 * coming out unstable; plus the per-customer silhouette values against the mean silhouette.
 */
import { describe, expect, it } from 'vitest';
import { adjustedRandFromCounts, adjustedRandIndex } from '../../../src/cluster/ari';
import { kmeans } from '../../../src/cluster/kmeans';
import { silhouette } from '../../../src/cluster/metrics';
import { silhouetteValues } from '../../../src/cluster/silhouette';
import {
	bestJaccard,
	clusterStability,
	stabilityLabel,
	stabilitySteps
} from '../../../src/cluster/stability';
import { blobs } from './data';
import { nodeKernel } from '../../helpers/wasm-kernel';

describe('bestJaccard', () => {
	it('matches each original cluster to its most similar new one, worked by hand', () => {
		// Original 0 = rows {0,1,2}; new 1 = {0,1}: 2 shared of 3 → 2/3 (new 0 = {2,3,4,5}: 1/6).
		// Original 1 = {3,4} against new 0: 2 of 4 → 1/2. Original 2 = {5}: 1 of 4 → 1/4.
		const r = bestJaccard([0, 0, 0, 1, 1, 2], 4, [1, 1, 0, 0, 0, 0], 2);
		expect(r.jaccard.slice(0, 3)).toEqual([2 / 3, 1 / 2, 1 / 4]);
		expect(r.partner).toEqual([1, 0, 0, -1]);
		expect(r.jaccard[3]).toBeNaN();
	});

	it('counts rows drawn twice twice, as a bootstrap sample holds them', () => {
		// Rows as drawn: original [0, 0, 0, 1], new [0, 0, 1, 1] → 2 / (3 + 2 − 2) = 2/3.
		expect(bestJaccard([0, 0, 0, 1], 2, [0, 0, 1, 1], 2).jaccard[0]).toBeCloseTo(2 / 3, 14);
	});
});

const FOUR = [
	[0, 0],
	[10, 0],
	[0, 10],
	[10, 10]
];

describe('clusterStability', () => {
	it('finds planted blobs stable and is the same for the same seed', () => {
		const { m } = blobs(FOUR, 150, 1, 4);
		const fit = kmeans(m, { k: 4, seed: 3 });
		const a = clusterStability(m, fit.labels, { k: 4, seed: 9 });
		expect(a.resamples).toBe(20);
		for (const j of a.jaccard) expect(j).toBeGreaterThan(0.95);
		expect(a.recovered).toEqual([20, 20, 20, 20]);
		expect(clusterStability(m, fit.labels, { k: 4, seed: 9 })).toEqual(a);
		const sub = clusterStability(m, fit.labels, { k: 4, seed: 9, method: 'subsample' });
		for (const j of sub.jaccard) expect(j).toBeGreaterThan(0.95);
	});

	it('gives the same figures with the WebAssembly kernel as with the TypeScript one', async () => {
		const kernel = await nodeKernel();
		const { m } = blobs(FOUR, 150, 2, 6);
		for (const k of [3, 4, 6]) {
			const fit = kmeans(m, { k, seed: 3 });
			expect(clusterStability(m, fit.labels, { k, seed: 5, kernel })).toEqual(
				clusterStability(m, fit.labels, { k, seed: 5 })
			);
		}
	});

	it('flags the halves of a blob split by too large a k as unstable', () => {
		// Four blobs, five segments: one round blob is cut in two at an arbitrary angle, and each
		// resample cuts it differently (or cuts another blob).
		const { m, truth } = blobs(FOUR, 150, 1, 4);
		const fit = kmeans(m, { k: 5, seed: 3 });
		const r = clusterStability(m, fit.labels, { k: 5, seed: 9 });
		const blobOf = (c: number): number => truth[fit.labels.indexOf(c)]!;
		const counts = new Map<number, number>();
		for (let c = 0; c < 5; c++) counts.set(blobOf(c), (counts.get(blobOf(c)) ?? 0) + 1);
		const splitBlob = [...counts].find(([, n]) => n === 2)![0];
		const halves = r.jaccard.filter((_, c) => blobOf(c) === splitBlob);
		const wholes = r.jaccard.filter((_, c) => blobOf(c) !== splitBlob);
		// Hennig's experience: an artificial split scores about 0.5–0.6; whole blobs score more
		// (a little below 1, since some resamples cut them instead).
		expect(halves.length).toBe(2);
		expect(Math.min(...halves)).toBeLessThan(0.6);
		expect((halves[0]! + halves[1]!) / 2).toBeLessThan(0.6);
		expect(Math.max(...halves)).toBeLessThan(Math.min(...wholes));
	});

	it('reports progress after each resample and refuses fewer than 20', () => {
		const { m } = blobs(FOUR, 20, 1, 4);
		const fit = kmeans(m, { k: 4, seed: 3 });
		const steps = stabilitySteps(m, fit.labels, { k: 4, seed: 1, resamples: 21 });
		const seen: number[] = [];
		for (let s = steps.next(); !s.done; s = steps.next()) seen.push(s.value);
		expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
		expect(() => clusterStability(m, fit.labels, { k: 4, seed: 1, resamples: 5 })).toThrow(
			/at least 20/
		);
	});

	it('reads Hennig’s bands', () => {
		expect(stabilityLabel(0.59)).toBe('unstable');
		expect(stabilityLabel(0.7)).toBe('weak');
		expect(stabilityLabel(0.8)).toBe('stable');
		expect(stabilityLabel(0.9)).toBe('highly stable');
	});

	it('calls a segment not found in half the resamples or more unstable, whatever its mean', () => {
		expect(stabilityLabel(0.8, 0.45)).toBe('stable');
		expect(stabilityLabel(0.8, 0.5)).toBe('unstable');
		expect(stabilityLabel(0.65, 0.55)).toBe('unstable');
		expect(stabilityLabel(0.65, 0.2)).toBe('weak');
	});
});

describe('silhouetteValues', () => {
	it('averages to the mean silhouette, on all rows and on a sample', () => {
		const { m } = blobs(FOUR, 40, 2, 7);
		const fit = kmeans(m, { k: 4, seed: 1 });
		const all = silhouetteValues(m, fit.labels, 4, { sampleSize: 1000, seed: 1 });
		expect(all.rows.length).toBe(160);
		const mean = all.values.reduce((a, b) => a + b, 0) / 160;
		expect(mean).toBeCloseTo(silhouette(m, fit.labels, 4), 12);
		const some = silhouetteValues(m, fit.labels, 4, { sampleSize: 50, seed: 3 });
		expect(some.rows.length).toBe(50);
		for (const v of some.values) expect(Math.abs(v)).toBeLessThanOrEqual(1);
	});
});

describe('adjustedRandFromCounts', () => {
	it('equals the item-by-item index on the same labellings', () => {
		const a = [0, 0, 1, 1, 2, 2, 2, 0, 1, 2, 2, 0];
		const b = [1, 1, 0, 0, 0, 2, 2, 1, 0, 2, 1, 1];
		const counts = [0, 1, 2].map((x) =>
			[0, 1, 2].map((y) => a.filter((v, i) => v === x && b[i] === y).length)
		);
		expect(adjustedRandFromCounts(counts)).toBeCloseTo(adjustedRandIndex(a, b), 14);
		expect(
			adjustedRandFromCounts([
				[5, 0],
				[0, 3]
			])
		).toBe(1);
	});
});
