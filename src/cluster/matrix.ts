/**
 * Shared plumbing for the clustering kernels: the matrix type, the typed errors, the one up-front
 * input check, distinct-row counting and the power-of-two rescaling that keeps squared distances
 * inside double range.
 *
 * Pure numeric code: no DOM, no Node APIs, so it runs unchanged in the web worker and in tests.
 */

/** Row-major n×d matrix: value (i, j) is `data[i * d + j]`. */
export type Matrix = { data: Float64Array; n: number; d: number };

export type ClusterInputErrorCode =
	'empty' | 'k-too-large' | 'non-finite' | 'too-few-distinct' | 'bad-k';

/**
 * A problem with the data or the requested k that the user can fix. `message` is plain English
 * meant to be shown as is; `row` / `column` (0-based) locate a bad value so the UI can name the
 * column.
 */
export class ClusterInputError extends Error {
	override readonly name = 'ClusterInputError';
	readonly code: ClusterInputErrorCode;
	readonly row: number | undefined;
	readonly column: number | undefined;
	constructor(
		code: ClusterInputErrorCode,
		message: string,
		where?: { row: number; column: number }
	) {
		super(message);
		this.code = code;
		this.row = where?.row;
		this.column = where?.column;
	}
}

/** Thrown when `shouldStop()` asks a long computation to give up. */
export class CancelledError extends Error {
	override readonly name = 'CancelledError';
	readonly code = 'cancelled';
	constructor(message = 'The computation was cancelled.') {
		super(message);
	}
}

export type MatrixStats = {
	/** Largest |value| in the matrix (0 when every value is 0). */
	maxAbs: number;
	/** 0-based location of `maxAbs`, for messages. */
	maxRow: number;
	maxColumn: number;
};

/** Formats a count with its noun: plural(3, 'customer') → '3 customers'. */
export function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Checks shape and finiteness in one pass and returns the largest magnitude (needed to decide
 * whether to rescale). Shape mismatches are programming errors (RangeError); empty or non-finite
 * data is the user's to fix (ClusterInputError).
 */
export function checkMatrix(m: Matrix): MatrixStats {
	const { data, n, d } = m;
	if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 0 || data.length !== n * d) {
		throw new RangeError(
			`Matrix shape mismatch: n = ${n}, d = ${d} but data has ${data.length} values`
		);
	}
	if (n === 0) throw new ClusterInputError('empty', 'There are no customers to cluster.');
	if (d === 0) throw new ClusterInputError('empty', 'There are no numeric columns to cluster on.');
	let maxAbs = 0;
	let maxAt = 0;
	for (let p = 0; p < data.length; p++) {
		const v = data[p]!;
		// `v - v` is NaN for both NaN and ±Infinity: one comparison covers both cases.
		if (v - v !== 0) {
			const row = Math.floor(p / d);
			const column = p - row * d;
			throw new ClusterInputError(
				'non-finite',
				`Row ${row + 1} column ${column + 1} is not a finite number (${String(v)}); ` +
					'remove or fill missing and infinite values before clustering.',
				{ row, column }
			);
		}
		const a = v < 0 ? -v : v;
		if (a > maxAbs) {
			maxAbs = a;
			maxAt = p;
		}
	}
	const maxRow = Math.floor(maxAt / d);
	return { maxAbs, maxRow, maxColumn: maxAt - maxRow * d };
}

// Powers of two: multiplying by them is exact (away from subnormals), so a rescaled problem has
// exactly the same nearest-centroid decisions as the original.
const UP = 1048576; // 2^20
const DOWN = 1 / 1048576; // 2^-20
const SAFE_HIGH = 1e100;
const SAFE_LOW = 1e-100;

/**
 * Returns a power-of-two factor f such that max|x·f| lies in [2^-20, 2^20], or 1 when the data is
 * already in a range where sums of squared differences cannot overflow or underflow. Values near
 * 1e150 square to 1e300, and a sum of a few thousand of those overflows; values near 1e-170 square
 * to 0 and would make distinct customers look identical.
 */
export function safeScaleFactor(maxAbs: number): number {
	if (maxAbs === 0 || (maxAbs <= SAFE_HIGH && maxAbs >= SAFE_LOW)) return 1;
	let f = 1;
	// Stepping in exact powers of two keeps the factor identical on every engine (no Math.log2).
	while (maxAbs * f > UP) f *= DOWN;
	while (maxAbs * f < DOWN) f *= UP;
	return f;
}

/** A copy of `m` multiplied by `f` (or `m` itself when f = 1). */
export function scaledCopy(m: Matrix, f: number): Matrix {
	if (f === 1) return m;
	const src = m.data;
	const out = new Float64Array(src.length);
	for (let p = 0; p < src.length; p++) out[p] = src[p]! * f;
	return { data: out, n: m.n, d: m.d };
}

/**
 * Counts distinct rows exactly (bitwise equal values, with -0 equal to 0), stopping early once
 * `limit` distinct rows have been seen. Open addressing on a 32-bit hash of each row's bits; a
 * hash match is confirmed by comparing the rows, so collisions never merge different customers.
 */
export function countDistinctRows(m: Matrix, limit = Infinity): number {
	const { data, n, d } = m;
	if (n === 0) return 0;
	let cap = 16;
	while (cap < 2 * n) cap *= 2;
	const mask = cap - 1;
	const slots = new Int32Array(cap); // row index + 1; 0 = empty
	const scratch = new Float64Array(1);
	const bits = new Uint32Array(scratch.buffer);
	let count = 0;
	for (let i = 0; i < n; i++) {
		const base = i * d;
		let h = 0x811c9dc5 | 0;
		for (let j = 0; j < d; j++) {
			// Adding +0 turns -0 into +0, so the two zeros hash alike (they also compare equal below).
			scratch[0] = data[base + j]! + 0;
			h = Math.imul(h ^ bits[0]!, 0x01000193);
			h = Math.imul(h ^ bits[1]!, 0x01000193);
		}
		h ^= h >>> 15;
		h = Math.imul(h, 0x2c1b3c6d);
		h ^= h >>> 12;
		let s = h & mask;
		for (;;) {
			const occupant = slots[s]!;
			if (occupant === 0) {
				slots[s] = i + 1;
				count++;
				if (count >= limit) return count;
				break;
			}
			const other = (occupant - 1) * d;
			let same = true;
			for (let j = 0; j < d; j++) {
				if (data[base + j] !== data[other + j]) {
					same = false;
					break;
				}
			}
			if (same) break;
			s = (s + 1) & mask;
		}
	}
	return count;
}
