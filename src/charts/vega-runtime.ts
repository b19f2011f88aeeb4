/**
 * Vega and Vega-Lite, in their own chunk: VegaChart.svelte imports this module when the first
 * chart is drawn, so the app starts without them (they were most of a 1.87 MB bundle).
 * SAFE_LOADER refuses every URL: data arrives as inline values only, and image/href/data requests
 * from a spec fail before anything is fetched (RELIABILITY.md T2, T3).
 */
import { changeset, loader as vegaLoader, parse, View, type Loader } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Handler } from 'vega-tooltip';

export { changeset };

/**
 * Vega-Lite to Vega, on its own: VegaChart compiles in one task and draws in the next, so a
 * chart never holds the page for both (compiling a layered spec takes tens of milliseconds).
 */
export function compileLite(spec: TopLevelSpec): object {
	return compile(spec).spec;
}

const refuse = (): Promise<never> => Promise.reject(new Error('Charts cannot load from URLs'));

/** A Vega loader that refuses everything: loading, sanitising (images, links), HTTP and files. */
export const SAFE_LOADER: Loader = Object.freeze(
	Object.assign(vegaLoader(), { load: refuse, sanitize: refuse, http: refuse, file: refuse })
);

export type DrawOptions = {
	renderer: 'svg' | 'canvas';
	/** The tooltip's HTML for a hovered item's tooltip value (vega-tooltip puts it in innerHTML). */
	formatTooltip: (value: unknown) => string;
	/** Resolves in a later task: each phase of the drawing gets a task of its own. */
	nextTask: () => Promise<void>;
	/** Polled between the phases: true stops the drawing (nothing is left running). */
	cancelled: () => boolean;
};

/**
 * Draws a compiled Vega spec into `holder`, or returns null when cancelled between phases:
 * parsing, building the view, and running its dataflow (which renders) each in their own task,
 * where one call of vega-embed did all three in one.
 *
 * - Expressions are parsed to syntax trees (`ast`) and run by vega-interpreter: Vega never
 *   generates code, so the page needs no 'unsafe-eval' (RELIABILITY.md T6).
 * - No hover set: the spec's own hover rules only, as in Vega-Lite.
 */
export async function drawChart(
	holder: HTMLElement,
	spec: object,
	options: DrawOptions
): Promise<View | null> {
	const runtime = parse(spec as never, {}, { ast: true });
	await options.nextTask();
	if (options.cancelled()) return null;
	const view = new View(runtime, {
		loader: SAFE_LOADER,
		renderer: options.renderer,
		expr: expressionInterpreter as never
	});
	view.tooltip(new Handler({ formatTooltip: options.formatTooltip }).call);
	view.initialize(holder);
	await options.nextTask();
	if (options.cancelled()) {
		view.finalize();
		return null;
	}
	await view.runAsync();
	return view;
}
