// @vitest-environment node
/** Guards Notes cells (RELIABILITY.md T5): no script, no event handlers, no beacons, safe links. */
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';

let renderMarkdown: (s: string) => string;
beforeAll(async () => {
	const { window } = new JSDOM('');
	Object.assign(globalThis, { window, document: window.document });
	({ renderMarkdown } = await import('../../../src/notebook/markdown'));
});

describe('renderMarkdown', () => {
	it('renders ordinary markdown', () => {
		const html = renderMarkdown(
			'# Step 1\n\nLoad **the data**, then see [docs](https://example.org).'
		);
		expect(html).toContain('<h1>Step 1</h1>');
		expect(html).toContain('<strong>the data</strong>');
		expect(html).toContain('rel="noopener noreferrer"');
	});

	it.each([
		['<script>window.__pwned = 1</script>', /<script/i],
		['<img src=x onerror="window.__pwned=1">', /<img/i],
		['<svg onload="alert(1)"></svg>', /<svg/i],
		['[click](javascript:alert(1))', /href="javascript:/i],
		['![beacon](http://127.0.0.1:8001/beacon.gif)', /<img/i],
		['[x](vbscript:msgbox)', /href="vbscript:/i]
	])('neutralises %s', (source, forbidden) => {
		expect(renderMarkdown(source)).not.toMatch(forbidden);
	});

	it('keeps raw HTML as visible text', () => {
		expect(renderMarkdown('<b>bold?</b>')).toContain('&lt;b&gt;bold?&lt;/b&gt;');
	});
});
