/**
 * The k sweep on two cores: the engine worker scores some k values itself while a second worker
 * (cluster.worker.ts) scores the others on a copy of the matrix. Each k's result depends only on
 * (matrix, k, seed), so the rows are the ones a one-thread sweep gives, whichever thread ran them.
 *
 * The split is fixed before starting (the engine worker's own loop cannot answer messages while it
 * computes): k values in decreasing cost, each to the thread with less work so far. Without
 * Worker (node tests) or if the second worker fails to start, every k runs here.
 */
import { CancelledError, ClusterInputError, type Matrix } from '../src/cluster/matrix';
import { scoreK, type SweepRow } from '../src/cluster/sweep';
import type { KMeansKernel } from '../src/cluster/wasm-kernel';
import {
	releaseSecondThread,
	takeSecondThread,
	answerOf,
	type SweepJob,
	type SweepReply
} from './second-thread';

export type Scored = {
	byK: Map<number, { row: SweepRow; centroids: Float64Array }>;
	/** 2 when the second worker took part. */
	threads: number;
};

type PoolOptions = {
	seed: number;
	restarts: number;
	silhouetteSample: number;
	kernel: KMeansKernel | undefined;
	shouldStop: () => boolean;
	/** After each k, from either thread. */
	onScored: (done: number, total: number) => void;
};

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Relative cost of one k: the silhouette (independent of k) plus k-means (grows with k). */
const cost = (k: number): number => 8 + k;

/** The two threads' k values: [here, there]. */
export function splitKs(ks: readonly number[]): [number[], number[]] {
	const here: number[] = [];
	const there: number[] = [];
	let a = 0;
	let b = 0;
	for (const k of [...ks].sort((x, y) => cost(y) - cost(x))) {
		// Ties go to this thread: the other one starts a little later.
		if (a <= b) {
			here.push(k);
			a += cost(k);
		} else {
			there.push(k);
			b += cost(k);
		}
	}
	return [here, there];
}

export async function scoreKs(
	m: Matrix,
	ks: readonly number[],
	opts: PoolOptions
): Promise<Scored> {
	const out: Scored['byK'] = new Map();
	const total = ks.length;
	const done = (): void => opts.onScored(out.size, total);
	const runHere = async (list: readonly number[]): Promise<void> => {
		for (const k of list) {
			await tick();
			if (opts.shouldStop()) throw new CancelledError();
			out.set(k, scoreK(m, k, opts));
			done();
		}
	};
	const [here, there] = ks.length > 1 ? splitKs(ks) : [[...ks], []];
	const worker = there.length > 0 ? takeSecondThread() : null;
	if (!worker) {
		await runHere([...here, ...there].sort((x, y) => x - y));
		return { byK: out, threads: 1 };
	}
	let threads = 2;
	/** The other thread answered for every k it was given: it can be kept for the next job. */
	let clean = false;
	// The other thread's share; whatever it has not scored when it fails runs here.
	const theirs = new Promise<number[]>((resolve, reject) => {
		const pending = new Set(there);
		worker.onmessage = (event: MessageEvent<SweepReply>) => {
			const reply = event.data;
			if ('error' in reply) {
				reject(reply.input ? new ClusterInputError('bad-k', reply.error) : new Error(reply.error));
				return;
			}
			out.set(reply.k, { row: reply.row, centroids: reply.centroids });
			pending.delete(reply.k);
			done();
			if (pending.size === 0) {
				clean = true;
				resolve([]);
			}
		};
		worker.onerror = (event) => {
			event.preventDefault();
			if (pending.size === there.length) threads = 1;
			resolve([...pending]);
		};
	});
	try {
		const job: SweepJob = {
			kind: 'sweep',
			data: m.data.slice(),
			n: m.n,
			d: m.d,
			ks: there,
			seed: opts.seed,
			restarts: opts.restarts,
			silhouetteSample: opts.silhouetteSample
		};
		worker.postMessage(job, [job.data.buffer]);
		await runHere(here);
		// Whatever the other thread could not score runs here.
		await runHere(await answerOf(theirs, opts.shouldStop));
	} finally {
		releaseSecondThread(worker, clean);
	}
	return { byK: out, threads };
}
