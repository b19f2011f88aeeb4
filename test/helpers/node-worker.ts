/**
 * A real worker for node tests of the engine client: test/helpers/engine-node.worker.ts built
 * with vite (once per test file) and started as a worker_threads Worker, wrapped as the
 * WorkerHandle the client supervises. Terminating it stops even a query stuck inside DuckDB.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { build } from 'vite';
import type { WorkerHandle } from '../../src/engine/client';

const root = join(import.meta.dirname, '../..');
const outDir = join(root, 'node_modules/.cache/segbook-node-worker');

let built: Promise<string> | null = null;

/** Build the node engine worker; resolves to its script path. */
export function buildNodeWorker(): Promise<string> {
	built ??= build({
		root,
		// The project's config: its plugins (the k-means kernel's .wat) build the worker's imports.
		configFile: join(root, 'vite.config.ts'),
		logLevel: 'warn',
		publicDir: false,
		build: {
			ssr: join(root, 'test/helpers/engine-node.worker.ts'),
			outDir,
			emptyOutDir: true,
			minify: false,
			rollupOptions: { output: { format: 'es', entryFileNames: 'engine.mjs' } }
		}
	}).then(() => join(outDir, 'engine.mjs'));
	return built;
}

/** Start `script` in a worker thread, as the client sees a browser Worker. */
export function nodeWorker(script: string): WorkerHandle {
	const worker = new Worker(script);
	let terminated = false;
	const listeners: ((message: string) => void)[] = [];
	const died = (message: string): void => {
		if (terminated) return;
		terminated = true;
		for (const listener of listeners) listener(message);
	};
	worker.on('error', (e: Error) => died(e.message));
	worker.on('exit', (code) => died(`The engine stopped (exit code ${code}).`));
	return {
		endpoint: nodeEndpoint(worker),
		terminate: () => {
			terminated = true;
			void worker.terminate();
		},
		onError: (listener) => {
			listeners.push(listener);
		}
	};
}
