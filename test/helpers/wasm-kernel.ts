/**
 * The k-means WebAssembly kernel for node tests: kmeans.wat assembled with wabt, with the same
 * features the build's `wat` plugin (vite.config.ts) enables.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import wabtInit from 'wabt';
import { createKernel, type KMeansKernel } from '../../src/cluster/wasm-kernel';

let bytes: Uint8Array<ArrayBuffer> | null = null;

export async function nodeKernel(): Promise<KMeansKernel> {
	if (!bytes) {
		const path = resolve(import.meta.dirname, '../../src/cluster/kmeans.wat');
		const wabt = await wabtInit();
		const mod = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true, bulk_memory: true });
		mod.validate();
		bytes = new Uint8Array(mod.toBinary({}).buffer);
		mod.destroy();
	}
	return createKernel(bytes);
}
