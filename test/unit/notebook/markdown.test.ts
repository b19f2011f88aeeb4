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

	it('folds a checkpoint’s answer behind "Show the answer", still sanitised', async () => {
		const { isCheckpoint } = await import('../../../src/notebook/markdown');
		const text =
			'Which segment?\n\n```answer\nThe **big spenders**. <img src=x onerror=alert(1)>\n```';
		const html = renderMarkdown(text);
		expect(html).toMatch(
			/<details class="checkpoint"><summary>Show the answer<\/summary><p>The <strong>big spenders<\/strong>\. &lt;img/
		);
		expect(html).not.toMatch(/<img/);
		expect(isCheckpoint(text)).toBe(true);
		expect(isCheckpoint('```sql\nSELECT 1\n```')).toBe(false);
		// Other fences stay code.
		expect(renderMarkdown('```sql\nSELECT 1\n```')).toContain('<pre><code class="language-sql">');
	});
});
