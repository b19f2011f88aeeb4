/**
 * Chart specs for the segment insights: cohort retention curves per segment, and the
 * per-customer silhouette plot grouped by segment (Orange's Silhouette Plot). The same rules as
 * specs.ts: inline values copied into fixed keys, names only as values or titles, the one theme
 * and segment palette, segments in natural order. Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import { SEGBOOK_CONFIG, SEGMENT_COLOURS, safeKey, segmentOrder } from './specs';

const FIT_WIDTH = { type: 'fit-x', contains: 'padding' } as const;

function finite(v: unknown): number | null {
	return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function text(v: unknown): string {
	return safeKey(typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
}

function segmentScale(segments: string[]): { domain: string[]; range: string[] } {
	return {
		domain: segments,
		range: segments.map((_, i) => SEGMENT_COLOURS[i % SEGMENT_COLOURS.length] ?? '#1b1f2a')
	};
}

/** Share of each segment's first-purchase cohorts still buying m months later, as lines. */
export function retentionCurvesSpec(
	rows: { segment: string; months: number; share: number; customers: number; retained: number }[]
): TopLevelSpec {
	const values = rows.map((r) => ({
		segment: text(r.segment),
		months: finite(r.months),
		share: finite(r.share),
		customers: finite(r.customers),
		retained: finite(r.retained)
	}));
	const segments = segmentOrder(values.map((v) => v.segment));
	return {
		title: {
			text: 'Still buying after the first purchase',
			subtitle:
				'Share of each segment’s customers who bought again in the m-th month after their first (cohorts too young to see month m are left out).'
		},
		description:
			'Line chart: for each segment, the share of customers who bought in each month after their first purchase, months 0 to 6.',
		width: 'container',
		autosize: FIT_WIDTH,
		height: 260,
		data: { values },
		mark: { type: 'line', point: true, strokeWidth: 2.5 },
		encoding: {
			x: {
				field: 'months',
				type: 'quantitative',
				title: 'Months after the first purchase',
				scale: { domain: [0, 6] },
				axis: { tickMinStep: 1, format: 'd' }
			},
			y: {
				field: 'share',
				type: 'quantitative',
				title: 'Customers still buying',
				scale: { domain: [0, 1] },
				axis: { format: '.0%' }
			},
			color: {
				field: 'segment',
				type: 'nominal',
				title: 'Segment',
				scale: segmentScale(segments),
				legend: { orient: 'bottom', columns: 2 }
			},
			tooltip: [
				{ field: 'segment', type: 'nominal', title: 'Segment' },
				{ field: 'months', type: 'quantitative', title: 'Months after the first' },
				{ field: 'share', type: 'quantitative', title: 'Still buying', format: '.1%' },
				{ field: 'retained', type: 'quantitative', title: 'Bought that month', format: ',d' },
				{ field: 'customers', type: 'quantitative', title: 'Customers seen', format: ',d' }
			]
		},
		config: structuredClone(SEGBOOK_CONFIG)
	};
}

/**
 * Orange's silhouette plot: each sampled customer's silhouette (−1..1) as a thin horizontal bar,
 * sorted within its segment, segments one under the other with a gap. Bars left of 0 are
 * customers closer to another segment than to their own.
 *
 * Drawn as one filled outline per segment (as scikit-learn's example draws it): a step of one row
 * per customer, or, past one customer per pixel row of the plot, per run of neighbouring customers
 * in that order (their mean). Vega draws a few hundred points instead of thousands of bars, and
 * the fill has no seams where bars of a fraction of a pixel would meet.
 */
export function silhouettePlotSpec(points: { segment: string; value: number }[]): TopLevelSpec {
	const segments = segmentOrder(points.map((p) => text(p.segment)));
	const height = Math.max(200, Math.min(520, segments.length * 70));
	const gap = Math.max(4, Math.round(points.length * 0.02));
	const perRow = Math.max(1, Math.ceil(points.length / height));
	// Each step: its top and bottom edge at the same value.
	const values: { segment: string; value: number; y: number }[] = [];
	const labels: { segment: string; y: number; mean: number }[] = [];
	let y = 0;
	for (const s of segments) {
		const mine = points
			.filter((p) => text(p.segment) === s)
			.map((p) => finite(p.value) ?? 0)
			.sort((a, b) => b - a);
		const start = y;
		for (let i = 0; i < mine.length; i += perRow) {
			const run = mine.slice(i, i + perRow);
			const value = run.reduce((a, b) => a + b, 0) / run.length;
			values.push({ segment: s, value, y }, { segment: s, value, y: y + run.length });
			y += run.length;
		}
		labels.push({
			segment: s,
			y: (start + y) / 2,
			mean: mine.length > 0 ? mine.reduce((a, b) => a + b, 0) / mine.length : 0
		});
		y += gap;
	}
	return {
		title: {
			text: 'How well each customer fits their segment',
			subtitle: `Silhouette of ${points.length.toLocaleString('en')} sampled customers: near 1 = clearly in their segment, below 0 = closer to another.`
		},
		description:
			'Silhouette plot: a thin bar per sampled customer, its silhouette value, sorted within each segment.',
		width: 'container',
		autosize: FIT_WIDTH,
		height,
		layer: [
			{
				data: { values },
				mark: { type: 'area', orient: 'horizontal', opacity: 1, aria: false },
				encoding: {
					x: {
						field: 'value',
						type: 'quantitative',
						scale: { domain: [-1, 1] },
						title: 'Silhouette'
					},
					x2: { datum: 0 },
					y: {
						field: 'y',
						type: 'quantitative',
						axis: null,
						scale: { reverse: true, nice: false }
					},
					color: {
						field: 'segment',
						type: 'nominal',
						title: 'Segment',
						scale: segmentScale(segments),
						legend: { orient: 'bottom', columns: 2 }
					}
				}
			},
			{
				data: { values: labels },
				mark: { type: 'text', align: 'right', dx: -6, fontSize: 12 },
				encoding: {
					x: { datum: -0.02, type: 'quantitative' },
					y: { field: 'y', type: 'quantitative' },
					text: { field: 'mean', type: 'quantitative', format: '.2f' },
					tooltip: [
						{ field: 'segment', type: 'nominal', title: 'Segment' },
						{ field: 'mean', type: 'quantitative', title: 'Mean silhouette', format: '.2f' }
					]
				}
			}
		],
		config: structuredClone(SEGBOOK_CONFIG)
	};
}
