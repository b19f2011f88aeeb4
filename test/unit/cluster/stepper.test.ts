/**
 * The step-through k-means kernel (src/cluster/stepper.ts) that the teaching cell draws: each
 * step is exactly one Lloyd iteration, inertia never goes up, stepping to the end lands on what
 * `kmeans()` finds from the same start, a seed always gives the same start, and bad input fails
 * loudly instead of drawing nonsense.
 */
import { describe, expect, it } from 'vitest';
import { kmeans, kmeansPlusPlus } from '../../../src/cluster/kmeans';
import type { Matrix } from '../../../src/cluster/matrix';
import { createRng } from '../../../src/cluster/rng';
import { Stepper, type StepReport } from '../../../src/cluster/stepper';
import {
	biggestMove,
	clusterSizes,
	pictureSummary,
	stepSentence,
	stepperSampleSql,
	ticks
} from '../../../src/ui/stepper-view';
import { blobs, fromRows, uniform } from './data';

/** Four loose, overlapping 2-D blobs: enough overlap that Lloyd needs several steps. */
function twoFeatures(seed = 3): Matrix {
	return blobs(
		[
			[0, 0],
			[2.5, 0.5],
			[0.5, 2.5],
			[2.5, 2.5]
		],
		150,
		0.9,
		seed
	).m;
}

function runToEnd(s: Stepper, limit = 500): StepReport[] {
	const out = [s.report()];
	while (!out.at(-1)!.converged) {
		if (out.length > limit) throw new Error('did not converge');
		out.push(s.step());
	}
	return out;
}

/** Same partition, whatever the cluster numbers: a one-to-one map between the label sets. */
function samePartition(a: Int32Array, b: Int32Array): boolean {
	const ab = new Map<number, number>();
	const ba = new Map<number, number>();
	for (let i = 0; i < a.length; i++) {
		const x = a[i]!;
		const y = b[i]!;
		if ((ab.get(x) ?? y) !== y || (ba.get(y) ?? x) !== x) return false;
		ab.set(x, y);
		ba.set(y, x);
	}
	return true;
}

describe('Stepper', () => {
	it('starts at step 0 with the k-means++ centres and nothing assigned', () => {
		const m = twoFeatures();
		const s = new Stepper(m, { k: 4, seed: 7 });
		const r = s.report();
		expect(r.iteration).toBe(0);
		expect(r.changed).toBe(0);
		expect(r.inertia).toBeNull();
		expect(r.converged).toBe(false);
		expect([...r.labels].every((l) => l === -1)).toBe(true);
		// Reuses the seeded k-means++ of kmeans.ts rather than its own copy.
		expect(r.centroids).toEqual(kmeansPlusPlus(m, 4, createRng(7)));
		expect(s.initialCentroids).toEqual(r.centroids);
	});

	it('does one Lloyd iteration per step: assign to the nearest centre, then move to the mean', () => {
		const m = twoFeatures();
		const s = new Stepper(m, { k: 4, seed: 1 });
		const before = s.report().centroids;
		const r = s.step();
		expect(r.iteration).toBe(1);
		expect(r.changed).toBe(m.n); // everyone gets a cluster in step 1
		for (let i = 0; i < m.n; i++) {
			const x = m.data[2 * i]!;
			const y = m.data[2 * i + 1]!;
			const dist = (c: number) => (x - before[2 * c]!) ** 2 + (y - before[2 * c + 1]!) ** 2;
			const nearest = [0, 1, 2, 3].reduce((a, c) => (dist(c) < dist(a) ? c : a), 0);
			expect(r.labels[i]).toBe(nearest);
		}
		for (let c = 0; c < 4; c++) {
			const rows = [...r.labels.keys()].filter((i) => r.labels[i] === c);
			const mean = (j: number) => rows.reduce((a, i) => a + m.data[2 * i + j]!, 0) / rows.length;
			expect(r.centroids[2 * c]).toBeCloseTo(mean(0), 12);
			expect(r.centroids[2 * c + 1]).toBeCloseTo(mean(1), 12);
		}
	});

	it('never lets the inertia go up, and counts the customers that changed cluster', () => {
		for (const seed of [1, 2, 3, 4, 5]) {
			const steps = runToEnd(new Stepper(twoFeatures(seed), { k: 5, seed }));
			expect(steps.length).toBeGreaterThan(3);
			for (let t = 2; t < steps.length; t++) {
				expect(steps[t]!.inertia!).toBeLessThanOrEqual(steps[t - 1]!.inertia! * (1 + 1e-12));
				let changed = 0;
				for (let i = 0; i < steps[t]!.labels.length; i++) {
					if (steps[t]!.labels[i] !== steps[t - 1]!.labels[i]) changed++;
				}
				expect(steps[t]!.changed).toBe(changed);
			}
			const last = steps.at(-1)!;
			expect(last.changed).toBe(0);
			expect(last.centroids).toEqual(steps.at(-2)!.centroids);
		}
	});

	it('ends where kmeans() ends from the same start with one restart', () => {
		for (const [seed, k] of [
			[1, 3],
			[2, 4],
			[3, 5],
			[9, 8]
		] as const) {
			const m = twoFeatures(seed);
			const s = new Stepper(m, { k, seed });
			const last = runToEnd(s).at(-1)!;
			const ref = kmeans(m, { k, seed, init: s.initialCentroids, tol: 0, maxIter: 1000 });
			expect(samePartition(last.labels, ref.labels)).toBe(true);
			// kmeans counts updates before the final, unchanged assignment.
			expect(last.iteration).toBe(ref.iterations + 1);
			expect(last.inertia).toBe(ref.inertia);
			// kmeans numbers segments by size; map ours through the first row of each cluster.
			for (let i = 0; i < m.n; i++) {
				const ours = last.labels[i]!;
				const theirs = ref.labels[i]!;
				expect(last.centroids[2 * ours]).toBe(ref.centroids[2 * theirs]);
				expect(last.centroids[2 * ours + 1]).toBe(ref.centroids[2 * theirs + 1]);
			}
		}
	});

	it('stays put once converged, and reset goes back to the same start', () => {
		const s = new Stepper(twoFeatures(), { k: 4, seed: 11 });
		const steps = runToEnd(s);
		const last = steps.at(-1)!;
		expect(s.step()).toEqual(last);
		const again = s.reset();
		expect(again).toEqual(steps[0]);
		expect(runToEnd(s)).toEqual(steps);
	});

	it('is deterministic for a seed, and different seeds start differently', () => {
		const m = twoFeatures();
		const a = runToEnd(new Stepper(m, { k: 4, seed: 42 }));
		const b = runToEnd(new Stepper(m, { k: 4, seed: 42 }));
		expect(b).toEqual(a);
		const starts = new Set(
			[1, 2, 3, 4, 5].map((seed) => new Stepper(m, { k: 4, seed }).initialCentroids.join())
		);
		expect(starts.size).toBe(5);
	});

	it('splits duplicate-heavy data into k non-empty clusters with finite centres', () => {
		const m = fromRows([
			[0, 0],
			[0, 0],
			[0, 0],
			[10, 0],
			[10, 0],
			[0, 10]
		]);
		const steps = runToEnd(new Stepper(m, { k: 3, seed: 4 }));
		const last = steps.at(-1)!;
		expect([...last.centroids].every(Number.isFinite)).toBe(true);
		expect(new Set(last.labels).size).toBe(3);
		expect(last.inertia).toBe(0);
	});

	it('handles data of any size without overflow (exact power-of-two rescaling)', () => {
		const small = uniform(200, 2, 8);
		const big: Matrix = { ...small, data: small.data.map((v) => v * 2 ** 600) };
		const a = runToEnd(new Stepper(small, { k: 3, seed: 5 })).at(-1)!;
		const b = runToEnd(new Stepper(big, { k: 3, seed: 5 })).at(-1)!;
		expect(b.labels).toEqual(a.labels);
		expect(b.centroids).toEqual(a.centroids.map((v) => v * 2 ** 600));
	});

	it('rejects a bad k, an empty or misshapen matrix, a bad seed and too few distinct points', () => {
		const m = twoFeatures();
		for (const k of [0, -1, 2.5, Number.NaN, m.n + 1]) {
			expect(() => new Stepper(m, { k, seed: 1 })).toThrow(RangeError);
		}
		expect(() => new Stepper({ data: new Float64Array(0), n: 0, d: 2 }, { k: 1, seed: 1 })).toThrow(
			RangeError
		);
		expect(() => new Stepper({ data: new Float64Array(5), n: 3, d: 2 }, { k: 1, seed: 1 })).toThrow(
			RangeError
		);
		expect(() => new Stepper(m, { k: 2, seed: Number.NaN })).toThrow(RangeError);
		const twoDistinct = fromRows([
			[1, 1],
			[1, 1],
			[2, 2],
			[2, 2]
		]);
		expect(() => new Stepper(twoDistinct, { k: 3, seed: 1 })).toThrow(
			/Only 2 distinct points: choose at most 2 clusters/
		);
	});
});

describe('half-steps and starting centres placed by hand', () => {
	it('assign then move is exactly one step, and a second assign in a row changes nothing', () => {
		const m = twoFeatures();
		const whole = new Stepper(m, { k: 4, seed: 42 });
		const halves = new Stepper(m, { k: 4, seed: 42 });
		for (let t = 0; t < 4; t++) {
			const a = halves.assign();
			expect(a.phase).toBe('assigned');
			// Assigning only recolours: the centres have not moved yet.
			expect(a.centroids).toEqual(halves.report().centroids);
			expect(halves.assign()).toEqual(a);
			const r = halves.move();
			const w = whole.step();
			if (w.converged) break;
			expect(r.phase).toBe('moved');
			expect(r.labels).toEqual(w.labels);
			expect(r.centroids).toEqual(w.centroids);
			expect(r.inertia).toBeCloseTo(w.inertia!, 9);
			// The move never raises the total squared distance of the assignment before it.
			expect(r.inertia!).toBeLessThanOrEqual(a.inertia! + 1e-9);
			expect(halves.halfSteps).toBe(2 * (t + 1));
		}
	});

	it('starts from centres given by hand, and refuses the wrong number of them', () => {
		const m = twoFeatures();
		const init = Float64Array.from([0, 0, 2.5, 2.5]);
		const s = new Stepper(m, { k: 2, seed: 1, init });
		expect(s.initialCentroids).toEqual(init);
		expect(s.report().centroids).toEqual(init);
		const r = s.assign();
		// Every point went to the nearer of the two centres given.
		for (let i = 0; i < m.n; i++) {
			const x = m.data[2 * i]!;
			const y = m.data[2 * i + 1]!;
			const near = x * x + y * y <= (x - 2.5) ** 2 + (y - 2.5) ** 2 ? 0 : 1;
			expect(r.labels[i]).toBe(near);
		}
		expect(() => new Stepper(m, { k: 3, seed: 1, init })).toThrow(/3 × 2 finite numbers/);
		expect(
			() => new Stepper(m, { k: 2, seed: 1, init: Float64Array.from([0, NaN, 1, 1]) })
		).toThrow(RangeError);
	});
});

describe('what the cell says (src/ui/stepper-view.ts)', () => {
	it('reads out one plain sentence per half-step, ending with convergence', () => {
		const m = twoFeatures();
		const s = new Stepper(m, { k: 4, seed: 42 });
		const said = [stepSentence(s.report(), 4, { seed: 42 }, null)];
		let before = s.report();
		for (let i = 0; i < 4; i++) {
			const r = i % 2 === 0 ? s.assign() : s.move();
			const moved = r.phase === 'moved' ? biggestMove(before.centroids, r.centroids) : null;
			said.push(stepSentence(r, 4, { seed: 42 }, i === 0 ? null : before.inertia, moved));
			before = r;
		}
		expect(said[0]).toBe(
			'Step 0: 4 starting centres picked by k-means++ (seed 42); no customer has a cluster yet. Next: every customer joins the nearest one.'
		);
		expect(said[1]).toMatch(
			/^Step 1, assign: all 600 customers joined their nearest centre and took its colour; total squared distance [\d,]+\.\d\.$/
		);
		expect(said[2]).toMatch(
			/^Step 1, move: every centre moved to the mean of its customers \(cluster \d moved most, [\d.]+\); total squared distance [\d,]+\.\d \(down [\d.]+%\)\.$/
		);
		expect(said[3]).toMatch(
			/^Step 2, assign: [\d,]+ customers? (was|were) nearer another centre and changed cluster; total squared distance [\d,]+\.\d \((down [\d.]+%|unchanged)\)\.$/
		);
		const steps = runToEnd(s);
		expect(stepSentence(steps.at(-1)!, 4, { seed: 42 }, null)).toMatch(
			/^Converged after \d+ steps: no customer changed cluster, so no centre moves again/
		);
		expect(stepSentence(new Stepper(m, { k: 4, seed: 1 }).report(), 4, 'placed', null)).toMatch(
			/^Step 0: you placed 4 starting centres by hand/
		);
		expect(pictureSummary(steps.at(-1)!, 4, 'recency_days', 'monetary')).toMatch(
			/^K-means step by step: 600 customers by recency_days \(across\) and monetary \(up\); converged after step \d+; cluster 1: \d+, cluster 2: \d+, cluster 3: \d+, cluster 4: \d+\.$/
		);
		expect(clusterSizes(steps.at(-1)!.labels, 4).reduce((a, b) => a + b)).toBe(600);
	});

	it('samples the same customers whatever the seed, quoting every name', () => {
		const text = stepperSampleSql('customer "id"', 'recency_days', 'monetary');
		expect(text).toContain('ORDER BY hash("customer ""id"""), "customer ""id"""');
		expect(text).toContain('"recency_days"::DOUBLE AS x');
		expect(text).toMatch(/LIMIT 600$/);
	});

	it('puts ticks on round numbers', () => {
		expect(ticks(-1.3, 2.9)).toEqual([-1, 0, 1, 2]);
		expect(ticks(-1.3, 2.9, 10)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5]);
		expect(ticks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
		expect(ticks(3, 3)).toEqual([3]);
	});
});
