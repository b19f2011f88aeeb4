/**
 * Guards the rule-based RFM map: the default grid covers all 25 cells with the classic groups,
 * edited rules never leave a customer without a group, the checks explain gaps and bad ranges,
 * and the SQL CASE agrees with assignGroup cell for cell.
 */
import { describe, expect, it } from 'vitest';
import {
	assignGroup,
	DEFAULT_RFM_RULES,
	fmScore,
	RFM_GROUP_ADVICE,
	RFM_GROUPS,
	rfmGridSql,
	validateRules,
	type RfmGroup,
	type RfmRule
} from '../../../src/segment/rfm';

const cells: [number, number][] = [];
for (let r = 1; r <= 5; r++) for (let fm = 1; fm <= 5; fm++) cells.push([r, fm]);

/** Scores whose FM is `fm`: F = M = fm. */
const at = (r: number, fm: number): { r: number; f: number; m: number } => ({ r, f: fm, m: fm });

/**
 * Evaluates the generated CASE for one cell: enough of DuckDB's CASE, BETWEEN and = on two
 * integer expressions to check the SQL against assignGroup without a database.
 */
function evalGridSql(sql: string, r: number, fm: number): string | null {
	const whens = [
		...sql.matchAll(
			/WHEN \(R\) (?:BETWEEN (\d) AND (\d)|= (\d)) AND \(FM\) (?:BETWEEN (\d) AND (\d)|= (\d)) THEN '((?:[^']|'')*)'/g
		)
	];
	for (const w of whens) {
		const [rLo, rHi] = w[3] ? [Number(w[3]), Number(w[3])] : [Number(w[1]), Number(w[2])];
		const [fLo, fHi] = w[6] ? [Number(w[6]), Number(w[6])] : [Number(w[4]), Number(w[5])];
		if (r >= rLo && r <= rHi && fm >= fLo && fm <= fHi) return (w[7] ?? '').replaceAll("''", "'");
	}
	return null;
}

describe('default RFM rules', () => {
	it('assign every one of the 25 cells to a group, all 11 groups in use', () => {
		const seen = new Set<RfmGroup>();
		for (const [r, fm] of cells) {
			const g = assignGroup(at(r, fm));
			expect(RFM_GROUPS).toContain(g);
			seen.add(g);
		}
		expect(seen.size).toBe(RFM_GROUPS.length);
		expect(validateRules(DEFAULT_RFM_RULES)).toEqual([]);
	});

	it.each([
		[5, 5, 'Champions'],
		[4, 4, 'Champions'],
		[1, 1, 'Lost'],
		[1, 5, "Can't lose them"],
		[5, 1, 'New'],
		[4, 1, 'Promising'],
		[3, 3, 'Loyal'],
		[5, 2, 'Potential loyalists'],
		[3, 2, 'Need attention'],
		[3, 1, 'About to sleep'],
		[2, 4, 'At risk'],
		[2, 1, 'Hibernating']
	] as const)('R %i × FM %i is %s', (r, fm, group) => {
		expect(assignGroup(at(r, fm))).toBe(group);
	});

	it('FM is the rounded mean of F and M, halves up like DuckDB round()', () => {
		expect(fmScore(1, 2)).toBe(2);
		expect(fmScore(4, 5)).toBe(5);
		expect(fmScore(1, 5)).toBe(3);
		expect(assignGroup({ r: 5, f: 5, m: 4 })).toBe('Champions');
		expect(assignGroup({ r: 1, f: 1, m: 2 })).toBe('Lost');
	});

	it('has one short advice sentence per group', () => {
		for (const g of RFM_GROUPS) expect(RFM_GROUP_ADVICE[g]).toMatch(/^[A-Z].{10,120}\.$/);
		expect(RFM_GROUP_ADVICE.Champions).toBe(
			'Bought recently, buy often and spend the most: reward them.'
		);
	});
});

describe('edited rules', () => {
	const gappy: RfmRule[] = [
		{ group: 'Champions', r: [4, 5], fm: [4, 5] },
		{ group: 'Lost', r: [1, 2], fm: [1, 2] },
		{ group: "Can't lose them", r: [1, 1], fm: [5, 5] }
	];

	it('still assign every cell, to the nearest rule by Manhattan distance', () => {
		for (const [r, fm] of cells) expect(RFM_GROUPS).toContain(assignGroup(at(r, fm), gappy));
		expect(assignGroup(at(3, 4), gappy)).toBe('Champions'); // 1 step from Champions
		expect(assignGroup(at(3, 1), gappy)).toBe('Lost'); // 1 step from Lost
		expect(assignGroup(at(2, 5), gappy)).toBe("Can't lose them"); // 1 step from (1, 5)
		// (3, 3): 2 steps from Champions and from Lost; the earlier rule wins the tie.
		expect(assignGroup(at(3, 3), gappy)).toBe('Champions');
	});

	it('validateRules lists the uncovered cells and where they go', () => {
		const messages = validateRules(gappy);
		expect(messages).toContain(
			'R 3 × FM 1 is not covered: those customers go to the nearest group (Lost).'
		);
		expect(messages.filter((m) => m.includes('is not covered'))).toHaveLength(25 - 4 - 4 - 1);
	});

	it('validateRules reports bad and reversed ranges, and rules that never apply', () => {
		const messages = validateRules([
			{ group: 'Champions', r: [5, 4], fm: [4, 6] },
			{ group: 'Loyal', r: [0, 5], fm: [1, 5] },
			{ group: 'New', r: [5, 5], fm: [1, 1] }
		]);
		expect(messages).toContain('Champions: R 5–4 is reversed; it is read as 4–5.');
		expect(messages).toContain(
			'Champions: FM 4–6 is outside the scores, which are whole numbers from 1 to 5.'
		);
		expect(messages).toContain(
			'Loyal: R 0–5 is outside the scores, which are whole numbers from 1 to 5.'
		);
		expect(messages).toContain('New never applies: rules above it take all of its cells.');
		expect(messages.some((m) => m.includes('not covered'))).toBe(false);
		// Reversed ranges are read the right way round, out-of-range ends clipped.
		expect(assignGroup(at(4, 5), [{ group: 'Loyal', r: [5, 4], fm: [4, 9] }])).toBe('Loyal');
	});

	it('with no usable rules, the default map applies', () => {
		expect(validateRules([])).toEqual(['There are no rules: the default groups are used.']);
		expect(assignGroup(at(5, 5), [])).toBe('Champions');
		const outside: RfmRule[] = [{ group: 'Lost', r: [6, 9], fm: [1, 5] }];
		expect(validateRules(outside)).toContain(
			'No rule covers any score: the default groups are used.'
		);
		expect(assignGroup(at(1, 1), outside)).toBe('Lost');
		expect(assignGroup(at(5, 5), outside)).toBe('Champions');
	});
});

describe('rfmGridSql', () => {
	it('is a CASE with one branch per default rule and no fallback', () => {
		const sql = rfmGridSql(DEFAULT_RFM_RULES, 'R', 'FM');
		expect(sql.startsWith('CASE')).toBe(true);
		expect(sql.endsWith('END')).toBe(true);
		expect(sql.match(/\bWHEN\b/g)).toHaveLength(DEFAULT_RFM_RULES.length);
		expect(sql).not.toContain('ELSE');
		expect(sql).toContain(`WHEN (R) BETWEEN 4 AND 5 AND (FM) BETWEEN 4 AND 5 THEN 'Champions'`);
		expect(sql).toContain(`THEN 'Can''t lose them'`);
		expect(sql).toContain(`WHEN (R) = 5 AND (FM) = 1 THEN 'New'`);
	});

	it('agrees with assignGroup on every cell, for the default and for gappy rules', () => {
		const gappy: RfmRule[] = [
			{ group: 'Champions', r: [4, 5], fm: [4, 5] },
			{ group: "Can't lose them", r: [1, 2], fm: [5, 5] }
		];
		for (const rules of [DEFAULT_RFM_RULES, gappy]) {
			const sql = rfmGridSql(rules, 'R', 'FM');
			for (const [r, fm] of cells) {
				expect(evalGridSql(sql, r, fm)).toBe(assignGroup(at(r, fm), rules));
			}
		}
		const sql = rfmGridSql(gappy, 'R', 'FM');
		expect(sql).toContain('ELSE CASE');
		expect(sql).toContain(`WHEN (R) = 3 AND (FM) = 1 THEN 'Champions'`);
	});

	it('wraps the score expressions so any SQL expression works', () => {
		const sql = rfmGridSql(DEFAULT_RFM_RULES, 'r', 'round((f + m) / 2.0)::INTEGER');
		expect(sql).toContain('(round((f + m) / 2.0)::INTEGER) BETWEEN 4 AND 5');
	});
});
