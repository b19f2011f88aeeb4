/**
 * Vega, Vega-Lite and vega-embed, in their own chunk: VegaChart.svelte imports this module when
 * the first chart is drawn, so the app starts without them (they were most of a 1.87 MB bundle).
 * SAFE_LOADER refuses every URL: data arrives as inline values only, and image/href/data requests
 * from a spec fail before anything is fetched (RELIABILITY.md T2, T3).
 */
import { changeset, loader as vegaLoader, type Loader } from 'vega';
import embed from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';

export { changeset, embed, expressionInterpreter };

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
