import { describe, expect, it } from 'vitest';
import { allowedScriptUrl } from '../../../src/security/trusted-types';

describe('allowedScriptUrl', () => {
	const page = 'https://segbook.example/app/?present#nb=1';
	it('lets through the site’s own scripts and blob: wrappers it made', () => {
		expect(allowedScriptUrl('/assets/engine.js', page)).toBe(true);
		expect(allowedScriptUrl('https://segbook.example/sw.js', page)).toBe(true);
		expect(allowedScriptUrl('blob:https://segbook.example/5f0c', page)).toBe(true);
		// Inside a blob worker the base is itself a blob: URL.
		expect(
			allowedScriptUrl('https://segbook.example/assets/duckdb.js', 'blob:https://segbook.example/1')
		).toBe(true);
	});

	it('refuses other origins, data: and javascript: URLs, and garbage', () => {
		expect(allowedScriptUrl('https://cdn.example/duckdb.js', page)).toBe(false);
		expect(allowedScriptUrl('//segbook.example.evil/x.js', page)).toBe(false);
		expect(allowedScriptUrl('blob:https://evil.example/1', page)).toBe(false);
		expect(allowedScriptUrl('data:text/javascript,1', page)).toBe(false);
		expect(allowedScriptUrl('javascript:alert(1)', page)).toBe(false);
		expect(allowedScriptUrl('http://[::1', page)).toBe(false);
	});
});
