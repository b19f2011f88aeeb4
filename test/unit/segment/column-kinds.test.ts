/**
 * Guards the customer key and the column kinds on ordinary exports (issue 12): a wholesale file
 * with no key, integer-coded Channel and Region and six skewed spend columns; a CRM export keyed
 * `ID` with constant and outlier columns; a customer file whose key repeats. The stats carry the
 * numeric shape the worker measures (workers/column-stats.ts).
 */
import { describe, expect, it } from 'vitest';
import {
	isIntegerCode,
	isMeasure,
	isRecordNumber,
	outlierChecks,
	wantsLog
} from '../../../src/segment/column-kinds';
import { detectRoles, type ColumnStats, type NumericSummary } from '../../../src/segment/roles';

function shape(p: Partial<NumericSummary>): NumericSummary {
	return {
		min: 0,
		max: 1,
		mean: 0.5,
		median: 0.5,
		mad: 0.25,
		skew: 0,
		integral: true,
		negatives: 0,
		sampled: false,
		...p
	};
}

function num(
	name: string,
	distinct: number,
	p: Partial<NumericSummary>,
	type = 'BIGINT'
): ColumnStats {
	const n = shape(p);
	return {
		name,
		type,
		distinct,
		nullShare: 0,
		sample: [String(n.min), String(n.median), String(n.max)],
		numbers: n
	};
}

const text = (name: string, distinct: number, sample: string[]): ColumnStats => ({
	name,
	type: 'VARCHAR',
	distinct,
	nullShare: 0,
	sample
});

const spend = (name: string, distinct: number, skew: number): ColumnStats =>
	num(name, distinct, { min: 3, max: 112_151, median: 8_504, mad: 5_000, skew });

const WHOLESALE = [
	num('Channel', 2, { min: 1, max: 2, median: 1, skew: 0.76 }),
	num('Region', 3, { min: 1, max: 3, median: 3, skew: -1.28 }),
	spend('Fresh', 433, 2.56),
	spend('Milk', 421, 4.05),
	spend('Grocery', 430, 3.59),
	spend('Frozen', 426, 5.91),
	spend('Detergents_Paper', 417, 3.63),
	spend('Delicassen', 403, 11.15)
];

describe('the customer key', () => {
	it('wholesale: no key column, so none is made up; codes are categories, spend is numbers', () => {
		const d = detectRoles(WHOLESALE, 440);
		expect(d.grain).toBe('customers');
		expect(d.roles.key).toBeNull();
		expect(d.roles.categoricals).toEqual(['Channel', 'Region']);
		expect(d.roles.numerics).toEqual([
			'Fresh',
			'Milk',
			'Grocery',
			'Frozen',
			'Detergents_Paper',
			'Delicassen'
		]);
		expect(d.notes.join(' ')).toMatch(/'Channel', 'Region' hold a few whole numbers/);
	});

	it('a spend column with every value different is still not a key', () => {
		const d = detectRoles([spend('Fresh', 440, 2.5), num('Region', 3, { min: 1, max: 3 })], 440);
		expect(d.roles.key).toBeNull();
		expect(d.roles.numerics).toEqual(['Fresh']);
		expect(isMeasure(spend('Fresh', 440, 2.5))).toBe(true);
	});

	it.each(['ID', 'Id', 'client', 'customer', 'Kunden-Nr.', 'client_ref'])(
		'%s with unique whole numbers is the key of a customer file',
		(name) => {
			const d = detectRoles(
				[
					num(name, 500, { min: 1, max: 11_191, median: 5_500, mad: 2_800, skew: 0.04 }),
					num('Income', 480, { min: 1_730, max: 666_666, median: 51_000, mad: 14_000, skew: 6.8 })
				],
				500
			);
			expect(d.roles.key).toBe(name);
			expect(d.confidence.key).toBe('name');
			expect(d.grain).toBe('customers');
		}
	);

	it('an "ID" holding decimals or skewed values is a measure, not the key', () => {
		const d = detectRoles(
			[
				num('ID', 500, { min: 0.5, max: 900.25, skew: 3, integral: false }, 'DOUBLE'),
				num('Age', 60, { min: 18, max: 80, median: 40, mad: 10 })
			],
			500
		);
		expect(d.roles.key).toBeNull();
	});

	it('a customer-level key that repeats is not used, and the note counts the repeats', () => {
		const d = detectRoles(
			[
				num('Kunden-Nr.', 497, { min: 1000, max: 1500, median: 1250, mad: 125 }),
				num('Alter', 60, { min: 18, max: 80, median: 40, mad: 10 })
			],
			500
		);
		expect(d.grain).toBe('customers');
		expect(d.roles.key).toBeNull();
		expect(d.notes.join(' ')).toMatch(/'Kunden-Nr\.' repeats on 3 rows/);
	});

	it('evenly spread unique whole numbers are a record number; spend is not', () => {
		expect(isRecordNumber(num('row', 440, { min: 1, max: 440, median: 220, mad: 110 }), 440)).toBe(
			true
		);
		expect(isRecordNumber(spend('Grocery', 440, 3.6), 440)).toBe(false);
	});
});

describe('column kinds', () => {
	const CRM = [
		num('ID', 2240, { min: 0, max: 11_191, median: 5_458, mad: 2_800, skew: 0.04 }),
		num('Year_Birth', 59, { min: 1893, max: 1996, median: 1970, mad: 9, skew: -0.35 }),
		text('Education', 5, ['Graduation', 'PhD', 'Master', 'Basic', '2n Cycle']),
		num('Income', 1974, { min: 1730, max: 666_666, median: 51_381, mad: 14_000, skew: 6.8 }),
		num('Kidhome', 3, { min: 0, max: 2, median: 0, mad: 0, skew: 0.64 }),
		num('MntWines', 776, { min: 0, max: 1493, median: 173, mad: 160, skew: 1.18 }),
		num('MntGoldProds', 213, { min: 0, max: 362, median: 24, mad: 20, skew: 2.2 }),
		num('NumCatalogPurchases', 14, { min: 0, max: 28, median: 2, mad: 2, skew: 1.9 }),
		num('NumStorePurchases', 12, { min: 2, max: 13, median: 5, mad: 2, skew: 0.7 }),
		num('AcceptedCmp1', 2, { min: 0, max: 1, median: 0, mad: 0, skew: 3.6 }),
		num('Complain', 2, { min: 0, max: 1, median: 0, mad: 0, skew: 10 }),
		num('Z_CostContact', 1, { min: 3, max: 3, median: 3, mad: 0 }),
		num('Z_Revenue', 1, { min: 11, max: 11, median: 11, mad: 0 })
	];

	it('a CRM export keyed ID: constants left out with a note, flags as categories', () => {
		const d = detectRoles(CRM, 2240);
		expect(d.roles.key).toBe('ID');
		expect(d.grain).toBe('customers');
		expect(d.roles.numerics).toEqual([
			'Year_Birth',
			'Income',
			'Kidhome',
			'MntWines',
			'MntGoldProds',
			'NumCatalogPurchases',
			'NumStorePurchases'
		]);
		expect(d.roles.categoricals).toEqual(['Education', 'AcceptedCmp1', 'Complain']);
		expect(d.notes.join(' ')).toMatch(
			/same on every row: 'Z_CostContact' \(3\), 'Z_Revenue' \(11\)/
		);
	});

	it('counts and scales stay numbers; codes named as such are categories at any range', () => {
		expect(isIntegerCode(num('Kidhome', 3, { min: 0, max: 2 }), 2240)).toBe(false);
		expect(isIntegerCode(num('TENURE', 7, { min: 6, max: 12 }), 8950)).toBe(false);
		expect(isIntegerCode(num('rating', 5, { min: 1, max: 5 }), 1000)).toBe(false);
		expect(isIntegerCode(num('store_type', 4, { min: 10, max: 40 }), 1000)).toBe(true);
		expect(isIntegerCode(num('Channel', 2, { min: 1, max: 2 }), 6)).toBe(false);
	});

	it('extreme skew on money is logged by default; ages and years never', () => {
		expect(wantsLog(spend('Fresh', 433, 2.56))).toBe(true);
		expect(wantsLog(CRM[5]!)).toBe(false);
		expect(wantsLog(num('Age', 60, { min: 18, max: 99, skew: 2.5 }))).toBe(false);
	});

	it('outliers: impossible birth years, and income far beyond the rest', () => {
		const year = outlierChecks(CRM[1]!, '"Year_Birth"', 2026);
		expect(year).toHaveLength(1);
		expect(year[0]!.reason).toMatch(/before 1916/);
		const income = outlierChecks(CRM[3]!, '"Income"', 2026);
		expect(income).toHaveLength(1);
		expect(income[0]!.reason).toMatch(/robust standard deviations/);
		expect(outlierChecks(CRM[5]!, '"MntWines"', 2026)).toEqual([]);
		expect(
			outlierChecks(num('Age', 60, { min: 18, max: 130, median: 40, mad: 10 }), '"Age"', 2026)[0]
				?.reason
		).toMatch(/above 110/);
	});
});
