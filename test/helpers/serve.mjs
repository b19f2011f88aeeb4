#!/usr/bin/env node
/**
 * A plain static file server for the built site (dist/, or $SEGBOOK_DIST): no compression, no rewrites, like
 * any static host. `npm start` runs it with --sample so the app opens on the retail sample.
 *
 *   node test/helpers/serve.mjs [--port 4173] [--dir dist] [--sample]
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/**
 * Serve `dir` on 127.0.0.1:`port` (0 picks a free port).
 * @param {{ dir?: string, port?: number }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve(options = {}) {
	const dir = resolve(process.env.SEGBOOK_DIST ?? options.dir ?? 'dist');
	const handler = sirv(dir, { dev: false, etag: true, gzip: false, brotli: false });
	const server = createServer((req, res) =>
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		})
	);
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
