/**
 * The final fit on two cores: the engine worker runs the first half of the k-means++ starts while
 * a second worker (cluster.worker.ts) runs the other half on a copy of the matrix. Each start
 * depends only on (matrix, k, seed, its number), and the later half wins only with a strictly
 * lower inertia, as in one thread's loop: the result is the one-thread fit's, bit for bit.
 * Without Worker (node tests) or if the second worker fails, every start runs here.
 */
import { kmeans, type KMeansResult } from '../src/cluster/kmeans';
import { ClusterInputError, type Matrix } from '../src/cluster/matrix';
import type { KMeansKernel } from '../src/cluster/wasm-kernel';
import {
	releaseSecondThread,
	takeSecondThread,
	answerOf,
	type FitJob,
	type FitReply
} from './second-thread';

export type FitOptions = {
	k: number;
	seed: number;
	restarts: number;
	kernel: KMeansKernel | undefined;
	shouldStop: () => boolean;
};

/** Below this many customers × starts, copying the matrix over costs more than the thread saves. */
const MIN_WORK = 2_000;

export async function fitOnTwoThreads(
	m: Matrix,
	opts: FitOptions
): Promise<KMeansResult & { threads: number }> {
	const here = Math.ceil(opts.restarts / 2);
	const worker = opts.restarts > 1 && m.n * opts.restarts >= MIN_WORK ? takeSecondThread() : null;
	if (!worker) return { ...kmeans(m, opts), threads: 1 };
	const theirs = new Promise<FitReply | null>((resolve) => {
		worker.onmessage = (event: MessageEvent<FitReply>) => resolve(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			resolve(null);
		};
	});
	let clean = false;
	try {
		const job: FitJob = {
			kind: 'fit',
			data: m.data.slice(),
			n: m.n,
			d: m.d,
			k: opts.k,
			seed: opts.seed,
			firstRestart: here,
			restarts: opts.restarts - here
		};
		worker.postMessage(job, [job.data.buffer]);
		const mine = kmeans(m, { ...opts, restarts: here });
		const reply = await answerOf(theirs, opts.shouldStop);
		clean = reply !== null && !('error' in reply);
		if (reply === null) {
			// The second thread could not run: its starts run here.
			const rest = kmeans(m, { ...opts, firstRestart: here, restarts: opts.restarts - here });
			return { ...better(mine, rest), threads: 1 };
		}
		if ('error' in reply) {
			throw reply.input ? new ClusterInputError('bad-k', reply.error) : new Error(reply.error);
		}
		return { ...better(mine, { ...reply, k: opts.k }), threads: 2 };
	} finally {
		releaseSecondThread(worker, clean);
	}
}

/** The earlier starts' fit unless the later ones found a strictly lower inertia; time of both. */
export function better(first: KMeansResult, later: KMeansResult): KMeansResult {
	const timing = {
		seedMs: first.timing.seedMs + later.timing.seedMs,
		lloydMs: first.timing.lloydMs + later.timing.lloydMs,
		iterations: first.timing.iterations + later.timing.iterations,
		iterationMs: [...first.timing.iterationMs, ...later.timing.iterationMs]
	};
	return { ...(later.inertia < first.inertia ? later : first), timing };
}
