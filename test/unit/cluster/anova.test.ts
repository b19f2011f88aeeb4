/**
 * Guards the F test behind "Describe segments": the regularised incomplete beta function against
 * its closed forms and reference values (SciPy 1.17's betainc and f.sf), and one-way ANOVA on
 * cases small enough to work by hand.
 */
import { describe, expect, it } from 'vitest';
import {
	fSurvival,
	logGamma,
	oneWayAnova,
	regularizedBeta,
	summarise
} from '../../../src/cluster/anova';

describe('logGamma', () => {
	it('matches factorials and Γ(1/2) = √π', () => {
		expect(logGamma(1)).toBeCloseTo(0, 13);
		expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
		expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
		// SciPy gammaln
		expect(logGamma(0.3)).toBeCloseTo(1.0957979948180756, 12);
		expect(logGamma(10.5)).toBeCloseTo(13.940625219403763, 11);
		expect(logGamma(171.2)).toBeCloseTo(707.60092684767, 9);
	});
});

describe('regularizedBeta', () => {
	it('meets its closed forms', () => {
		for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
			expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 13); // uniform
			expect(regularizedBeta(x, 3, 1)).toBeCloseTo(x ** 3, 13); // I_x(a, 1) = x^a
			expect(regularizedBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 13); // 1 − (1 − x)^b
			// arcsine law: I_x(1/2, 1/2) = (2/π) asin √x
			expect(regularizedBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 12);
		}
	});

	it('matches SciPy on both branches of the continued fraction', () => {
		expect(regularizedBeta(0.3, 2.5, 3.5)).toBeCloseTo(0.29675298929566646, 12);
		expect(regularizedBeta(0.4, 50, 70)).toBeCloseTo(0.3591346088344945, 11);
		expect(regularizedBeta(0.001, 5, 2000)).toBeCloseTo(0.05292418452310125, 11);
	});

	it('is 0 and 1 at the ends, and refuses what is not a probability', () => {
		expect(regularizedBeta(0, 2, 3)).toBe(0);
		expect(regularizedBeta(1, 2, 3)).toBe(1);
		expect(() => regularizedBeta(1.5, 2, 3)).toThrow(RangeError);
		expect(() => regularizedBeta(0.5, 0, 3)).toThrow(RangeError);
	});
});

describe('fSurvival', () => {
	it('meets the closed form for two numerator degrees of freedom', () => {
		// P(F(2, d2) ≥ f) = (1 + 2f / d2)^(−d2 / 2)
		for (const [f, d2] of [
			[4, 10],
			[0.3, 3],
			[27, 6]
		] as const) {
			expect(fSurvival(f, 2, d2)).toBeCloseTo((1 + (2 * f) / d2) ** (-d2 / 2), 13);
		}
	});

	it('matches SciPy f.sf', () => {
		expect(fSurvival(4, 2, 10)).toBeCloseTo(0.052922149401344654, 13);
		expect(fSurvival(3, 5, 100)).toBeCloseTo(0.014492605576283324, 13);
		expect(fSurvival(1.2, 3, 7)).toBeCloseTo(0.377434925117228, 12);
		expect(fSurvival(0.5, 1, 1)).toBeCloseTo(0.6081734479693928, 12);
		const tiny = fSurvival(250, 5, 5994);
		expect(tiny / 2.5690968135772024e-243).toBeCloseTo(1, 8);
	});

	it('is 1 at F = 0 and 0 at F = ∞', () => {
		expect(fSurvival(0, 3, 9)).toBe(1);
		expect(fSurvival(Infinity, 3, 9)).toBe(0);
	});
});

describe('oneWayAnova', () => {
	it('works the textbook case by hand: 1 2 3 | 4 5 6 | 7 8 9', () => {
		// Grand mean 5; SSB = 3 (9 + 0 + 9) = 54 on 2 df; SSW = 2 + 2 + 2 = 6 on 6 df; F = 27 / 1.
		const r = oneWayAnova(summarise([1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 1, 1, 1, 2, 2, 2], 3));
		expect(r.f).toBeCloseTo(27, 12);
		expect(r.dfBetween).toBe(2);
		expect(r.dfWithin).toBe(6);
		expect(r.p).toBeCloseTo(0.001, 14); // (6 / 60)^3
		expect(r.etaSquared).toBeCloseTo(54 / 60, 14);
	});

	it('matches SciPy f_oneway on unequal groups', () => {
		const values = [1, 2, 3, 4, 2, 3, 4, 5, 9, 10, 11];
		const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2];
		const r = oneWayAnova(summarise(values, labels, 3));
		expect(r.f).toBeCloseTo(9.937647367042175, 12);
		expect(r.p).toBeCloseTo(0.006783941214412265, 13);
	});

	it('has no test without two groups, and a perfect split has p = 0', () => {
		expect(oneWayAnova([{ n: 5, mean: 1, ss: 3 }])).toMatchObject({ f: 0, p: 1 });
		expect(
			oneWayAnova([
				{ n: 3, mean: 1, ss: 0 },
				{ n: 0, mean: 0, ss: 0 },
				{ n: 2, mean: 4, ss: 0 }
			])
		).toMatchObject({ f: Infinity, p: 0, dfBetween: 1, dfWithin: 3 });
		expect(
			oneWayAnova([
				{ n: 3, mean: 2, ss: 1 },
				{ n: 2, mean: 2, ss: 1 }
			])
		).toMatchObject({ f: 0, p: 1 });
	});
});
