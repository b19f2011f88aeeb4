/**
 * Adjusted Rand index between two labelings of the same items (scikit-learn's
 * `adjusted_rand_score`): 1 for identical partitions whatever the label names, about 0 for
 * independent ones, negative when agreement is below chance. Labels may be any numbers; only which
 * items share a label matters.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
	const n = a.length;
	if (b.length !== n) throw new RangeError(`adjustedRandIndex: lengths ${n} and ${b.length}`);
	if (n <= 1) return 1;

	// Dense ids for each labeling, then the contingency table.
	const ia = denseIds(a);
	const ib = denseIds(b);
	const ka = ia.count;
	const kb = ib.count;
	const table = new Float64Array(ka * kb);
	const rowSum = new Float64Array(ka);
	const colSum = new Float64Array(kb);
	for (let i = 0; i < n; i++) {
		const x = ia.ids[i]!;
		const y = ib.ids[i]!;
		table[x * kb + y]!++;
		rowSum[x]!++;
		colSum[y]!++;
	}
	// Pair counts (as in scikit-learn's pair_confusion_matrix): pairs together in both (tp), in a
	// only (fn), in b only (fp), in neither (tn).
	let sumSq = 0;
	for (let p = 0; p < table.length; p++) sumSq += table[p]! * table[p]!;
	let rowSq = 0;
	for (let x = 0; x < ka; x++) rowSq += rowSum[x]! * rowSum[x]!;
	let colSq = 0;
	for (let y = 0; y < kb; y++) colSq += colSum[y]! * colSum[y]!;
	const tp = (sumSq - n) / 2;
	const fp = (colSq - sumSq) / 2;
	const fn = (rowSq - sumSq) / 2;
	const tn = (n * n - rowSq - colSq + sumSq) / 2;
	// Identical partitions, including the degenerate all-one-cluster / all-singletons cases.
	if (fn === 0 && fp === 0) return 1;
	return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

function denseIds(labels: ArrayLike<number>): { ids: Int32Array; count: number } {
	const map = new Map<number, number>();
	const ids = new Int32Array(labels.length);
	for (let i = 0; i < labels.length; i++) {
		const l = labels[i]!;
		let id = map.get(l);
		if (id === undefined) {
			id = map.size;
			map.set(l, id);
		}
		ids[i] = id;
	}
	return { ids, count: map.size };
}

/**
 * The adjusted Rand index from a contingency table (`counts[x][y]` = items with label x in one
 * labelling and y in the other), for labellings too large to hold item by item.
 */
export function adjustedRandFromCounts(counts: readonly (readonly number[])[]): number {
	let n = 0;
	let sumSq = 0;
	const colSum: number[] = [];
	let rowSq = 0;
	for (const row of counts) {
		let r = 0;
		row.forEach((c, y) => {
			n += c;
			r += c;
			sumSq += c * c;
			colSum[y] = (colSum[y] ?? 0) + c;
		});
		rowSq += r * r;
	}
	if (n <= 1) return 1;
	const colSq = colSum.reduce((s, c) => s + (c ?? 0) * (c ?? 0), 0);
	const tp = (sumSq - n) / 2;
	const fp = (colSq - sumSq) / 2;
	const fn = (rowSq - sumSq) / 2;
	const tn = (n * n - rowSq - colSq + sumSq) / 2;
	if (fn === 0 && fp === 0) return 1;
	return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}
