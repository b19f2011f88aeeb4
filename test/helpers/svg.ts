/** Chart SVG in node: Vega's own output for a spec (no validator), and the export's sanitiser over jsdom. */
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { sanitizeSvg } from '../../src/charts/svg-export';

/** Vega's SVG for a Vega-Lite spec, drawn in node with nothing checking the spec. */
export async function rawSvg(spec: Record<string, unknown>): Promise<string> {
	const view = new View(
		parse(compile(spec as unknown as TopLevelSpec).spec, undefined, { ast: true }),
		{
			renderer: 'none',
			expr: expressionInterpreter
		}
	);
	await view.runAsync();
	const svg = await view.toSVG();
	view.finalize();
	return svg;
}

/** sanitizeSvg with a DOMPurify over jsdom, as VegaChart runs it over the page. */
export function cleanSvg(svg: string): string {
	const window = new JSDOM('').window;
	const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
	return sanitizeSvg(svg, purify, (n) => new window.XMLSerializer().serializeToString(n));
}
