/**
 * Guards src/charts/insight-specs.ts as specs.test.ts guards specs.ts: the retention curves and
 * the silhouette plot compile without warnings, carry inline data only, draw in Vega's headless
 * view with `Function` blocked (no unsafe-eval), and draw one line per segment / one bar per
 * sampled customer in segment order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View, type Loader, type Spec as VgSpec } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { retentionCurvesSpec, silhouettePlotSpec } from '../../../src/charts/insight-specs';

const { SAFE_LOADER } = (await import('../../../src/charts/VegaChart.svelte')) as unknown as {
	SAFE_LOADER: Loader;
};

const realFunction = globalThis.Function;
afterEach(() => {
	globalThis.Function = realFunction;
});

function compileLoud(spec: TopLevelSpec): { vg: VgSpec; warnings: string[] } {
	const warnings: string[] = [];
	type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;
	const logger = {
		level: () => logger,
		error: (...a: unknown[]) => (warnings.push(a.map(String).join(' ')), logger),
		warn: (...a: unknown[]) => (warnings.push(a.map(String).join(' ')), logger),
		info: () => logger,
		debug: () => logger
	} as unknown as Logger;
	return { vg: compile(spec, { logger }).spec, warnings };
}

async function drawWithoutEval(vg: VgSpec): Promise<{ svg: string; errors: string[] }> {
	const errors: string[] = [];
	const runtime = parse(vg, undefined, { ast: true });
	globalThis.Function = function (): never {
		throw new EvalError('Function() is blocked');
	} as unknown as FunctionConstructor;
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

const SEGMENTS = ['1. Recent big spenders', '2. Loyal regulars', '__proto__'];

describe('retentionCurvesSpec', () => {
	const rows = SEGMENTS.flatMap((segment, s) =>
		[0, 1, 2, 3, 4, 5, 6].map((months) => ({
			segment,
			months,
			share: months === 0 ? 1 : 0.8 - 0.1 * s - 0.02 * months,
			customers: 100,
			retained: 50
		}))
	);

	it('compiles cleanly, holds its data inline and draws a line per segment', async () => {
		const spec = retentionCurvesSpec(rows);
		expect(JSON.stringify(spec)).not.toMatch(/"url"/);
		const { vg, warnings } = compileLoud(spec);
		expect(warnings).toEqual([]);
		const { svg, errors } = await drawWithoutEval(vg);
		expect(errors).toEqual([]);
		expect(svg.match(/role-mark[^"]*line|aria-roledescription="line mark"/g)?.length ?? 0).toBe(
			SEGMENTS.length
		);
		expect(svg).toContain('Still buying after the first purchase');
		const colour = (spec as { encoding: { color: { scale: { domain: string[] } } } }).encoding.color
			.scale.domain;
		expect(colour).toHaveLength(3);
		expect(colour).toContain('__proto__\u200b');
	});
});

describe('silhouettePlotSpec', () => {
	const points = SEGMENTS.flatMap((segment, s) =>
		Array.from({ length: 30 }, (_, i) => ({ segment, value: Math.sin(i + s) }))
	);

	type Step = { segment: string; y: number; value: number };
	const stepsOf = (spec: TopLevelSpec): Step[] =>
		(spec as unknown as { layer: { data: { values: Step[] } }[] }).layer[0]!.data.values;

	it('compiles cleanly and draws one step per sampled customer', async () => {
		const spec = silhouettePlotSpec(points);
		const { vg, warnings } = compileLoud(spec);
		expect(warnings).toEqual([]);
		const { svg, errors } = await drawWithoutEval(vg);
		expect(errors).toEqual([]);
		// A top and a bottom edge per customer, one row apart, at the customer's value.
		const steps = stepsOf(spec);
		expect(steps.length).toBe(180);
		for (let i = 0; i < 180; i += 2) {
			expect(steps[i + 1]!.y - steps[i]!.y).toBe(1);
			expect(steps[i + 1]!.value).toBe(steps[i]!.value);
		}
		// Sorted high to low within each segment, segments one after another with a gap.
		const first = steps.slice(0, 60).map((v) => v.value);
		expect(first).toEqual([...first].sort((a, b) => b - a));
		expect(steps[60]!.y).toBeGreaterThan(steps[59]!.y + 1);
		expect(svg).toContain('How well each customer fits their segment');
	});

	it('past one customer per pixel row, a step is the mean of a run of neighbours', () => {
		const names = ['Segment 1', 'Segment 2', 'Segment 3'];
		const many = names.flatMap((segment, s) =>
			Array.from({ length: 700 + 100 * s }, (_, i) => ({ segment, value: Math.cos(i * 7 + s) }))
		);
		const spec = silhouettePlotSpec(many);
		const height = (spec as { height: number }).height;
		const steps = stepsOf(spec);
		expect(steps.length / 2).toBeLessThanOrEqual(height + names.length);
		expect(steps.length / 2).toBeGreaterThan(height / 2);
		for (const [s, segment] of names.entries()) {
			const mine = steps.filter((b) => b.segment === segment);
			// The runs tile the segment's rows: every customer is under one step.
			expect(mine.at(-1)!.y - mine[0]!.y).toBe(700 + 100 * s);
			for (let i = 2; i < mine.length; i += 2) expect(mine[i]!.y).toBe(mine[i - 1]!.y);
			const values = mine.map((b) => b.value);
			expect(values).toEqual([...values].sort((a, b) => b - a));
			// Sorted high to low, so the first run's mean is near the best customer's value.
			const best = Math.max(...many.filter((p) => p.segment === segment).map((p) => p.value));
			expect(best - values[0]!).toBeLessThan(0.01);
		}
	});
});
