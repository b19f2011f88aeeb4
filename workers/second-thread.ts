/**
 * The engine worker's second thread for clustering (cluster.worker.ts): the k sweep's share of k
 * values (sweep-pool.ts) or half of the final fit's k-means++ starts (fit-pool.ts), each on a
 * copy of the matrix. What it computes depends only on its job, so the results are the ones one
 * thread gives.
 */
import clusterWorkerUrl from './cluster.worker.ts?worker&url';
import { CancelledError } from '../src/cluster/matrix';
import { pinnedWorker } from '../src/lib/pinned-worker';
import type { KMeansTiming } from '../src/cluster/kmeans';
import type { SweepRow } from '../src/cluster/sweep';

export type SweepJob = {
	kind: 'sweep';
	data: Float64Array;
	n: number;
	d: number;
	ks: number[];
	seed: number;
	restarts: number;
	silhouetteSample: number;
};

/** k-means starts `firstRestart … firstRestart + restarts − 1` of one fit. */
export type FitJob = {
	kind: 'fit';
	data: Float64Array;
	n: number;
	d: number;
	k: number;
	seed: number;
	firstRestart: number;
	restarts: number;
};

/** Load the module and compile the kernel, ahead of the first real job. */
export type WarmJob = { kind: 'warm' };

export type ThreadError = { error: string; input: boolean };

export type SweepReply = { k: number; row: SweepRow; centroids: Float64Array } | ThreadError;

export type FitReply =
	| {
			labels: Int32Array;
			centroids: Float64Array;
			inertia: number;
			iterations: number;
			sizes: Int32Array;
			distances: Float64Array;
			timing: KMeansTiming;
	  }
	| ThreadError;

const wait = (ms: number): Promise<null> =>
	new Promise((resolve) => setTimeout(() => resolve(null), ms));

/**
 * What the second thread sends back, polled every 20 ms so a Cancel is noticed while it works
 * (`shouldStop` true throws CancelledError).
 */
export async function answerOf<T>(reply: Promise<T>, shouldStop: () => boolean): Promise<T> {
	const done = reply.then((value) => ({ value }));
	for (;;) {
		const got = await Promise.race([done, wait(20)]);
		if (got) return got.value;
		if (shouldStop()) throw new CancelledError();
	}
}

function spawn(): Worker | null {
	if (typeof Worker === 'undefined') return null;
	try {
		// From a blob bootstrap (this worker's CSP, RELIABILITY.md T4) that checks its sha384.
		const worker = pinnedWorker(new URL(clusterWorkerUrl, import.meta.url).href, 'segbook-cluster');
		// A thread that fails while it waits for a job would never answer it: remember the failure.
		// Handled here, so it does not reach this worker's own scope (and stop the engine).
		worker.addEventListener('error', (event) => {
			event.preventDefault();
			failed.add(worker);
		});
		return worker;
	} catch {
		return null;
	}
}

/**
 * The thread kept between jobs. Starting one (loading its module, compiling the kernel, its first
 * compiled loops) takes about 150 ms, as long as half the final fit on a million order lines.
 */
let idle: Worker | null = null;
/** Threads that failed to start (an error before any job, e.g. their script cannot load). */
const failed = new WeakSet<Worker>();

/** Start the second thread ahead of need (the Features step does, before the sweep and fit). */
export function warmSecondThread(): void {
	if (idle !== null) return;
	idle = spawn();
	idle?.postMessage({ kind: 'warm' } satisfies WarmJob);
}

/**
 * The second thread for one job: the warm one, or a new one; null without Worker (node tests)
 * or when it cannot start. Give it back with `releaseSecondThread` after a job that ended
 * cleanly; after a cancel or a failure pass `false`, and it is stopped.
 */
export function takeSecondThread(): Worker | null {
	const warm = idle;
	idle = null;
	if (warm && !failed.has(warm)) return warm;
	warm?.terminate();
	// The warm one failed (its script could not load): no second thread, the job runs here.
	return warm ? null : spawn();
}

export function releaseSecondThread(worker: Worker, clean: boolean): void {
	worker.onmessage = null;
	worker.onerror = null;
	if (clean && idle === null) idle = worker;
	else worker.terminate();
}
