/**
 * Segment rules a CRM or ad platform can apply: the threshold tree (src/cluster/tree.ts) fitted in
 * the model matrix's units, turned back into the customers' own units, words and a SQL CASE.
 *
 *   1. units: the transforms (log1p, clipping, median fill, scaling) are monotone, so a split
 *      "matrix value ≤ θ" keeps exactly the same customers as "value ≤ t" for any t from the
 *      largest original value on the left up to (not including) the smallest on the right;
 *      the roundest number there is the threshold (34, not 33.87), and the rule still agrees
 *      with the tree on every customer.
 *   2. paths: each leaf's conditions, merged per feature into one range.
 *   3. words: "last order within 35 days and more than 4 orders".
 *   4. SQL: one CASE expression over the plain feature columns; a feature with missing values
 *      gets the value the median fill gave them (on the same side of every threshold).
 *
 * Pure: no DOM, no DuckDB.
 */
import type { ThresholdTree } from '../cluster/tree';
import { ident } from '../sql/sql';

/** One feature for the rules: its name, and each customer's matrix and original value. */
export interface RuleFeature {
	name: string;
	/** The model matrix's value per customer. */
	matrix: ArrayLike<number>;
	/** The plain value per customer (customer_features), NaN where missing. */
	original: ArrayLike<number>;
}

export interface RuleCondition {
	feature: string;
	/** Lower bound (value > lower), or null. */
	above: number | null;
	/** Upper bound (value ≤ upper), or null. */
	atMost: number | null;
}

export interface SegmentRuleText {
	/** 0-based cluster of the tree's leaf. */
	cluster: number;
	conditions: RuleCondition[];
	text: string;
}

/** The roundest number t with lo ≤ t < hi (fewest significant digits; 5s and 2s before 1s). */
export function roundestBetween(lo: number, hi: number): number {
	if (!(hi > lo)) return lo;
	if (lo <= 0 && hi > 0) return 0;
	const top = Math.ceil(Math.log10(Math.max(Math.abs(lo), Math.abs(hi)))) + 1;
	for (let p = top; p > top - 17; p--) {
		for (const mult of [5, 2, 1]) {
			const step = mult * 10 ** (p - 1);
			let t = Number((Math.ceil(lo / step) * step).toPrecision(15));
			if (t < lo) t = Number((t + step).toPrecision(15));
			if (t >= lo && t < hi) return t;
		}
	}
	return lo;
}

/** A tree node's threshold in original units: the roundest number between the two sides. */
function originalThreshold(feature: RuleFeature, threshold: number): number {
	let lo = -Infinity;
	let hi = Infinity;
	for (let i = 0; i < feature.matrix.length; i++) {
		const x = feature.original[i]!;
		if (Number.isNaN(x)) continue;
		if (feature.matrix[i]! <= threshold) {
			if (x > lo) lo = x;
		} else if (x < hi) hi = x;
	}
	if (lo === -Infinity) return hi === Infinity ? 0 : hi - 1;
	if (hi === Infinity) return lo;
	return roundestBetween(lo, hi);
}

/** The tree with every threshold in original units (same shape, same features). */
export function toOriginalUnits(
	tree: ThresholdTree,
	features: readonly RuleFeature[]
): ThresholdTree {
	if (tree.kind === 'leaf') return tree;
	return {
		...tree,
		threshold: originalThreshold(features[tree.feature]!, tree.threshold),
		left: toOriginalUnits(tree.left, features),
		right: toOriginalUnits(tree.right, features)
	};
}

/**
 * The value a missing original stands for in the rules: on the side of every threshold (in
 * `originalTree`) where the median fill put those customers in the matrix (`matrixTree`). Null
 * when the feature has no missing values or no split uses it.
 */
export function missingFills(
	matrixTree: ThresholdTree,
	originalTree: ThresholdTree,
	features: readonly RuleFeature[]
): (number | null)[] {
	return features.map((f, j) => {
		let filled: number | null = null;
		const known: number[] = [];
		for (let i = 0; i < f.original.length; i++) {
			if (Number.isNaN(f.original[i]!)) filled ??= f.matrix[i]!;
			else known.push(f.original[i]!);
		}
		if (filled === null) return null;
		let above = -Infinity; // the fill must be > these
		let atMost = Infinity; // and ≤ these
		let used = false;
		const walk = (m: ThresholdTree, o: ThresholdTree): void => {
			if (m.kind === 'leaf' || o.kind === 'leaf') return;
			if (m.feature === j) {
				used = true;
				if (filled! <= m.threshold) atMost = Math.min(atMost, o.threshold);
				else above = Math.max(above, o.threshold);
			}
			walk(m.left, o.left);
			walk(m.right, o.right);
		};
		walk(matrixTree, originalTree);
		if (!used) return null;
		known.sort((a, b) => a - b);
		const median = known.length > 0 ? known[Math.floor((known.length - 1) / 2)]! : 0;
		if (median > above && median <= atMost) return median;
		if (atMost !== Infinity) return atMost;
		return above + Math.max(1, Math.abs(above));
	});
}

/** Each leaf's path as one range per feature, root's feature first. */
export function ruleConditions(
	tree: ThresholdTree,
	names: readonly string[]
): { cluster: number; conditions: RuleCondition[] }[] {
	const out: { cluster: number; conditions: RuleCondition[] }[] = [];
	const walk = (node: ThresholdTree, path: RuleCondition[]): void => {
		if (node.kind === 'leaf') {
			out.push({ cluster: node.cluster, conditions: path });
			return;
		}
		const feature = names[node.feature]!;
		const bound = (le: boolean): RuleCondition[] => {
			const existing = path.find((c) => c.feature === feature);
			const base = existing ?? { feature, above: null, atMost: null };
			const next: RuleCondition = le
				? {
						...base,
						atMost: base.atMost === null ? node.threshold : Math.min(base.atMost, node.threshold)
					}
				: {
						...base,
						above: base.above === null ? node.threshold : Math.max(base.above, node.threshold)
					};
			return existing ? path.map((c) => (c === existing ? next : c)) : [...path, next];
		};
		walk(node.left, bound(true));
		walk(node.right, bound(false));
	};
	walk(tree, []);
	return out.sort((a, b) => a.cluster - b.cluster);
}

function num(x: number, percent = false): string {
	if (percent) return `${Number((x * 100).toPrecision(3)).toLocaleString('en')}%`;
	return Number(x.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 3 });
}

/** How a bound on a feature reads. */
const PHRASES: Record<
	string,
	{
		above: (v: string) => string;
		atMost: (v: string) => string;
		both: (a: string, b: string) => string;
	}
> = {
	recency_days: {
		above: (v) => `last order more than ${v} days ago`,
		atMost: (v) => `last order within ${v} days`,
		both: (a, b) => `last order between ${a} and ${b} days ago`
	},
	frequency: {
		above: (v) => `more than ${v} orders`,
		atMost: (v) => `at most ${v} orders`,
		both: (a, b) => `more than ${a} and at most ${b} orders`
	},
	monetary: {
		above: (v) => `spent more than ${v}`,
		atMost: (v) => `spent at most ${v}`,
		both: (a, b) => `spent between ${a} and ${b}`
	},
	avg_order_value: {
		above: (v) => `average order above ${v}`,
		atMost: (v) => `average order at most ${v}`,
		both: (a, b) => `average order between ${a} and ${b}`
	},
	tenure_days: {
		above: (v) => `first order more than ${v} days ago`,
		atMost: (v) => `first order within ${v} days`,
		both: (a, b) => `first order between ${a} and ${b} days ago`
	},
	days_between_orders: {
		above: (v) => `more than ${v} days between orders`,
		atMost: (v) => `at most ${v} days between orders`,
		both: (a, b) => `between ${a} and ${b} days between orders`
	},
	items_per_order: {
		above: (v) => `more than ${v} items per order`,
		atMost: (v) => `at most ${v} items per order`,
		both: (a, b) => `between ${a} and ${b} items per order`
	}
};

const isShare = (feature: string): boolean => /^share_|_share$/.test(feature);

/** A condition in words: "last order within 35 days". */
export function conditionWords(c: RuleCondition): string {
	const share = isShare(c.feature);
	const above = c.above === null ? null : num(c.above, share);
	const atMost = c.atMost === null ? null : num(c.atMost, share);
	const phrase = Object.hasOwn(PHRASES, c.feature) ? PHRASES[c.feature] : undefined;
	const label =
		c.feature.replace(/^share_/, '').replaceAll('_', ' ') +
		(share && /^share_/.test(c.feature) ? ' share' : '');
	if (above !== null && atMost !== null)
		return phrase ? phrase.both(above, atMost) : `${label} above ${above} and at most ${atMost}`;
	if (above !== null) return phrase ? phrase.above(above) : `${label} above ${above}`;
	if (atMost !== null) return phrase ? phrase.atMost(atMost) : `${label} at most ${atMost}`;
	return 'every customer';
}

export function ruleWords(conditions: readonly RuleCondition[]): string {
	if (conditions.length === 0) return 'every customer';
	const parts = conditions.map(conditionWords);
	return parts.length === 1
		? parts[0]!
		: `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function sqlNumber(x: number): string {
	return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(15)));
}

/**
 * The rules as one SQL CASE expression giving the segment (1..k) from the plain feature
 * columns. `fills[j]` is the value a missing feature j stands for (or null: no coalesce).
 */
export function rulesCaseSql(
	rules: readonly { segment: number; conditions: readonly RuleCondition[]; text: string }[],
	fills: ReadonlyMap<string, number>,
	fidelity: number
): string {
	const column = (f: string): string => {
		const fill = fills.get(f);
		return fill === undefined ? ident(f) : `coalesce(${ident(f)}, ${sqlNumber(fill)})`;
	};
	const lines = rules.map((r) => {
		const tests = r.conditions.flatMap((c) => [
			...(c.above !== null ? [`${column(c.feature)} > ${sqlNumber(c.above)}`] : []),
			...(c.atMost !== null ? [`${column(c.feature)} <= ${sqlNumber(c.atMost)}`] : [])
		]);
		const text = r.text.replace(/[\r\n]+/g, ' ');
		return `\tWHEN ${tests.length > 0 ? tests.join(' AND ') : 'TRUE'} THEN ${r.segment} -- ${text}`;
	});
	return `-- Segment rules: a threshold tree fitted to the k-means segments (IMM), one threshold on one
-- feature per split, in the features' own units. It gives ${Math.round(fidelity * 1000) / 10}% of customers their k-means segment.
CASE
${lines.join('\n')}
END`;
}
