/**
 * Personas: a name and a one-line description for each segment, from its traits, by
 * deterministic rules a marketer can read. The rules look at how the segment differs from the
 * whole base in standard deviations (so "much more recent" means the same on any data set) and
 * at its channel mix; they never look at the answer key.
 *
 *   recency  frequency  spend/basket        →  name
 *   recent   any        spend ≫ average     →  Recent big spenders
 *   recent   often      basket ≪ average    →  Frequent bargain hunters
 *   recent   often                          →  Loyal regulars
 *   recent   rarely     short tenure        →  New customers
 *   long ago rarely                         →  Dormant one-timers
 *   lapsed   —                              →  Slipping away
 *   otherwise (a customer-level file): in words from its columns, never a raw column name,
 *   e.g. "Catalogue buyers, high income" (src/segment/persona-words.ts); each with an action
 */
import { BEHAVIOUR_ACTIONS, featureWords, nameParts, suggestAction } from './persona-words';

export interface Trait {
	feature: string;
	segmentMean: number | null;
	baseMean: number | null;
	/** Segment mean ÷ base mean × 100 (100 = average), or null where the base mean is 0. */
	index: number | null;
	/** (segment mean − base mean) ÷ base standard deviation. */
	difference: number;
}

export interface Kpis {
	avgOrderValue: number | null;
	ordersPerCustomer: number | null;
	daysSinceLastOrder: number | null;
	/** Share of customers who ordered in the last 90 days of the data. */
	activeShare90: number | null;
	tenureDays: number | null;
}

export interface TopValue {
	attribute: string;
	value: string;
	share: number;
	baseShare: number;
}

export interface PersonaInput {
	traits: readonly Trait[];
	tops: readonly TopValue[];
	kpis: Kpis;
	share: number;
	revenueShare: number | null;
	/** Features the recipe logs (spend-like columns, so their words say "buyers"). */
	logged?: readonly string[];
}

export interface PersonaName {
	name: string;
	description: string;
	/** What to do with them, in a sentence. */
	action: string;
	/** Further words that tell this segment apart, to make a shared name distinct. */
	qualifiers: string[];
}

const STRONG = 0.8;
const CLEAR = 0.3;

function diff(traits: readonly Trait[], feature: string): number | null {
	const t = traits.find((x) => x.feature === feature);
	return t ? t.difference : null;
}

/** Which channel a segment prefers clearly more than the base does, e.g. "app-first". */
export function channelHabit(tops: readonly TopValue[]): string | null {
	const channel = tops
		.filter((t) => /channel|canal|kanal/i.test(t.attribute))
		.filter((t) => t.share >= 0.4 && t.share >= 1.25 * t.baseShare)
		.sort(
			(a, b) => b.share / Math.max(1e-9, b.baseShare) - a.share / Math.max(1e-9, a.baseShare)
		)[0];
	return channel ? `${channel.value}-first` : null;
}

export function namePersona(p: PersonaInput): PersonaName {
	const r = diff(p.traits, 'recency_days');
	const f = diff(p.traits, 'frequency');
	const m = diff(p.traits, 'monetary');
	const a = diff(p.traits, 'avg_order_value');
	const t = diff(p.traits, 'tenure_days');
	let name: string | null = null;
	if (r !== null && f !== null) {
		if (r < -CLEAR && m !== null && m > STRONG) name = 'Recent big spenders';
		else if (r < -CLEAR && f > CLEAR && a !== null && a < -CLEAR) name = 'Frequent bargain hunters';
		else if (r < -CLEAR && f > 0) name = 'Loyal regulars';
		else if (r < -CLEAR && f < -CLEAR && (t === null || t < 0)) name = 'New customers';
		else if (r > STRONG && f < -CLEAR) name = 'Dormant one-timers';
		else if (r > CLEAR) name = 'Slipping away';
		else if (r < -CLEAR) name = 'Recent occasional buyers';
	}
	const parts = nameParts(p.traits, p.tops, p.logged ?? []);
	let action: string;
	let qualifiers: string[];
	if (name) {
		action = BEHAVIOUR_ACTIONS[name] ?? suggestAction(parts);
		// The behaviour name already says recency and frequency: qualify by the rest.
		qualifiers = parts.qualifiers.filter((q) => !/^(?:recent|lapsed|frequent|occasional)$/.test(q));
		const habit = channelHabit(p.tops);
		if (habit) name = `${name}, ${habit}`;
	} else {
		// In words, never a raw column name: "Catalogue buyers, high income".
		const [first, ...rest] = parts.qualifiers;
		name = first ? `${parts.head}, ${first}` : parts.head;
		qualifiers = rest;
		action = suggestAction(parts);
	}
	return { name, description: describe(p), action, qualifiers };
}

function money(x: number): string {
	return x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(2);
}

function pct(x: number): string {
	return `${Math.round(x * 100)}%`;
}

export function describe(p: PersonaInput): string {
	const parts: string[] = [];
	const k = p.kpis;
	parts.push(
		p.revenueShare !== null
			? `${pct(p.share)} of customers, ${pct(p.revenueShare)} of revenue`
			: `${pct(p.share)} of customers`
	);
	if (k.daysSinceLastOrder !== null)
		parts.push(`last order ${Math.round(k.daysSinceLastOrder)} days ago on average`);
	if (k.ordersPerCustomer !== null) parts.push(`${k.ordersPerCustomer.toFixed(1)} orders each`);
	if (k.avgOrderValue !== null) parts.push(`${money(k.avgOrderValue)} per order`);
	const rest = [...p.traits]
		.filter(
			(t) => !['recency_days', 'frequency', 'monetary', 'avg_order_value'].includes(t.feature)
		)
		.sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference))[0];
	if (rest && Math.abs(rest.difference) >= 0.5) {
		const w = featureWords(rest.feature, p.logged?.includes(rest.feature) ?? false);
		parts.push(`notably ${rest.difference > 0 ? w.high : w.low}`);
	}
	return parts.join('; ') + '.';
}
