import { describe, it, expect } from 'vitest';
import { applyScale, robustScale, zscore } from '../../../src/cluster/scale';
import { ClusterInputError } from '../../../src/cluster/matrix';
import { fromRows, uniform } from './data';
import type { Matrix } from '../../../src/cluster/matrix';

function column(m: Matrix, j: number): number[] {
	return Array.from({ length: m.n }, (_, i) => m.data[i * m.d + j]!);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('zscore', () => {
	it('gives every column mean 0 and population sd 1', () => {
		const m = uniform(500, 3, 1);
		for (let p = 0; p < m.data.length; p += 3) m.data[p] = m.data[p]! * 1e6 + 5e6; // revenue-like
		const { matrix, center, scale } = zscore(m);
		for (let j = 0; j < 3; j++) {
			expect(mean(column(matrix, j))).toBeCloseTo(0, 12);
			expect(sd(column(matrix, j))).toBeCloseTo(1, 12);
			expect(center[j]).toBeCloseTo(mean(column(m, j)), 6);
			expect(scale[j]).toBeCloseTo(sd(column(m, j)), 6);
		}
	});

	it('gives a constant column scale 1 and exact zeros', () => {
		const m = fromRows([
			[1, 0.1],
			[2, 0.1],
			[3, 0.1]
		]);
		const { matrix, center, scale } = zscore(m);
		expect(scale[1]).toBe(1);
		expect(center[1]).toBe(0.1);
		expect(column(matrix, 1)).toEqual([0, 0, 0]);
		const z = column(matrix, 0);
		expect(z[0]).toBeCloseTo(-Math.sqrt(1.5), 14);
		expect(z[1]).toBe(0);
		expect(z[2]).toBeCloseTo(Math.sqrt(1.5), 14);
	});

	it('handles extreme magnitudes without overflow', () => {
		const m = fromRows([[1e300], [-1e300], [3e300]]);
		const { matrix } = zscore(m);
		for (const x of matrix.data) expect(Number.isFinite(x)).toBe(true);
		expect(mean(column(matrix, 0))).toBeCloseTo(0, 12);
	});

	it('rejects non-finite input with the row and column', () => {
		const m = fromRows([
			[1, 2],
			[3, Number.NaN]
		]);
		expect(() => zscore(m)).toThrow(ClusterInputError);
		expect(() => zscore(m)).toThrow('Row 2 column 2');
	});
});

describe('robustScale', () => {
	it('centres on the median and divides by the IQR (linear quantiles)', () => {
		const m = fromRows([[5], [1], [4], [2], [3], [100]]);
		const { matrix, center, scale } = robustScale(m);
		// Sorted 1 2 3 4 5 100: median 3.5, q25 = 2.25, q75 = 4.75 (NumPy's linear method).
		expect(center[0]).toBe(3.5);
		expect(scale[0]).toBe(2.5);
		expect(matrix.data[5]).toBeCloseTo((100 - 3.5) / 2.5, 12);
	});

	it('gives a constant column (and a zero IQR) scale 1', () => {
		// Column 2 is not constant, but its quartiles are both 0.
		const m = fromRows([
			[7, 0],
			[7, 0],
			[7, 0],
			[7, 0],
			[7, 9]
		]);
		const { matrix, center, scale } = robustScale(m);
		expect(Array.from(scale)).toEqual([1, 1]);
		expect(Array.from(center)).toEqual([7, 0]);
		expect(column(matrix, 0)).toEqual([0, 0, 0, 0, 0]);
		expect(column(matrix, 1)).toEqual([0, 0, 0, 0, 9]);
	});
});

describe('applyScale', () => {
	it('reproduces the fitted transform and can be inverted', () => {
		const m = uniform(50, 4, 3);
		const fitted = zscore(m);
		const again = applyScale(m, fitted.center, fitted.scale);
		expect(Array.from(again.data)).toEqual(Array.from(fitted.matrix.data));
		const back = applyScale(
			again,
			fitted.center.map((c, j) => -c / fitted.scale[j]!),
			fitted.scale.map((s) => 1 / s)
		);
		for (let p = 0; p < m.data.length; p++) expect(back.data[p]).toBeCloseTo(m.data[p]!, 12);
	});

	it('rejects mismatched or zero scales', () => {
		const m = uniform(5, 2, 1);
		expect(() => applyScale(m, new Float64Array(3), new Float64Array(3).fill(1))).toThrow(
			RangeError
		);
		expect(() => applyScale(m, new Float64Array(2), new Float64Array(2))).toThrow(RangeError);
	});
});
