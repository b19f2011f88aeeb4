/**
 * A small seeded pseudo-random number generator shared by the sample data generator and k-means.
 *
 * The core is sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator, 128 bits of state),
 * seeded through splitmix32. Both use only 32-bit integer arithmetic (`Math.imul`, shifts, `| 0`),
 * so the integer stream is bit-identical on every JavaScript engine. The derived draws that need
 * `Math.log`, `Math.sqrt` or `Math.cos` (gauss, expovariate) are deterministic within an engine;
 * the ECMAScript spec lets those functions differ in the last ulp between engines, although V8
 * and SpiderMonkey both use fdlibm ports and agree in practice.
 *
 * Not cryptographic: never use it for anything secret.
 */

/** A seeded random stream. Every method consumes draws from the same underlying sequence. */
export interface Rng {
	/** Uniform float in [0, 1), with 32 bits of resolution. */
	next(): number;
	/** Uniform integer in [lo, hi], both ends inclusive. `lo` and `hi` must be integers, lo <= hi. */
	int(lo: number, hi: number): number;
	/** Uniform float in [lo, hi). */
	uniform(lo: number, hi: number): number;
	/** Normal deviate by Box-Muller (consumes two draws, keeps no spare, so the state stays simple). */
	gauss(mean: number, sd: number): number;
	/**
	 * Index i chosen with probability weights[i] / sum(weights). Weights must be finite and >= 0 with a
	 * positive sum; an index with weight 0 is never returned.
	 */
	choiceWeighted(weights: readonly number[]): number;
	/** Exponential deviate with rate `lambda` (mean 1 / lambda), as Python's random.expovariate. */
	expovariate(lambda: number): number;
}

const TWO_POW_32 = 4294967296;

/**
 * Creates a generator from an integer seed. Seeds are meant to be 32-bit, but any safe integer
 * works: the bits above 32 are folded into the state, so e.g. 0 and 2 ** 32 give different streams.
 * Throws a RangeError for a seed that is not a safe integer (NaN would otherwise silently act as 0).
 */
export function createRng(seed: number): Rng {
	if (!Number.isSafeInteger(seed)) {
		throw new RangeError(`createRng: seed must be a safe integer, got ${String(seed)}`);
	}
	const hi = Math.floor(seed / TWO_POW_32) | 0;
	// The state lives in an Int32Array rather than in closure variables: V8 stores small integers
	// unboxed only up to 31 bits, so full 32-bit values in variables would allocate a heap number
	// on most updates and the garbage collector would dominate long runs.
	const s = new Int32Array(4);
	let sm = seed | 0;
	// splitmix32: a bijective mix of a Weyl sequence, so nearby seeds give unrelated sfc32 states.
	const splitmix = (): number => {
		sm = (sm + 0x9e3779b9) | 0;
		let z = sm;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) | 0;
	};
	s[0] = splitmix();
	s[1] = splitmix();
	// s[0] alone determines the low 32 bits of the seed, so xoring the high bits into s[2] keeps
	// the seed -> state map injective.
	s[2] = splitmix() ^ hi;
	s[3] = 1; // sfc32's counter; starting it at 1 is the reference seeding.

	const next32 = (): number => {
		const a = s[0]!;
		const b = s[1]!;
		const c = s[2]!;
		const d = s[3]!;
		const t = (((a + b) | 0) + d) | 0;
		s[0] = b ^ (b >>> 9);
		s[1] = (c + (c << 3)) | 0;
		s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
		s[3] = (d + 1) | 0;
		return t >>> 0;
	};
	// The reference implementation discards the first outputs so the state is well mixed.
	for (let i = 0; i < 12; i++) next32();

	const next = (): number => next32() / TWO_POW_32;

	return {
		next,
		int(lo: number, hi: number): number {
			if (!(hi >= lo)) throw new RangeError(`Rng.int: empty range [${lo}, ${hi}]`);
			return lo + Math.floor(next() * (hi - lo + 1));
		},
		uniform(lo: number, hi: number): number {
			return lo + (hi - lo) * next();
		},
		gauss(mean: number, sd: number): number {
			// 1 - next() lies in (0, 1], so the logarithm is always finite.
			const u1 = 1 - next();
			const u2 = next();
			return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
		},
		choiceWeighted(weights: readonly number[]): number {
			let total = 0;
			for (let i = 0; i < weights.length; i++) {
				const w = weights[i] ?? Number.NaN;
				if (!(w >= 0 && w < Infinity)) {
					throw new RangeError(`Rng.choiceWeighted: weights must be finite and >= 0, got ${w}`);
				}
				total += w;
			}
			if (!(total > 0))
				throw new RangeError('Rng.choiceWeighted: weights must have a positive sum');
			let r = next() * total;
			let lastPositive = 0;
			for (let i = 0; i < weights.length; i++) {
				const w = weights[i] ?? 0;
				if (w <= 0) continue;
				r -= w;
				if (r < 0) return i;
				lastPositive = i;
			}
			// Rounding in the running subtraction can leave r a hair above 0 at the end.
			return lastPositive;
		},
		expovariate(lambda: number): number {
			return -Math.log(1 - next()) / lambda;
		}
	};
}
