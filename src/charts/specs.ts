/**
 * Chart specs: pure builders from small, fixed-shape rows to Vega-Lite specs, and the validator
 * for specs that a user edits or a shared link brings in.
 *
 * Every builder follows the same rules (RELIABILITY.md T2, T6, T7):
 *   1. Data is inline `values` only, never a `url`. Rows are copied into fresh objects with the
 *      builder's own fixed keys, so the caller's objects are never mutated by Vega (it tags each
 *      datum) and no user column name ever becomes an object key or a Vega field path.
 *   2. Where a user's name must appear (a feature, a query column) it is a VALUE (long format) or
 *      a plain title string. Vega draws titles, labels and tooltips as text, never as HTML.
 *   3. One theme (SEGBOOK_CONFIG), one colour-blind-safe segment palette (SEGMENT_COLOURS), and
 *      one segment order (natural sort: "Segment 2" before "Segment 10"), so a segment keeps its
 *      colour from chart to chart.
 *   4. Highlights use field predicates (`{ field, equal }`), not expression strings built from
 *      data, so nothing from the data is ever parsed as an expression.
 *
 * Pure: no DOM, no Svelte, no Vega runtime (type-only imports from vega-lite).
 */

import type { Config, TopLevelSpec } from 'vega-lite';

// ---------------------------------------------------------------------------------------------
// Theme
// ---------------------------------------------------------------------------------------------

/**
 * Okabe & Ito (2008) "Color Universal Design" palette, the strongest colours first, safe for the
 * common colour-vision deficiencies; then four darker tones from Paul Tol's muted scheme, so the
 * k sweep's largest k (10) still gets a colour per segment. A chart with more than twelve
 * segments repeats them, so builders that draw segments also label them (axis labels, text or
 * tooltips).
 */
export const SEGMENT_COLOURS: readonly string[] = Object.freeze([
	'#0072B2', // blue
	'#E69F00', // orange
	'#009E73', // bluish green
	'#CC79A7', // reddish purple
	'#56B4E9', // sky blue
	'#D55E00', // vermillion
	'#F0E442', // yellow
	'#000000', // black
	'#882255', // wine
	'#999933', // olive
	'#332288', // indigo
	'#888888' // grey
]);

const FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif";
const INK = '#1b1f2a';
const INK_2 = '#474f63';
const LINE = '#d9dde7';
const LINE_SOFT = '#eceef4';
const ACCENT = '#3a56d4';
/** The highlight for "the chosen one" (chosen k): vermillion, distinct from ACCENT for all CVD. */
const HIGHLIGHT = '#D55E00';

/** The one chart theme: system fonts at sizes readable on a projector, no border, light grid. */
export const SEGBOOK_CONFIG: Config = Object.freeze({
	font: FONT,
	background: '#ffffff',
	padding: 8,
	view: { stroke: null },
	title: {
		font: FONT,
		fontSize: 17,
		fontWeight: 600,
		color: INK,
		anchor: 'start',
		offset: 10,
		subtitleFont: FONT,
		subtitleFontSize: 13,
		subtitleColor: INK_2
	},
	axis: {
		labelFont: FONT,
		titleFont: FONT,
		labelFontSize: 13,
		titleFontSize: 14,
		titleFontWeight: 600,
		labelColor: INK_2,
		titleColor: INK,
		domainColor: LINE,
		tickColor: LINE,
		gridColor: LINE_SOFT,
		labelLimit: 220,
		titlePadding: 10
	},
	legend: {
		labelFont: FONT,
		titleFont: FONT,
		labelFontSize: 13,
		titleFontSize: 13,
		titleFontWeight: 600,
		labelColor: INK_2,
		titleColor: INK,
		labelLimit: 220,
		titleLimit: 320
	},
	header: {
		labelFont: FONT,
		titleFont: FONT,
		labelFontSize: 14,
		labelFontWeight: 600,
		titleFontSize: 14,
		labelColor: INK,
		titleColor: INK,
		labelLimit: 240
	},
	text: { font: FONT, fontSize: 13, color: INK },
	mark: { color: ACCENT },
	range: { category: [...SEGMENT_COLOURS] }
} satisfies Config);

/** A fresh copy of the theme per spec: Vega-Lite and callers never share one mutable object. */
function theme(): Config {
	return structuredClone(SEGBOOK_CONFIG);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

type Scalar = string | number | boolean | null;

function finite(v: unknown): number | null {
	return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function text(v: unknown): string {
	return safeKey(typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
}

/**
 * Vega groups, joins and scales by value in plain objects, so a category value named like an
 * Object.prototype member (`constructor`, `toString`, `__proto__`: column names and customers'
 * data can be) stops the chart with "Operator not defined". Such a value gets a zero-width space:
 * it reads the same, and is no longer a reserved key.
 */
export function safeKey(s: string): string {
	return RESERVED_TOOLTIP_KEYS.has(s) ? `${s}\u200b` : s;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order ("Segment 2" before "Segment 10"), ties broken by code units: deterministic. */
function naturalCompare(a: string, b: string): number {
	return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The distinct segment names in the one order every chart uses. */
export function segmentOrder(segments: Iterable<string>): string[] {
	return [...new Set(segments)].sort(naturalCompare);
}

/** Distinct values in order of first appearance (features keep the caller's order). */
function firstSeen(values: Iterable<string>): string[] {
	return [...new Set(values)];
}

/** Colour scale for segments: the palette in segment order, repeated past eight segments. */
function segmentScale(segments: string[]): { domain: string[]; range: string[] } {
	return {
		domain: segments,
		range: segments.map((_, i) => SEGMENT_COLOURS[i % SEGMENT_COLOURS.length] ?? INK)
	};
}

/** Container width, fixed plot height: the chart follows the notebook column. */
const FIT_WIDTH = { type: 'fit-x', contains: 'padding' } as const;

/**
 * The title of a container-width chart, cut (with an ellipsis) to the container's width (or the
 * plot's, where there is no container): a wider title would squeeze the plot itself to nothing.
 * `width` in the expression also makes Vega re-evaluate it when the container is resized.
 */
const TITLE_LIMIT = 'isFinite(containerSize()[0]) ? max(width, containerSize()[0] - 24) : width';

function fitTitle(
	text: string,
	subtitle?: string
): { text: string; subtitle?: string; limit: { expr: string } } {
	return { text, ...(subtitle === undefined ? {} : { subtitle }), limit: { expr: TITLE_LIMIT } };
}

/**
 * Names Vega's expression language refuses as object keys (vega-util DisallowedObjectProperties:
 * Object.prototype's methods, `__proto__`, `then`). Vega-Lite turns encoding titles into the keys
 * of the tooltip's object literal (boxplots always do), so a title `constructor` would stop the
 * whole chart with "Illegal property: constructor".
 */
const RESERVED_TOOLTIP_KEYS = new Set([
	...Object.getOwnPropertyNames(Object.prototype).filter(
		(name) => typeof Reflect.get(Object.prototype, name) === 'function'
	),
	'__proto__',
	'then'
]);

/** A title that is always a legal tooltip key: reserved names get " (column)" appended. */
export function keySafeTitle(name: string): string {
	return RESERVED_TOOLTIP_KEYS.has(name) ? `${name} (column)` : name;
}

/**
 * Height for a chart with one band per row. A fixed number rather than `{ step }`: Vega-Lite
 * warns when a container width meets a step height.
 */
function rowsHeight(rows: number, step: number): number {
	return Math.max(1, rows) * step;
}

/** Row height and line height of the RFM grid's cells. */
const RFM_ROW = 62;
const RFM_LINE = 15;

/** 1234 → "1,234"; not a number → "". */
function count(n: number): string {
	return Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '';
}

/** A long label split at the space nearest its middle, for text marks with `lineBreak: '\n'`. */
function twoLines(label: string): string {
	if (label.length <= 12) return label;
	const middle = label.length / 2;
	let best = -1;
	for (let i = 0; i < label.length; i++) {
		if (label[i] === ' ' && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) best = i;
	}
	return best < 0 ? label : `${label.slice(0, best)}\n${label.slice(best + 1)}`;
}

/** 0.4123 → "41%". */
function percent(share: number): string {
	return Number.isFinite(share) ? `${Math.round(share * 100)}%` : 'unknown share';
}

// ---------------------------------------------------------------------------------------------
// Segment charts
// ---------------------------------------------------------------------------------------------

/** Horizontal bars of customers per segment, each labelled with its share. */
export function segmentSizesSpec(
	rows: { segment: string; customers: number; share: number }[]
): TopLevelSpec {
	const values = rows.map((r) => ({
		segment: text(r.segment),
		customers: finite(r.customers),
		share: finite(r.share)
	}));
	const segments = segmentOrder(values.map((v) => v.segment));
	const most = Math.max(0, ...values.map((v) => v.customers ?? 0));
	return {
		title: fitTitle('Customers in each segment'),
		description: 'Bar chart: number of customers in each segment, with each segment’s share.',
		width: 'container',
		autosize: FIT_WIDTH,
		height: rowsHeight(segments.length, 34),
		data: { values },
		encoding: {
			y: {
				field: 'segment',
				type: 'nominal',
				title: 'Segment',
				sort: segments,
				axis: { labelLimit: 220 }
			},
			x: {
				field: 'customers',
				type: 'quantitative',
				title: 'Customers',
				// Room after the longest bar for its share label.
				...(most > 0 ? { scale: { domainMax: most * 1.15 } } : {}),
				axis: { format: ',d', tickMinStep: 1 }
			}
		},
		layer: [
			{
				mark: { type: 'bar', cornerRadiusEnd: 3 },
				encoding: {
					color: {
						field: 'segment',
						type: 'nominal',
						scale: segmentScale(segments),
						legend: null
					},
					tooltip: [
						{ field: 'segment', type: 'nominal', title: 'Segment' },
						{ field: 'customers', type: 'quantitative', title: 'Customers', format: ',d' },
						{ field: 'share', type: 'quantitative', title: 'Share', format: '.1%' }
					]
				}
			},
			{
				mark: { type: 'text', align: 'left', baseline: 'middle', dx: 5, color: INK_2 },
				encoding: { text: { field: 'share', type: 'quantitative', format: '.0%' } }
			}
		],
		config: theme()
	};
}

/**
 * The name of a chart's top-level data that VegaChart may draw a chunk at a time: a spec gives it
 * only with fixed scale domains, so each chunk draws just its own rows.
 */
export const PROGRESSIVE_DATA = 'points';

/** [min, max] of finite numbers, or undefined for none (the scale then takes its own). */
function extent(xs: readonly number[]): [number, number] | undefined {
	let lo = Infinity;
	let hi = -Infinity;
	for (const x of xs) {
		if (x < lo) lo = x;
		if (x > hi) hi = x;
	}
	return lo <= hi ? [lo, hi] : undefined;
}

/** Scatter of customers on the first two principal components, coloured by segment. */
export function segmentMapSpec(
	points: { x: number; y: number; segment: string; key: string }[],
	explained: [number, number]
): TopLevelSpec {
	// Thousands of points: whatever Vega would do per point is done here once. Points without a
	// position are left out here (no filter expression per point), and the colour scale's domain
	// orders the segments (no sort formula per point).
	const values = points.flatMap((p) => {
		const x = finite(p.x);
		const y = finite(p.y);
		return x === null || y === null ? [] : [{ x, y, segment: text(p.segment), key: text(p.key) }];
	});
	const segments = segmentOrder(values.map((v) => v.segment));
	return {
		title: fitTitle(
			'Customers on the two main directions of difference (PCA)',
			'Each dot is a customer; customers close together behave alike.'
		),
		description: 'Scatter plot of customers on the two main directions of difference, by segment.',
		width: 'container',
		autosize: FIT_WIDTH,
		height: 380,
		// Drawn in chunks (PROGRESSIVE_DATA): the x and y domains are fixed here.
		data: { name: PROGRESSIVE_DATA, values },
		// One description per point would be thousands of them; the chart's description says it.
		mark: { type: 'circle', size: 14, opacity: 0.55, aria: false, invalid: 'show' },
		encoding: {
			x: {
				field: 'x',
				type: 'quantitative',
				title: `First direction (explains ${percent(explained[0])} of the differences)`,
				scale: { zero: false, nice: false, domain: extent(values.map((v) => v.x)) },
				axis: { labels: false, ticks: false }
			},
			y: {
				field: 'y',
				type: 'quantitative',
				title: `Second direction (explains ${percent(explained[1])})`,
				scale: { zero: false, nice: false, domain: extent(values.map((v) => v.y)) },
				axis: { labels: false, ticks: false }
			},
			color: {
				field: 'segment',
				type: 'nominal',
				title: 'Segment',
				scale: segmentScale(segments),
				legend: { symbolOpacity: 1, symbolSize: 120 }
			},
			tooltip: [
				{ field: 'key', type: 'nominal', title: 'Customer' },
				{ field: 'segment', type: 'nominal', title: 'Segment' }
			]
		},
		config: theme()
	};
}

/** Segment × feature heatmap of the index (100 = average customer), diverging around 100. */
export function traitHeatmapSpec(
	cells: { segment: string; feature: string; index: number }[]
): TopLevelSpec {
	const values = cells.map((c) => ({
		segment: text(c.segment),
		feature: text(c.feature),
		index: finite(c.index)
	}));
	const segments = segmentOrder(values.map((v) => v.segment));
	const features = firstSeen(values.map((v) => v.feature));
	return {
		title: fitTitle(
			'How each segment differs from the average customer',
			'100 = average; 200 = twice the average; 50 = half. Blue is above, orange below.'
		),
		description: 'Heatmap of each segment’s index on each feature, where 100 is the average.',
		width: 'container',
		autosize: FIT_WIDTH,
		height: rowsHeight(features.length, 30),
		data: { values },
		encoding: {
			x: {
				field: 'segment',
				type: 'nominal',
				title: 'Segment',
				sort: segments,
				axis: { orient: 'top', labelAngle: -30, domain: false, ticks: false }
			},
			y: {
				field: 'feature',
				type: 'nominal',
				title: null,
				sort: features,
				axis: { domain: false, ticks: false, labelLimit: 240 }
			}
		},
		layer: [
			{
				mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
				encoding: {
					color: {
						field: 'index',
						type: 'quantitative',
						title: 'Index (100 = average)',
						legend: { orient: 'bottom', direction: 'horizontal', gradientLength: 240 },
						// Symmetric around 100 so equal colour steps mean equal differences; beyond 200
						// the colour saturates and the number in the cell still tells the value. Reversed so
						// blue is above average and orange below, as on the persona cards.
						scale: {
							scheme: 'blueorange',
							reverse: true,
							domain: [0, 200],
							domainMid: 100,
							clamp: true
						}
					},
					tooltip: [
						{ field: 'segment', type: 'nominal', title: 'Segment' },
						{ field: 'feature', type: 'nominal', title: 'Feature' },
						{ field: 'index', type: 'quantitative', title: 'Index', format: '.0f' }
					]
				}
			},
			{
				mark: { type: 'text', fontSize: 12 },
				encoding: {
					text: { field: 'index', type: 'quantitative', format: '.0f' },
					color: {
						condition: {
							test: {
								or: [
									{ field: 'index', lt: 35 },
									{ field: 'index', gt: 165 }
								]
							},
							value: '#ffffff'
						},
						value: INK
					}
				}
			}
		],
		config: theme()
	};
}

/** A box's five numbers and its outliers, as Vega-Lite's boxplot (extent 1.5) draws them. */
export interface BoxSummary {
	q1: number;
	median: number;
	q3: number;
	/** The smallest value at or above q1 − 1.5 × IQR, and the largest at or below q3 + 1.5 × IQR. */
	lower: number;
	upper: number;
	outliers: number[];
}

/** The p-quantile of sorted values, interpolated between order statistics (R's type 7, d3's). */
function quantileSorted(sorted: readonly number[], p: number): number {
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const a = sorted[lo]!;
	const b = sorted[Math.min(sorted.length - 1, lo + 1)]!;
	return a + (b - a) * (h - lo);
}

/** One box from its values (finite numbers, at least one). */
export function boxSummary(values: readonly number[]): BoxSummary {
	const sorted = [...values].sort((a, b) => a - b);
	const q1 = quantileSorted(sorted, 0.25);
	const q3 = quantileSorted(sorted, 0.75);
	const reach = 1.5 * (q3 - q1);
	const inside = sorted.filter((v) => v >= q1 - reach && v <= q3 + reach);
	return {
		q1,
		median: quantileSorted(sorted, 0.5),
		q3,
		lower: inside[0] ?? q1,
		upper: inside[inside.length - 1] ?? q3,
		outliers: sorted.filter((v) => v < q1 - reach || v > q3 + reach)
	};
}

/**
 * One boxplot per segment for each feature, one panel per feature, each with its own y scale.
 * The boxes are computed here, not by Vega-Lite's boxplot: the chart carries five numbers per
 * box and the outliers instead of every sampled customer, which took Vega about 400 ms on the
 * main thread (16,000 points) for the same picture.
 */
export function featureBoxplotSpec(
	rows: { segment: string; feature: string; value: number }[]
): TopLevelSpec {
	const groups = new Map<string, { segment: string; feature: string; values: number[] }>();
	for (const r of rows) {
		const value = finite(r.value);
		if (value === null) continue;
		const segment = text(r.segment);
		const feature = text(r.feature);
		const id = JSON.stringify([feature, segment]);
		const group = groups.get(id) ?? { segment, feature, values: [] };
		group.values.push(value);
		groups.set(id, group);
	}
	const values: Record<string, Scalar>[] = [];
	for (const { segment, feature, values: xs } of groups.values()) {
		const b = boxSummary(xs);
		values.push({ kind: 'box', segment, feature, ...b, outliers: null, customers: xs.length });
		for (const v of b.outliers) values.push({ kind: 'outlier', segment, feature, value: v });
	}
	const segments = segmentOrder([...groups.values()].map((g) => g.segment));
	const features = firstSeen([...groups.values()].map((g) => g.feature));
	const x = {
		field: 'segment',
		type: 'nominal',
		title: null,
		sort: segments,
		axis: { labelAngle: -30 }
	} as const;
	// The panel's header names the feature; a y title would only repeat it.
	const y = (field: string) =>
		({ field, type: 'quantitative', title: null, scale: { zero: false } }) as const;
	const color = {
		field: 'segment',
		type: 'nominal',
		scale: segmentScale(segments),
		legend: null
	} as const;
	const boxes = { filter: { field: 'kind', equal: 'box' } };
	return {
		title: {
			text: 'Each feature by segment',
			subtitle: 'Boxes hold the middle half of customers; the line is the median.'
		},
		description: 'Boxplots of each feature for each segment, one panel per feature.',
		data: { values },
		facet: {
			field: 'feature',
			type: 'nominal',
			title: null,
			sort: features,
			header: { labelAnchor: 'start', labelPadding: 6 }
		},
		columns: 3,
		spec: {
			width: 200,
			height: 180,
			layer: [
				{
					transform: [boxes],
					mark: { type: 'rule', color: INK_2 },
					encoding: { x, y: y('lower'), y2: { field: 'upper' } }
				},
				{
					transform: [boxes],
					mark: { type: 'bar', size: 16 },
					encoding: {
						x,
						y: y('q1'),
						y2: { field: 'q3' },
						color,
						tooltip: [
							{ field: 'segment', type: 'nominal', title: 'Segment' },
							{ field: 'customers', type: 'quantitative', title: 'Customers', format: ',' },
							{ field: 'upper', type: 'quantitative', title: 'Upper whisker', format: ',.4~g' },
							{ field: 'q3', type: 'quantitative', title: 'Q3', format: ',.4~g' },
							{ field: 'median', type: 'quantitative', title: 'Median', format: ',.4~g' },
							{ field: 'q1', type: 'quantitative', title: 'Q1', format: ',.4~g' },
							{ field: 'lower', type: 'quantitative', title: 'Lower whisker', format: ',.4~g' }
						]
					}
				},
				{
					transform: [boxes],
					mark: { type: 'tick', size: 16 },
					encoding: {
						x,
						y: y('median'),
						// White on the box; dark where the box is flat (a feature constant in a segment).
						color: { condition: { test: 'datum.q1 === datum.q3', value: INK }, value: '#ffffff' }
					}
				},
				{
					transform: [{ filter: { field: 'kind', equal: 'outlier' } }],
					// Out of the accessibility tree: a panel without outliers would leave an empty mark
					// group with an image role and no text; each box's description names its whiskers.
					mark: { type: 'point', size: 8, opacity: 0.35, filled: true, aria: false },
					encoding: { x, y: y('value'), color }
				}
			]
		},
		// Own y scale per feature (days and money differ); own x axis so every panel is labelled.
		resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
		config: theme()
	};
}

// ---------------------------------------------------------------------------------------------
// Choosing k
// ---------------------------------------------------------------------------------------------

function sweepSpec(
	values: { k: number | null; score: number | null }[],
	chosen: number,
	title: string,
	subtitle: string,
	yTitle: string,
	yFormat: string
): TopLevelSpec {
	const mark = Number.isFinite(chosen) && values.some((v) => v.k === chosen);
	const x = {
		field: 'k',
		type: 'ordinal',
		title: 'Number of segments (k)',
		axis: { labelAngle: 0 }
	} as const;
	const y = {
		field: 'score',
		type: 'quantitative',
		title: yTitle,
		scale: { zero: false },
		axis: { format: yFormat }
	} as const;
	const only = [{ filter: { field: 'k', equal: chosen } }];
	return {
		title: fitTitle(title, subtitle),
		description: `Line chart of ${yTitle.toLowerCase()} for each number of segments${mark ? `; ${chosen} segments chosen` : ''}.`,
		width: 'container',
		autosize: FIT_WIDTH,
		height: 240,
		data: { values },
		encoding: { x },
		layer: [
			{ mark: { type: 'line', color: ACCENT, strokeWidth: 2.5 }, encoding: { y } },
			{
				mark: { type: 'point', filled: true, size: 60, color: ACCENT },
				encoding: {
					y,
					tooltip: [
						{ field: 'k', type: 'ordinal', title: 'Segments' },
						{ field: 'score', type: 'quantitative', title: yTitle, format: yFormat }
					]
				}
			},
			...(mark
				? [
						{
							transform: only,
							mark: {
								type: 'rule' as const,
								color: HIGHLIGHT,
								strokeDash: [4, 4],
								strokeWidth: 1.5
							}
						},
						{
							transform: only,
							mark: { type: 'point' as const, filled: true, size: 200, color: HIGHLIGHT },
							encoding: { y }
						},
						{
							transform: only,
							mark: {
								type: 'text' as const,
								color: HIGHLIGHT,
								fontWeight: 600 as const,
								align: 'left' as const,
								baseline: 'top' as const,
								dx: 5,
								text: `chosen: ${chosen}`
							},
							encoding: { y: { value: 0 } }
						}
					]
				: [])
		],
		config: theme()
	};
}

/** Inertia (spread inside segments) for each k, with the chosen k marked. */
export function elbowSpec(rows: { k: number; inertia: number }[], chosen: number): TopLevelSpec {
	return sweepSpec(
		rows.map((r) => ({ k: finite(r.k), score: finite(r.inertia) })),
		chosen,
		'Spread inside segments for each number of segments',
		'Spread is the inertia. Look for the bend (the "elbow"): after it, more segments help little.',
		'Spread inside segments',
		'~s'
	);
}

/** Silhouette for each k (higher = better separated), with the chosen k marked. */
export function silhouetteSpec(
	rows: { k: number; silhouette: number }[],
	chosen: number
): TopLevelSpec {
	return sweepSpec(
		rows.map((r) => ({ k: finite(r.k), score: finite(r.silhouette) })),
		chosen,
		'How clearly the segments are separated',
		'The silhouette score: higher is better; 1 would be perfectly separated.',
		'Silhouette score',
		'.2f'
	);
}

// ---------------------------------------------------------------------------------------------
// RFM and overlaps
// ---------------------------------------------------------------------------------------------

/** The 5 × 5 R × FM grid: customers per cell as colour, the group name and count as text. */
export function rfmGridSpec(
	cells: { r: number; fm: number; customers: number; group: string }[]
): TopLevelSpec {
	const values = cells.map((c) => ({
		r: finite(c.r),
		fm: finite(c.fm),
		customers: finite(c.customers),
		group: text(c.group),
		// The cell's text: the name (on two lines when long: "Potential" / "loyalists") and the
		// count below it; `lift` places its first line so the block is centred in the cell.
		label: `${twoLines(text(c.group))}\n${count(c.customers)}`,
		lift: (RFM_ROW - twoLines(text(c.group)).split('\n').length * RFM_LINE) / 2
	}));
	const most = Math.max(0, ...values.map((v) => v.customers ?? 0));
	// White text on the darkest cells; a field predicate, not an expression.
	const onDark = {
		condition: { test: { field: 'customers', gt: most * 0.55 }, value: '#ffffff' },
		value: INK
	};
	return {
		title: {
			text: 'Customers by recency and by frequency and spend (RFM)',
			subtitle: 'Each cell is a score pair; the name is the RFM group it belongs to.'
		},
		description: 'Five by five grid of recency score against frequency and spend score.',
		width: { step: 112 },
		height: { step: RFM_ROW },
		data: { values },
		encoding: {
			x: {
				field: 'fm',
				type: 'ordinal',
				title: 'Frequency and spend score (5 = most)',
				scale: { domain: [1, 2, 3, 4, 5] },
				axis: { labelAngle: 0, domain: false, ticks: false }
			},
			y: {
				field: 'r',
				type: 'ordinal',
				title: 'Recency score (5 = most recent)',
				scale: { domain: [5, 4, 3, 2, 1] },
				axis: { domain: false, ticks: false }
			}
		},
		layer: [
			{
				mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
				encoding: {
					color: {
						field: 'customers',
						type: 'quantitative',
						title: 'Customers',
						scale: { scheme: 'blues' },
						legend: { format: ',d' }
					},
					tooltip: [
						{ field: 'group', type: 'nominal', title: 'Group' },
						{ field: 'r', type: 'ordinal', title: 'Recency score' },
						{ field: 'fm', type: 'ordinal', title: 'Frequency and spend score' },
						{ field: 'customers', type: 'quantitative', title: 'Customers', format: ',d' }
					]
				}
			},
			{
				mark: {
					type: 'text',
					fontSize: 12,
					lineHeight: RFM_LINE,
					baseline: 'middle',
					lineBreak: '\n',
					limit: 106
				},
				encoding: {
					text: { field: 'label', type: 'nominal' },
					// Pixels from the top of the row (no scale): Vega draws extra lines downwards
					// from the anchor, so the block is placed here, not by the baseline.
					yOffset: { field: 'lift', type: 'quantitative', scale: null },
					color: onDark
				}
			}
		],
		config: theme()
	};
}

/**
 * How two segmentations overlap: rows are the groups of A, columns those of B, the colour is
 * the share of the row's customers, the text the number of customers.
 */
export function overlapSpec(
	cells: { a: string; b: string; customers: number; shareOfA: number }[],
	aTitle: string,
	bTitle: string,
	heading?: { title: string; subtitle: string }
): TopLevelSpec {
	const values = cells.map((c) => ({
		a: text(c.a),
		b: text(c.b),
		customers: finite(c.customers),
		shareOfA: finite(c.shareOfA)
	}));
	const aGroups = segmentOrder(values.map((v) => v.a));
	const aTitleText = text(aTitle);
	const bTitleText = text(bTitle);
	return {
		title: fitTitle(
			heading ? text(heading.title) : `How ${aTitleText} and ${bTitleText} overlap`,
			heading
				? text(heading.subtitle)
				: `Numbers are customers; colour is the share of the ${aTitleText} row.`
		),
		description: `Heatmap of customers in each pair of ${aTitleText} and ${bTitleText}.`,
		width: 'container',
		autosize: FIT_WIDTH,
		height: rowsHeight(aGroups.length, 34),
		data: { values },
		encoding: {
			x: {
				field: 'b',
				type: 'nominal',
				title: bTitleText,
				sort: segmentOrder(values.map((v) => v.b)),
				axis: { orient: 'top', labelAngle: -30, domain: false, ticks: false }
			},
			y: {
				field: 'a',
				type: 'nominal',
				title: aTitleText,
				sort: aGroups,
				axis: { domain: false, ticks: false }
			}
		},
		layer: [
			{
				mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
				encoding: {
					color: {
						field: 'shareOfA',
						type: 'quantitative',
						title: `Share of the ${aTitleText} row`,
						scale: { scheme: 'blues', domain: [0, 1] },
						legend: {
							format: '.0%',
							orient: 'bottom',
							direction: 'horizontal',
							gradientLength: 240
						}
					},
					tooltip: [
						{ field: 'a', type: 'nominal', title: keySafeTitle(aTitleText) },
						{ field: 'b', type: 'nominal', title: keySafeTitle(bTitleText) },
						{ field: 'customers', type: 'quantitative', title: 'Customers', format: ',d' },
						{ field: 'shareOfA', type: 'quantitative', title: 'Share of row', format: '.1%' }
					]
				}
			},
			{
				mark: { type: 'text', fontSize: 12 },
				encoding: {
					text: { field: 'customers', type: 'quantitative', format: ',d' },
					color: {
						condition: { test: { field: 'shareOfA', gt: 0.55 }, value: '#ffffff' },
						value: INK
					}
				}
			}
		],
		config: theme()
	};
}

// ---------------------------------------------------------------------------------------------
// Chart cells: a user's query result
// ---------------------------------------------------------------------------------------------

export type CustomMark = 'bar' | 'line' | 'point' | 'area' | 'tick' | 'boxplot';

export interface CustomChartOptions {
	mark: CustomMark;
	/** Column names as the query returned them (any text, including `__proto__` or HTML). */
	x: string;
	y: string | null;
	colour: string | null;
	rows: Record<string, unknown>[];
}

type FieldKind = 'quantitative' | 'temporal' | 'nominal';

const ISO_DATE =
	/^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A JSON-ish text for nested values (LIST, STRUCT); never throws (BigInt, cycles). */
function jsonText(v: unknown): string {
	try {
		return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)) ?? '';
	} catch {
		return '';
	}
}

/** One cell value reduced to a scalar (or a Date, which `cast` turns into epoch milliseconds). */
function plainValue(v: unknown): Scalar | Date {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	if (typeof v === 'bigint') return Number(v);
	if (typeof v === 'string' || typeof v === 'boolean') return v;
	if (v instanceof Date) return Number.isFinite(v.getTime()) ? v : null;
	return jsonText(v);
}

/** Read a column from a row without ever touching the prototype chain (`__proto__`). */
function own(row: Record<string, unknown>, name: string): unknown {
	return Object.hasOwn(row, name) ? row[name] : undefined;
}

function kindOf(values: (Scalar | Date)[]): FieldKind {
	const present = values.filter((v) => v !== null);
	if (present.length === 0) return 'nominal';
	if (present.every((v) => typeof v === 'number')) return 'quantitative';
	if (present.every((v) => v instanceof Date)) return 'temporal';
	if (present.every((v) => typeof v === 'string' && ISO_DATE.test(v) && !isNaN(Date.parse(v)))) {
		return 'temporal';
	}
	return 'nominal';
}

/** Values as Vega will see them, for one inferred kind. */
function cast(v: Scalar | Date, kind: FieldKind): Scalar {
	if (v === null) return null;
	if (kind === 'temporal') {
		const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : v;
		return typeof ms === 'number' && Number.isFinite(ms) ? ms : null;
	}
	if (kind === 'quantitative') return typeof v === 'number' ? v : null;
	return v instanceof Date ? v.toISOString() : safeKey(String(v));
}

/**
 * A chart of a query result. Column names are renamed `f0`, `f1`, … and rows are copied into
 * prototype-less objects holding only those fields, so a column called `__proto__`,
 * `constructor` or `a.b[0]` works, and its name appears only in titles (axis, legend, tooltip);
 * names Vega refuses as tooltip keys read "constructor (column)".
 * Types are inferred from the values; with no y, the chart counts rows.
 */
export function customChartSpec(options: CustomChartOptions): TopLevelSpec {
	const names = new Map<string, string>();
	for (const name of [options.x, options.y, options.colour]) {
		if (name !== null && !names.has(name)) names.set(name, `f${names.size}`);
	}
	const raw = new Map<string, (Scalar | Date)[]>();
	for (const name of names.keys()) {
		raw.set(
			name,
			options.rows.map((row) => plainValue(own(row, name)))
		);
	}
	const kinds = new Map<string, FieldKind>();
	for (const [name, vals] of raw) kinds.set(name, kindOf(vals));

	const values = options.rows.map((_, i) => {
		const o = Object.create(null) as Record<string, Scalar>;
		for (const [name, safe] of names) {
			o[safe] = cast(raw.get(name)?.[i] ?? null, kinds.get(name) ?? 'nominal');
		}
		return o;
	});

	const def = (name: string, kind?: FieldKind): Record<string, unknown> => {
		const k = kind ?? kinds.get(name) ?? 'nominal';
		return {
			field: names.get(name) ?? 'f0',
			type: k,
			title: keySafeTitle(name),
			...(k === 'temporal' ? { scale: { type: 'utc' } } : {})
		};
	};

	const xKind = kinds.get(options.x) ?? 'nominal';
	const yKind = options.y === null ? null : (kinds.get(options.y) ?? 'nominal');
	let mark: CustomMark = options.mark;
	const encoding: Record<string, unknown> = {};

	if (options.y === null) {
		if (mark === 'boxplot') {
			// A boxplot needs numbers: one box of x, or counts when x is not a number.
			if (xKind === 'quantitative') encoding.x = def(options.x);
			else mark = 'bar';
		}
		if (mark !== 'boxplot') {
			const binned = xKind === 'quantitative' && (mark === 'bar' || mark === 'area');
			encoding.x = { ...def(options.x), ...(binned ? { bin: { maxbins: 30 } } : {}) };
			encoding.y = { aggregate: 'count', type: 'quantitative', title: 'Number of rows' };
		}
	} else {
		let xk: FieldKind = xKind;
		if (mark === 'boxplot') {
			// Boxes run along the numeric channel; the other one groups. No numbers: plain points.
			if (yKind === 'quantitative') xk = xKind === 'temporal' ? 'temporal' : 'nominal';
			else if (xKind !== 'quantitative') mark = 'point';
		}
		encoding.x = def(options.x, xk);
		encoding.y = def(options.y, yKind ?? 'nominal');
	}
	if (options.colour !== null) {
		const kind = kinds.get(options.colour) ?? 'nominal';
		encoding.color = {
			...def(options.colour),
			scale:
				kind === 'nominal'
					? { range: [...SEGMENT_COLOURS] }
					: { scheme: 'viridis', ...(kind === 'temporal' ? { type: 'utc' } : {}) }
		};
	}

	const described =
		options.y === null ? `number of rows by ${options.x}` : `${options.y} by ${options.x}`;
	return {
		description: `${mark} chart of ${described}.`,
		width: 'container',
		autosize: FIT_WIDTH,
		height: 300,
		data: { values },
		mark:
			mark === 'boxplot'
				? { type: 'boxplot', outliers: { size: 10, opacity: 0.4 } }
				: mark === 'point'
					? { type: 'point', filled: true, tooltip: true }
					: { type: mark, tooltip: true },
		encoding,
		config: theme()
	} as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// Validation of specs from users and links
// ---------------------------------------------------------------------------------------------

export type SpecVerdict = { ok: true } | { ok: false; error: string };

/** Limits on a spec's shape: deeper or bigger than this is not a chart we need to draw. */
export const SPEC_LIMITS = Object.freeze({ depth: 64, nodes: 2_000_000, stringLength: 100_000 });

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ADDRESS_KEYS = new Set(['url', 'href']);
const EMBED_KEYS = new Set(['loader', 'usermeta']);
/** The published Vega and Vega-Lite schema addresses: a name for the spec's version, never fetched. */
const SCHEMA = /^https:\/\/vega\.github\.io\/schema\/vega(?:-lite)?\/v\d+(?:\.\d+){0,2}\.json$/;
/** Links to other places; whitespace and control characters are removed first (`java\tscript:`). */
const ADDRESS = /(?:https?:|javascript:|vbscript:|data:text\/html)/;

function pathOf(parent: string, key: string): string {
	const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
	const name = /^[A-Za-z_$][\w$]*$/.test(shown) ? shown : JSON.stringify(shown);
	if (parent === '') return name;
	return name.startsWith('"') ? `${parent}[${name}]` : `${parent}.${name}`;
}

function isAddress(s: string): boolean {
	// eslint-disable-next-line no-control-regex
	const compact = s.replace(/[\s\u0000-\u001f\u007f]+/g, '').toLowerCase();
	// A protocol-relative address (`//host/x`) anywhere, not only at the start: it can sit inside
	// an expression or a CSS paint value.
	return compact.includes('//') || ADDRESS.test(compact);
}

/**
 * CSS `url(…)` in any string: a paint (`fill: "url(//host/x.svg#g)"`), a cursor. Drawn as an
 * SVG attribute, it loads from the address when the chart or its SVG export is opened. CSS
 * escapes (`\75 rl(`) are refused with it.
 */
function isCssReference(s: string): boolean {
	// eslint-disable-next-line no-control-regex
	const compact = s.replace(/[\s\u0000-\u001f\u007f]+/g, '').toLowerCase();
	return compact.includes('url(') || compact.includes('image-set(') || /\\[0-9a-f]/.test(compact);
}

/**
 * Properties drawn as CSS paint or cursor: each must be a plain colour (or cursor keyword),
 * never computed (`{expr}`), and a field may drive one only through a scale.
 */
const PAINT_KEY = /^(?:fill|stroke|color|background)$|(?:Color|Fill|Stroke|Background)$/;
/** #rgb(a), #rrggbb(aa), a colour name (`steelblue`, `transparent`, `none`), rgb()/hsl(). */
const PLAIN_COLOUR = /^(?:#[0-9a-f]{3,8}|[a-z]+|(?:rgba?|hsla?)\([\d\s.,%/+-]*\))$/i;
const CURSOR = /^[a-z-]+$/;
/** Inside a paint channel, these parts say which data and how to label it: not paint. */
const PAINT_NEUTRAL = new Set([
	'field',
	'type',
	'title',
	'legend',
	'sort',
	'aggregate',
	'bin',
	'timeUnit',
	'test',
	'param',
	'datum',
	'domain',
	'format',
	'formatType',
	'scheme',
	'interpolate'
]);

/** A problem with a paint value or channel (`path` names it), or null. */
function paintProblem(value: unknown, path: string): string | null {
	if (typeof value === 'string') {
		// A link or url() is reported as such by the string check that follows.
		if (isAddress(value) || isCssReference(value)) return null;
		return PLAIN_COLOUR.test(value.trim())
			? null
			: `${path} is not allowed: a colour must be a plain colour (a name, #hex, rgb() or hsl()).`;
	}
	if (!isPlainObject(value)) return null;
	if (Object.hasOwn(value, 'expr') || Object.hasOwn(value, 'signal')) {
		return `${path} is not allowed: a colour cannot be computed by an expression.`;
	}
	if (Object.hasOwn(value, 'scale')) {
		const scale = value.scale;
		if (scale === null) {
			return `${path}.scale is not allowed: a field drives a colour only through a scale (scale: null would paint the data's own text).`;
		}
		if (isPlainObject(scale)) {
			if (scale.type === 'identity') {
				return `${path}.scale is not allowed: an identity scale would paint the data's own text.`;
			}
			if (isPlainObject(scale.range)) {
				return `${path}.scale.range is not allowed: colours come from a list or a scheme, not from the data.`;
			}
		}
	}
	return null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
	const proto: unknown = Object.getPrototypeOf(v);
	return proto === Object.prototype || proto === null;
}

/**
 * Check a spec that a user edited or a link carried before it is drawn. Rejects, naming the path:
 * addresses (`url`, `href`, web or script links in any string outside inline data), image marks,
 * loader and embed options (`loader`, `usermeta`), reserved keys (`__proto__`, `constructor`,
 * `prototype`) anywhere, controls bound to page elements, and anything not plain JSON or too
 * deep or too big. Strings inside inline `values` are data: they are not scanned for links
 * (a customer's website is fine), because nothing in an accepted spec can turn them into a request.
 */
export function validateSpec(spec: unknown): SpecVerdict {
	if (!isPlainObject(spec)) return { ok: false, error: 'A chart spec must be a JSON object.' };
	let nodes = 0;

	const walk = (
		value: unknown,
		path: string,
		depth: number,
		inData: boolean,
		paint = false
	): string | null => {
		nodes += 1;
		if (nodes > SPEC_LIMITS.nodes) {
			return `The chart spec is too large: more than ${SPEC_LIMITS.nodes.toLocaleString('en')} values.`;
		}
		if (depth > SPEC_LIMITS.depth) {
			return `${path} is nested too deeply (more than ${SPEC_LIMITS.depth} levels).`;
		}
		if (value === null || typeof value === 'boolean' || value === undefined) return null;
		if (typeof value === 'number') return null;
		if (typeof value === 'string') {
			if (value.length > SPEC_LIMITS.stringLength) {
				return `${path} is too long (more than ${SPEC_LIMITS.stringLength.toLocaleString('en')} characters).`;
			}
			if (inData) return null;
			if (isAddress(value)) {
				return `${path} contains a web or script link, which is not allowed: charts use only the notebook's own data.`;
			}
			if (isCssReference(value)) {
				return `${path} contains a CSS url() reference, which is not allowed: it would load from outside the notebook.`;
			}
			return null;
		}
		if (Array.isArray(value)) {
			for (let i = 0; i < value.length; i++) {
				const problem = walk(value[i], `${path}[${i}]`, depth + 1, inData, paint);
				if (problem !== null) return problem;
			}
			return null;
		}
		if (!isPlainObject(value)) return `${path} is not plain JSON.`;
		for (const key of Object.keys(value)) {
			const p = pathOf(path, key);
			const child = value[key];
			if (RESERVED_KEYS.has(key)) {
				return `${p} is not allowed: "${key}" is a reserved name in a chart spec.`;
			}
			if (inData) {
				const problem = walk(child, p, depth + 1, true);
				if (problem !== null) return problem;
				continue;
			}
			if (ADDRESS_KEYS.has(key)) {
				return `${p} is not allowed: charts use only the notebook's own data.`;
			}
			if (EMBED_KEYS.has(key)) {
				return `${p} is not allowed: a chart cannot change how it is loaded or embedded.`;
			}
			if ((key === 'mark' || key === 'type') && child === 'image') {
				return `${p} is an image mark, which is not allowed: images would load from outside the notebook.`;
			}
			if (key === 'bind' && isPlainObject(child) && Object.hasOwn(child, 'element')) {
				return `${p}.element is not allowed: a chart's controls stay inside the chart.`;
			}
			if (key === '$schema' && path === '') {
				if (typeof child === 'string' && SCHEMA.test(child)) continue;
				return '$schema must be a Vega or Vega-Lite schema address (https://vega.github.io/schema/…).';
			}
			// Paint: a property drawn as a colour, and inside a paint channel its constant `value`,
			// its `condition`s and its scale's `range`.
			const paintKey = PAINT_KEY.test(key) || (paint && !PAINT_NEUTRAL.has(key));
			if (paintKey) {
				// Arrays here are a scale's range, a list of conditions or gradient stops.
				const items: unknown[] = Array.isArray(child) ? child : [child];
				for (let i = 0; i < items.length; i++) {
					const problem = paintProblem(items[i], Array.isArray(child) ? `${p}[${i}]` : p);
					if (problem !== null) return problem;
				}
			}
			if (
				key === 'cursor' &&
				typeof child === 'string' &&
				!CURSOR.test(child) &&
				!isCssReference(child)
			) {
				return `${p} is not allowed: a cursor must be a keyword such as "pointer".`;
			}
			if (key === 'cursor' && isPlainObject(child)) {
				return `${p} is not allowed: a cursor cannot be computed by an expression.`;
			}
			// Inline data (`values`, Vega-Lite `datasets`) is data, not spec.
			const data = key === 'values' || (key === 'datasets' && path === '');
			const problem = walk(child, p, depth + 1, data, paintKey && !data);
			if (problem !== null) return problem;
		}
		return null;
	};

	const problem = walk(spec, '', 0, false);
	return problem === null ? { ok: true } : { ok: false, error: problem };
}
