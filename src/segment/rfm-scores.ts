/**
 * R, F and M scores from cut-offs, the field's way: four cut-offs per measure (by default its
 * quintiles, editable), and a customer's score is the band their value falls in. Equal values
 * always get equal scores, so when many customers share a value (most bought once) the bands are
 * not fifths, and `explainTies` says so in words. (Ranking with ntile() would split tied
 * customers between scores at random.)
 *
 *   R: recency_days ≤ c1 → 5, ≤ c2 → 4, ≤ c3 → 3, ≤ c4 → 2, else 1   (recent is better)
 *   F, M: value ≤ c1 → 1, ≤ c2 → 2, ≤ c3 → 3, ≤ c4 → 4, else 5
 *
 * Pure: SQL text and sentences.
 */
import { rfmGridSql, type RfmRule } from './rfm';

/** Four ascending cut-offs per measure, in plain units (days, orders, money). */
export interface RfmCutoffs {
	recency: number[];
	frequency: number[];
	monetary: number[];
}

const MEASURES = [
	['recency', 'recency_days'],
	['frequency', 'frequency'],
	['monetary', 'monetary']
] as const;

/** Cut-offs usable as given: four finite numbers each, sorted; otherwise null (use quintiles). */
export function cleanCutoffs(c: RfmCutoffs | null | undefined): RfmCutoffs | null {
	if (!c) return null;
	const ok = (v: readonly number[]): boolean =>
		v.length === 4 && v.every((x) => Number.isFinite(x));
	if (!ok(c.recency) || !ok(c.frequency) || !ok(c.monetary)) return null;
	const sorted = (v: readonly number[]): number[] => [...v].sort((a, b) => a - b);
	return {
		recency: sorted(c.recency),
		frequency: sorted(c.frequency),
		monetary: sorted(c.monetary)
	};
}

const list = (v: readonly number[]): string => `[${v.map((x) => String(x)).join(', ')}]`;

function band(column: string, cuts: string, best: 'low' | 'high'): string {
	const scores = best === 'low' ? [5, 4, 3, 2, 1] : [1, 2, 3, 4, 5];
	return `CASE WHEN ${column} <= ${cuts}[1] THEN ${scores[0]} WHEN ${column} <= ${cuts}[2] THEN ${scores[1]} WHEN ${column} <= ${cuts}[3] THEN ${scores[2]} WHEN ${column} <= ${cuts}[4] THEN ${scores[3]} ELSE ${scores[4]} END`;
}

/**
 * `CREATE TABLE <table>`: every customer of `features` with r, f, m (1–5), fm and the group.
 * `cutoffs` null: each measure's quintiles (quantile_disc at 0.2, 0.4, 0.6, 0.8).
 */
export function rfmScoresSql(
	table: string,
	features: string,
	rules: readonly RfmRule[],
	cutoffs: RfmCutoffs | null
): string {
	const cuts = cleanCutoffs(cutoffs);
	const cutSql = MEASURES.map(([name, column]) =>
		cuts
			? `${list(cuts[name])}::DOUBLE[] AS ${name}_cuts`
			: `quantile_disc(${column}, [0.2, 0.4, 0.6, 0.8])::DOUBLE[] AS ${name}_cuts`
	);
	const fm = 'round((f + m) / 2.0)::INTEGER';
	return `-- Rule-based RFM: each customer scored 1-5 on Recency (5 = most recent), Frequency and
-- Monetary (5 = most) by the band their value falls in, between four cut-offs per measure
-- (${cuts ? 'set in the Segments cell' : 'the quintiles'}); equal values get equal scores. FM = rounded mean of F and M; the
-- group comes from R × FM.
CREATE OR REPLACE TABLE ${table} AS
WITH cuts AS (
	SELECT ${cutSql.join(',\n	       ')}${cuts ? '' : `\n	FROM ${features}`}
),
scored AS (
	SELECT f.*,
	       ${band('f.recency_days', 'recency_cuts', 'low')} AS r,
	       ${band('f.frequency', 'frequency_cuts', 'high')} AS f,
	       ${band('f.monetary', 'monetary_cuts', 'high')} AS m
	FROM ${features} f, cuts
)
SELECT * EXCLUDE (r, f, m), r, f, m, ${fm} AS fm,
       ${rfmGridSql(rules, 'r', fm)} AS rfm_group
FROM scored`;
}

/** The cut-offs the scoring used, as SQL over the features table (one row of three lists). */
export function cutoffsSql(features: string, cutoffs: RfmCutoffs | null): string {
	const cuts = cleanCutoffs(cutoffs);
	return `SELECT ${MEASURES.map(([name, column]) =>
		cuts
			? `${list(cuts[name])}::DOUBLE[]`
			: `quantile_disc(${column}, [0.2, 0.4, 0.6, 0.8])::DOUBLE[]`
	).join(', ')}${cuts ? '' : ` FROM ${features}`}`;
}

const LABEL = { recency: 'Recency', frequency: 'Frequency', monetary: 'Monetary' } as const;
const UNIT = { recency: 'days', frequency: 'orders', monetary: '' } as const;

function show(measure: keyof RfmCutoffs, v: number): string {
	const n = Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(2);
	const unit = UNIT[measure];
	return unit === '' ? n : `${n} ${v === 1 && unit === 'orders' ? 'order' : unit}`;
}

/**
 * Sentences for cut-offs that coincide: the scores between them are empty, and everyone at that
 * value shares one score. `shareAt` gives the share of customers with exactly that value.
 */
export function explainTies(
	cutoffs: RfmCutoffs,
	shareAt: (measure: keyof RfmCutoffs, value: number) => number
): string[] {
	const out: string[] = [];
	for (const [measure] of MEASURES) {
		const cuts = cutoffs[measure];
		for (let i = 0; i < cuts.length;) {
			let j = i;
			while (j + 1 < cuts.length && cuts[j + 1] === cuts[i]) j++;
			if (j > i) {
				const value = cuts[i]!;
				// Scores (1-based) whose band lies between equal cut-offs are empty.
				const empty =
					measure === 'recency'
						? Array.from({ length: j - i }, (_, k) => 4 - i - k)
						: Array.from({ length: j - i }, (_, k) => i + k + 2);
				const pct = Math.round(shareAt(measure, value) * 100);
				const scores = empty.sort((a, b) => a - b).join(' and ');
				out.push(
					`${LABEL[measure]}: ${pct}% of customers have exactly ${show(measure, value)}, so ${j - i + 1} cut-offs fall on that value; tied customers get the same score and ${measure.charAt(0).toUpperCase()} = ${scores} ${empty.length === 1 ? 'is' : 'are'} empty. Edit the cut-offs to split them differently.`
				);
			}
			i = j + 1;
		}
	}
	return out;
}
