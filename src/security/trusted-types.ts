/**
 * Trusted Types: the page's CSP says `require-trusted-types-for 'script'`, so every string that
 * reaches an HTML or script sink passes through a policy. The `default` policy here sanitises
 * HTML with DOMPurify (the page) and lets script URLs through only from the page's own origin or
 * a `blob:` wrapper of ours; inline script strings are refused. Svelte's compiled templates go
 * through its own `svelte-trusted-html` policy, DOMPurify through `dompurify`.
 *
 * The same policy is installed in each worker before it starts another worker or imports a
 * script (blob workers inherit the page's CSP, Trusted Types included).
 */

/** The slice of the Trusted Types API used here (not yet in TypeScript's DOM library). */
interface PolicyFactory {
	createPolicy(
		name: string,
		rules: {
			createHTML?: (input: string) => string;
			createScriptURL?: (input: string) => string;
			createScript?: (input: string) => string | null;
		}
	): unknown;
}

/** Whether a script or worker may be loaded from `url` by a page or worker at `base`. */
export function allowedScriptUrl(url: string, base: string): boolean {
	let parsed: URL;
	try {
		parsed = new URL(url, base);
	} catch {
		return false;
	}
	// A blob: URL's origin is the origin of the page or worker that made it; data: has none.
	return parsed.origin !== 'null' && parsed.origin === new URL(base).origin;
}

/**
 * Install the `default` policy in this realm (once; later calls do nothing). `sanitizeHtml` is
 * given on the page; workers have no HTML sinks and refuse HTML.
 */
export function installTrustedTypes(sanitizeHtml?: (html: string) => string): void {
	const factory = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
	if (!factory || installed) return;
	installed = true;
	const base = globalThis.location.href;
	factory.createPolicy('default', {
		createHTML: (html) => {
			// Without a '<' no element can come of it: CSS text for <style> (Vega's) passes as is.
			if (!html.includes('<')) return html;
			if (!sanitizeHtml) throw new TypeError('HTML is not accepted here.');
			return sanitizeHtml(html);
		},
		createScriptURL: (url) => {
			if (allowedScriptUrl(url, base)) return url;
			throw new TypeError(`Scripts load only from this site, not from ${url}.`);
		},
		createScript: () => null
	});
}

let installed = false;
