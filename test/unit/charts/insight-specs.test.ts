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

	it('compiles cleanly and draws one bar per sampled customer', async () => {
		const spec = silhouettePlotSpec(points);
		const { vg, warnings } = compileLoud(spec);
		expect(warnings).toEqual([]);
		const { svg, errors } = await drawWithoutEval(vg);
		expect(errors).toEqual([]);
		const layer = (spec as { layer: { data: { values: { y: number; value: number }[] } }[] })
			.layer[0]!.data.values;
		expect(layer.length).toBe(90);
		// Sorted high to low within each segment, segments one after another.
		const first = layer.slice(0, 30).map((v) => v.value);
		expect(first).toEqual([...first].sort((a, b) => b - a));
		expect(layer[30]!.y).toBeGreaterThan(layer[29]!.y + 1);
		expect(svg).toContain('How well each customer fits their segment');
	});
});
