/**
 * The k-means WebAssembly SIMD kernel for this worker: fetched from our own origin (assembled at
 * build time from src/cluster/kmeans.wat) and compiled once. Without WebAssembly SIMD (or if the
 * file cannot be read) k-means runs the TypeScript kernel, which gives the same results.
 */
import kernelUrl from '../src/cluster/kmeans.wat?url-wasm';
import { createKernel, type KMeansKernel } from '../src/cluster/wasm-kernel';

let loading: Promise<KMeansKernel | undefined> | null = null;

export function loadKernel(): Promise<KMeansKernel | undefined> {
	loading ??= fetch(new URL(kernelUrl, import.meta.url))
		.then((response) => {
			if (!response.ok) throw new Error(`${response.status}`);
			return response.arrayBuffer();
		})
		.then((bytes) => createKernel(bytes))
		.catch(() => undefined);
	return loading;
}
