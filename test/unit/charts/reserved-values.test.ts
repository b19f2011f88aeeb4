/**
 * Guards T6/T7 in charts: category values that are Object.prototype names (`constructor`,
 * `toString`, `__proto__`…) come from users' data and column names. Vega groups by value in
 * plain objects, so such a value used to stop a chart with "Operator not defined". The spec
 * builders make them safe; this runs the compiled specs through a real Vega view.
 */
import { describe, expect, it } from 'vitest';
import { logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';
import { customChartSpec, featureBoxplotSpec, traitHeatmapSpec } from '../../../src/charts/specs';
import { FEATURE_DEFINITIONS } from '../../../src/sql/features.sql';

/** Draw headlessly; Vega logs dataflow errors instead of throwing, so those count too. */
async function draw(spec: TopLevelSpec): Promise<void> {
	const errors: unknown[] = [];
	const log = logger();
	log.error = (...args: readonly unknown[]) => {
		errors.push(args);
		return log;
	};
	const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
		expr: expressionInterpreter,
		renderer: 'none',
		logger: log
	});
	await view.runAsync();
	view.finalize();
	if (errors.length > 0) throw new Error(String(errors[0]));
}

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'then'];

describe('charts with reserved names as values', () => {
	it('draws a trait heatmap and a feature boxplot whose features are reserved names', async () => {
		const cells = NAMES.flatMap((feature, i) =>
			['1. A', '2. B'].map((segment) => ({ segment, feature, index: 100 + i }))
		);
		await expect(draw(traitHeatmapSpec(cells))).resolves.toBeUndefined();
		const rows = NAMES.flatMap((feature) =>
			['1', '2'].flatMap((segment) => [1, 2, 3].map((value) => ({ segment, feature, value })))
		);
		await expect(draw(featureBoxplotSpec(rows))).resolves.toBeUndefined();
	});

	it('draws a custom chart whose category values are reserved names', async () => {
		const rows = NAMES.map((name, i) => {
			const row = Object.create(null) as Record<string, unknown>;
			row['kind'] = name;
			row['n'] = i;
			return row;
		});
		for (const mark of ['bar', 'boxplot', 'point'] as const) {
			await expect(
				draw(customChartSpec({ mark, x: 'kind', y: 'n', colour: 'kind', rows }))
			).resolves.toBeUndefined();
		}
	});

	it('never takes a reserved column name for a defined feature', () => {
		for (const name of NAMES) {
			expect(name in FEATURE_DEFINITIONS).toBe(false);
			expect(FEATURE_DEFINITIONS[name]).toBeUndefined();
		}
		expect(FEATURE_DEFINITIONS['recency_days']).toMatch(/last order/);
	});
});
