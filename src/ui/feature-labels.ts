/**
 * Plain words for feature column names on slides and in pictures: `recency_days` reads "Days
 * since last order", a one-hot `gender_f` reads "Women", `city_amsterdam` "Amsterdam",
 * `share_category_home` "Share of spend on home". The column keeps its name everywhere it is
 * a name (the Features checkboxes, SQL, exports); this is only how it is shown.
 */

const NAMED: Record<string, string> = {
	recency_days: 'Days since last order',
	frequency: 'Orders',
	monetary: 'Spend',
	avg_order_value: 'Average order value',
	return_share: 'Share of lines returned',
	tenure_days: 'Days as a customer',
	days_between_orders: 'Days between orders',
	items_per_order: 'Items per order',
	age: 'Age',
	income: 'Income'
};

const GENDER: Record<string, string> = {
	f: 'Women',
	female: 'Women',
	w: 'Women',
	m: 'Men',
	male: 'Men',
	x: 'Other gender',
	o: 'Other gender',
	other: 'Other gender'
};

const COUNTRY: Record<string, string> = {
	de: 'Germany',
	fr: 'France',
	uk: 'United Kingdom',
	gb: 'United Kingdom',
	nl: 'Netherlands',
	es: 'Spain',
	it: 'Italy',
	ie: 'Ireland',
	be: 'Belgium',
	at: 'Austria',
	ch: 'Switzerland',
	pt: 'Portugal',
	us: 'United States',
	dk: 'Denmark',
	se: 'Sweden',
	pl: 'Poland'
};

function words(slug: string): string {
	return slug.replaceAll('_', ' ');
}

function capital(s: string): string {
	return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

const ONE_HOT = /^(gender|sex|city|country)_(.+)$/;

/** A 0/1 column for one value of a category (`city_paris`). */
export function isOneHot(name: string): boolean {
	return ONE_HOT.test(name);
}

/** The plain-word label of a feature column. */
export function featureLabel(name: string): string {
	const known = NAMED[name];
	if (known) return known;
	const share = /^share_([a-z0-9]+)_(.+)$/.exec(name);
	if (share) return `Share of spend: ${words(share[1]!)} ${words(share[2]!)}`;
	const hot = ONE_HOT.exec(name);
	if (hot) {
		const [, column, value] = hot;
		if (column === 'gender' || column === 'sex') return GENDER[value!] ?? capital(words(value!));
		if (column === 'country') return COUNTRY[value!] ?? value!.toUpperCase();
		return words(value!).split(' ').map(capital).join(' ');
	}
	return capital(words(name));
}
