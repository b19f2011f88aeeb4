#!/usr/bin/env node
/**
 * A plain static file server for the built site (dist/, or $SEGBOOK_DIST): no compression, no rewrites, like
 * any static host. `npm start` runs it with --sample so the app opens on the retail sample.
 *
 *   node test/helpers/serve.mjs [--port 4173] [--dir dist] [--sample]
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/**
 * The `/*` block of a Netlify/Cloudflare `_headers` file as [name, value] pairs.
 * @param {string} text
 * @returns {[string, string][]}
 */
export function parseHeaders(text) {
	/** @type {[string, string][]} */
	const out = [];
	let inAll = false;
	for (const line of text.split('\n')) {
		if (line.startsWith('#') || line.trim() === '') continue;
		if (!/^\s/.test(line)) {
			inAll = line.trim() === '/*';
			continue;
		}
		const m = /^\s+([\w-]+):\s*(.*)$/.exec(line);
		if (inAll && m) out.push([m[1] ?? '', m[2] ?? '']);
	}
	return out;
}

/**
 * Serve a directory on 127.0.0.1:`port` (0 picks a free port). `dir` may be a function, read on
 * every request: a test can deploy a new build under the same origin. `headers: true` sends
 * what the site's `_headers` file says, as a header-capable static host does.
 * @param {{ dir?: string | (() => string), port?: number, headers?: boolean }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve(options = {}) {
	const dirOf = () =>
		resolve(
			process.env.SEGBOOK_DIST ??
				(typeof options.dir === 'function' ? options.dir() : (options.dir ?? 'dist'))
		);
	/** @type {Map<string, ReturnType<typeof sirv>>} */
	const handlers = new Map();
	const server = createServer((req, res) => {
		const dir = dirOf();
		let handler = handlers.get(dir);
		if (!handler) {
			handler = sirv(dir, { dev: false, etag: true, gzip: false, brotli: false });
			handlers.set(dir, handler);
		}
		if (options.headers && existsSync(join(dir, '_headers'))) {
			for (const [name, value] of parseHeaders(readFileSync(join(dir, '_headers'), 'utf8')))
				res.setHeader(name, value);
		}
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	});
	await new Promise((ok) => server.listen(options.port ?? 0, '127.0.0.1', () => ok(undefined)));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}/`,
		close: () => new Promise((ok) => server.close(() => ok(undefined)))
	};
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const args = process.argv.slice(2);
	const value = (/** @type {string} */ flag, /** @type {string} */ fallback) => {
		const i = args.indexOf(flag);
		return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
	};
	const { url } = await serve({
		dir: value('--dir', 'dist'),
		port: Number(value('--port', '4173'))
	});
	const open = args.includes('--sample') ? `${url}?sample=retail` : url;
	console.log(
		`\n  Segbook is running at ${open}\n  (static files from ${value('--dir', 'dist')}; Ctrl+C stops it)\n`
	);
}
