/**
 * First index whose cumulative weight exceeds r (k-means++ seeding's draw, shared by the
 * TypeScript and the WebAssembly kernels). Using "exceeds" (not "reaches") guarantees the chosen
 * point has positive weight, i.e. is not a duplicate of an existing centre.
 */
export function sampleIndex(cum: Float64Array, weight: Float64Array, r: number): number {
	let lo = 0;
	let hi = cum.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (cum[mid]! > r) hi = mid;
		else lo = mid + 1;
	}
	if (lo < cum.length) return lo;
	// r rounded up to the total: fall back to the last point with positive weight.
	for (let i = cum.length - 1; i >= 0; i--) if (weight[i]! > 0) return i;
	return 0;
}
