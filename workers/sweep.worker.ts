/**
 * The sweep's second thread: scores the k values it is given (src/cluster/sweep.ts `scoreK`, the
 * same function the engine worker runs for its share), posting each result as it finishes.
 * Started by workers/sweep-pool.ts; holds a copy of the sampled matrix and nothing else.
 */
import { ClusterInputError } from '../src/cluster/matrix';
import { scoreK } from '../src/cluster/sweep';
import { loadKernel } from './kernel';
import type { SweepJob, SweepReply } from './sweep-pool';

const post = (reply: SweepReply, transfer: Transferable[] = []): void =>
	(self as unknown as Worker).postMessage(reply, transfer);

self.onmessage = async (event: MessageEvent<SweepJob>) => {
	const job = event.data;
	const m = { data: job.data, n: job.n, d: job.d };
	const kernel = await loadKernel();
	for (const k of job.ks) {
		try {
			const { row, centroids } = scoreK(m, k, { ...job, kernel });
			post({ k, row, centroids }, [centroids.buffer]);
		} catch (e) {
			post({
				error: e instanceof Error ? e.message : String(e),
				input: e instanceof ClusterInputError
			});
			return;
		}
	}
};
