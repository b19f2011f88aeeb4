/**
 * Column scaling before clustering, so that a column measured in thousands (revenue) does not
 * drown one measured in units (orders). Both scalers return the fitted center and scale so the
 * same transform can be applied to new rows (`applyScale`) or undone for display.
 *
 * As in scikit-learn, a column whose spread is zero gets scale 1 (it is only centred), so it
 * becomes all zeros instead of 0 / 0 = NaN.
 */

import { checkMatrix, safeScaleFactor, type Matrix } from './matrix';

export type ScaleResult = { matrix: Matrix; center: Float64Array; scale: Float64Array };

/**
 * Standardises each column to mean 0 and population standard deviation 1 (scikit-learn's
 * StandardScaler). A constant column is centred on its exact value and gets scale 1.
 */
export function zscore(m: Matrix): ScaleResult {
	checkMatrix(m);
	const { data, n, d } = m;
	const center = new Float64Array(d);
	const scale = new Float64Array(d);
	for (let j = 0; j < d; j++) {
		let min = Infinity;
		let max = -Infinity;
		let maxAbs = 0;
		for (let i = 0; i < n; i++) {
			const v = data[i * d + j]!;
			if (v < min) min = v;
			if (v > max) max = v;
			const a = v < 0 ? -v : v;
			if (a > maxAbs) maxAbs = a;
		}
		if (min === max) {
			// Exactly constant: use the value itself (a computed mean can be off by an ulp and would
			// leave ±1e-17 noise instead of exact zeros).
			center[j] = min;
			scale[j] = 1;
			continue;
		}
		// Work in a power-of-two rescaled space so sums of 1e300-sized values cannot overflow.
		const f = safeScaleFactor(maxAbs);
		let sum = 0;
		for (let i = 0; i < n; i++) sum += data[i * d + j]! * f;
		const mean = sum / n;
		let ss = 0;
		for (let i = 0; i < n; i++) {
			const diff = data[i * d + j]! * f - mean;
			ss += diff * diff;
		}
		const sd = Math.sqrt(ss / n) / f;
		center[j] = mean / f;
		// Underflow guard: a spread too small to represent is treated like a constant column.
		scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
	}
	return { matrix: applyScale(m, center, scale), center, scale };
}

/** Quantile q of sorted values, linear interpolation between order statistics (NumPy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
	const pos = q * (sorted.length - 1);
	const lo = Math.floor(pos);
	const hi = Math.min(lo + 1, sorted.length - 1);
	const t = pos - lo;
	const a = sorted[lo]!;
	const b = sorted[hi]!;
	return t === 0 ? a : a + (b - a) * t;
}

/**
 * Centres each column on its median and divides by its interquartile range (scikit-learn's
 * RobustScaler with the default 25–75 range), so a few extreme customers do not set the scale. An
 * IQR of 0 gets scale 1, as in scikit-learn; note this includes columns that are not constant but
 * have more than half of their values equal (e.g. mostly zero).
 */
export function robustScale(m: Matrix): ScaleResult {
	checkMatrix(m);
	const { data, n, d } = m;
	const center = new Float64Array(d);
	const scale = new Float64Array(d);
	const col = new Float64Array(n);
	for (let j = 0; j < d; j++) {
		for (let i = 0; i < n; i++) col[i] = data[i * d + j]!;
		col.sort();
		center[j] = quantileSorted(col, 0.5);
		const iqr = quantileSorted(col, 0.75) - quantileSorted(col, 0.25);
		scale[j] = iqr > 0 && Number.isFinite(iqr) ? iqr : 1;
	}
	return { matrix: applyScale(m, center, scale), center, scale };
}

/** Returns a new matrix with (x - center[j]) / scale[j] in every column j. */
export function applyScale(m: Matrix, center: Float64Array, scale: Float64Array): Matrix {
	const { data, n, d } = m;
	if (data.length !== n * d) throw new RangeError('applyScale: matrix shape mismatch');
	if (center.length !== d || scale.length !== d) {
		throw new RangeError(`applyScale: expected ${d} centers and scales`);
	}
	for (let j = 0; j < d; j++) {
		if (!(scale[j] !== 0) || !Number.isFinite(scale[j]!)) {
			throw new RangeError(`applyScale: scale of column ${j} must be finite and non-zero`);
		}
	}
	const out = new Float64Array(n * d);
	for (let i = 0; i < n; i++) {
		const base = i * d;
		for (let j = 0; j < d; j++) out[base + j] = (data[base + j]! - center[j]!) / scale[j]!;
	}
	return { data: out, n, d };
}
