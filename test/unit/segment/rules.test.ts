/**
 * Guards the segment rules in words and SQL: thresholds back in original units through a log +
 * z-score (the same customers on each side), the roundest threshold between the two sides, one
 * range per feature on a path, the words a marketer reads and the CASE a warehouse runs.
 */
import { describe, expect, it } from 'vitest';
import { fitThresholdTree, predict, type ThresholdTree } from '../../../src/cluster/tree';
import {
	missingFills,
	roundestBetween,
	ruleConditions,
	ruleWords,
	rulesCaseSql,
	toOriginalUnits
} from '../../../src/segment/rules';

describe('roundestBetween', () => {
	it('picks the number with the fewest significant digits in [lo, hi)', () => {
		expect(roundestBetween(33.2, 35.7)).toBe(35);
		expect(roundestBetween(4, 5)).toBe(4);
		expect(roundestBetween(4, 7)).toBe(5);
		expect(roundestBetween(1234, 1890)).toBe(1500);
		expect(roundestBetween(0.123, 0.1245)).toBe(0.124);
		expect(roundestBetween(-3, 2)).toBe(0);
		expect(roundestBetween(-7.3, -6.1)).toBe(-7);
		expect(roundestBetween(99.5, 100)).toBe(99.5);
	});
});

describe('rules in original units', () => {
	// Orders per customer: 1–3 (segment 0) and 9–12 (segment 1), as ln(1 + x) then z-scored.
	const orders = [1, 2, 3, 2, 9, 10, 12, 11];
	const logged = orders.map((x) => Math.log1p(x));
	const mean = logged.reduce((a, b) => a + b, 0) / logged.length;
	const sd = Math.sqrt(logged.reduce((a, b) => a + (b - mean) ** 2, 0) / logged.length);
	const z = logged.map((x) => (x - mean) / sd);
	const labels = [0, 0, 0, 0, 1, 1, 1, 1];
	const centroids = Float64Array.from([0, 1], (c) => {
		const rows = z.filter((_, i) => labels[i] === c);
		return rows.reduce((a, b) => a + b, 0) / rows.length;
	});
	const matrix = { data: Float64Array.from(z), n: 8, d: 1 };
	const tree = fitThresholdTree(matrix, labels, centroids, 2);
	const feature = { name: 'frequency', matrix: z, original: orders };

	it('undoes the transforms: the same customers on each side, a round threshold', () => {
		const plain = toOriginalUnits(tree, [feature]);
		expect(plain).toMatchObject({ kind: 'split', feature: 0, threshold: 5 });
		const byRule = predict(plain, { data: Float64Array.from(orders), n: 8, d: 1 });
		expect(Array.from(byRule)).toEqual(Array.from(predict(tree, matrix)));
		const rules = ruleConditions(plain, ['frequency']);
		expect(rules.map((r) => ruleWords(r.conditions))).toEqual([
			'at most 5 orders',
			'more than 5 orders'
		]);
	});

	it('gives a missing value the side its median fill took', () => {
		const withGap = { ...feature, original: [1, Number.NaN, 3, 2, 9, 10, 12, 11] };
		const plain = toOriginalUnits(tree, [withGap]);
		// The customer with no value sat at z of 2 orders: the fill must stay at most 5.
		const [fill] = missingFills(tree, plain, [withGap]);
		expect(fill).not.toBeNull();
		expect(fill!).toBeLessThanOrEqual(5);
		expect(missingFills(tree, plain, [feature])).toEqual([null]);
	});
});

describe('ruleConditions and words', () => {
	// recency ≤ 35 → (frequency ≤ 4 → 0, else → (recency ≤ 10 → 1, else 2)); else 3
	const tree: ThresholdTree = {
		kind: 'split',
		feature: 0,
		threshold: 35,
		mistakes: 0,
		points: 10,
		left: {
			kind: 'split',
			feature: 1,
			threshold: 4,
			mistakes: 0,
			points: 6,
			left: { kind: 'leaf', cluster: 0, points: 2 },
			right: {
				kind: 'split',
				feature: 0,
				threshold: 10,
				mistakes: 0,
				points: 4,
				left: { kind: 'leaf', cluster: 1, points: 2 },
				right: { kind: 'leaf', cluster: 2, points: 2 }
			}
		},
		right: { kind: 'leaf', cluster: 3, points: 4 }
	};
	const rules = ruleConditions(tree, ['recency_days', 'frequency']);

	it('merges the bounds on one feature into one range', () => {
		expect(rules[2]).toEqual({
			cluster: 2,
			conditions: [
				{ feature: 'recency_days', above: 10, atMost: 35 },
				{ feature: 'frequency', above: 4, atMost: null }
			]
		});
	});

	it('reads as a marketer would say it', () => {
		expect(rules.map((r) => ruleWords(r.conditions))).toEqual([
			'last order within 35 days and at most 4 orders',
			'last order within 10 days and more than 4 orders',
			'last order between 10 and 35 days ago and more than 4 orders',
			'last order more than 35 days ago'
		]);
		expect(
			ruleWords([
				{ feature: 'share_channel_web', above: 0.4, atMost: null },
				{ feature: 'income', above: null, atMost: 52000 }
			])
		).toBe('channel web share above 40% and income at most 52,000');
	});

	it('exports one CASE expression, coalescing features with missing values', () => {
		const sql = rulesCaseSql(
			rules.map((r) => ({
				segment: r.cluster + 1,
				conditions: r.conditions,
				text: ruleWords(r.conditions)
			})),
			new Map([['frequency', 2]]),
			0.973
		);
		expect(sql).toContain('97.3% of customers');
		expect(sql).toContain(
			'\tWHEN "recency_days" > 10 AND "recency_days" <= 35 AND coalesce("frequency", 2) > 4 THEN 3 -- last order between 10 and 35 days ago and more than 4 orders'
		);
		expect(sql).toContain('\tWHEN "recency_days" > 35 THEN 4');
		expect(sql.trim().endsWith('END')).toBe(true);
	});
});
