import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// One config for the app, the worker and both test projects (unit in node, e2e in headless Chromium).
export default defineConfig({
	base: './',
	plugins: [svelte()],
	worker: { format: 'es' },
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
			}
		]
	}
});
