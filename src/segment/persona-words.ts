/**
 * Persona names in words on any data, never a raw column name: a column's own words and unit
 * ("NumCatalogPurchases" → catalogue, "Fresh" → fresh-food, "Annual Income (k$)" → income), then
 * a head ("Catalogue buyers", "Younger customers", "Light buyers") and a qualifier from the next
 * most distinguishing trait or an over-represented category ("high income", "channel 2"):
 *
 *   "Catalogue buyers, high income"     "Fresh-food buyers, channel 1"     "Light buyers, younger"
 *
 * Names are made distinct within the notebook (a duplicate takes its next trait), and each
 * persona gets a suggested action. Pure.
 */
import type { TopValue, Trait } from './personas';

const CLEAR = 0.3;
const STRONG = 0.8;

function tokens(name: string): string[] {
	return name
		.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
		.replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((t) => t !== '');
}

/** Words that say "money spent on" or "number of purchases of" rather than what. */
const BUYING_MARKERS = new Set(
	'mnt amount amt spend spent spending sales revenue purchases purchase num number total value prods products product annual'.split(
		' '
	)
);
/** Nicer words for what was bought. */
const PRODUCT_WORDS: Record<string, string> = Object.assign(Object.create(null) as object, {
	fresh: 'fresh-food',
	frozen: 'frozen-food',
	milk: 'dairy',
	grocery: 'grocery',
	delicassen: 'delicatessen',
	delicatessen: 'delicatessen',
	detergents: 'detergents',
	paper: 'paper',
	wines: 'wine',
	wine: 'wine',
	fruits: 'fruit',
	meat: 'meat',
	fish: 'fish',
	sweet: 'sweets',
	sweets: 'sweets',
	gold: 'gold',
	catalog: 'catalogue',
	catalogue: 'catalogue',
	web: 'online',
	online: 'online',
	store: 'in-store',
	deals: 'bargain',
	deal: 'bargain'
});

/** Attributes with their own words for high and low. */
const ATTRIBUTES: [RegExp, string, string][] = [
	[/^(?:year birth|birth year|yob|year of birth)$/, 'younger', 'older'],
	[/^(?:age|alter|edad)$/, 'older', 'younger'],
	[/income|salary|einkommen/, 'high income', 'low income'],
	[/^kidhome$|kids|children/, 'with young children', 'without young children'],
	[/^teenhome$|teen/, 'with teenagers', 'without teenagers'],
	[/^recency(?: days)?$/, 'lapsed', 'recent'],
	[/tenure|customer since|dt customer|seniority/, 'long-standing', 'newer'],
	[/web visits/, 'frequent site visitors', 'rare site visitors'],
	[/spending score/, 'high spending score', 'low spending score'],
	[
		/umsatz|spend|spent|depenses|gastos|uitgaven|revenue|turnover|^sales$|^amount$|betrag|monetary/,
		'big spenders',
		'low spenders'
	],
	[/visits|besuche|visites|visitas|bezoeken|visite/, 'frequent visitors', 'rare visitors'],
	[/complain/, 'who complained', 'without complaints'],
	[/balance/, 'high balance', 'low balance'],
	[/credit limit/, 'high credit limit', 'low credit limit'],
	[/frequency/, 'frequent', 'occasional'],
	[/avg order value/, 'big-basket buyers', 'small-basket buyers'],
	[/items per order/, 'many items per order', 'few items per order'],
	[/days between orders/, 'long gaps between orders', 'short gaps between orders'],
	[/return share/, 'frequent returners', 'rare returners']
];

export interface FeatureWords {
	/** A spend or purchase-count column: what was bought ("catalogue", "fresh-food"). */
	bought: string | null;
	/** Words for a high and a low value. */
	high: string;
	low: string;
}

/** A feature's words: what was bought, or how to say high and low. */
export function featureWords(feature: string, logged = false): FeatureWords {
	const t = tokens(feature.replace(/^share_/, ''));
	const phrase = t.join(' ');
	for (const [re, high, low] of ATTRIBUTES) {
		if (re.test(phrase)) return { bought: null, high, low };
	}
	const marked = t.some((w) => BUYING_MARKERS.has(w));
	const what = t.filter((w) => !BUYING_MARKERS.has(w) && w !== 'month' && w !== 'in');
	const known = what.map((w) => PRODUCT_WORDS[w]).filter((w): w is string => !!w);
	if ((marked || logged || known.length > 0) && what.length > 0 && what.length <= 3) {
		const words = what.map((w) => PRODUCT_WORDS[w] ?? w);
		const bought = words.length === 2 ? `${words[0]} and ${words[1]}` : words.join(' ');
		return { bought, high: `more ${bought}`, low: `less ${bought}` };
	}
	const plain = phrase === '' ? 'this trait' : phrase;
	return { bought: null, high: `high ${plain}`, low: `low ${plain}` };
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export interface NameParts {
	head: string;
	/** Qualifiers in order of how much they distinguish the segment. */
	qualifiers: string[];
	kind: 'buyers' | 'light' | 'attribute' | 'average';
	bought: string | null;
}

/**
 * Head and qualifiers for a segment without RFM features (a customer-level file): its most
 * distinguishing purchase column, else its most distinguishing attribute.
 */
export function nameParts(
	traits: readonly Trait[],
	tops: readonly TopValue[],
	logged: readonly string[] = []
): NameParts {
	const sorted = [...traits]
		.filter((t) => Number.isFinite(t.difference))
		.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference));
	// One-hot columns speak through `tops` (as "channel 2"), not as traits of their own.
	const oneHot = (f: string): boolean =>
		tops.some((t) => f.toLowerCase().includes(`${t.attribute.toLowerCase()}_`));
	const words = sorted
		.filter((t) => !oneHot(t.feature))
		.map((t) => ({ t, w: featureWords(t.feature, logged.includes(t.feature)) }));
	const buying = words.filter((x) => x.w.bought !== null);
	const attributes = words.filter((x) => x.w.bought === null && Math.abs(x.t.difference) >= CLEAR);
	const categories = tops
		.filter((t) => t.share >= 0.5 && t.share >= 1.25 * t.baseShare)
		.map((t) => `${tokens(t.attribute).join(' ')} ${t.value.replaceAll('_', ' ')}`);
	const qualify = (skip: string | null): string[] => [
		...attributes
			.filter((x) => x.t.feature !== skip)
			.map((x) => (x.t.difference > 0 ? x.w.high : x.w.low)),
		...categories
	];
	// The clearest purchase column; a mild lead still names it when no column is clearly low.
	const best = [...buying].sort((a, b) => b.t.difference - a.t.difference)[0];
	const top =
		buying.find((x) => x.t.difference >= CLEAR) ??
		(best && best.t.difference >= CLEAR / 2 && buying.every((x) => x.t.difference > -CLEAR)
			? best
			: undefined);
	if (top) {
		const second = buying.find(
			(x) =>
				x !== top && x.t.difference >= STRONG && !`${x.w.bought} ${top.w.bought}`.includes(' and ')
		);
		const head = second
			? `${capital(top.w.bought!)} and ${second.w.bought} buyers`
			: `${capital(top.w.bought!)} buyers`;
		return { head, qualifiers: qualify(null), kind: 'buyers', bought: top.w.bought };
	}
	if (buying.length > 0 && buying.every((x) => x.t.difference <= -CLEAR / 2)) {
		return { head: 'Light buyers', qualifiers: qualify(null), kind: 'light', bought: null };
	}
	const first = attributes[0];
	if (first) {
		const phrase = first.t.difference > 0 ? first.w.high : first.w.low;
		// "Big spenders" and "Frequent visitors" name people already; "younger" needs a noun.
		const people = /(?:ers|ors)$/.test(phrase);
		return {
			head: people ? capital(phrase) : `${capital(phrase)} customers`,
			qualifiers: qualify(first.t.feature),
			kind: 'attribute',
			bought: null
		};
	}
	return { head: 'Average customers', qualifiers: categories, kind: 'average', bought: null };
}

/** A suggested action for a persona named by `nameParts`. */
export function suggestAction(parts: NameParts): string {
	switch (parts.kind) {
		case 'buyers':
			return `Lead with ${parts.bought} ranges and new lines; cross-sell the categories they buy less of.`;
		case 'light':
			return 'Grow the basket: an entry offer or bundle and a timely reminder, at low cost per contact.';
		case 'attribute':
			return (
				Object.entries(ATTRIBUTE_ACTIONS).find(([head]) => parts.head.startsWith(head))?.[1] ??
				`Tailor offers and messages to what sets them apart (${parts.head.toLowerCase()}); test which offer lifts their spend.`
			);
		case 'average':
			return 'Keep them in the regular programme and test offers that might move them up.';
	}
}

/** Actions for attribute-named personas, by the start of the name. */
const ATTRIBUTE_ACTIONS: Readonly<Record<string, string>> = Object.assign(
	Object.create(null) as Record<string, string>,
	{
		'Big spenders': 'Reward and retain them: personal attention, early access and a loyalty tier.',
		'Low spenders': 'Grow the basket with an entry offer or a bundle, at low cost per contact.',
		'Frequent visitors':
			'Make each visit count: recommendations and add-ons where they already shop.',
		'Rare visitors': 'Give them a reason to come back: a timely reminder with a personal offer.',
		'Frequent site visitors':
			'Turn visits into orders: saved baskets, reminders and tailored picks.',
		'Big-basket buyers':
			'Keep their baskets full: premium lines and bundles that fit their orders.',
		'Small-basket buyers': 'Lift the basket: free delivery thresholds and add-on suggestions.',
		'High income': 'Show them premium ranges and services; price matters less than convenience.',
		'Low income': 'Lead with value: good-price ranges, deals and loyalty savings.'
	}
);

/** Actions for the named behaviour personas (src/segment/personas.ts). */
export const BEHAVIOUR_ACTIONS: Readonly<Record<string, string>> = Object.assign(
	Object.create(null) as Record<string, string>,
	{
		'Recent big spenders': 'Reward them: early access, a loyalty tier and a request for reviews.',
		'Frequent bargain hunters':
			'Bundles and volume deals keep them; test full-price recommendations on their favourites.',
		'Loyal regulars': 'Keep them close with loyalty perks and personal recommendations.',
		'New customers': 'A welcome series and an incentive for the second order.',
		'Dormant one-timers': 'One low-cost reactivation offer, then stop contacting them.',
		'Slipping away': 'Win them back with a personal offer on what they bought before.',
		'Recent occasional buyers': 'Cross-sell from their first purchases to build a habit.'
	}
);

/**
 * Make names distinct: a name shared by several segments takes each one's next qualifier (the
 * larger segment keeps the shorter name only if the others can be told apart); whatever is still
 * shared gets "group 1", "group 2" by size.
 */
export function distinctNames(
	items: readonly { name: string; qualifiers: readonly string[]; size: number }[]
): string[] {
	const names = items.map((i) => i.name);
	for (let round = 0; round < 3; round++) {
		const groups = new Map<string, number[]>();
		names.forEach((n, i) => groups.set(n, [...(groups.get(n) ?? []), i]));
		let changed = false;
		for (const members of groups.values()) {
			if (members.length < 2) continue;
			for (const i of members) {
				const used = new Set(names[i]!.split(', ').slice(1));
				const next = items[i]!.qualifiers.find((q) => !used.has(q));
				if (next) {
					names[i] = `${names[i]}, ${next}`;
					changed = true;
				}
			}
		}
		if (!changed) break;
	}
	const counts = new Map<string, number[]>();
	names.forEach((n, i) => counts.set(n, [...(counts.get(n) ?? []), i]));
	for (const members of counts.values()) {
		if (members.length < 2) continue;
		members
			.sort((a, b) => items[b]!.size - items[a]!.size)
			.forEach((i, rank) => {
				names[i] = `${names[i]} (group ${rank + 1})`;
			});
	}
	return names;
}
