/**
 * DuckDB-WASM in the browser: the eh bundle (mvp as fallback), both self-hosted through Vite
 * `?url` imports, never a CDN. DuckDB runs in its own worker nested in ours (the async API);
 * that worker starts from a `blob:` wrapper so it inherits the page's Content-Security-Policy
 * (a worker loaded from a URL on a static host gets none: RELIABILITY.md T4).
 */
import {
	AsyncDuckDB,
	DuckDBDataProtocol,
	VoidLogger,
	selectBundle,
	type AsyncDuckDBConnection
} from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import type { Db, FileRead, FileSource } from './db';
import { verifiedUrl } from './verified-fetch';

const absolute = (url: string): string =>
	url.startsWith('blob:') ? url : new URL(url, import.meta.url).href;

/**
 * DuckDB reads a registered File in slices (`file.slice(at, at + n)` then FileReaderSync). The
 * wrapper reports each slice it takes of a File to this worker (a `segbookRead` message, which
 * AsyncDuckDB never sees): how far a load has got. It observes; the read itself is unchanged.
 */
const REPORT_READS = `const slice = Blob.prototype.slice;
Blob.prototype.slice = function (start, end, type) {
	if (this instanceof File) {
		const size = this.size;
		const from = Math.max(0, Math.min(start ?? 0, size));
		const to = Math.max(from, Math.min(end ?? size, size));
		self.postMessage({ segbookRead: { name: this.name, size, start: from, end: to } });
	}
	return slice.call(this, start, end, type);
};`;

function blobWorker(scriptUrl: string): Worker {
	// The wrapper inherits the page's CSP, Trusted Types included: it lets through exactly the
	// one script it imports.
	const script = JSON.stringify(absolute(scriptUrl));
	const wrapper = `${REPORT_READS}
const p = self.trustedTypes && self.trustedTypes.createPolicy('default', { createScriptURL: (u) => { if (u === ${script}) return u; throw new TypeError('Scripts load only from this site.'); } });
importScripts(p ? p.createScriptURL(${script}) : ${script});`;
	const url = URL.createObjectURL(new Blob([wrapper], { type: 'text/javascript' }));
	const worker = new Worker(url, { name: 'duckdb' });
	URL.revokeObjectURL(url);
	return worker;
}

export async function openBrowserDb(): Promise<Db> {
	const bundle = await selectBundle({
		mvp: { mainModule: absolute(mvpWasm), mainWorker: absolute(mvpWorker) },
		eh: { mainModule: absolute(ehWasm), mainWorker: absolute(ehWorker) }
	});
	// Both fetched against the build's sha384 (Subresource Integrity for what has no tag).
	const [workerScript, wasm] = await Promise.all([
		verifiedUrl(bundle.mainWorker ?? absolute(ehWorker), 'text/javascript'),
		verifiedUrl(bundle.mainModule, 'application/wasm')
	]);
	const worker = blobWorker(workerScript);
	const readers = new Set<(read: FileRead) => void>();
	// Ahead of AsyncDuckDB's own listener, so it never sees these.
	worker.addEventListener('message', (event: MessageEvent<{ segbookRead?: FileRead }>) => {
		const read = event.data?.segbookRead;
		if (!read) return;
		event.stopImmediatePropagation();
		for (const listener of readers) listener(read);
	});
	const db = new AsyncDuckDB(new VoidLogger(), worker);
	await db.instantiate(wasm);
	await db.open({ query: { castDecimalToDouble: true } });
	let conn: AsyncDuckDBConnection = await db.connect();
	const version = await db.getVersion();
	return {
		version,
		bundle: bundle.mainModule.includes('-eh') ? 'eh' : 'mvp',
		run: (sqlText) => conn.useUnsafe((b, id) => b.runQuery(id, sqlText)),
		registerFile: async (path: string, source: FileSource) => {
			if (source.file) {
				await db.registerFileHandle(path, source.file, DuckDBDataProtocol.BROWSER_FILEREADER, true);
			} else {
				await db.registerFileBuffer(path, await source.slice(0, source.size));
			}
		},
		registerBuffer: (path, bytes) => db.registerFileBuffer(path, bytes),
		dropFile: (path) => db.dropFile(path).then(() => undefined),
		insertArrowIPC: (bytes, table) => conn.insertArrowFromIPCStream(bytes, { name: table }),
		cancel: () => conn.cancelSent(),
		watchFileReads: (listener) => {
			readers.add(listener);
			return () => readers.delete(listener);
		},
		reset: async () => {
			await conn.close();
			await db.reset();
			conn = await db.connect();
		}
	};
}
