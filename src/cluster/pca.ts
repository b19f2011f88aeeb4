/**
 * Two-component PCA for the segment scatter plot.
 *
 * Builds the d×d covariance matrix (one O(n·d²) pass) and diagonalises it with the cyclic Jacobi
 * eigenvalue method rather than power iteration: d is small (tens of columns), Jacobi returns every
 * eigenpair to machine precision in a handful of sweeps, and it stays exact when the top two
 * eigenvalues are (nearly) equal, where power iteration converges arbitrarily slowly. It uses only
 * +, -, ×, ÷ and sqrt, so results are bit-identical on every engine.
 *
 * Sign convention: each component's largest-|loading| entry is positive (first such entry on a
 * tie), so the plot does not flip between runs or machines.
 */

import { checkMatrix, safeScaleFactor, type Matrix } from './matrix';

export type Pca2Options = {
	/** Maximum Jacobi sweeps (each sweep visits every off-diagonal pair once). Default 60. */
	maxSweeps?: number;
};

export type Pca2Result = {
	/** n×2 row-major: each customer's scores on PC1 and PC2 (data centred on the column means). */
	coords: Float64Array;
	/**
	 * Fraction of the total variance along each component, in [0, 1]. [0, 0] when all rows are
	 * identical; the second entry is 0 when d = 1.
	 */
	explained: [number, number];
	/** 2×d row-major unit loadings. When d = 1 the second row is all zeros. */
	components: Float64Array;
};

export function pca2(m: Matrix, opts: Pca2Options = {}): Pca2Result {
	const maxSweeps = opts.maxSweeps ?? 60;
	const stats = checkMatrix(m);
	const { data, n, d } = m;
	// Covariance is quadratic in the data: rescale huge or tiny values by an exact power of two.
	const f = safeScaleFactor(stats.maxAbs);

	const mean = new Float64Array(d);
	for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]! * f;
	for (let j = 0; j < d; j++) mean[j]! /= n;

	// Upper triangle of the scatter matrix; dividing by n is omitted because only ratios and
	// directions are reported.
	const a = new Float64Array(d * d);
	const row = new Float64Array(d);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < d; j++) row[j] = data[i * d + j]! * f - mean[j]!;
		for (let p = 0; p < d; p++) {
			const rp = row[p]!;
			if (rp === 0) continue;
			const pb = p * d;
			for (let q = p; q < d; q++) a[pb + q]! += rp * row[q]!;
		}
	}
	for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) a[p * d + q] = a[q * d + p]!;
	let trace = 0;
	for (let p = 0; p < d; p++) trace += a[p * d + p]!;

	const v = jacobiEigen(a, d, maxSweeps);

	// Rank eigenvalues (the diagonal of a) in descending order, lower index first on ties.
	const order = Array.from({ length: d }, (_, j) => j);
	order.sort((x, y) => a[y * d + y]! - a[x * d + x]! || x - y);

	const components = new Float64Array(2 * d);
	const explained: [number, number] = [0, 0];
	for (let r = 0; r < 2 && r < d; r++) {
		const c = order[r]!;
		let big = 0;
		let bigAbs = -1;
		for (let j = 0; j < d; j++) {
			const x = v[j * d + c]!;
			const ax = x < 0 ? -x : x;
			if (ax > bigAbs) {
				bigAbs = ax;
				big = x;
			}
		}
		const sign = big < 0 ? -1 : 1;
		for (let j = 0; j < d; j++) components[r * d + j] = sign * v[j * d + c]!;
		const lambda = a[c * d + c]!;
		// Rounding can leave a zero eigenvalue at -1e-17; clamp so ratios stay in [0, 1].
		explained[r] = trace > 0 ? Math.min(1, Math.max(0, lambda / trace)) : 0;
	}

	const coords = new Float64Array(n * 2);
	const back = 1 / f; // exact: f is a power of two
	for (let i = 0; i < n; i++) {
		let s0 = 0;
		let s1 = 0;
		for (let j = 0; j < d; j++) {
			const x = data[i * d + j]! * f - mean[j]!;
			s0 += x * components[j]!;
			s1 += x * components[d + j]!;
		}
		coords[2 * i] = s0 * back;
		coords[2 * i + 1] = s1 * back;
	}
	return { coords, explained, components };
}

/**
 * Cyclic Jacobi on the symmetric d×d matrix `a` (overwritten: its diagonal becomes the
 * eigenvalues). Returns the eigenvectors as the columns of a d×d row-major matrix.
 */
function jacobiEigen(a: Float64Array, d: number, maxSweeps: number): Float64Array {
	const v = new Float64Array(d * d);
	for (let j = 0; j < d; j++) v[j * d + j] = 1;
	for (let sweep = 0; sweep < maxSweeps; sweep++) {
		let off = 0;
		let diag = 0;
		for (let p = 0; p < d; p++) {
			diag += a[p * d + p]! * a[p * d + p]!;
			for (let q = p + 1; q < d; q++) off += a[p * d + q]! * a[p * d + q]!;
		}
		// Off-diagonal mass negligible next to the eigenvalues: diagonal to machine precision.
		if (off === 0 || off <= 1e-32 * diag) break;
		for (let p = 0; p < d - 1; p++) {
			for (let q = p + 1; q < d; q++) {
				const apq = a[p * d + q]!;
				if (apq === 0) continue;
				const app = a[p * d + p]!;
				const aqq = a[q * d + q]!;
				// Rotation angle that zeroes a[p][q] (Numerical Recipes' stable tangent formula).
				const theta = (aqq - app) / (2 * apq);
				const absTheta = theta < 0 ? -theta : theta;
				let t =
					absTheta > 1e150
						? 1 / (2 * absTheta)
						: 1 / (absTheta + Math.sqrt(absTheta * absTheta + 1));
				if (theta < 0) t = -t;
				const c = 1 / Math.sqrt(t * t + 1);
				const s = t * c;
				for (let r = 0; r < d; r++) {
					const arp = a[r * d + p]!;
					const arq = a[r * d + q]!;
					a[r * d + p] = c * arp - s * arq;
					a[r * d + q] = s * arp + c * arq;
				}
				for (let r = 0; r < d; r++) {
					const apr = a[p * d + r]!;
					const aqr = a[q * d + r]!;
					a[p * d + r] = c * apr - s * aqr;
					a[q * d + r] = s * apr + c * aqr;
				}
				// Exactly zero by construction; clear the rounding residue.
				a[p * d + q] = 0;
				a[q * d + p] = 0;
				for (let r = 0; r < d; r++) {
					const vrp = v[r * d + p]!;
					const vrq = v[r * d + q]!;
					v[r * d + p] = c * vrp - s * vrq;
					v[r * d + q] = s * vrp + c * vrq;
				}
			}
		}
	}
	return v;
}
