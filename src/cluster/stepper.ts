/**
 * k-means one Lloyd iteration at a time, for teaching: the step-through cell shows every
 * assignment and every move of the centres.
 *
 *   new Stepper ──► step() ──────────────────────────────► step() … until converged
 *   seeded          1. assign: each point to its nearest     a step in which no point
 *   k-means++       centre (ties to the lower index)         changes cluster moves no
 *   (kmeans.ts)     2. update: each centre to the mean of    centre: converged
 *                   its points; an empty cluster takes the
 *                   point farthest from its centre
 *
 * The two halves are kmeans.ts's own `assignAll` and `update`, so stepping to convergence gives
 * exactly the partition, centroids and inertia of `kmeans()` started from the same centres
 * (`init: stepper.initialCentroids`) with one restart; the unit tests check it. `kmeans()`
 * counts centroid updates before the final, unchanged assignment, so its `iterations` is one less
 * than the step number at which the stepper reports convergence.
 *
 * Unlike `kmeans()` the clusters are not renumbered by size: a teacher watches cluster 2 move,
 * so cluster 2 stays cluster 2 from the first step to the last.
 *
 * A class can also watch the two halves apart: `assign()` recolours every point by its nearest
 * centre, `move()` then moves the centres; `step()` is the two together. The starting centres
 * can be given (`init`: a teacher clicks them onto the picture) instead of drawn by k-means++.
 *
 * Pure: no DOM, no DuckDB; the main thread runs it (600 points × k ≤ 8 takes microseconds).
 */

import { assignAll, kmeansPlusPlus, update } from './kmeans';
import { checkMatrix, plural, safeScaleFactor, scaledCopy, type Matrix } from './matrix';
import { createRng } from './rng';

/** Which half of a step was done last: none yet, the assignment, or the centres' move. */
export type StepPhase = 'start' | 'assigned' | 'moved';

/** Where the stepper stands after `iteration` steps (0 = the k-means++ start). */
export type StepReport = {
	/** Steps taken (an assignment starts one): 0 before the first. */
	iteration: number;
	phase: StepPhase;
	/** Cluster of each point, 0..k-1; -1 for every point before the first step. A copy. */
	labels: Int32Array;
	/** k×d row-major, in the data's units. A copy. */
	centroids: Float64Array;
	/** Points whose cluster changed in this step (all n in step 1); 0 at the start. */
	changed: number;
	/**
	 * Sum of squared distances from each point to its own centre (after the last half-step);
	 * null before the first. Never increases from one half-step to the next.
	 */
	inertia: number | null;
	/** The last step changed no cluster, so no centre moved: stepping further changes nothing. */
	converged: boolean;
};

export type StepperOptions = {
	/** Number of clusters, 1 ≤ k ≤ n. */
	k: number;
	/** Safe integer: the same seed gives the same start. */
	seed: number;
	/** Starting centres, k×d in the data's units, instead of k-means++ (placed by hand). */
	init?: Float64Array | undefined;
};

export class Stepper {
	readonly n: number;
	readonly d: number;
	readonly k: number;
	readonly seed: number;
	/** The k-means++ start, k×d in the data's units (pass it to `kmeans` as `init`). */
	readonly initialCentroids: Float64Array;

	/** The data times `#f`, an exact power of two (1 for ordinary data; see matrix.ts). */
	readonly #data: Float64Array;
	readonly #f: number;
	readonly #labels: Int32Array;
	readonly #cent: Float64Array;
	// kmeans.ts's working arrays, reused from step to step.
	readonly #mind: Float64Array;
	readonly #lower: Float64Array;
	readonly #dirty: Uint8Array;
	readonly #sums: Float64Array;
	readonly #counts: Int32Array;
	readonly #refs: Int32Array;
	#iteration = 0;
	#changed = 0;
	#inertia: number | null = null;
	#converged = false;
	#phase: StepPhase = 'start';

	/**
	 * @throws RangeError for a k that is not a whole number from 1 to n, an empty or misshapen
	 * matrix, a seed that is not a safe integer, or fewer distinct points than k;
	 * ClusterInputError (from matrix.ts) for a value that is not finite.
	 */
	constructor(m: Matrix, options: StepperOptions) {
		const { data, n, d } = m;
		const { k, seed, init } = options;
		if (!Number.isInteger(n) || n < 1) throw new RangeError(`Stepper: need at least 1 point`);
		if (!Number.isInteger(d) || d < 1 || data.length !== n * d) {
			throw new RangeError(`Stepper: n = ${n}, d = ${d} but data has ${data.length} values`);
		}
		if (!Number.isInteger(k) || k < 1 || k > n) {
			throw new RangeError(
				`Stepper: the number of clusters must be a whole number from 1 to ${n} (got ${String(k)})`
			);
		}
		if (!Number.isSafeInteger(seed)) throw new RangeError('Stepper: seed must be a safe integer');
		const stats = checkMatrix(m);
		this.n = n;
		this.d = d;
		this.k = k;
		this.seed = seed;
		this.#f = safeScaleFactor(stats.maxAbs);
		const work = scaledCopy(m, this.#f);
		this.#data = work.data;
		if (init !== undefined && (init.length !== k * d || !init.every(Number.isFinite))) {
			throw new RangeError(`Stepper: the starting centres must be ${k} × ${d} finite numbers`);
		}
		const start =
			init === undefined ? kmeansPlusPlus(work, k, createRng(seed)) : init.map((v) => v * this.#f);
		if (start.length < k * d) {
			const distinct = start.length / d;
			throw new RangeError(
				`Only ${plural(distinct, 'distinct point')}: choose at most ${plural(distinct, 'cluster')}.`
			);
		}
		const back = 1 / this.#f; // exact: a power of two
		this.initialCentroids = start.map((v) => v * back);
		this.#cent = start.slice();
		this.#labels = new Int32Array(n);
		this.#mind = new Float64Array(n);
		this.#lower = new Float64Array(n);
		this.#dirty = new Uint8Array(k);
		this.#sums = new Float64Array(k * d);
		this.#counts = new Int32Array(k);
		this.#refs = new Int32Array(k);
		this.reset();
	}

	/** Back to the k-means++ start (step 0, nothing assigned). */
	reset(): StepReport {
		this.#cent.set(this.initialCentroids);
		if (this.#f !== 1) for (let p = 0; p < this.#cent.length; p++) this.#cent[p]! *= this.#f;
		this.#labels.fill(-1);
		this.#dirty.fill(1);
		this.#iteration = 0;
		this.#changed = 0;
		this.#inertia = null;
		this.#converged = false;
		this.#phase = 'start';
		return this.report();
	}

	/**
	 * The first half of a step: every point joins its nearest centre. When no point changes
	 * cluster (after the first step) nothing would move: converged. After `assign()` without a
	 * `move()` it changes nothing.
	 */
	assign(): StepReport {
		if (this.#converged || this.#phase === 'assigned') return this.report();
		const { n, d, k } = this;
		const pass = assignAll(
			this.#data,
			n,
			d,
			this.#cent,
			k,
			this.#labels,
			this.#mind,
			this.#lower,
			this.#dirty
		);
		this.#iteration++;
		this.#phase = 'assigned';
		this.#changed = pass.changed;
		this.#inertia = pass.inertia * this.#back2();
		// Every centre is already the mean of its points: the update would move nothing.
		if (this.#iteration > 1 && pass.changed === 0) this.#converged = true;
		return this.report();
	}

	/** The second half: every centre moves to the mean of its points. Only after `assign()`. */
	move(): StepReport {
		if (this.#converged || this.#phase !== 'assigned') return this.report();
		const { n, d, k } = this;
		update(
			this.#data,
			n,
			d,
			this.#cent,
			k,
			this.#labels,
			this.#mind,
			this.#lower,
			this.#dirty,
			this.#sums,
			this.#counts,
			this.#refs
		);
		this.#phase = 'moved';
		this.#inertia = this.#ownInertia() * this.#back2();
		return this.report();
	}

	/**
	 * One Lloyd iteration: assign every point to its nearest centre, then move every centre to
	 * the mean of its points (after a lone `assign()`, just the move). After convergence it
	 * changes nothing and returns the same report.
	 */
	step(): StepReport {
		if (this.#phase === 'assigned') return this.move();
		const r = this.assign();
		return r.converged ? r : this.move();
	}

	/** Half-steps taken since the start (assign and move count one each). */
	get halfSteps(): number {
		if (this.#iteration === 0) return 0;
		return 2 * this.#iteration - (this.#phase === 'assigned' ? 1 : 0);
	}

	/** The current state (copies: the caller may keep them across steps). */
	report(): StepReport {
		const back = 1 / this.#f;
		return {
			iteration: this.#iteration,
			phase: this.#phase,
			labels: this.#labels.slice(),
			centroids: this.#f === 1 ? this.#cent.slice() : this.#cent.map((v) => v * back),
			changed: this.#changed,
			inertia: this.#inertia,
			converged: this.#converged
		};
	}

	#back2(): number {
		const back = 1 / this.#f;
		return back * back;
	}

	/** Σ squared distance from each point to its own (just moved) centre, in working units. */
	#ownInertia(): number {
		const { n, d } = this;
		const data = this.#data;
		const cent = this.#cent;
		let total = 0;
		for (let i = 0; i < n; i++) {
			const base = i * d;
			const cb = this.#labels[i]! * d;
			let s = 0;
			for (let j = 0; j < d; j++) {
				const t = data[base + j]! - cent[cb + j]!;
				s += t * t;
			}
			total += s;
		}
		return total;
	}
}
