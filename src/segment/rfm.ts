/**
 * Classic rule-based RFM: every customer scored 1..5 on Recency, Frequency and Monetary value
 * (5 = best), F and M folded into one FM score, and the named groups read off an R × FM grid.
 * The rules are data so the user can edit them; whatever they do, every customer still gets a
 * group (an uncovered cell goes to the nearest rule), and the same grid compiles to SQL so the
 * worker assigns groups in DuckDB exactly as assignGroup does here.
 *
 * Pure: no DOM, no DuckDB.
 */

/** 1..5 each, 5 = best (most recent / most frequent / biggest spend). */
export interface RfmScores {
	r: number;
	f: number;
	m: number;
}

export type RfmGroup =
	| 'Champions'
	| 'Loyal'
	| 'Potential loyalists'
	| 'New'
	| 'Promising'
	| 'Need attention'
	| 'About to sleep'
	| 'At risk'
	| "Can't lose them"
	| 'Hibernating'
	| 'Lost';

export const RFM_GROUPS: readonly RfmGroup[] = Object.freeze([
	'Champions',
	'Loyal',
	'Potential loyalists',
	'New',
	'Promising',
	'Need attention',
	'About to sleep',
	'At risk',
	"Can't lose them",
	'Hibernating',
	'Lost'
] as const);

/** Inclusive ranges on R and on the FM score (rounded mean of F and M, 1..5). */
export interface RfmRule {
	group: RfmGroup;
	r: [number, number];
	fm: [number, number];
}

/**
 * The widely used segment map on R × FM. Rules are tried in this order and the first match
 * wins, so a broad rule (Loyal, Lost) may sit under narrower ones above it. The result:
 *
 *   R\FM     1                2                    3         4          5
 *    5   New             Potential loyalists  Loyal     Champions  Champions
 *    4   Promising       Potential loyalists  Loyal     Champions  Champions
 *    3   About to sleep  Need attention       Loyal     Loyal      Loyal
 *    2   Hibernating     Hibernating          At risk   At risk    Can't lose them
 *    1   Lost            Lost                 At risk   At risk    Can't lose them
 *
 * Every one of the 25 cells is covered and every group is reachable.
 */
export const DEFAULT_RFM_RULES: readonly RfmRule[] = Object.freeze([
	{ group: 'Champions', r: [4, 5], fm: [4, 5] },
	{ group: 'Loyal', r: [3, 5], fm: [3, 5] },
	{ group: 'New', r: [5, 5], fm: [1, 1] },
	{ group: 'Promising', r: [4, 4], fm: [1, 1] },
	{ group: 'Potential loyalists', r: [4, 5], fm: [2, 2] },
	{ group: 'Need attention', r: [3, 3], fm: [2, 2] },
	{ group: 'About to sleep', r: [3, 3], fm: [1, 1] },
	{ group: "Can't lose them", r: [1, 2], fm: [5, 5] },
	{ group: 'At risk', r: [1, 2], fm: [3, 4] },
	{ group: 'Hibernating', r: [2, 2], fm: [1, 2] },
	{ group: 'Lost', r: [1, 2], fm: [1, 2] }
] satisfies RfmRule[]);

export const RFM_GROUP_ADVICE: Record<RfmGroup, string> = Object.freeze({
	Champions: 'Bought recently, buy often and spend the most: reward them.',
	Loyal: 'Buy regularly and spend well: offer loyalty perks and ask for reviews.',
	'Potential loyalists':
		'Recent customers with a few orders: a membership or tailored offer can make them loyal.',
	New: 'Bought for the first time very recently: welcome them and help them to a second order.',
	Promising: 'Recent buyers who have not spent much yet: build the habit with a small incentive.',
	'Need attention':
		'Middling on every count: a timely offer based on past purchases can win them over.',
	'About to sleep': 'Not bought for a while and seldom did: reconnect before they drift away.',
	'At risk':
		'Used to buy often and spend well, but not lately: win them back with personal offers.',
	"Can't lose them":
		'Among the biggest spenders, but long gone: reach out personally before a rival does.',
	Hibernating:
		'Last bought long ago, seldom and for little: try relevant products or special prices.',
	Lost: 'Lowest on recency, frequency and spend: one reactivation campaign, then let them go.'
});

const MIN = 1;
const MAX = 5;

/** A rule's ranges made usable: ends sorted, clipped to 1..5; null when nothing is left. */
interface Box {
	group: RfmGroup;
	r: readonly [number, number];
	fm: readonly [number, number];
}

function toBox(rule: RfmRule): Box | null {
	const range = ([a, b]: readonly [number, number]): [number, number] | null => {
		if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
		const lo = Math.max(MIN, Math.ceil(Math.min(a, b)));
		const hi = Math.min(MAX, Math.floor(Math.max(a, b)));
		return lo <= hi ? [lo, hi] : null;
	};
	const r = range(rule.r);
	const fm = range(rule.fm);
	return r && fm ? { group: rule.group, r, fm } : null;
}

/**
 * The usable boxes of a rule set. Reversed ranges are read the right way round, since the intent
 * is plain; ranges wholly outside 1..5 match nobody. With nothing usable left, the default map
 * applies rather than leaving every customer without a group.
 */
function boxes(rules: readonly RfmRule[]): Box[] {
	const usable = rules.map(toBox).filter((b): b is Box => b !== null);
	return usable.length > 0
		? usable
		: DEFAULT_RFM_RULES.map(toBox).filter((b): b is Box => b !== null);
}

const inRange = (v: number, [lo, hi]: readonly [number, number]): boolean => v >= lo && v <= hi;
const gap = (v: number, [lo, hi]: readonly [number, number]): number =>
	v < lo ? lo - v : v > hi ? v - hi : 0;

/** First matching box, or null. */
function firstMatch(list: readonly Box[], r: number, fm: number): Box | null {
	return list.find((b) => inRange(r, b.r) && inRange(fm, b.fm)) ?? null;
}

/** The box nearest the cell by Manhattan distance; ties go to the earlier (higher-priority) rule. */
function nearest(list: readonly Box[], r: number, fm: number): Box {
	let best = list[0];
	let bestDistance = Infinity;
	for (const b of list) {
		const d = gap(r, b.r) + gap(fm, b.fm);
		if (d < bestDistance) {
			best = b;
			bestDistance = d;
		}
	}
	if (!best) throw new Error('RFM: no usable rules'); // boxes() always returns the defaults at least
	return best;
}

const clampScore = (v: number): number =>
	Number.isFinite(v) ? Math.min(MAX, Math.max(MIN, Math.round(v))) : MIN;

/** The FM score: the rounded mean of F and M (halves round up, as DuckDB's round does). */
export function fmScore(f: number, m: number): number {
	return clampScore((clampScore(f) + clampScore(m)) / 2);
}

/**
 * The group of a customer: the first rule matching (r, FM); if a user-edited rule set leaves the
 * cell uncovered, the nearest rule by Manhattan distance in (r, FM). Never unassigned.
 */
export function assignGroup(s: RfmScores, rules: readonly RfmRule[] = DEFAULT_RFM_RULES): RfmGroup {
	const list = boxes(rules);
	const r = clampScore(s.r);
	const fm = fmScore(s.f, s.m);
	return (firstMatch(list, r, fm) ?? nearest(list, r, fm)).group;
}

const showRange = ([a, b]: readonly [number, number]): string =>
	a === b ? String(a) : `${a}–${b}`;

/**
 * Plain messages about a rule set: ranges outside 1..5, not whole numbers or reversed; rules
 * that never apply because earlier rules take all their cells; cells no rule covers. Empty when
 * the rules are fine.
 */
export function validateRules(rules: readonly RfmRule[]): string[] {
	const messages: string[] = [];
	if (rules.length === 0) return ['There are no rules: the default groups are used.'];
	for (const rule of rules) {
		for (const axis of ['r', 'fm'] as const) {
			const label = axis === 'r' ? 'R' : 'FM';
			const [a, b] = rule[axis];
			if (!Number.isFinite(a) || !Number.isFinite(b)) {
				messages.push(`${rule.group}: the ${label} range needs two numbers from 1 to 5.`);
				continue;
			}
			if (
				a < MIN ||
				a > MAX ||
				b < MIN ||
				b > MAX ||
				!Number.isInteger(a) ||
				!Number.isInteger(b)
			) {
				messages.push(
					`${rule.group}: ${label} ${showRange([a, b])} is outside the scores, which are whole numbers from 1 to 5.`
				);
			}
			if (a > b) {
				messages.push(`${rule.group}: ${label} ${a}–${b} is reversed; it is read as ${b}–${a}.`);
			}
		}
	}
	const list = rules.map(toBox).filter((b): b is Box => b !== null);
	if (list.length === 0) {
		messages.push('No rule covers any score: the default groups are used.');
		return messages;
	}
	const applied = new Set<Box>();
	const uncovered: string[] = [];
	for (let r = MAX; r >= MIN; r--) {
		for (let fm = MIN; fm <= MAX; fm++) {
			const hit = firstMatch(list, r, fm);
			if (hit) applied.add(hit);
			else {
				uncovered.push(
					`R ${r} × FM ${fm} is not covered: those customers go to the nearest group (${nearest(list, r, fm).group}).`
				);
			}
		}
	}
	for (const b of list) {
		if (!applied.has(b)) {
			messages.push(`${b.group} never applies: rules above it take all of its cells.`);
		}
	}
	messages.push(...uncovered);
	return messages;
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

function condition(expr: string, [lo, hi]: readonly [number, number]): string {
	return lo === hi ? `(${expr}) = ${lo}` : `(${expr}) BETWEEN ${lo} AND ${hi}`;
}

/**
 * A DuckDB CASE expression giving each customer's group from two SQL expressions for the R and
 * FM scores: one branch per rule, first match wins, and an ELSE that lists the group of every
 * uncovered cell as assignGroup would pick it, so SQL and TypeScript always agree.
 * `rCol` and `fmCol` are SQL expressions (a column or e.g. `round((f + m) / 2.0)::INTEGER`),
 * inserted as they are.
 */
export function rfmGridSql(rules: readonly RfmRule[], rCol: string, fmCol: string): string {
	const list = boxes(rules);
	const lines = ['CASE'];
	for (const b of list) {
		lines.push(
			`\tWHEN ${condition(rCol, b.r)} AND ${condition(fmCol, b.fm)} THEN ${sqlString(b.group)}`
		);
	}
	const fallback: string[] = [];
	for (let r = MAX; r >= MIN; r--) {
		for (let fm = MIN; fm <= MAX; fm++) {
			if (firstMatch(list, r, fm)) continue;
			fallback.push(
				`\t\tWHEN (${rCol}) = ${r} AND (${fmCol}) = ${fm} THEN ${sqlString(nearest(list, r, fm).group)}`
			);
		}
	}
	if (fallback.length > 0) lines.push('\tELSE CASE', ...fallback, '\tEND');
	lines.push('END');
	return lines.join('\n');
}
