/**
 * Which column is the customer, the order, the date, the money? Guessed from column names first
 * (the usual spellings in English, German, French, Spanish, Dutch, Italian and Portuguese), then
 * confirmed with the column's type, distinct count and a sample of its values. The result is a
 * proposal the user can correct, so a wrong guess should be cheap to spot: every role says
 * whether it came from the name or only from the values, and the notes say what was assumed.
 *
 * Pure: no DOM, no DuckDB. The worker computes the ColumnStats and passes them in.
 */
import { isConstant, isIntegerCode, isMeasure, isRecordNumber } from './column-kinds';
import { detectPii } from './pii';

/** The shape of a numeric (or date) column's values, measured by the worker. */
export interface NumericSummary {
	min: number;
	max: number;
	mean: number;
	median: number;
	/** Median absolute deviation from the median. */
	mad: number;
	skew: number;
	/** Every value is a whole number (a DOUBLE column of 12347.0 is). */
	integral: boolean;
	negatives: number;
	/** Measured on a seeded sample of the rows (large tables). */
	sampled: boolean;
}

/** What the worker knows about one column before any role is chosen. */
export interface ColumnStats {
	name: string;
	/** DuckDB type: VARCHAR, BIGINT, INTEGER, DOUBLE, DATE, TIMESTAMP, DECIMAL(18,2), BOOLEAN ... */
	type: string;
	/** Distinct non-null values (approximate: DuckDB's approx_count_distinct). */
	distinct: number;
	/** Share of rows where the column is null, 0..1. */
	nullShare: number;
	/** Up to ~50 non-null values as text. */
	sample: string[];
	/** Numeric and date columns: the shape of their values (dates in years). */
	numbers?: NumericSummary;
}

export interface Roles {
	/** Customer key. */
	key: string | null;
	/** Order / invoice id. */
	orderId: string | null;
	/** Order date or timestamp. */
	timestamp: string | null;
	/** Line or order amount (net); null when quantity × unitPrice is used. */
	amount: string | null;
	quantity: string | null;
	unitPrice: string | null;
	/** A rate 0..1 (or a percentage 0..100, said in the notes). */
	discount: string | null;
	/** Low-cardinality text columns worth a mix or one-hot (category, channel, country ...). */
	categoricals: string[];
	/** Numeric per-customer attributes (age, income ...) that are none of the roles above. */
	numerics: string[];
}

/** The roles that name a single column. */
export type SingleRole = keyof Omit<Roles, 'categoricals' | 'numerics'>;

export interface RoleDetection {
	roles: Roles;
	grain: 'transactions' | 'customers';
	confidence: Record<SingleRole, 'name' | 'values' | 'none'>;
	/** Plain sentences for the user. */
	notes: string[];
}

/** Below this share of distinct keys per row, the key repeats: the file holds order lines. */
const TRANSACTION_KEY_SHARE = 0.95;
/** Most distinct values for a text column to count as a category. */
const MAX_CATEGORIES = 50;
/** Share of sampled values that must parse (dates, numbers) for the column to count as such. */
const PARSE_SHARE = 0.8;

// ---------------------------------------------------------------- names

const CURRENCY_SUFFIX =
	/(?:_in)?_(?:eur|euro|euros|usd|gbp|chf|jpy|cny|sek|nok|dkk|pln|czk|huf|aud|cad|inr|brl|mxn)$/;

/**
 * A column name reduced to lower-case words joined by underscores, without accents, units in
 * brackets or a trailing currency: "Price (EUR)" → "price", "Customer ID" → "customer_id",
 * "InvoiceNo" → "invoice_no", "Kunden-Nr." → "kunden_nr", "Quantité" → "quantite".
 */
export function normaliseName(name: string): string {
	const flatten = (text: string): string =>
		text
			.normalize('NFD')
			.replace(/\p{M}+/gu, '')
			.replace(/ß/g, 'ss')
			.replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1_$2')
			.replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1_$2')
			.toLowerCase()
			.replace(/[^\p{L}\p{N}]+/gu, '_')
			.replace(/^_+|_+$/g, '');
	// Units in brackets ("(EUR)", "(k$)", "(1-100)") say nothing about the column's role.
	const out = flatten(name.replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, ' '));
	if (out === '') return flatten(name);
	const bare = out.replace(CURRENCY_SUFFIX, '');
	return bare === '' ? out : bare;
}

/** A set of words from a space-separated list (compact to read and to extend). */
const words = (list: string): ReadonlySet<string> =>
	new Set(list.split(/\s+/).filter((w) => w !== ''));

/** Words that turn a noun into an identifier: customer_id, code_client, Kunden-Nr. */
const ID_WORDS = words(
	'id no nr nro num number nummer numero n code cod codigo key ref reference identifier'
);
/** Little words in names like "numero_de_pedido" or "date_of_order". */
const CONNECTORS = words('de del da di du do of the van der');

const KEY_WORDS = words(`
	customer customers cust client clients cliente clientes member user account acct buyer
	shopper consumer contact subscriber patron kunde kunden kd klant klanten
`);
/** Key nouns that name the key on their own (a column called just "customer" or "Kunde"). */
const BARE_KEYS = words('customer client cliente member user buyer shopper consumer kunde klant');
const KEY_COMPOUND =
	/^(?:customer|cust|client|member|user|account|buyer|shopper|klant|kunden?|kd|cliente)(?:id|no|nr|nummer|number|num|code|key)$/;

const ORDER_WORDS = words(`
	invoice invoices order orders transaction transactions txn trans tx receipt basket cart
	ticket bill purchase sale rechnung beleg bon kassenbon bestellung auftrag pedido factura
	commande facture bestelling factuur ordine fattura fatura encomenda compra boleta
`);
/** Order nouns that name the order id on their own ("Invoice", "Auftrag", "pedido"). */
const BARE_ORDERS = words(`
	invoice order transaction receipt ticket rechnung beleg bon bestellung auftrag pedido
	factura commande facture bestelling factuur ordine fattura fatura encomenda
`);
const ORDER_COMPOUND =
	/^(?:invoice|order|rechnungs?|bestell|auftrags?|beleg|bon|factuur|bestel|transaction|receipt|ticket|bill)(?:id|no|nr|nummer|number|num)$/;

/**
 * A noun (from `nouns`) plus identifier words and connectors, nothing else: 3. The noun alone,
 * when it is one of `bare`: 2. Anything else ("customer_name", "order_date"): 0.
 */
function identifierScore(
	tokens: readonly string[],
	nouns: ReadonlySet<string>,
	bare: ReadonlySet<string>
): number {
	let noun = false;
	let id = false;
	for (const t of tokens) {
		if (nouns.has(t)) noun = true;
		else if (ID_WORDS.has(t)) id = true;
		else if (!CONNECTORS.has(t)) return 0;
	}
	if (!noun) return 0;
	if (id) return 3;
	return tokens.length === 1 && bare.has(tokens[0] ?? '') ? 2 : 0;
}

/** Names that say "identifier" and nothing else: `ID`, `Id`, `uid`, `Kennung`, `ref`. */
const BARE_IDS = words('id uid uuid guid identifier ident kennung ref reference key');

function keyNameScore(norm: string, tokens: readonly string[]): number {
	if (KEY_COMPOUND.test(norm)) return 3;
	const score = identifierScore(tokens, KEY_WORDS, BARE_KEYS);
	if (score > 0) return score;
	// A bare "ID" is the record's own id: on a customer file, the customer's.
	return tokens.length === 1 && BARE_IDS.has(tokens[0] ?? '') ? 1 : 0;
}

function orderNameScore(norm: string, tokens: readonly string[]): number {
	if (ORDER_COMPOUND.test(norm)) return 3;
	return identifierScore(tokens, ORDER_WORDS, BARE_ORDERS);
}

const DATE_WORDS = words(`
	date datetime timestamp time ts dt at on day datum zeit zeitpunkt fecha hora data dia
	heure jour tijd dag giorno
`);
/** Words that make a date an order date: "invoice_date", "fecha_pedido", "date_commande". */
const ORDER_EVENTS = words(`
	order ordered invoice invoiced purchase purchased transaction txn trans sale sales sold
	booking payment paid buy bought receipt ticket checkout bestellung rechnung kauf auftrag
	verkauf commande achat facture vente pedido compra venta factura ordine acquisto vendita
	fattura bestelling aankoop factuur verkoop encomenda fatura
`);
/** Words for when a record was written: dates of something, but less surely the order. */
const RECORD_EVENTS = words('created creation recorded posted booked entry');
/** Dates that are not the purchase: shipping, birth, sign-up, expiry and the like. */
const NOT_ORDER_DATES = words(`
	ship shipped shipping shipment delivery delivered deliver dispatch dispatched lieferung
	versand envio entrega livraison expedition spedizione consegna levering verzending birth
	birthday born dob geburt geburtstag nacimiento naissance nascita due expiry expiration
	expires expire signup sign registration registered register join joined updated modified
	changed cancel cancelled canceled cancellation return returned refund refunded valid start
	end closed close
`);
const NOT_ORDER_DATE_COMPOUND =
	/(?:liefer|versand|geburts|ablauf|anmelde|lever|verzend|geboorte)datum|^(?:dob|birthdate|shipdate)$/;

function isExcludedDateName(norm: string, tokens: readonly string[]): boolean {
	return tokens.some((t) => NOT_ORDER_DATES.has(t)) || NOT_ORDER_DATE_COMPOUND.test(norm);
}

function timestampNameScore(norm: string, tokens: readonly string[]): number {
	if (isExcludedDateName(norm, tokens)) return 0;
	if (
		/^(?:bestell|rechnungs|kauf|auftrags|buchungs|beleg|verkaufs|order|factuur|aankoop|bestel|transactie)datum$/.test(
			norm
		) ||
		/^(?:order|invoice|purchase|transaction|sale|sales)(?:date|datetime|time|timestamp)$/.test(norm)
	) {
		return 3;
	}
	let date = false;
	let order = false;
	let other = false;
	for (const t of tokens) {
		if (DATE_WORDS.has(t)) date = true;
		else if (ORDER_EVENTS.has(t)) order = true;
		else if (!RECORD_EVENTS.has(t) && !CONNECTORS.has(t)) other = true;
	}
	if (date && !other) return order ? 3 : 2;
	if (/datum$/.test(norm)) return 2;
	// Loosely named ("first_purchase_date", "fecha_alta"): still a date, the last choice.
	const first = tokens[0] ?? '';
	const last = tokens[tokens.length - 1] ?? '';
	if (DATE_WORDS.has(last) || ['date', 'fecha', 'datum', 'data'].includes(first)) return 1;
	return 0;
}

const AMOUNT_WORDS = words(`
	amount amt sales revenue revenues turnover spend spent spending subtotal linetotal umsatz
	betrag importe monto montant bedrag omzet importo fatturato ventas venta gesamtpreis
`);
/** Weaker money words: "total", "value" and their translations. */
const AMOUNT_WEAK = words(
	'total value sum paid gesamt wert valeur valor waarde totaal totale gasto'
);
/** Words that make an amount the specific one we want: a line's or an order's, net. */
const AMOUNT_SPECIFIC = words('net netto neto line order invoice zeile');
const AMOUNT_GROSS = words('gross brutto bruto');
/** Money that is not what the customer spent, or numbers that are not money at all. */
const NOT_AMOUNT = words(`
	profit margin cost costs shipping freight postage tax taxes vat mwst discount rabatt
	descuento remise korting sconto score rate ratio pct percent percentage share count number
	id no nr code limit income salary balance quantity qty unit units price per avg average
	mean target budget forecast commission fee fees tip refund points date rank orders
	transactions visits items products purchases days months years age tenure
`);

function amountNameScore(norm: string, tokens: readonly string[]): number {
	const has = (set: ReadonlySet<string>): boolean => tokens.some((t) => set.has(t));
	// "total_price" is a line total, not a unit price.
	const linePrice = tokens.includes('price') && tokens.some((t) => t === 'total' || t === 'line');
	if (tokens.some((t) => NOT_AMOUNT.has(t) && !(linePrice && t === 'price'))) return 0;
	let score = 0;
	if (has(AMOUNT_WORDS) || /(?:betrag|umsatz|bedrag)$/.test(norm)) score = 2;
	else if (has(AMOUNT_WEAK)) score = 1;
	if (score === 0) return 0;
	if (has(AMOUNT_SPECIFIC) || /^(?:netto|zeilen)/.test(norm)) score += 1;
	if (has(AMOUNT_GROSS) || /^brutto/.test(norm)) score -= 0.5;
	return score;
}

const QUANTITY_WORDS = words(`
	quantity quantities qty qnty quant units pieces pcs menge anzahl stueck stuck stk cantidad
	cant quantite qte aantal quantita quantidade qtd
`);
const NOT_QUANTITY = words(
	'price amount value id no code date avg average mean min max per preis precio prix'
);

function quantityNameScore(norm: string, tokens: readonly string[]): number {
	if (tokens.some((t) => NOT_QUANTITY.has(t))) return 0;
	if (tokens.some((t) => QUANTITY_WORDS.has(t))) return 2;
	if (
		/^(?:(?:num|number|n|count|nb|anzahl)_(?:of_)?items|items?_(?:count|qty)|items)$/.test(norm)
	) {
		return 1;
	}
	return 0;
}

const PRICE_WORDS = words(`
	price prices preis einzelpreis stueckpreis stuckpreis verkaufspreis precio prix prijs
	stukprijs verkoopprijs prezzo preco unitprice
`);
const UNIT_WORDS = words(
	'unit each per piece item einzel stueck unitario unitaria unitaire eenheid stuk'
);
const NOT_PRICE = words(`
	total amount sum gesamt line totale totaal id code date change tier range band group
	category level segment type class sensitivity cost
`);

function unitPriceNameScore(norm: string, tokens: readonly string[]): number {
	if (tokens.some((t) => NOT_PRICE.has(t))) return 0;
	if (/^(?:einzel|stueck|stuck|stk|stuk)(?:preis|prijs)$/.test(norm) || norm === 'unitprice')
		return 3;
	if (!tokens.some((t) => PRICE_WORDS.has(t))) return 0;
	return tokens.some((t) => UNIT_WORDS.has(t)) ? 3 : 2;
}

const DISCOUNT_WORDS = words(`
	discount discounts disc rabatt nachlass descuento remise reduction korting sconto desconto
`);
const NOT_DISCOUNT = words('id code date type name flag reason campaign coupon description');
/** A discount named as money rather than a rate: "discount_amount", "Rabattbetrag". */
const DISCOUNT_MONEY = words('amount amt value total sum betrag importe');

function discountNameScore(norm: string, tokens: readonly string[]): number {
	if (tokens.some((t) => NOT_DISCOUNT.has(t))) return 0;
	if (tokens.some((t) => DISCOUNT_WORDS.has(t)) || /^rabatt/.test(norm)) return 2;
	return 0;
}

/** Names of identifiers and codes: numbers, but not quantities worth averaging. */
function isIdLikeName(norm: string, tokens: readonly string[]): boolean {
	const first = tokens[0] ?? '';
	const last = tokens[tokens.length - 1] ?? '';
	return (
		first === 'id' ||
		ID_WORDS.has(last) ||
		['zip', 'plz', 'postcode', 'index', 'idx', 'sku', 'ean', 'gtin', 'isbn'].includes(last) ||
		/(?:nummer|nr)$/.test(norm) ||
		/^(?:customer|client|cust|order|invoice|product|user|member|account|store|row|item|kunden|artikel|transaction|stock)(?:id|no|code|num)$/.test(
			norm
		) ||
		KEY_COMPOUND.test(norm) ||
		ORDER_COMPOUND.test(norm)
	);
}

// ---------------------------------------------------------------- types and values

const NUMERIC_TYPE =
	/^(?:TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|VARINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)\b/i;
const INTEGER_TYPE =
	/^(?:TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|VARINT)\b/i;
// TIME alone is a time of day, not a date.
const TEMPORAL_TYPE = /^(?:DATE|TIMESTAMP|DATETIME)/i;
const TEXT_TYPE = /^(?:VARCHAR|TEXT|STRING|CHAR|BPCHAR|ENUM)/i;
const BOOLEAN_TYPE = /^BOOL/i;

const isNumeric = (c: ColumnStats): boolean => NUMERIC_TYPE.test(c.type.trim());
const isInteger = (c: ColumnStats): boolean => INTEGER_TYPE.test(c.type.trim());
const isTemporal = (c: ColumnStats): boolean => TEMPORAL_TYPE.test(c.type.trim());
const isText = (c: ColumnStats): boolean => TEXT_TYPE.test(c.type.trim());
const isBoolean = (c: ColumnStats): boolean => BOOLEAN_TYPE.test(c.type.trim());

function nonEmpty(sample: readonly string[]): string[] {
	return sample.map((v) => v.trim()).filter((v) => v !== '');
}

function share(values: readonly string[], test: (v: string) => boolean): number {
	return values.length === 0 ? 0 : values.filter(test).length / values.length;
}

type DateOrder = 'ymd' | 'dmy' | 'mdy' | 'either';

const YMD =
	/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const XY_YEAR =
	/^(\d{1,2})[-/.](\d{1,2})[-/.](?:\d{4}|\d{2})(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?)?$/i;

/** How a text value reads as a date, or null. Day and month are checked for range only. */
function readDate(v: string): DateOrder | null {
	const ymd = YMD.exec(v);
	if (ymd) {
		const month = Number(ymd[2]);
		const day = Number(ymd[3]);
		return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? 'ymd' : null;
	}
	const xy = XY_YEAR.exec(v);
	if (!xy) return null;
	const a = Number(xy[1]);
	const b = Number(xy[2]);
	if (a < 1 || b < 1 || a > 31 || b > 31) return null;
	if (a <= 12 && b <= 12) return 'either';
	if (b <= 12) return 'dmy';
	if (a <= 12) return 'mdy';
	return null;
}

/** The order of text dates in a sample, 'ambiguous' if it can't be told, null if not dates. */
function textDates(sample: readonly string[]): 'ymd' | 'dmy' | 'mdy' | 'ambiguous' | null {
	const values = nonEmpty(sample);
	if (values.length === 0) return null;
	const parsed = values.map(readDate).filter((r): r is DateOrder => r !== null);
	if (parsed.length / values.length < PARSE_SHARE) return null;
	if (parsed.every((r) => r === 'ymd')) return 'ymd';
	const dmy = parsed.includes('dmy');
	const mdy = parsed.includes('mdy');
	if (dmy && !mdy) return 'dmy';
	if (mdy && !dmy) return 'mdy';
	return 'ambiguous';
}

/** The day/month order of text dates in a sample, when the sample tells it. */
export function textDateOrder(sample: readonly string[]): 'dmy' | 'mdy' | null {
	const order = textDates(sample);
	return order === 'dmy' || order === 'mdy' ? order : null;
}

/** Text that holds numbers: 'comma' with decimal commas ("12,50"), 'text' otherwise ("€12.50"). */
function textNumbers(sample: readonly string[]): 'comma' | 'text' | null {
	const values = nonEmpty(sample).map((v) =>
		v.replace(/[€$£¥]|\b(?:EUR|USD|GBP|CHF)\b/gi, '').replace(/\s+/g, '')
	);
	if (values.length === 0) return null;
	if (share(values, (v) => /^[-+]?(?:\d[\d.,'’]*)?\d$/.test(v)) < PARSE_SHARE) return null;
	const comma = values.some((v) => /^[-+]?(?:\d{1,3}(?:[.'’]\d{3})*|\d+),\d+$/.test(v));
	return comma ? 'comma' : 'text';
}

const PERSON_NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*)+$/u;
const INTEGRAL = /^[-+]?\d+(?:\.0+)?$/;

function numbersIn(sample: readonly string[]): number[] {
	return nonEmpty(sample)
		.map(Number)
		.filter((n) => Number.isFinite(n));
}

// ---------------------------------------------------------------- choosing

interface Candidate {
	column: ColumnStats;
	score: number;
	/** Position in the file: ties go to the earlier column. */
	index: number;
}

/** Accept a candidate, or reject it with an optional note for the user. */
type Verdict = { ok: true } | { ok: false; note?: string };
const OK: Verdict = { ok: true };
const no = (note?: string): Verdict => (note === undefined ? { ok: false } : { ok: false, note });

const quote = (name: string): string => `'${name}'`;

function conversionNote(c: ColumnStats, role: string): string | undefined {
	const kind = isText(c) ? textNumbers(c.sample) : null;
	if (kind === null) return undefined;
	const example = nonEmpty(c.sample)[0] ?? '';
	return kind === 'comma'
		? `${quote(c.name)} holds numbers as text with decimal commas (e.g. "${example}"): convert it to a number to use it as the ${role}.`
		: `${quote(c.name)} holds numbers as text (e.g. "${example}"): convert it to a number to use it as the ${role}.`;
}

function numericVerdict(c: ColumnStats, role: string): Verdict {
	return isNumeric(c) ? OK : no(conversionNote(c, role));
}

export function detectRoles(columns: readonly ColumnStats[], rowCount: number): RoleDetection {
	const notes: string[] = [];
	const used = new Set<string>();
	const named = columns.map((column, index) => {
		const norm = normaliseName(column.name);
		return { column, index, norm, tokens: norm.split('_').filter((t) => t !== '') };
	});

	const candidates = (score: (norm: string, tokens: readonly string[]) => number): Candidate[] =>
		named
			.map(({ column, index, norm, tokens }) => ({ column, index, score: score(norm, tokens) }))
			.filter((c) => c.score > 0 && !used.has(c.column.name))
			.sort((a, b) => b.score - a.score || a.index - b.index);

	/**
	 * The best-named column whose values pass `verdict`. Reasons for turning columns down are only
	 * worth telling when nothing was found: otherwise the role is filled and they are noise.
	 */
	const choose = (
		list: readonly Candidate[],
		verdict: (c: ColumnStats, score: number) => Verdict
	): ColumnStats | null => {
		const rejected: string[] = [];
		for (const { column, score } of list) {
			const v = verdict(column, score);
			if (v.ok) {
				used.add(column.name);
				return column;
			}
			if (v.note !== undefined && !rejected.includes(v.note)) rejected.push(v.note);
		}
		notes.push(...rejected);
		return null;
	};

	const integral = (c: ColumnStats): boolean =>
		!isNumeric(c) || isInteger(c) || nonEmpty(c.sample).every((v) => INTEGRAL.test(v));

	// The customer key: an identifier, never a date, a flag or a fraction.
	let key = choose(candidates(keyNameScore), (c, score) => {
		if (isTemporal(c) || isBoolean(c) || !integral(c)) return no();
		if (c.distinct < Math.min(2, rowCount)) return no();
		if (score < 3 && isNumeric(c) && isMeasure(c)) {
			return no(
				`${quote(c.name)} is named like a key, but its values are measurements (skewed or with decimals), so it is not used as the key.`
			);
		}
		// A column called just "customer" may hold names, not ids.
		if (score < 3 && isText(c) && share(nonEmpty(c.sample), (v) => PERSON_NAME.test(v)) >= 0.5) {
			return no(
				`${quote(c.name)} holds people's names rather than customer ids, so it is not used as the key.`
			);
		}
		return OK;
	});
	let keyFrom: 'name' | 'values' | 'none' = key ? 'name' : 'none';

	// Nothing named like a key, yet order lines by their values (a headerless export read as
	// column0, column1 …): a date column, an amount with decimals, and a column of codes that
	// repeat the way customer ids do on order lines. Text codes first, then whole numbers that
	// are not measurements; never a date, a small code list or personal data.
	const amountByValues = (c: ColumnStats): boolean =>
		isNumeric(c) && !integral(c) && (c.numbers?.negatives ?? 0) < 0.5 * rowCount;
	if (!key && columns.some(isTemporal) && columns.some(amountByValues)) {
		const repeats = (c: ColumnStats): boolean =>
			!used.has(c.name) &&
			c.nullShare === 0 &&
			c.distinct > 12 &&
			c.distinct < TRANSACTION_KEY_SHARE * rowCount &&
			detectPii(c.name, isText(c) ? c.sample : []) === null;
		const code = (c: ColumnStats): boolean =>
			isText(c) &&
			textDates(c.sample) === null &&
			nonEmpty(c.sample).every((v) => /^[\p{L}\p{N}_.\-/]+$/u.test(v));
		const wholeId = (c: ColumnStats): boolean => isInteger(c) && !isMeasure(c);
		key =
			columns.find((c) => repeats(c) && code(c)) ??
			columns.find((c) => repeats(c) && wholeId(c)) ??
			null;
		if (key) {
			used.add(key.name);
			keyFrom = 'values';
			notes.push(
				`No column is named like a customer key: ${quote(key.name)} is used because its values repeat the way customer ids do on order lines (${key.distinct.toLocaleString('en')} of ${rowCount.toLocaleString('en')} rows). Choose another key in the Features cell if that is wrong.`
			);
		}
	}

	let grain: RoleDetection['grain'];
	if (key) {
		grain = key.distinct < TRANSACTION_KEY_SHARE * rowCount ? 'transactions' : 'customers';
	} else {
		// No key to count: order ids or dated amounts still mean order lines.
		const dated = candidates(timestampNameScore).length > 0 || columns.some((c) => isTemporal(c));
		const money = candidates(amountNameScore).length + candidates(quantityNameScore).length > 0;
		grain =
			candidates(orderNameScore).length > 0 || (dated && money) ? 'transactions' : 'customers';
	}

	if (key && grain === 'customers' && key.distinct < rowCount) {
		// One row per customer, but the key repeats: merging rows would silently drop customers, so
		// the rows stay apart (numbered by line) and the user decides.
		const repeats = rowCount - key.distinct;
		notes.push(
			`${quote(key.name)} repeats on ${repeats.toLocaleString('en')} row${repeats === 1 ? '' : 's'} of a file with one row per customer, so it is not used as the key: each row counts as one customer. Choose another key in the Features cell if the rows should be merged by hand first.`
		);
		key = null;
		keyFrom = 'none';
	}

	if (!key && grain === 'customers') {
		// One row per customer and nothing named like a key: a column that is unique and reads as
		// an id (named like one, a text code, or evenly spread whole numbers), never a measure.
		key =
			named.find(
				({ column: c, norm, tokens }) =>
					!used.has(c.name) &&
					rowCount > 1 &&
					c.distinct >= rowCount &&
					c.nullShare === 0 &&
					(isText(c) || isInteger(c) || (isNumeric(c) && c.numbers?.integral === true)) &&
					textDates(isText(c) ? c.sample : []) === null &&
					detectPii(c.name, isText(c) ? c.sample : []) === null &&
					(isIdLikeName(norm, tokens) ||
						(isText(c) && nonEmpty(c.sample).every((v) => !/\s/.test(v))) ||
						isRecordNumber(c, rowCount))
			)?.column ?? null;
		if (key) {
			used.add(key.name);
			keyFrom = 'values';
			notes.push(
				`No column is named like a customer key: ${quote(key.name)} is used because its values are all different and read as ids.`
			);
		}
	}

	let orderId: ColumnStats | null = null;
	let timestamp: ColumnStats | null = null;
	let timestampFrom: 'name' | 'values' | 'none' = 'none';
	let amount: ColumnStats | null = null;
	let quantity: ColumnStats | null = null;
	let unitPrice: ColumnStats | null = null;
	let discount: ColumnStats | null = null;

	// Order-line roles only make sense on order lines: on a customer file, a "spend" or an
	// "orders" column is an attribute of the customer and stays among the numerics.
	if (grain === 'transactions') {
		const keyColumn = key;
		orderId = choose(candidates(orderNameScore), (c) => {
			if (isTemporal(c) || isBoolean(c) || !integral(c)) return no();
			// Each order belongs to one customer, so there are at least as many orders as
			// customers. A little slack because the distinct counts are approximate.
			if (keyColumn && c.distinct < 0.97 * keyColumn.distinct) {
				return no(
					`${quote(c.name)} looks like an order id but has fewer distinct values than ${quote(keyColumn.name)}, so it is not used.`
				);
			}
			return c.distinct >= Math.min(2, rowCount) ? OK : no();
		});

		const dateVerdict = (c: ColumnStats): Verdict =>
			isTemporal(c) || (isText(c) && textDates(c.sample) !== null)
				? OK
				: no(`${quote(c.name)} is named like a date, but its values don't read as dates.`);
		timestamp = choose(candidates(timestampNameScore), dateVerdict);
		if (timestamp) {
			timestampFrom = 'name';
		} else {
			// Nothing named like an order date: a date-typed column, then text that reads as dates,
			// unless its name says it is some other date (shipping, birth ...).
			const plausible = named.filter(
				({ column, norm, tokens }) => !used.has(column.name) && !isExcludedDateName(norm, tokens)
			);
			timestamp =
				plausible.find(({ column }) => isTemporal(column))?.column ??
				plausible.find(({ column }) => isText(column) && textDates(column.sample) !== null)
					?.column ??
				null;
			if (timestamp) {
				used.add(timestamp.name);
				timestampFrom = 'values';
			}
		}

		amount = choose(candidates(amountNameScore), (c) => numericVerdict(c, 'amount'));
		quantity = choose(candidates(quantityNameScore), (c) => numericVerdict(c, 'quantity'));
		unitPrice = choose(candidates(unitPriceNameScore), (c) => numericVerdict(c, 'unit price'));
		if (!amount && !quantity && !unitPrice && keyFrom === 'values') {
			// No money named either: the last column with decimals (exports put the amount last).
			amount = [...columns].reverse().find((c) => !used.has(c.name) && amountByValues(c)) ?? null;
			if (amount) {
				used.add(amount.name);
				notes.push(
					`No column is named like an amount: ${quote(amount.name)} is taken as the line amount because it holds money-like decimals.`
				);
			}
		}

		let percent = false;
		discount = choose(candidates(discountNameScore), (c) => {
			if (!isNumeric(c)) return no(conversionNote(c, 'discount'));
			const norm = normaliseName(c.name);
			const max = Math.max(0, ...numbersIn(c.sample));
			if (norm.split('_').some((t) => DISCOUNT_MONEY.has(t)) || /betrag$/.test(norm) || max > 100) {
				return no(
					`${quote(c.name)} looks like a discount amount rather than a rate, so it is not used.`
				);
			}
			percent = max > 1;
			return OK;
		});
		if (discount && percent) {
			notes.push(`Discount ${quote(discount.name)} is a percentage (0–100), not a rate (0–1).`);
		}
	}

	const roles: Roles = {
		key: key?.name ?? null,
		orderId: orderId?.name ?? null,
		timestamp: timestamp?.name ?? null,
		amount: amount?.name ?? null,
		quantity: quantity?.name ?? null,
		unitPrice: unitPrice?.name ?? null,
		discount: discount?.name ?? null,
		categoricals: [],
		numerics: []
	};

	// Personal data never becomes a feature, whatever its type.
	const personal: string[] = [];
	const codes: string[] = [];
	const constant: string[] = [];
	for (const { column: c, norm, tokens } of named) {
		if (used.has(c.name) || isTemporal(c)) continue;
		// Only text is checked by value: numbers and dates can look like phone numbers.
		const pii = detectPii(c.name, isText(c) ? c.sample : []);
		if (pii) {
			personal.push(`${quote(c.name)} (${pii})`);
			continue;
		}
		if (isText(c) || isBoolean(c)) {
			if (grain === 'customers' && isConstant(c, rowCount)) {
				constant.push(`${quote(c.name)} (${nonEmpty(c.sample)[0] ?? 'empty'})`);
				continue;
			}
			const categorical =
				c.distinct >= 2 &&
				c.distinct <= MAX_CATEGORIES &&
				(c.distinct < rowCount || isBoolean(c)) &&
				textDates(c.sample) === null &&
				(isBoolean(c) || textNumbers(c.sample) !== 'comma');
			if (categorical) roles.categoricals.push(c.name);
		} else if (isNumeric(c)) {
			if (isIdLikeName(norm, tokens)) continue;
			if (grain === 'customers' && isConstant(c, rowCount)) {
				constant.push(`${quote(c.name)} (${nonEmpty(c.sample)[0] ?? 'empty'})`);
				continue;
			}
			// Channel 1–2, Region 1–3: labels written as numbers. On a customer file they are
			// categories (one-hot, named by their values); the Features cell can switch them back.
			if (grain === 'customers' && isIntegerCode(c, rowCount)) {
				roles.categoricals.push(c.name);
				codes.push(quote(c.name));
				continue;
			}
			// An integer that is different on every row is a row or record number, unless its values
			// are shaped like a measure (spend is skewed; ids are spread evenly). Small files are
			// spared: five customers with five different ages are not ids.
			const unique =
				isInteger(c) &&
				rowCount >= 50 &&
				c.distinct >= 0.95 * rowCount &&
				(c.numbers === undefined || isRecordNumber(c, rowCount));
			if (!unique) roles.numerics.push(c.name);
		}
	}
	if (codes.length > 0) {
		notes.push(
			`${codes.join(', ')} hold${codes.length === 1 ? 's' : ''} a few whole numbers that read as codes, so ${codes.length === 1 ? 'it is' : 'they are'} treated as categories (one column per value). Switch to “number” in the Features cell if ${codes.length === 1 ? 'it is' : 'they are'} a quantity.`
		);
	}
	if (constant.length > 0) {
		notes.push(`Left out because the value is the same on every row: ${constant.join(', ')}.`);
	}

	if (grain === 'transactions') {
		if (!key) {
			notes.push('No column looks like a customer key: choose one before building features.');
		} else if (key.nullShare >= 0.01) {
			notes.push(
				`${quote(key.name)} is empty on ${Math.round(key.nullShare * 100)}% of rows: those rows are left out.`
			);
		}
		if (!orderId) {
			notes.push(
				'No order id column: each distinct purchase time of a customer counts as one order.'
			);
		}
		if (!timestamp) {
			notes.push("No date column: recency and tenure can't be computed.");
		} else if (isText(timestamp)) {
			const order = textDates(timestamp.sample);
			notes.push(
				order === 'ambiguous' || order === null
					? `Dates in ${quote(timestamp.name)} are text, and the sample doesn't show whether the day or the month comes first: check that they are read the right way round.`
					: `Dates in ${quote(timestamp.name)} are text (${order === 'ymd' ? 'year-month-day' : order === 'dmy' ? 'day/month/year' : 'month/day/year'}).`
			);
		}
		if (amount) {
			if (discount) {
				notes.push(
					`${quote(amount.name)} is taken as the net amount: the discount is not applied again.`
				);
			}
		} else if (quantity && unitPrice) {
			notes.push(
				discount
					? 'Amount is quantity × unit price less discount.'
					: 'Amount is quantity × unit price.'
			);
		} else {
			notes.push(
				"No amount column (nor quantity and unit price): spend can't be computed, and every order line counts the same."
			);
		}
		const negative = [quantity, amount].find(
			(c) => c !== null && nonEmpty(c.sample).some((v) => v.startsWith('-'))
		);
		if (negative) {
			notes.push(
				`${quote(negative.name)} has negative values: returns and cancellations reduce spend.`
			);
		}
	} else {
		notes.push(
			"One row per customer: segments come from the customers' own columns, not from an order history."
		);
		if (!key)
			notes.push('No column looks like a customer key: choose one before building features.');
	}
	if (personal.length > 0) notes.push(`Left out as personal data: ${personal.join(', ')}.`);

	const confidence = (c: ColumnStats | null): 'name' | 'values' | 'none' => (c ? 'name' : 'none');
	return {
		roles,
		grain,
		confidence: {
			key: keyFrom,
			orderId: confidence(orderId),
			timestamp: timestampFrom,
			amount: confidence(amount),
			quantity: confidence(quantity),
			unitPrice: confidence(unitPrice),
			discount: confidence(discount)
		},
		notes
	};
}
