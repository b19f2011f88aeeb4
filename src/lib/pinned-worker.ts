/**
 * Subresource Integrity for our own workers and wasm (issue 18, "a verifiable build"). A module
 * worker cannot carry an `integrity` attribute, and a worker has no import map, so:
 *
 * - the build writes the sha384 of every worker script and wasm file a file refers to into that
 *   file (`__SEGBOOK_OWN_SRI__`, filled in after the bundle is written: src/build/integrity.ts);
 * - a worker starts from a `blob:` bootstrap (so it inherits the page's CSP, RELIABILITY.md T4)
 *   that fetches its script with `fetch(url, { integrity })`, and runs those checked bytes. A
 *   script changed after the build is refused before any of it runs.
 *
 * In development (no hashes) the bootstrap imports the script by URL, as before.
 */
declare const __SEGBOOK_OWN_SRI__: string;

let table: Readonly<Record<string, string>> | null = null;

/** The build's sha384 of one of our assets, by URL or file name; null in development. */
export function ownIntegrity(url: string): string | null {
	if (table === null) {
		try {
			// base64 of a JSON object: written in after the build, `{}` before (see the header).
			table = JSON.parse(atob(__SEGBOOK_OWN_SRI__)) as Record<string, string>;
		} catch {
			table = {};
		}
	}
	const file = (url.split('/').pop() ?? '').replace(/[?#].*$/, '');
	return table[file] ?? null;
}

/**
 * The bootstrap's source. It holds the messages that arrive while the script loads (the page
 * may post before the script has its listeners) and hands them on once it has run.
 */
function bootstrap(url: string, integrity: string | null): string {
	const u = JSON.stringify(url);
	const file = JSON.stringify(url.split('/').pop() ?? url);
	if (integrity === null) return `import ${u};`;
	return `const held = [];
const hold = (event) => { held.push(event); event.stopImmediatePropagation(); };
self.addEventListener('message', hold);
let response;
try {
	response = await fetch(${u}, { integrity: ${JSON.stringify(integrity)} });
} catch (e) {
	throw new Error('The engine file ' + ${file} + ' could not be loaded or does not match this build: reload the page.');
}
if (!response.ok) throw new Error('The engine file ' + ${file} + ' is not on the server (HTTP ' + response.status + '): reload the page.');
// Its asset references are relative to where it lives, not to the blob it now runs from. (A
// pattern, not the plain text: this bootstrap is itself inside a script that gets rewritten.)
const text = (await response.text()).replace(/import\\.meta\\.url/g, ${JSON.stringify(u)});
const blob = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
await import(blob);
URL.revokeObjectURL(blob);
self.removeEventListener('message', hold);
for (const event of held) self.dispatchEvent(new MessageEvent('message', { data: event.data, ports: [...event.ports] }));`;
}

/** A module worker running `url`'s script, checked against the build's sha384 when it has one. */
export function pinnedWorker(url: string, name: string): Worker {
	if (import.meta.env.PROD && ownIntegrity(url) === null) {
		throw new Error(`No integrity hash was built in for ${url.split('/').pop() ?? url}.`);
	}
	const source = bootstrap(url, ownIntegrity(url));
	const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
	const worker = new Worker(blob, { type: 'module', name });
	URL.revokeObjectURL(blob);
	return worker;
}
