import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import wabtInit from 'wabt';
import { defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { integrity, MANIFEST, OWN_SRI_MARKER } from './src/build/integrity';

/**
 * Writes `sw.js` (src/offline/sw-template.js) with the list of built files to precache, so the
 * app works offline after one visit. The mvp DuckDB build is left out: it is the fallback for
 * browsers without wasm exceptions and would double the download.
 */
function offline(): Plugin {
	return {
		name: 'segbook-offline',
		apply: 'build',
		generateBundle(_, bundle) {
			const files = Object.keys(bundle).filter(
				(f) => !/mvp/.test(f) && !f.endsWith('.map') && f !== 'sw.js'
			);
			const list = ['./', `./${MANIFEST}`, ...files.map((f) => `./${f}`)];
			// The build id is a hash of what is built, never a date: two builds of one commit are
			// the same files, byte for byte (src/build/integrity.ts).
			const hash = createHash('sha256');
			for (const f of Object.keys(bundle).sort()) {
				const item = bundle[f]!;
				hash
					.update(f)
					.update('\0')
					.update(item.type === 'chunk' ? item.code : item.source);
			}
			const build = hash.digest('hex').slice(0, 16);
			const source = readFileSync('src/offline/sw-template.js', 'utf8')
				.replace('__BUILD__', build)
				.replace('/* precache */ []', JSON.stringify(list));
			this.emitFile({ type: 'asset', fileName: 'sw.js', source });
		}
	};
}

/**
 * WebAssembly text assembled at build time with wabt: `import url from './x.wat?url-wasm'` is the
 * URL of `x.wasm`, emitted as an asset of our own origin (a data: URL in dev). The app compiles
 * wasm from bytes it fetched (CSP 'wasm-unsafe-eval'), never from text at run time.
 */
function wat(): Plugin {
	const suffix = '?url-wasm';
	let serve = false;
	return {
		name: 'segbook-wat',
		configResolved(config) {
			serve = config.command === 'serve';
		},
		async load(id) {
			if (!id.endsWith(suffix)) return null;
			const file = id.slice(0, -suffix.length);
			this.addWatchFile(file);
			const wabt = await wabtInit();
			const mod = wabt.parseWat(file, readFileSync(file, 'utf8'), {
				simd: true,
				bulk_memory: true
			});
			mod.validate();
			const bytes = mod.toBinary({}).buffer;
			mod.destroy();
			if (serve) {
				const url = `data:application/wasm;base64,${Buffer.from(bytes).toString('base64')}`;
				return `export default ${JSON.stringify(url)};`;
			}
			const ref = this.emitFile({
				type: 'asset',
				name: basename(file).replace(/\.wat$/, '.wasm'),
				source: bytes
			});
			return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
		}
	};
}

// One config for the app, the worker and both test projects (unit in node, e2e in headless Chromium).
export default defineConfig({
	base: './',
	plugins: [svelte(), offline(), wat(), integrity()],
	define: {
		// The sha384 of what workers load by URL, written in after the build (src/lib/pinned-worker.ts).
		__SEGBOOK_OWN_SRI__: JSON.stringify(OWN_SRI_MARKER)
	},
	worker: { format: 'es', plugins: () => [wat()] },
	optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
	build: {
		target: 'es2022',
		chunkSizeWarningLimit: 4000,
		// The DuckDB wasm files are large binaries: never inline them.
		assetsInlineLimit: 0
	},
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['test/unit/**/*.test.ts', 'test/engine/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.ts'],
					environment: 'node',
					testTimeout: 180_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			},
			{
				extends: true,
				test: {
					// Not part of `npm test`: `npm run bench` runs it (test/bench/run.mjs).
					name: 'bench',
					include: ['test/bench/**/*.bench.ts'],
					environment: 'node',
					testTimeout: 3_600_000
				}
			}
		]
	}
});
