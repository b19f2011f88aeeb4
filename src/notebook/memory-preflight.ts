/**
 * Before a file is loaded: can this tab hold it? Judged from the file's size and what the
 * browser says about its memory, so a file that would run the engine out of memory half-way
 * is caught before it is read, with a way forward (a sample of its customers here, the whole
 * file with the exported pipeline on native DuckDB).
 *
 * Measured (TOOLCHAIN.md): DuckDB-WASM holds a loaded CSV in about 1.9× its size (20M lines,
 * 1.26 GB → 2.4 GB of heap) and stops near 3–4 GB; the features and k-means need room beside
 * the table. So a file needs about twice its size, and the engine has at most ENGINE_CEILING;
 * a device that reports little memory (navigator.deviceMemory, in GB, capped at 8 by browsers)
 * gets half of it, and Chrome's performance.memory.jsHeapSizeLimit caps it too.
 */

/** What the engine can hold at best (the wasm heap), in bytes. */
export const ENGINE_CEILING = 3.5e9;
/** Memory a file needs in the tab, per byte of file. */
export const BYTES_PER_FILE_BYTE = 2;
/** localStorage key that sets the budget in bytes (tests, or a user on a small machine). */
export const BUDGET_OVERRIDE_KEY = 'segbook.memoryBudgetBytes';

export interface MemoryEnvironment {
	/** navigator.deviceMemory (GB), when the browser says. */
	deviceMemoryGb?: number | undefined;
	/** performance.memory.jsHeapSizeLimit (bytes), Chrome only. */
	jsHeapLimit?: number | undefined;
	/** An explicit budget in bytes (BUDGET_OVERRIDE_KEY). */
	override?: number | undefined;
}

export interface Preflight {
	fits: boolean;
	/** Bytes the tab can give the engine, and bytes this file would need. */
	budget: number;
	needed: number;
	/** 1 in `sampleEvery` customers fits (≥ 2 when it does not fit). */
	sampleEvery: number;
	/** Plain words for the alert; empty when it fits. */
	message: string;
}

function gb(bytes: number): string {
	return bytes >= 1e9
		? `${(bytes / 1e9).toFixed(1)} GB`
		: `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/** The budget this browser gives the engine. */
export function memoryBudget(env: MemoryEnvironment): number {
	if (env.override !== undefined && Number.isFinite(env.override) && env.override > 0) {
		return env.override;
	}
	let budget = ENGINE_CEILING;
	if (env.deviceMemoryGb !== undefined && env.deviceMemoryGb > 0) {
		budget = Math.min(budget, (env.deviceMemoryGb * 1e9) / 2);
	}
	if (env.jsHeapLimit !== undefined && env.jsHeapLimit > 0)
		budget = Math.min(budget, env.jsHeapLimit);
	return budget;
}

/** Can a file of `bytes` be loaded whole? If not, the message says so and what to do. */
export function preflight(name: string, bytes: number, env: MemoryEnvironment): Preflight {
	const budget = memoryBudget(env);
	const needed = bytes * BYTES_PER_FILE_BYTE;
	if (needed <= budget) return { fits: true, budget, needed, sampleEvery: 1, message: '' };
	// Leave a quarter of the budget free for the features and k-means.
	const sampleEvery = Math.max(2, Math.ceil(needed / (budget * 0.75)));
	return {
		fits: false,
		budget,
		needed,
		sampleEvery,
		message: `${name} is ${gb(bytes)}: loading it would need about ${gb(needed)}, more than this tab can hold (about ${gb(budget)} here). Segment a sample of its customers (1 in ${sampleEvery}) in the tab, then export the pipeline (Export pipeline → DuckDB SQL) and run it on the whole file with DuckDB on your computer.`
	};
}

/** What this browser reports (all optional: Firefox and Safari report none of it). */
export function browserMemory(): MemoryEnvironment {
	const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
	const perf = globalThis.performance as
		(Performance & { memory?: { jsHeapSizeLimit?: number } }) | undefined;
	let override: number | undefined;
	try {
		const raw = globalThis.localStorage?.getItem(BUDGET_OVERRIDE_KEY);
		override = raw ? Number(raw) : undefined;
	} catch {
		override = undefined;
	}
	return {
		deviceMemoryGb: nav?.deviceMemory,
		jsHeapLimit: perf?.memory?.jsHeapSizeLimit,
		override
	};
}
