/**
 * The engine worker's second clustering thread (second-thread.ts): scores the k values of a
 * sweep job (src/cluster/sweep.ts `scoreK`, as the engine worker does for its share), or runs a
 * fit job's k-means++ starts (src/cluster/kmeans.ts), posting each result as it finishes. Holds
 * a copy of the matrix and nothing else.
 */
import { kmeans } from '../src/cluster/kmeans';
import { ClusterInputError } from '../src/cluster/matrix';
import { scoreK } from '../src/cluster/sweep';
import { loadKernel } from './kernel';
import type { FitJob, FitReply, SweepJob, SweepReply, WarmJob } from './second-thread';

const post = (reply: SweepReply | FitReply, transfer: Transferable[] = []): void =>
	(self as unknown as Worker).postMessage(reply, transfer);

const failure = (e: unknown): { error: string; input: boolean } => ({
	error: e instanceof Error ? e.message : String(e),
	input: e instanceof ClusterInputError
});

self.onmessage = async (event: MessageEvent<SweepJob | FitJob | WarmJob>) => {
	const job = event.data;
	const kernel = await loadKernel();
	if (job.kind === 'warm') return;
	const m = { data: job.data, n: job.n, d: job.d };
	if (job.kind === 'fit') {
		try {
			const fit = kmeans(m, { ...job, kernel });
			post(
				{
					labels: fit.labels,
					centroids: fit.centroids,
					inertia: fit.inertia,
					iterations: fit.iterations,
					sizes: fit.sizes,
					distances: fit.distances,
					timing: fit.timing
				},
				[fit.labels.buffer, fit.centroids.buffer, fit.distances.buffer]
			);
		} catch (e) {
			post(failure(e));
		}
		return;
	}
	for (const k of job.ks) {
		try {
			const { row, centroids } = scoreK(m, k, { ...job, kernel });
			post({ k, row, centroids }, [centroids.buffer]);
		} catch (e) {
			post(failure(e));
			return;
		}
	}
};
