/**
 * `Download SVG` writes a file that is opened later outside the app, where no CSP applies: it
 * must carry no external reference (RELIABILITY.md T13). The chart's SVG passes DOMPurify's SVG
 * profile, plus a hook that drops every attribute pointing outside the file: a CSS `url(…)`
 * that is not `url(#id)`, `href`/`xlink:href`/`src` that are not `#id`, and CSS escapes in
 * style attributes (`\75 rl(` is `url(`). Elements that load or run anything (`image`, `use`,
 * `a`, `style`, `script`, `foreignObject`, `feImage`) are removed.
 *
 * validateSpec refuses such specs before they are drawn; this is the second wall, for whatever
 * a future spec feature or a Vega change lets through.
 */
import type { DOMPurify, UponSanitizeAttributeHook } from 'dompurify';

const FORBIDDEN_TAGS = ['image', 'use', 'a', 'style', 'script', 'foreignObject', 'feImage'];
/** `url(` not followed by `#`: `url(#gradient_1)` is Vega's own, inside the file. */
const OUTSIDE_URL = /url\(\s*(?!['"]?\s*#)/i;
const LINK_ATTRS = new Set(['href', 'xlink:href', 'src']);
/** Attributes read as CSS, where `\75 rl(` spells `url(`. */
const CSS_ATTRS =
	/^(?:style|fill|stroke|cursor|filter|mask|clip-path|marker(?:-start|-mid|-end)?)$/;

/** Whether an attribute's value can reach outside the SVG file. */
export function reachesOutside(name: string, value: string): boolean {
	const n = name.toLowerCase();
	if (LINK_ATTRS.has(n)) return !/^\s*#/.test(value);
	if (OUTSIDE_URL.test(value) || /image-set\(|@import/i.test(value)) return true;
	return CSS_ATTRS.test(n) && value.includes('\\');
}

/**
 * The SVG with nothing that loads from outside it. `purify` is the page's DOMPurify (in tests,
 * one over jsdom); `serialize` turns the cleaned element back into XML (XMLSerializer).
 */
export function sanitizeSvg(
	svg: string,
	purify: DOMPurify,
	serialize: (node: Node) => string
): string {
	const hook: UponSanitizeAttributeHook = (_node, data) => {
		if (reachesOutside(data.attrName, data.attrValue)) data.keepAttr = false;
	};
	purify.addHook('uponSanitizeAttribute', hook);
	try {
		const body = purify.sanitize(svg, {
			USE_PROFILES: { svg: true, svgFilters: true },
			ADD_ATTR: ['role'],
			FORBID_TAGS: FORBIDDEN_TAGS,
			RETURN_DOM: true
		});
		// RETURN_DOM gives the parsed body element.
		const root = (body as ParentNode).firstElementChild;
		if (root === null || root.nodeName.toLowerCase() !== 'svg') {
			throw new Error('The chart did not produce an SVG image.');
		}
		return serialize(root);
	} finally {
		purify.removeHook('uponSanitizeAttribute', hook);
	}
}
