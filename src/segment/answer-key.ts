/**
 * The classroom reveal: the generated sample's planted personas against the segments found.
 * Pure: the worker supplies (persona, segment) pairs; this turns them into a confusion table,
 * the best match per segment, and sentences a class can read.
 */
import { adjustedRandIndex } from '../cluster/ari';

/** The planted personas in words (src/sample/retail.ts's PERSONAS, in their order). */
export const PLANTED_LABELS: Readonly<Record<string, string>> = Object.freeze({
	champion: 'Champions',
	loyal: 'Loyal',
	bargain: 'Bargain hunters',
	at_risk: 'At risk',
	newcomer: 'Newcomers',
	hibernating: 'Hibernating'
});

export function plantedLabel(persona: string): string {
	return PLANTED_LABELS[persona] ?? persona;
}

export interface Confusion {
	/** Planted personas, in the generator's order (unknown ones after, sorted). */
	personas: string[];
	/** Segments found, ascending. */
	segments: number[];
	/** counts[i][j]: customers of personas[i] in segments[j]. */
	counts: number[][];
	customers: number;
	ari: number;
	/** Per segment: the planted persona most of its customers have, and that share (purity). */
	matches: { segment: number; persona: string; share: number }[];
	/** Customers whose segment's majority persona is their own planted persona. */
	agreement: number;
}

export function confusion(persona: readonly string[], segment: ArrayLike<number>): Confusion {
	const n = persona.length;
	if (segment.length !== n) throw new RangeError('confusion: lengths differ');
	const order = Object.keys(PLANTED_LABELS);
	const personas = [...new Set(persona)].sort((a, b) => {
		const ia = order.indexOf(a);
		const ib = order.indexOf(b);
		if (ia >= 0 && ib >= 0) return ia - ib;
		if (ia >= 0) return -1;
		if (ib >= 0) return 1;
		return a.localeCompare(b);
	});
	const segments = [...new Set(Array.from(segment))].sort((a, b) => a - b);
	const pi = new Map(personas.map((p, i) => [p, i]));
	const si = new Map(segments.map((s, j) => [s, j]));
	const counts = personas.map(() => segments.map(() => 0));
	const personaIds = new Int32Array(n);
	for (let r = 0; r < n; r++) {
		const i = pi.get(persona[r]!)!;
		personaIds[r] = i;
		counts[i]![si.get(segment[r]!)!]!++;
	}
	const matches = segments.map((s, j) => {
		let best = 0;
		let total = 0;
		for (let i = 0; i < personas.length; i++) {
			const c = counts[i]![j]!;
			total += c;
			if (c > counts[best]![j]!) best = i;
		}
		return {
			segment: s,
			persona: personas[best]!,
			share: total > 0 ? counts[best]![j]! / total : 0
		};
	});
	let agreement = 0;
	for (let j = 0; j < segments.length; j++) {
		agreement += counts[personas.indexOf(matches[j]!.persona)]![j]!;
	}
	return {
		personas,
		segments,
		counts,
		customers: n,
		ari: adjustedRandIndex(personaIds, segment),
		matches,
		agreement: n > 0 ? agreement / n : 0
	};
}

/** What an adjusted Rand index means, in one sentence for a class. */
export function ariSentence(ari: number): string {
	const value = ari.toFixed(2);
	if (ari >= 0.9) return `ARI ${value}: almost exactly the planted groups.`;
	if (ari >= 0.7) return `ARI ${value}: mostly the planted groups, with some customers mixed up.`;
	if (ari >= 0.4) return `ARI ${value}: partly the planted groups; several are merged or split.`;
	if (ari >= 0.1) return `ARI ${value}: only a little better than grouping at random.`;
	return `ARI ${value}: no better than grouping customers at random.`;
}
