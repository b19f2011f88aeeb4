/**
 * The WebAssembly SIMD k-means kernel (kmeans.wat) from TypeScript: instantiation, and one
 * matrix laid out in the kernel's memory with points in columns.
 *
 * `kmeans()` uses it when given one (`opts.kernel`); the TypeScript loops in kmeans.ts stay the
 * reference, and the kernel reproduces them bit for bit (test/unit/cluster/wasm-kernel.test.ts).
 * The worker compiles the assembled file once (workers/kernel.ts); node tests assemble the .wat
 * with wabt directly.
 */

import { sampleIndex } from './weighted-draw';
import type { Rng } from './rng';

type Exports = {
	memory: WebAssembly.Memory;
	inertia: WebAssembly.Global;
	assign(
		cols: number,
		n: number,
		stride: number,
		d: number,
		cent: number,
		k: number,
		labels: number,
		mind: number,
		dirty: number,
		counts: number
	): number;
	accumulate(
		cols: number,
		n: number,
		stride: number,
		d: number,
		labels: number,
		dirty: number,
		sums: number,
		refs: number,
		ref: number
	): void;
	seedPass(
		cols: number,
		n: number,
		stride: number,
		d: number,
		center: number,
		closest: number,
		cand: number
	): number;
};

/** A compiled and instantiated kernel: one matrix at a time uses its memory. */
export type KMeansKernel = { readonly exports: Exports };

/** Instantiates the assembled kernel; throws where WebAssembly SIMD is unavailable. */
export async function createKernel(
	source: BufferSource | WebAssembly.Module
): Promise<KMeansKernel> {
	const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
	const instance = await WebAssembly.instantiate(module);
	return { exports: instance.exports as unknown as Exports };
}

const PAGE = 65536;
const align = (bytes: number): number => (bytes + 15) & ~15;

/**
 * One n×d matrix (row-major, already range-safe) copied into the kernel's memory in columns,
 * with the per-point and per-cluster arrays one k-means run needs. Views are made after the
 * memory has grown, so they stay valid for the life of the layout.
 */
export class KernelMatrix {
	readonly labels: Int32Array<ArrayBuffer>;
	readonly mind: Float64Array<ArrayBuffer>;
	readonly dirty: Uint8Array<ArrayBuffer>;
	readonly #x: Exports;
	readonly #data: Float64Array;
	readonly #n: number;
	readonly #d: number;
	readonly #k: number;
	readonly #stride: number;
	readonly #at: Record<
		| 'cols'
		| 'cent'
		| 'labels'
		| 'mind'
		| 'dirty'
		| 'sums'
		| 'counts'
		| 'refs'
		| 'ref'
		| 'a'
		| 'b'
		| 'c',
		number
	>;
	readonly #cent: Float64Array;
	readonly #sums: Float64Array;
	readonly #counts: Int32Array;
	readonly #refs: Int32Array;
	readonly #ref: Float64Array;
	readonly #buffer: ArrayBuffer;

	constructor(kernel: KMeansKernel, data: Float64Array, n: number, d: number, k: number) {
		this.#x = kernel.exports;
		this.#data = data;
		this.#n = n;
		this.#d = d;
		this.#k = k;
		const n2 = (n + 3) & ~3;
		this.#stride = n2 * 8;
		const sizes = {
			cols: d * n2 * 8,
			cent: k * d * 8,
			labels: n2 * 4,
			mind: n2 * 8,
			dirty: k,
			sums: k * d * 8,
			counts: k * 4,
			refs: k * 4,
			ref: k * d * 8,
			a: n2 * 8,
			b: n2 * 8,
			c: n2 * 8
		};
		let end = 64; // the kernel's scratch comes first
		const at = {} as Record<keyof typeof sizes, number>;
		for (const [name, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
			at[name] = end;
			end += align(size);
		}
		this.#at = at;
		const memory = this.#x.memory;
		const need = Math.ceil(end / PAGE) - memory.buffer.byteLength / PAGE;
		if (need > 0) memory.grow(need);
		const buf = memory.buffer as ArrayBuffer;
		this.#buffer = buf;
		const cols = new Float64Array(buf, at.cols, d * n2);
		for (let i = 0; i < n; i++) {
			for (let j = 0; j < d; j++) cols[j * n2 + i] = data[i * d + j]!;
		}
		// Padding points repeat the last point, so their lanes compute finite values.
		for (let i = n; i < n2; i++) {
			for (let j = 0; j < d; j++) cols[j * n2 + i] = data[(n - 1) * d + j]!;
		}
		this.labels = new Int32Array(buf, at.labels, n);
		this.mind = new Float64Array(buf, at.mind, n);
		this.dirty = new Uint8Array(buf, at.dirty, k);
		this.#cent = new Float64Array(buf, at.cent, k * d);
		this.#sums = new Float64Array(buf, at.sums, k * d);
		this.#counts = new Int32Array(buf, at.counts, k);
		this.#refs = new Int32Array(buf, at.refs, k);
		this.#ref = new Float64Array(buf, at.ref, k * d);
	}

	/** Starts a run: no labels yet, so every cluster is dirty and empty. */
	reset(): void {
		this.labels.fill(-1);
		this.dirty.fill(1);
		this.#counts.fill(0);
	}

	/**
	 * Full assignment to the centroids `cent` (k×d): labels, mind, dirty and the cluster sizes;
	 * inertia and how many labels changed.
	 */
	assign(cent: Float64Array): { inertia: number; changed: number } {
		this.#cent.set(cent);
		const at = this.#at;
		const changed = this.#x.assign(
			at.cols,
			this.#n,
			this.#stride,
			this.#d,
			at.cent,
			this.#k,
			at.labels,
			at.mind,
			at.dirty,
			at.counts
		);
		return { inertia: this.#x.inertia.value as number, changed };
	}

	/** kmeans.ts `update` over the kernel's arrays: centroids to the means of the dirty clusters. */
	update(cent: Float64Array): void {
		const { labels, mind, dirty } = this;
		const counts = this.#counts;
		const n = this.#n;
		const d = this.#d;
		const k = this.#k;
		const at = this.#at;
		for (let c = 0; c < k; c++) {
			if (counts[c] !== 0) continue;
			let far = -1;
			let farDist = -1;
			for (let i = 0; i < n; i++) {
				const v = mind[i]!;
				if (v > farDist && counts[labels[i]!]! > 1) {
					farDist = v;
					far = i;
				}
			}
			if (far < 0) continue;
			const old = labels[far]!;
			counts[old]!--;
			counts[c] = 1;
			labels[far] = c;
			dirty[old] = 1;
			dirty[c] = 1;
			mind[far] = 0;
		}
		let anyDirty = false;
		for (let c = 0; c < k; c++) {
			if (dirty[c]) {
				anyDirty = true;
				this.#refs[c] = -1;
				this.#sums.fill(0, c * d, c * d + d);
			}
		}
		if (!anyDirty) return;
		this.#x.accumulate(at.cols, n, this.#stride, d, at.labels, at.dirty, at.sums, at.refs, at.ref);
		const ref = this.#ref;
		for (let c = 0; c < k; c++) {
			const cnt = counts[c]!;
			if (dirty[c] === 0 || cnt === 0) continue;
			dirty[c] = 0;
			const cb = c * d;
			for (let j = 0; j < d; j++) cent[cb + j] = ref[cb + j]! + this.#sums[cb + j]! / cnt;
		}
	}

	/** kmeans.ts `kmeansPlusPlus` with the kernel's distance passes: same draws, same centres. */
	seed(k: number, rng: Rng): Float64Array {
		const n = this.#n;
		const d = this.#d;
		const data = this.#data;
		const x = this.#x;
		const at = this.#at;
		const buf = this.#buffer;
		const centers = new Float64Array(k * d);
		const first = Math.min(n - 1, Math.floor(rng.next() * n));
		centers.set(data.subarray(first * d, first * d + d), 0);
		// Three n-long arrays take turns as closest / candidate / best candidate.
		let closest = at.a;
		let cand = at.b;
		let best = at.c;
		new Float64Array(buf, closest, this.#stride / 8).fill(Infinity);
		let pot = x.seedPass(at.cols, n, this.#stride, d, first, closest, closest);
		const trials = 2 + Math.floor(Math.log(k));
		const cum = new Float64Array(n);
		let c = 1;
		for (; c < k; c++) {
			if (!(pot > 0)) break;
			const weight = new Float64Array(buf, closest, n);
			let acc = 0;
			for (let i = 0; i < n; i++) {
				acc += weight[i]!;
				cum[i] = acc;
			}
			let bestPot = Infinity;
			let bestId = -1;
			for (let t = 0; t < trials; t++) {
				const id = sampleIndex(cum, weight, rng.next() * acc);
				const p = x.seedPass(at.cols, n, this.#stride, d, id, closest, cand);
				if (p < bestPot) {
					bestPot = p;
					bestId = id;
					[best, cand] = [cand, best];
				}
			}
			centers.set(data.subarray(bestId * d, bestId * d + d), c * d);
			[closest, best] = [best, closest];
			pot = bestPot;
		}
		return c === k ? centers : centers.slice(0, c * d);
	}
}
