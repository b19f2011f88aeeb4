/**
 * CSS url() in chart specs (RELIABILITY.md T13, issue 18 item 2). validateSpec refuses every
 * vector the red team drew, naming the path; plain colours, schemes and gradients still pass.
 * The SVG export's sanitiser is tested on Vega's real output for the same vectors drawn without
 * the validator: the raw SVG holds the references, the sanitised one none.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../../src/charts/specs';
import { reachesOutside } from '../../../src/charts/svg-export';
import { paintVectors } from '../../fixtures/charts/paint-vectors';
import { cleanSvg, rawSvg } from '../../helpers/svg';

const SINK = 'http://127.0.0.1:8001';

function rejects(spec: unknown, pattern: RegExp): void {
	const verdict = validateSpec(spec);
	expect(verdict.ok, JSON.stringify(spec)).toBe(false);
	if (!verdict.ok) expect(verdict.error).toMatch(pattern);
}

const base = (): Record<string, unknown> => ({
	data: { values: [{ a: 1, c: 'x' }] },
	mark: 'bar',
	encoding: { x: { field: 'a', type: 'quantitative' } }
});

describe('validateSpec refuses CSS paint references', () => {
	it('refuses each red-team vector, naming why', () => {
		const [markFill, viewFill, scaleNull, identity, exprFill] = paintVectors(SINK);
		rejects(
			markFill!.spec,
			/^mark\.fill contains a web or script link|^mark\.fill contains a CSS url/
		);
		rejects(viewFill!.spec, /^config\.view\.fill contains/);
		// The red team's expression spells `url(` and `//`: refused before its scale is looked at.
		rejects(scaleNull!.spec, /^transform\[0\]\.calculate contains a (web or script link|CSS url)/);
		rejects(identity!.spec, /^encoding\.stroke\.scale is not allowed: an identity scale/);
		rejects(exprFill!.spec, /^mark\.fill is not allowed: a colour cannot be computed/);
	});

	it('refuses url() anywhere outside data, and its CSS-escaped and relative forms', () => {
		rejects(
			{ ...base(), mark: { type: 'bar', fill: 'url(x.svg#g)' } },
			/^mark\.fill contains a CSS url\(\)/
		);
		rejects({ ...base(), mark: { type: 'bar', fill: 'URL( "a.svg" )' } }, /CSS url\(\)/);
		rejects({ ...base(), mark: { type: 'bar', fill: '\\75 rl(a.svg)' } }, /CSS url\(\)/);
		rejects({ ...base(), mark: { type: 'bar', cursor: 'url(c.cur), auto' } }, /CSS url\(\)/);
		rejects({ ...base(), background: 'url(b.svg)' }, /^background contains a CSS url\(\)/);
		rejects({ ...base(), title: { text: 't', color: 'url(t.svg#a)' } }, /^title\.color/);
		rejects(
			{ ...base(), transform: [{ calculate: "'//host/' + datum.c", as: 'u' }] },
			/web or script link/
		);
		rejects(
			{
				...base(),
				mark: {
					type: 'bar',
					fill: { gradient: 'linear', stops: [{ offset: 0, color: 'url(s.svg)' }] }
				}
			},
			/^mark\.fill\.stops\[0\]\.color/
		);
	});

	it('refuses field-driven paint that bypasses a scale', () => {
		const fill = (def: unknown): unknown => ({
			...base(),
			encoding: { x: { field: 'a', type: 'quantitative' }, fill: def }
		});
		rejects(
			fill({ field: 'c', type: 'nominal', scale: null }),
			/^encoding\.fill\.scale is not allowed/
		);
		rejects(
			fill({ field: 'c', type: 'nominal', scale: { range: { field: 'c' } } }),
			/scale\.range is not allowed/
		);
		rejects(
			fill({ value: { expr: 'datum.c' } }),
			/^encoding\.fill\.value is not allowed: a colour cannot be computed/
		);
		rejects(
			fill({ condition: { test: 'true', field: 'c', type: 'nominal', scale: null }, value: 'red' }),
			/^encoding\.fill\.condition\.scale is not allowed/
		);
		rejects(
			fill({ field: 'c', type: 'nominal', scale: { range: ['red', 'notacolour()'] } }),
			/^encoding\.fill\.scale\.range\[1\]/
		);
		rejects(
			{ ...base(), encoding: { color: { field: 'c', type: 'nominal', scale: null } } },
			/^encoding\.color\.scale/
		);
		rejects(
			{ ...base(), encoding: { stroke: { field: 'c', type: 'nominal', scale: null } } },
			/^encoding\.stroke\.scale/
		);
		rejects(
			{ ...base(), config: { mark: { fill: { expr: 'p' } } } },
			/^config\.mark\.fill is not allowed/
		);
		rejects(
			{ ...base(), mark: { type: 'bar', cursor: { expr: "'pointer'" } } },
			/^mark\.cursor is not allowed/
		);
	});

	it('still draws plain colours, scales, schemes, conditions and gradients', () => {
		const ok = [
			{
				...base(),
				mark: { type: 'bar', fill: '#3366cc', stroke: 'rgb(0, 0, 0)', cursor: 'pointer' }
			},
			{
				...base(),
				background: 'transparent',
				config: { view: { fill: 'hsl(120, 50%, 50%)', stroke: null } }
			},
			{
				...base(),
				encoding: {
					fill: {
						field: 'c',
						type: 'nominal',
						scale: { scheme: 'tableau10' },
						legend: { title: 'C' }
					}
				}
			},
			{
				...base(),
				encoding: {
					color: {
						field: 'c',
						type: 'nominal',
						scale: { domain: ['x'], range: ['#111', 'steelblue'] }
					}
				}
			},
			{
				...base(),
				encoding: {
					color: { condition: { test: 'datum.a > 0', value: 'red' }, value: 'lightgray' }
				}
			},
			{
				...base(),
				mark: {
					type: 'bar',
					fill: {
						gradient: 'linear',
						stops: [
							{ offset: 0, color: 'white' },
							{ offset: 1, color: '#000' }
						]
					}
				}
			},
			// A customer's website inside the data is data.
			{ ...base(), data: { values: [{ a: 1, c: 'url(https://shop.example/logo.svg)' }] } }
		];
		for (const spec of ok) expect(validateSpec(spec), JSON.stringify(spec)).toEqual({ ok: true });
	});
});

describe('sanitizeSvg (the SVG export)', () => {
	it('Vega really draws each vector into its SVG, and the sanitiser leaves no reference out of the file', async () => {
		for (const { name, spec } of paintVectors(SINK)) {
			const raw = await rawSvg(spec);
			expect(raw, name).toMatch(/url\(\s*['"]?(?:https?:)?\/\/127\.0\.0\.1:8001/);
			const clean = cleanSvg(raw);
			// Text may show the data's own text (a legend label); no attribute may point out.
			expect(clean, name).not.toMatch(/\s[\w:-]+="[^"]*127\.0\.0\.1/);
			expect(clean, name).not.toMatch(/="[^"]*url\(\s*(?!['"]?#)/);
			expect(clean.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name).toBe(true);
		}
	});

	it('keeps the chart: marks, text, roles and in-file gradients', async () => {
		const spec = {
			...base(),
			data: {
				values: [
					{ a: 1, c: 'Loyal' },
					{ a: 2, c: 'New' }
				]
			},
			encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'c', type: 'nominal' } },
			mark: {
				type: 'bar',
				fill: {
					gradient: 'linear',
					stops: [
						{ offset: 0, color: 'white' },
						{ offset: 1, color: '#000' }
					]
				}
			}
		};
		const raw = await rawSvg(spec);
		const clean = cleanSvg(raw);
		expect(clean).toContain('Loyal');
		expect(clean).toMatch(/fill="url\(#gradient_\d+\)"/);
		expect(clean).toContain('role="graphics-symbol"');
		expect(clean.match(/<path/g)?.length).toBe(raw.match(/<path/g)?.length);
	});

	it('drops links, scripts, styles and foreign content', () => {
		const hostile = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><style>@import url(${SINK}/s.css);</style><image href="${SINK}/i.png"/><use xlink:href="${SINK}/u.svg#a"/><a href="${SINK}/a"><text>t</text></a><rect style="fill:url(${SINK}/r)" filter="url(${SINK}/f#x)" fill="\\75 rl(${SINK})"/><script>1</script><foreignObject><img src="${SINK}/o.png"/></foreignObject></svg>`;
		const clean = cleanSvg(hostile);
		expect(clean).not.toContain('127.0.0.1');
		expect(clean).not.toMatch(/<(style|image|use|a|script|foreignObject|img)\b/);
		expect(reachesOutside('href', '#local')).toBe(false);
		expect(reachesOutside('fill', 'url(#g)')).toBe(false);
		expect(reachesOutside('fill', "url('#g')")).toBe(false);
		expect(reachesOutside('aria-label', 'see https://shop.example')).toBe(false);
	});
});
