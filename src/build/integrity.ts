/**
 * Build-time only (imported by vite.config.ts): what makes a build verifiable.
 *
 * - Subresource Integrity: every `<script src>` and `<link href>` of our own in index.html gets
 *   `integrity="sha384-…"` of the file it loads; a file that changes after the build is refused
 *   by the browser. The build fails rather than ship a tag it cannot pin.
 * - SHA256SUMS: the sha256 of every file in dist/, sorted by path, in `sha256sum` format, so a
 *   copy of the site can be checked with `sha256sum -c SHA256SUMS`. The privacy panel shows the
 *   sha256 of this file; two builds of one commit give the same file (no dates, no random ids).
 * - What workers load by URL (our worker scripts and wasm kernel, DuckDB's wasm and worker
 *   script) cannot carry an attribute: once the bundle is written, the sha384 of each is written
 *   into the scripts that load it (`__SEGBOOK_OWN_SRI__`), which fetch it with
 *   `fetch(url, { integrity })` (src/lib/pinned-worker.ts, workers/verified-fetch.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

export const MANIFEST = 'SHA256SUMS';

/** What `__SEGBOOK_OWN_SRI__` compiles to; replaced by base64 JSON after the build. */
export const OWN_SRI_MARKER = '@@SEGBOOK_OWN_SRI@@';

export function sri(bytes: string | Uint8Array): string {
	return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
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
 * Writes into each script that holds the marker the sha384 of every asset it names (worker
 * scripts, the kernel's wasm). A file is pinned after the files it names, so its own hash,
 * taken next, covers the hashes written into it: the kernel, then the clustering worker, then
 * the engine worker, then the main chunk. The build fails on a cycle or a marker left behind.
 */
function pinOwnAssets(outDir: string): void {
	const dir = join(outDir, 'assets');
	const names = readdirSync(dir).filter((f) => !f.endsWith('.map'));
	const hashes = new Map<string, string>();
	const pending = new Map<string, string>();
	for (const name of names) {
		const bytes = readFileSync(join(dir, name));
		const text = name.endsWith('.js') ? bytes.toString('utf8') : '';
		if (text.includes(OWN_SRI_MARKER)) pending.set(name, text);
		else hashes.set(name, sri(bytes));
	}
	while (pending.size > 0) {
		const ready = [...pending].find(([name, text]) =>
			[...pending.keys()].every((other) => other === name || !text.includes(other))
		);
		if (!ready) throw new Error(`Scripts name each other: ${[...pending.keys()].join(', ')}`);
		const [name, text] = ready;
		const named = Object.fromEntries([...hashes].filter(([file]) => text.includes(file)).sort());
		const table = Buffer.from(JSON.stringify(named)).toString('base64');
		const pinned = text.replaceAll(OWN_SRI_MARKER, table);
		writeFileSync(join(dir, name), pinned);
		hashes.set(name, sri(pinned));
		pending.delete(name);
	}
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
			pinOwnAssets(outDir);
			pinIndexHtml(outDir);
			writeFileSync(join(outDir, MANIFEST), manifestOf(outDir));
		}
	};
}
