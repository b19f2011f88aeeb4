/**
 * The words and numbers around the step-through k-means picture (StepperCell.svelte): the
 * sample query, the sentence read out after each step, the picture's summary for screen
 * readers, and axis ticks. Pure, so the unit tests read the sentences a class will hear.
 */
import type { StepReport } from '../cluster/stepper';
import { ident } from '../sql/sql';
import { MATRIX_TABLE } from '../sql/features.sql';

/** Customers drawn: enough to see the groups, few enough that every dot stays visible. */
export const STEPPER_SAMPLE = 600;

/** Play's pace per half-step at each speed (the speed control): slow to fast. */
export const STEPPER_SPEEDS = [
	{ label: 'slow', ms: 1600 },
	{ label: 'normal', ms: 800 },
	{ label: 'fast', ms: 350 },
	{ label: 'fastest', ms: 120 }
] as const;

/** Play gives up here (Lloyd converges long before on real data; this only guards a loop). */
export const STEPPER_MAX_STEPS = 100;

/**
 * Two scaled features of a fixed sample of customers, exactly as k-means sees them. The sample
 * is "the customers whose key hashes lowest": the same customers on every run and machine, and
 * independent of the seed, so "New seed" changes only where the centres start.
 */
export function stepperSampleSql(key: string, x: string, y: string): string {
	const k = ident(key);
	const fx = ident(x);
	const fy = ident(y);
	return `SELECT ${fx}::DOUBLE AS x, ${fy}::DOUBLE AS y
FROM ${MATRIX_TABLE}
WHERE isfinite(${fx}::DOUBLE) AND isfinite(${fy}::DOUBLE)
ORDER BY hash(${k}), ${k}
LIMIT ${STEPPER_SAMPLE}`;
}

function customers(n: number): string {
	return `${n.toLocaleString('en')} customer${n === 1 ? '' : 's'}`;
}

export function formatDistance(v: number): string {
	return v.toLocaleString('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/** "(down 6%)", "(down 0.4%)" or "(unchanged)". */
function change(previous: number, current: number): string {
	if (!(previous > 0) || current >= previous) return '(unchanged)';
	const pct = ((previous - current) / previous) * 100;
	return `(down ${pct >= 1 ? Math.round(pct) : pct.toFixed(1)}%)`;
}

/** Where the starting centres came from. */
export type StartedBy = { seed: number } | 'placed';

/** The biggest distance a centre moved between two positions (k×2), and which centre. */
export function biggestMove(from: Float64Array, to: Float64Array): { cluster: number; by: number } {
	let best = { cluster: 0, by: 0 };
	for (let c = 0; 2 * c + 1 < to.length; c++) {
		const by = Math.hypot(to[2 * c]! - from[2 * c]!, to[2 * c + 1]! - from[2 * c + 1]!);
		if (by > best.by) best = { cluster: c, by };
	}
	return best;
}

/**
 * The plain sentence announced after each half-step: what just happened. `previous` is the
 * total squared distance before this half-step (null at the start and at the first assignment);
 * `moved` the biggest move of a centre in a move half-step.
 */
export function stepSentence(
	r: StepReport,
	k: number,
	started: StartedBy,
	previous: number | null,
	moved: { cluster: number; by: number } | null = null
): string {
	const centres = `${k} starting centre${k === 1 ? '' : 's'}`;
	if (r.iteration === 0) {
		return started === 'placed'
			? `Step 0: you placed ${centres} by hand; no customer has a cluster yet. Next: every customer joins the nearest one.`
			: `Step 0: ${centres} picked by k-means++ (seed ${started.seed}); no customer has a cluster yet. Next: every customer joins the nearest one.`;
	}
	const total = r.inertia === null ? '' : formatDistance(r.inertia);
	const trend = previous === null || r.inertia === null ? '' : ` ${change(previous, r.inertia)}`;
	if (r.converged) {
		const moves = r.iteration - 1;
		return `Converged after ${r.iteration} steps: no customer changed cluster, so no centre moves again (${moves} move${moves === 1 ? '' : 's'} in all). Total squared distance ${total}.`;
	}
	if (r.phase === 'assigned') {
		if (r.iteration === 1) {
			return `Step 1, assign: all ${customers(r.labels.length)} joined their nearest centre and took its colour; total squared distance ${total}.`;
		}
		return `Step ${r.iteration}, assign: ${customers(r.changed)} ${r.changed === 1 ? 'was' : 'were'} nearer another centre and changed cluster; total squared distance ${total}${trend}.`;
	}
	const far =
		moved && moved.by > 0
			? ` (cluster ${moved.cluster + 1} moved most, ${formatDistance(moved.by)})`
			: '';
	return `Step ${r.iteration}, move: every centre moved to the mean of its customers${far}; total squared distance ${total}${trend}.`;
}

/** Customers per cluster (points not yet assigned are not counted). */
export function clusterSizes(labels: Int32Array, k: number): number[] {
	const sizes = new Array<number>(k).fill(0);
	for (const l of labels) if (l >= 0 && l < k) sizes[l]!++;
	return sizes;
}

/** What the picture shows, for the SVG's aria-label. */
export function pictureSummary(r: StepReport, k: number, x: string, y: string): string {
	const where = `${customers(r.labels.length)} by ${x} (across) and ${y} (up)`;
	if (r.iteration === 0) {
		return `K-means step by step: ${where}; ${k} starting centres, no customer assigned yet.`;
	}
	const sizes = clusterSizes(r.labels, k)
		.map((s, c) => `cluster ${c + 1}: ${s}`)
		.join(', ');
	const half = r.phase === 'assigned' ? ', assign' : r.phase === 'moved' ? ', move' : '';
	const state = r.converged
		? `converged after step ${r.iteration}`
		: `after step ${r.iteration}${half}`;
	return `K-means step by step: ${where}; ${state}; ${sizes}.`;
}

/** Round tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function ticks(lo: number, hi: number, count = 6): number[] {
	if (!(hi > lo)) return [lo];
	const raw = (hi - lo) / count;
	const power = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
	const out: number[] = [];
	for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
		out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
	}
	return out;
}
