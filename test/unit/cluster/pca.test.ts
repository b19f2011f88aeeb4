import { describe, it, expect } from 'vitest';
import { pca2 } from '../../../src/cluster/pca';
import { createRng } from '../../../src/cluster/rng';
import { fromRows, uniform } from './data';
import type { Matrix } from '../../../src/cluster/matrix';

function covariance(m: Matrix): number[][] {
	const { data, n, d } = m;
	const mu = Array.from({ length: d }, (_, j) => {
		let s = 0;
		for (let i = 0; i < n; i++) s += data[i * d + j]!;
		return s / n;
	});
	return Array.from({ length: d }, (_, p) =>
		Array.from({ length: d }, (_, q) => {
			let s = 0;
			for (let i = 0; i < n; i++) s += (data[i * d + p]! - mu[p]!) * (data[i * d + q]! - mu[q]!);
			return s / n;
		})
	);
}

describe('pca2', () => {
	it('puts all variance on PC1 for data on a line, with the sign convention', () => {
		const rng = createRng(3);
		const rows = Array.from({ length: 100 }, () => {
			const t = rng.gauss(0, 5);
			return [1 + t, 2 - 2 * t, 3 + 0.5 * t];
		});
		const { explained, components, coords } = pca2(fromRows(rows));
		expect(explained[0]).toBeCloseTo(1, 12);
		expect(explained[1]).toBeCloseTo(0, 12);
		// Direction (1, -2, 0.5) / |.|, flipped so the largest |loading| (-2) is positive.
		const norm = Math.hypot(1, -2, 0.5);
		expect(components[0]).toBeCloseTo(-1 / norm, 12);
		expect(components[1]).toBeCloseTo(2 / norm, 12);
		expect(components[2]).toBeCloseTo(-0.5 / norm, 12);
		// PC1 score is the (centred) position along the line.
		const t0 = rows[0]![0]! - 1;
		const tMean = rows.reduce((s, r) => s + r[0]! - 1, 0) / rows.length;
		expect(coords[0]).toBeCloseTo(-(t0 - tMean) * norm, 9);
		expect(coords[1]).toBeCloseTo(0, 9);
	});

	it('returns orthonormal eigenvectors of the covariance, largest eigenvalues first', () => {
		const m = uniform(400, 5, 7);
		for (let i = 0; i < m.n; i++) {
			// Correlate columns so the eigenvectors are not axis-aligned.
			m.data[i * 5 + 1] = m.data[i * 5 + 1]! + 2 * m.data[i * 5]!;
			m.data[i * 5 + 3] = m.data[i * 5 + 3]! - m.data[i * 5 + 2]!;
		}
		const { components, explained } = pca2(m);
		const c = covariance(m);
		const trace = c.reduce((s, row, j) => s + row[j]!, 0);
		for (let r = 0; r < 2; r++) {
			const v = Array.from(components.subarray(r * 5, r * 5 + 5));
			const lambda = explained[r]! * trace;
			for (let p = 0; p < 5; p++) {
				const cv = c[p]!.reduce((s, x, q) => s + x * v[q]!, 0);
				expect(cv).toBeCloseTo(lambda * v[p]!, 10);
			}
			expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
			const big = v.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
			expect(big).toBeGreaterThan(0);
		}
		let dot = 0;
		for (let j = 0; j < 5; j++) dot += components[j]! * components[5 + j]!;
		expect(dot).toBeCloseTo(0, 12);
		expect(explained[0]).toBeGreaterThanOrEqual(explained[1]);
		expect(explained[0] + explained[1]).toBeLessThanOrEqual(1 + 1e-12);
	});

	it('is deterministic', () => {
		const m = uniform(200, 4, 2);
		const a = pca2(m);
		const b = pca2(m);
		expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
		expect(Array.from(a.components)).toEqual(Array.from(b.components));
	});

	it('handles equal eigenvalues (isotropic data) without NaN', () => {
		const m = fromRows([
			[1, 0],
			[-1, 0],
			[0, 1],
			[0, -1]
		]);
		const { explained, components, coords } = pca2(m);
		expect(explained[0]).toBeCloseTo(0.5, 14);
		expect(explained[1]).toBeCloseTo(0.5, 14);
		for (const x of [...components, ...coords]) expect(Number.isFinite(x)).toBe(true);
	});

	it('degenerate inputs: identical rows, one column, huge values', () => {
		const same = pca2(
			fromRows([
				[3, 3],
				[3, 3],
				[3, 3]
			])
		);
		expect(same.explained).toEqual([0, 0]);
		expect(Array.from(same.coords)).toEqual([0, 0, 0, 0, 0, 0]);
		const one = pca2(fromRows([[1], [2], [4]]));
		expect(one.explained).toEqual([1, 0]);
		expect(Array.from(one.components)).toEqual([1, 0]);
		const huge = pca2(
			fromRows([
				[1e200, 0],
				[-1e200, 1],
				[3e200, 2]
			])
		);
		expect(huge.explained[0]).toBeCloseTo(1, 12);
		for (const x of huge.coords) expect(Number.isFinite(x)).toBe(true);
	});
});
