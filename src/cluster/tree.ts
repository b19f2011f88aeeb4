/**
 * A threshold tree that explains a k-means result: IMM, the Iterative Mistake Minimization of
 * Dasgupta, Frost, Moshkovitz and Rashtchian ("Explainable k-means and k-medians clustering",
 * ICML 2020), the base of ExKMC. The tree has exactly k leaves, one per segment, and each split
 * is one threshold on one feature, so every segment reads as a short rule.
 *
 *   node (its centres, its points) ──► for every feature and threshold between the centres:
 *        count the mistakes (points sent to the other side from their own centre)
 *   ──► keep the split with the fewest mistakes (ties: the widest gap, then the lower feature)
 *   ──► centres and the points that agree go left (x ≤ θ) or right; mistaken points leave
 *   ──► recurse until each node holds one centre: that leaf is the centre's segment
 *
 * The mistakes of every threshold on a feature come from one sort: a point is a mistake exactly
 * while θ lies in [min(x, c), max(x, c)), where c is its centre's coordinate, so a sweep over the
 * sorted interval ends counts them all. O(n log n) per feature per node, at most k − 1 nodes.
 *
 * Thresholds are in the matrix's units; src/segment/rules.ts turns them into original units and
 * words. Pure: typed arrays in, plain objects out.
 */
import type { Matrix } from './matrix';

export type ThresholdTree =
	| { kind: 'leaf'; cluster: number; points: number }
	| {
			kind: 'split';
			feature: number;
			/** Rows with x[feature] ≤ threshold go left. */
			threshold: number;
			/** Points at this node that the split separated from their centre (IMM's mistakes). */
			mistakes: number;
			points: number;
			left: ThresholdTree;
			right: ThresholdTree;
	  };

interface Candidate {
	feature: number;
	threshold: number;
	mistakes: number;
	gap: number;
}

/** The best split of `rows` on one feature, or null when the centres share one value there. */
function bestOnFeature(
	m: Matrix,
	labels: ArrayLike<number>,
	centroids: Float64Array,
	rows: Int32Array,
	centres: readonly number[],
	j: number
): Candidate | null {
	const { d } = m;
	let cMin = Infinity;
	let cMax = -Infinity;
	for (const c of centres) {
		const v = centroids[c * d + j]!;
		if (v < cMin) cMin = v;
		if (v > cMax) cMax = v;
	}
	if (!(cMax > cMin)) return null;
	const p = rows.length;
	const lo = new Float64Array(p);
	const hi = new Float64Array(p);
	// Every coordinate a threshold can sit on: point values and centre values.
	const values = new Float64Array(p + centres.length);
	for (let t = 0; t < p; t++) {
		const i = rows[t]!;
		const x = m.data[i * d + j]!;
		const c = centroids[labels[i]! * d + j]!;
		lo[t] = x < c ? x : c;
		hi[t] = x < c ? c : x;
		values[t] = x;
	}
	centres.forEach((c, t) => (values[p + t] = centroids[c * d + j]!));
	lo.sort();
	hi.sort();
	values.sort();
	let best: Candidate | null = null;
	let a = 0;
	let b = 0;
	for (let t = 0; t < values.length; t++) {
		const v = values[t]!;
		if (t + 1 < values.length && values[t + 1] === v) continue; // last copy of v
		if (v < cMin) continue;
		if (v >= cMax) break;
		// mistakes(θ) for θ in [v, next): intervals with lo ≤ v minus those that ended (hi ≤ v).
		while (a < p && lo[a]! <= v) a++;
		while (b < p && hi[b]! <= v) b++;
		const mistakes = a - b;
		const next = values[t + 1]!; // exists: cMax > v is among the values
		const gap = next - v;
		if (!best || mistakes < best.mistakes || (mistakes === best.mistakes && gap > best.gap)) {
			best = { feature: j, threshold: v + gap / 2, mistakes, gap };
		}
	}
	return best;
}

function build(
	m: Matrix,
	labels: ArrayLike<number>,
	centroids: Float64Array,
	rows: Int32Array,
	centres: readonly number[]
): ThresholdTree {
	const { d } = m;
	if (centres.length === 1) return { kind: 'leaf', cluster: centres[0]!, points: rows.length };
	let best: Candidate | null = null;
	for (let j = 0; j < d; j++) {
		const c = bestOnFeature(m, labels, centroids, rows, centres, j);
		if (!c) continue;
		// Strictly better only: ties keep the lower feature index.
		if (!best || c.mistakes < best.mistakes || (c.mistakes === best.mistakes && c.gap > best.gap))
			best = c;
	}
	if (!best) {
		// Identical centres cannot be told apart by any threshold: the leaf takes the first one.
		return { kind: 'leaf', cluster: centres[0]!, points: rows.length };
	}
	const { feature, threshold } = best;
	const goesLeft = (c: number): boolean => centroids[c * d + feature]! <= threshold;
	const leftCentres = centres.filter(goesLeft);
	const rightCentres = centres.filter((c) => !goesLeft(c));
	const left: number[] = [];
	const right: number[] = [];
	for (const i of rows) {
		const side = m.data[i * d + feature]! <= threshold;
		if (side !== goesLeft(labels[i]!)) continue; // a mistake: IMM drops it
		(side ? left : right).push(i);
	}
	return {
		kind: 'split',
		feature,
		threshold,
		mistakes: best.mistakes,
		points: rows.length,
		left: build(m, labels, centroids, Int32Array.from(left), leftCentres),
		right: build(m, labels, centroids, Int32Array.from(right), rightCentres)
	};
}

/**
 * Fits the IMM tree to a k-means result: `labels` 0..k−1 for the rows of `m`, `centroids` k×d in
 * the same units. Segments with no rows still get a leaf (their centre guides the splits).
 */
export function fitThresholdTree(
	m: Matrix,
	labels: ArrayLike<number>,
	centroids: Float64Array,
	k: number
): ThresholdTree {
	if (labels.length !== m.n) throw new RangeError(`tree: ${labels.length} labels for ${m.n} rows`);
	if (centroids.length !== k * m.d) throw new RangeError('tree: centroids must be k × d');
	const rows = new Int32Array(m.n);
	for (let i = 0; i < m.n; i++) {
		const c = labels[i]!;
		if (!Number.isInteger(c) || c < 0 || c >= k)
			throw new RangeError(`tree: label ${c} at row ${i} is outside 0..${k - 1}`);
		rows[i] = i;
	}
	return build(
		m,
		labels,
		centroids,
		rows,
		Array.from({ length: k }, (_, c) => c)
	);
}

/** The leaf (segment) the tree assigns to a row of values (`at(j)` = the row's feature j). */
export function predictOne(tree: ThresholdTree, at: (j: number) => number): number {
	let node = tree;
	while (node.kind === 'split') node = at(node.feature) <= node.threshold ? node.left : node.right;
	return node.cluster;
}

export function predict(tree: ThresholdTree, m: Matrix): Int32Array {
	const out = new Int32Array(m.n);
	for (let i = 0; i < m.n; i++) out[i] = predictOne(tree, (j) => m.data[i * m.d + j]!);
	return out;
}

/**
 * Fidelity: per segment, the share of its rows (by `labels`) the tree assigns to it; overall,
 * the share of all rows. An empty segment has fidelity 1 (nothing to get wrong).
 */
export function fidelity(
	labels: ArrayLike<number>,
	assigned: ArrayLike<number>,
	k: number
): { overall: number; perCluster: number[]; sizes: number[] } {
	const sizes = new Array<number>(k).fill(0);
	const agree = new Array<number>(k).fill(0);
	let total = 0;
	for (let i = 0; i < labels.length; i++) {
		const c = labels[i]!;
		sizes[c]!++;
		if (assigned[i] === c) {
			agree[c]!++;
			total++;
		}
	}
	return {
		overall: labels.length > 0 ? total / labels.length : 1,
		perCluster: sizes.map((s, c) => (s > 0 ? agree[c]! / s : 1)),
		sizes
	};
}

/** The path to each leaf: the conditions met on the way, root first. */
export function leafPaths(
	tree: ThresholdTree
): { cluster: number; conditions: { feature: number; threshold: number; le: boolean }[] }[] {
	const out: ReturnType<typeof leafPaths> = [];
	const walk = (
		node: ThresholdTree,
		path: { feature: number; threshold: number; le: boolean }[]
	) => {
		if (node.kind === 'leaf') {
			out.push({ cluster: node.cluster, conditions: path });
			return;
		}
		walk(node.left, [...path, { feature: node.feature, threshold: node.threshold, le: true }]);
		walk(node.right, [...path, { feature: node.feature, threshold: node.threshold, le: false }]);
	};
	walk(tree, []);
	return out.sort((a, b) => a.cluster - b.cluster);
}
