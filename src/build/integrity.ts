/**
 * Build-time only (imported by vite.config.ts): what makes a build verifiable.
 *
 * - Subresource Integrity: every `<script src>` and `<link href>` of our own in index.html gets
 *   `integrity="sha384-…"` of the file it loads; a file that changes after the build is refused
 *   by the browser. The build fails rather than ship a tag it cannot pin.
 * - SHA256SUMS: the sha256 of every file in dist/, sorted by path, in `sha256sum` format, so a
 *   copy of the site can be checked with `sha256sum -c SHA256SUMS`. The privacy panel shows the
 *   sha256 of this file; two builds of one commit give the same file (no dates, no random ids).
 * - The DuckDB files that workers fetch by URL (wasm and its worker script) cannot carry an
 *   attribute: their sha384 is compiled into the engine (`__SEGBOOK_SRI__`), and the engine
 *   fetches them with `fetch(url, { integrity })` (workers/verified-fetch.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

export const MANIFEST = 'SHA256SUMS';

export function sri(bytes: string | Uint8Array): string {
	return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** sha384 of the DuckDB files the engine fetches, keyed by their file name in the package. */
export function duckdbIntegrity(): Record<string, string> {
	const require = createRequire(import.meta.url);
	const out: Record<string, string> = {};
	for (const name of [
		'duckdb-eh.wasm',
		'duckdb-mvp.wasm',
		'duckdb-browser-eh.worker.js',
		'duckdb-browser-mvp.worker.js'
	]) {
		out[name] = sri(readFileSync(require.resolve(`@duckdb/duckdb-wasm/dist/${name}`)));
	}
	return out;
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

/** `sha256sum` lines for every file under `dir` but the manifest, sorted by path. */
export function manifestOf(dir: string): string {
	return (
		filesUnder(dir)
			.map((path) => relative(dir, path).split(sep).join('/'))
			.filter((path) => path !== MANIFEST)
			.sort()
			.map((path) => {
				const hex = createHash('sha256')
					.update(readFileSync(join(dir, path)))
					.digest('hex');
				return `${hex}  ${path}`;
			})
			.join('\n') + '\n'
	);
}

/**
 * Pins index.html to the files as written: `integrity` on each `<script src>`/`<link href>` of
 * ours, and an import map whose `integrity` lists every script in assets/, so chunks loaded by
 * `import()` (Vega, CodeMirror) carry their hash too, as Integrity-Policy requires. Done after
 * the bundle is written: Vite still rewrites chunks (the preload lists of dynamic imports) after
 * index.html's transform, so hashes taken there would not match the files.
 */
function pinIndexHtml(outDir: string): void {
	const path = join(outDir, 'index.html');
	const html = readFileSync(path, 'utf8');
	const pinned = html.replace(
		/<(script|link)\b([^>]*?)\s(src|href)="\.\/([^"]+)"([^>]*)>/g,
		(tag: string, _el: string, _before: string, _attr: string, file: string) => {
			if (/\bintegrity=/.test(tag) || /rel="icon"/.test(tag)) return tag;
			let bytes: Buffer;
			try {
				bytes = readFileSync(join(outDir, file));
			} catch {
				throw new Error(`integrity: ${file} is not in the build`);
			}
			return tag.replace(/\s(src|href)=/, ` integrity="${sri(bytes)}" $1=`);
		}
	);
	const scripts: Record<string, string> = {};
	for (const file of filesUnder(join(outDir, 'assets')).sort()) {
		if (!file.endsWith('.js')) continue;
		const url = `./${relative(outDir, file).split(sep).join('/')}`;
		scripts[url] = sri(readFileSync(file));
	}
	const mapText = JSON.stringify({ integrity: scripts });
	// The import map is an inline script: the CSP allows exactly this one by its hash.
	const hash = `'sha256-${createHash('sha256').update(mapText).digest('base64')}'`;
	const allow = (csp: string): string =>
		csp.replace(/script-src 'self'/, `script-src 'self' ${hash}`);
	// The import map must come before the first module script.
	const withMap = pinned
		.replace(/(\s*)<script\b/, `$1<script type="importmap">${mapText}</script>$1<script`)
		.replace(
			/(http-equiv="Content-Security-Policy"\s+content=")([^"]*)"/,
			(_m, head: string, csp: string) => `${head}${allow(csp)}"`
		);
	writeFileSync(path, withMap);
	const headers = join(outDir, '_headers');
	try {
		const text = readFileSync(headers, 'utf8');
		writeFileSync(
			headers,
			text.replace(
				/(Content-Security-Policy:\s*)(.*)/,
				(_m, head: string, csp: string) => `${head}${allow(csp)}`
			)
		);
	} catch {
		// No _headers file: a meta-only host.
	}
}

export function integrity(): Plugin {
	let outDir = 'dist';
	return {
		name: 'segbook-integrity',
		apply: 'build',
		configResolved(config) {
			outDir = resolve(config.root, config.build.outDir);
		},
		closeBundle() {
			// Only the site has an index.html to pin (not a library build, e.g. the tests' worker).
			if (!existsSync(join(outDir, 'index.html'))) return;
			pinIndexHtml(outDir);
			writeFileSync(join(outDir, MANIFEST), manifestOf(outDir));
		}
	};
}
