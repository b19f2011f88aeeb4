/**
 * The final fit split over two threads (workers/fit-pool.ts) runs the one-thread fit's starts:
 * starts 0–4 here and 5–9 there, the later half winning only with a strictly lower inertia, give
 * the labels, centroids and inertia of one loop over starts 0–9. Node has no Worker, so the
 * halves are run here and combined as the pool combines them.
 */
import { describe, expect, it } from 'vitest';
import { kmeans } from '../../../src/cluster/kmeans';
import { better, fitOnTwoThreads } from '../../../workers/fit-pool';
import { FOUR_CENTERS, blobs, uniform } from './data';

describe('the final fit on two threads', () => {
	for (const [name, m] of [
		['four blobs', blobs(FOUR_CENTERS, 300, 0.9, 5).m],
		['uniform noise (many local optima)', uniform(1500, 3, 9)]
	] as const) {
		it(`gives the one-thread fit on ${name}`, () => {
			for (const k of [3, 5, 7]) {
				const one = kmeans(m, { k, seed: 42, restarts: 10 });
				const first = kmeans(m, { k, seed: 42, restarts: 5 });
				const later = kmeans(m, { k, seed: 42, firstRestart: 5, restarts: 5 });
				const two = better(first, later);
				expect(two.inertia).toBe(one.inertia);
				expect([...two.labels]).toEqual([...one.labels]);
				expect([...two.centroids]).toEqual([...one.centroids]);
				expect(two.timing.iterations).toBe(first.timing.iterations + later.timing.iterations);
				// Every iteration of both halves is timed, one figure each.
				expect(two.timing.iterationMs).toHaveLength(two.timing.iterations);
				expect(two.timing.iterationMs.every((ms) => ms >= 0)).toBe(true);
			}
		});
	}

	it('the later starts are different starts: they can win', () => {
		const m = uniform(1500, 3, 9);
		let wins = 0;
		for (let seed = 1; seed <= 12; seed++) {
			const first = kmeans(m, { k: 7, seed, restarts: 5 });
			const later = kmeans(m, { k: 7, seed, firstRestart: 5, restarts: 5 });
			if (later.inertia < first.inertia) wins++;
		}
		expect(wins).toBeGreaterThan(0);
	});

	it('without Worker (node), runs every start in one thread', async () => {
		const { m } = blobs(FOUR_CENTERS, 300, 0.9, 5);
		const fit = await fitOnTwoThreads(m, {
			k: 4,
			seed: 3,
			restarts: 10,
			kernel: undefined,
			shouldStop: () => false
		});
		expect(fit.threads).toBe(1);
		expect(fit.inertia).toBe(kmeans(m, { k: 4, seed: 3, restarts: 10 }).inertia);
	});
});
