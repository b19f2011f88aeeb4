/**
 * The k-means WebAssembly SIMD kernel for this worker: fetched from our own origin (assembled at
 * build time from src/cluster/kmeans.wat) and compiled once. Without WebAssembly SIMD (or if the
 * file cannot be read) k-means runs the TypeScript kernel, which gives the same results.
 */
import kernelUrl from '../src/cluster/kmeans.wat?url-wasm';
import { createKernel, type KMeansKernel } from '../src/cluster/wasm-kernel';
import { ownIntegrity } from '../src/lib/pinned-worker';

let loading: Promise<KMeansKernel | undefined> | null = null;

export function loadKernel(): Promise<KMeansKernel | undefined> {
	const url = new URL(kernelUrl, import.meta.url).href;
	// Checked against the build's sha384: a changed file is refused, and the TypeScript kernel runs.
	const integrity = ownIntegrity(url);
	loading ??= fetch(url, integrity === null ? {} : { integrity })
		.then((response) => {
			if (!response.ok) throw new Error(`${response.status}`);
			return response.arrayBuffer();
		})
		.then((bytes) => createKernel(bytes))
		.catch(() => undefined);
	return loading;
}
