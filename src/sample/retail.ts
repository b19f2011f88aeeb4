/**
 * Deterministic synthetic retail data with planted customer segments.
 *
 * A TypeScript port in spirit of shared/bench/gen_retail.py: the same personas, shares and
 * distributions, but its own random stream (outputs are not byte-identical to the Python script).
 * The output is columnar because 60,000 customers yield about one million transaction lines and
 * the generator has to finish in about a second inside a web worker; a million row objects
 * would cost far more allocation and memory than a few typed arrays.
 *
 * Pure: no DOM and no Node APIs.
 */
import { createRng, type Rng } from '../cluster/rng';

export type PersonaName = 'champion' | 'loyal' | 'bargain' | 'at_risk' | 'newcomer' | 'hibernating';
export type Category =
	'electronics' | 'home' | 'fashion' | 'beauty' | 'grocery' | 'sports' | 'toys' | 'books';
export type Channel = 'web' | 'app' | 'store';
export type Gender = 'F' | 'M' | 'X';

/** A closed range [lo, hi]. */
export type Range = readonly [lo: number, hi: number];
/** A normal distribution's parameters. */
export type Normal = readonly [mean: number, sd: number];
/** One weight per entry of CHANNELS, in the same order. */
export type ChannelWeights = readonly [web: number, app: number, store: number];
/** One weight per entry of CATEGORIES, in the same order. */
export type CategoryWeights = readonly [
	number,
	number,
	number,
	number,
	number,
	number,
	number,
	number
];

/** A planted customer segment and the parameters its customers are drawn from. */
export interface Persona {
	readonly name: PersonaName;
	/** Probability that a customer belongs to this persona; the shares sum to 1. */
	readonly share: number;
	/** Number of orders (invoices), uniform integer in the range. */
	readonly orders: Range;
	/** Days between the last order and RETAIL_END, uniform in the range. */
	readonly recencyDays: Range;
	/** Value of one order line before dividing by the quantity, uniform in the range. */
	readonly basket: Range;
	readonly age: Normal;
	readonly income: Normal;
	/** Probability that an order line carries a discount of 10, 20 or 30 %. */
	readonly discountProbability: number;
	/** Each order's channel is drawn with these weights. */
	readonly channelWeights: ChannelWeights;
	/** Each order line's category is drawn with these weights. */
	readonly categoryWeights: CategoryWeights;
}

/** The planted segments, with the parameters of gen_retail.py. */
export const PERSONAS: readonly Persona[] = Object.freeze([
	{
		name: 'champion',
		share: 0.1,
		orders: [25, 50],
		recencyDays: [0, 20],
		basket: [80, 160],
		age: [38, 8],
		income: [95000, 20000],
		discountProbability: 0.05,
		channelWeights: [0.3, 0.6, 0.1],
		categoryWeights: [5, 3, 3, 2, 1, 2, 1, 1]
	},
	{
		name: 'loyal',
		share: 0.2,
		orders: [10, 20],
		recencyDays: [0, 60],
		basket: [40, 75],
		age: [45, 10],
		income: [70000, 15000],
		discountProbability: 0.1,
		channelWeights: [0.4, 0.3, 0.3],
		categoryWeights: [2, 4, 2, 2, 3, 1, 1, 2]
	},
	{
		name: 'bargain',
		share: 0.15,
		orders: [12, 25],
		recencyDays: [0, 90],
		basket: [10, 25],
		age: [29, 7],
		income: [38000, 9000],
		discountProbability: 0.7,
		channelWeights: [0.5, 0.4, 0.1],
		categoryWeights: [1, 2, 4, 2, 5, 1, 2, 1]
	},
	{
		name: 'at_risk',
		share: 0.2,
		orders: [4, 10],
		recencyDays: [180, 400],
		basket: [50, 90],
		age: [50, 11],
		income: [65000, 15000],
		discountProbability: 0.15,
		channelWeights: [0.3, 0.1, 0.6],
		categoryWeights: [2, 3, 2, 1, 2, 2, 1, 2]
	},
	{
		name: 'newcomer',
		share: 0.15,
		orders: [1, 3],
		recencyDays: [0, 45],
		basket: [25, 60],
		age: [27, 6],
		income: [45000, 12000],
		discountProbability: 0.3,
		channelWeights: [0.3, 0.6, 0.1],
		categoryWeights: [2, 1, 4, 3, 1, 2, 1, 1]
	},
	{
		name: 'hibernating',
		share: 0.2,
		orders: [1, 2],
		recencyDays: [300, 700],
		basket: [15, 40],
		age: [56, 12],
		income: [42000, 11000],
		discountProbability: 0.2,
		channelWeights: [0.2, 0.1, 0.7],
		categoryWeights: [1, 2, 2, 1, 3, 1, 2, 3]
	}
] as const satisfies readonly Persona[]);

export const CATEGORIES: readonly Category[] = Object.freeze([
	'electronics',
	'home',
	'fashion',
	'beauty',
	'grocery',
	'sports',
	'toys',
	'books'
] as const);

export const CHANNELS: readonly Channel[] = Object.freeze(['web', 'app', 'store'] as const);

export interface City {
	readonly city: string;
	/** ISO 3166 alpha-2, except 'UK' as in the Python script. */
	readonly country: string;
}

/** Customers' cities, drawn uniformly. */
export const CITIES: readonly City[] = Object.freeze([
	{ city: 'London', country: 'UK' },
	{ city: 'Manchester', country: 'UK' },
	{ city: 'Paris', country: 'FR' },
	{ city: 'Lyon', country: 'FR' },
	{ city: 'Berlin', country: 'DE' },
	{ city: 'Munich', country: 'DE' },
	{ city: 'Madrid', country: 'ES' },
	{ city: 'Milan', country: 'IT' },
	{ city: 'Amsterdam', country: 'NL' },
	{ city: 'Dublin', country: 'IE' }
]);

/** The last instant of the history (epoch ms, UTC): 2025-12-31 23:59:59. */
export const RETAIL_END = Date.UTC(2025, 11, 31, 23, 59, 59);
/** Length of the history in days: every invoice lies in [RETAIL_END - RETAIL_DAYS days, RETAIL_END]. */
export const RETAIL_DAYS = 730;
/** Most customers generateRetail accepts (about 17 million transaction lines). */
export const RETAIL_MAX_CUSTOMERS = 1_000_000;

const DAY_MS = 86_400_000;
const HISTORY_START = RETAIL_END - RETAIL_DAYS * DAY_MS;
const DISCOUNTS = [0.1, 0.2, 0.3] as const;
const MAX_ORDERS = Math.max(...PERSONAS.map((p) => p.orders[1]));

export interface RetailCustomers {
	/** 'C0000001', 'C0000002', ... */
	customer_id: string[];
	/** Epoch ms, UTC midnight. */
	signup_date: Float64Array;
	/** Years, clamped to 18..90. */
	age: Int32Array;
	/** About 3 % 'X', the rest evenly 'F' and 'M'. */
	gender: Gender[];
	city: string[];
	country: string[];
	/** Yearly income, rounded to hundreds, at least 12,000. */
	income: Float64Array;
	/** 'user1@example.com', ... (fake PII, so the app's PII handling has something to find). */
	email: string[];
}

/** One entry per order line; the lines of one invoice share its id, timestamp and channel. */
export interface RetailTransactions {
	/** 'INV100001', ... */
	invoice_id: string[];
	customer_id: string[];
	/** Epoch ms, UTC, whole seconds. */
	invoice_date: Float64Array;
	category: Category[];
	quantity: Int32Array;
	/** Two decimals. */
	unit_price: Float64Array;
	/** 0, 0.1, 0.2 or 0.3. */
	discount: Float64Array;
	channel: Channel[];
}

/** The answer key: each customer's planted persona. Keep it out of the app's input. */
export interface RetailTruth {
	customer_id: string[];
	persona: PersonaName[];
}

/**
 * The planted shift's answer key: the customers whose behaviour changes between the first and
 * the second year of history, with the persona they act like in each year.
 */
export interface RetailMoves {
	customer_id: string[];
	persona_before: PersonaName[];
	persona_after: PersonaName[];
}

export interface RetailSample {
	customers: RetailCustomers;
	transactions: RetailTransactions;
	truth: RetailTruth;
	/** Who was planted to move (options.shift), or null without a shift. */
	moves: RetailMoves | null;
}

/**
 * The planted shift (options.shift): in the second year a share of one persona behaves like
 * another. Loyal regulars slow down and slip away; some hibernating one-timers come back as
 * regulars. Every other customer keeps exactly the history it has without the shift.
 */
export const RETAIL_SHIFT: readonly {
	readonly from: PersonaName;
	readonly to: PersonaName;
	readonly share: number;
}[] = Object.freeze([
	{ from: 'loyal', to: 'at_risk', share: 0.35 },
	{ from: 'hibernating', to: 'loyal', share: 0.3 }
]);

export interface RetailOptions {
	/** Integer, 1..1,000,000. */
	customers: number;
	/** Any safe integer; the same seed always gives the same sample. */
	seed: number;
	/**
	 * Plant a shift between the two years (RETAIL_SHIFT). Off or absent: the sample is exactly
	 * the one without this option.
	 */
	shift?: boolean | undefined;
}

/** A typed-array column that grows by doubling, so we need not know the line count up front. */
class Column<T extends Float64Array | Int32Array> {
	length = 0;
	constructor(
		private buf: T,
		private readonly make: (capacity: number) => T
	) {}
	/** Drops everything after the first `length` values (the capacity stays). */
	truncate(length: number): void {
		this.length = Math.min(this.length, length);
	}
	push(value: number): void {
		if (this.length === this.buf.length) {
			const bigger = this.make(this.buf.length * 2);
			bigger.set(this.buf);
			this.buf = bigger;
		}
		this.buf[this.length++] = value;
	}
	/** A right-sized copy, so the spare capacity can be garbage collected. */
	finish(): T {
		return this.buf.slice(0, this.length) as T;
	}
}

const f64 = (n: number): Float64Array => new Float64Array(n);
const i32 = (n: number): Int32Array => new Int32Array(n);

/** items[i], with a guard instead of a non-null assertion (indices come from the Rng). */
function at<T>(items: readonly T[], i: number): T {
	const v = items[i];
	if (v === undefined) throw new RangeError(`index ${i} out of range 0..${items.length - 1}`);
	return v;
}

/**
 * Cumulative weights scaled to end at exactly 1. The inner loop draws from the same few weight
 * tables about three million times for 60,000 customers; Rng.choiceWeighted re-validates and
 * re-sums the weights on every call, which was a large share of the run time.
 */
function cumulative(weights: readonly number[]): Float64Array {
	const total = weights.reduce((a, w) => a + w, 0);
	const cum = new Float64Array(weights.length);
	let run = 0;
	for (let i = 0; i < weights.length; i++) {
		run += weights[i] ?? 0;
		cum[i] = run / total;
	}
	cum[weights.length - 1] = 1;
	return cum;
}

/** The index i with cum[i - 1] <= u < cum[i], for u = rng.next() in [0, 1). */
function pickCumulative(cum: Float64Array, u: number): number {
	const last = cum.length - 1;
	let i = 0;
	while (i < last && u >= cum[i]!) i++;
	return i;
}

const PERSONA_CUM = cumulative(PERSONAS.map((p) => p.share));
const CHANNEL_CUM = PERSONAS.map((p) => cumulative(p.channelWeights));
const CATEGORY_CUM = PERSONAS.map((p) => cumulative(p.categoryWeights));

/**
 * Days between a customer's first and last order. Newcomers joined recently; for the others the
 * first order lies 60 days up to (730 - recency upper bound) days before the last one, clipped to
 * the history start later (gen_retail.py's rule, including its fixed 60 days when the recency
 * window leaves no room).
 */
function firstOrderSpan(rng: Rng, p: Persona): number {
	if (p.name === 'newcomer') return rng.uniform(0, 45);
	const hi = RETAIL_DAYS > p.recencyDays[1] + 60 ? RETAIL_DAYS - p.recencyDays[1] : 60;
	return rng.uniform(60, hi);
}

function validate(options: RetailOptions): void {
	const { customers, seed } = options;
	if (!Number.isInteger(customers) || customers < 1 || customers > RETAIL_MAX_CUSTOMERS) {
		throw new RangeError(
			`generateRetail: customers must be an integer from 1 to ${RETAIL_MAX_CUSTOMERS}, got ${String(customers)}`
		);
	}
	if (!Number.isSafeInteger(seed)) {
		throw new RangeError(`generateRetail: seed must be a safe integer, got ${String(seed)}`);
	}
	if (options.shift !== undefined && typeof options.shift !== 'boolean') {
		throw new RangeError(
			`generateRetail: shift must be true or false, got ${String(options.shift)}`
		);
	}
}

/** The shift's own random stream: a different seed, so the base sample's stream is untouched. */
function shiftSeed(seed: number): number {
	return seed > 0 ? -seed : -seed - 1;
}

/** `n` order instants: `first`, `n - 2` uniform ones in between (sorted), and `last`. */
function orderStamps(rng: Rng, n: number, first: number, last: number): number[] {
	if (n === 1) return [first];
	const inner: number[] = [];
	for (let k = 0; k < n - 2; k++) inner.push(first + (last - first) * rng.next());
	inner.sort((a, b) => a - b);
	return [first, ...inner, last];
}

/**
 * A mover's two years: the `from` persona's habits in the first year, the `to` persona's in the
 * second, each kept at least 15 days clear of the middle of the history, so a split anywhere
 * near the middle separates them. Returns the order instants of each year.
 */
function shiftedStamps(rng: Rng, from: PersonaName): { before: number[]; after: number[] } {
	const mid = HISTORY_START + (RETAIL_DAYS / 2) * DAY_MS;
	const day = (lo: number, hi: number): number => rng.uniform(lo, hi) * DAY_MS;
	let before: number[];
	let after: number[];
	if (from === 'loyal') {
		// A regular all year, then a few orders early in the second year and silence.
		before = orderStamps(rng, rng.int(5, 10), HISTORY_START + day(0, 60), mid - day(15, 75));
		after = orderStamps(rng, rng.int(2, 4), mid + day(15, 45), RETAIL_END - day(180, 300));
	} else {
		// One or two orders at the start, then a regular through the second year.
		const n = rng.int(1, 2);
		before = orderStamps(rng, n, HISTORY_START + day(0, 30), HISTORY_START + day(30, 90));
		after = orderStamps(rng, rng.int(5, 10), mid + day(15, 60), RETAIL_END - day(0, 60));
	}
	return { before, after };
}

/**
 * Generates `customers` customers with planted personas and their two-year order history.
 * Deterministic: the same options always give the same sample. About 16.7 transaction lines per
 * customer on average. Throws a RangeError for invalid options.
 */
export function generateRetail(options: RetailOptions): RetailSample {
	validate(options);
	const count = options.customers;
	const rng = createRng(options.seed);
	const shiftRng = options.shift ? createRng(shiftSeed(options.seed)) : null;
	const moves: RetailMoves | null = shiftRng
		? { customer_id: [], persona_before: [], persona_after: [] }
		: null;

	const customerId: string[] = [];
	const signupDate = new Float64Array(count);
	const age = new Int32Array(count);
	const gender: Gender[] = [];
	const city: string[] = [];
	const country: string[] = [];
	const income = new Float64Array(count);
	const email: string[] = [];
	const persona: PersonaName[] = [];

	// Start a little above the expected 16.7 lines per customer so most runs never grow.
	const capacity = Math.ceil(count * 18) + 64;
	const invoiceId: string[] = [];
	const lineCustomer: string[] = [];
	const invoiceDate = new Column(f64(capacity), f64);
	const category: Category[] = [];
	const quantity = new Column(i32(capacity), i32);
	const unitPrice = new Column(f64(capacity), f64);
	const discount = new Column(f64(capacity), f64);
	const channel: Channel[] = [];

	// Scratch space for the order timestamps between a customer's first and last order.
	const middle = new Float64Array(MAX_ORDERS);
	let invoice = 100000;

	/** One invoice of persona `pi` at `stamp`: its order lines, drawn from `r`. */
	const emitOrder = (r: Rng, cid: string, stamp: number, pi: number): void => {
		const p = at(PERSONAS, pi);
		const channelCum = at(CHANNEL_CUM, pi);
		const categoryCum = at(CATEGORY_CUM, pi);
		// Whole seconds, truncated as strftime does. The stamps never leave the history
		// window because RETAIL_END and HISTORY_START are themselves whole seconds.
		const t = Math.floor(stamp / 1000) * 1000;
		const inv = 'INV' + String(++invoice);
		const chan = at(CHANNELS, pickCumulative(channelCum, r.next()));
		const lines = 1 + (r.next() < 0.35 ? 1 : 0) + (r.next() < 0.1 ? 1 : 0);
		for (let l = 0; l < lines; l++) {
			const qty = 1 + Math.floor(r.expovariate(1.2));
			const value = r.uniform(p.basket[0], p.basket[1]);
			invoiceId.push(inv);
			lineCustomer.push(cid);
			invoiceDate.push(t);
			quantity.push(qty);
			unitPrice.push(Math.round((value / qty) * 100) / 100);
			discount.push(
				r.next() < p.discountProbability ? at(DISCOUNTS, r.int(0, DISCOUNTS.length - 1)) : 0
			);
			category.push(at(CATEGORIES, pickCumulative(categoryCum, r.next())));
			channel.push(chan);
		}
	};

	for (let i = 0; i < count; i++) {
		const pi = pickCumulative(PERSONA_CUM, rng.next());
		const p = at(PERSONAS, pi);
		const cid = 'C' + String(i + 1).padStart(7, '0');
		const n = rng.int(p.orders[0], p.orders[1]);
		const last = RETAIL_END - rng.uniform(p.recencyDays[0], p.recencyDays[1]) * DAY_MS;
		const first = Math.max(last - firstOrderSpan(rng, p) * DAY_MS, HISTORY_START);
		const signup = first - rng.uniform(0, 30) * DAY_MS;
		const home = at(CITIES, rng.int(0, CITIES.length - 1));

		customerId.push(cid);
		signupDate[i] = Math.floor(signup / DAY_MS) * DAY_MS;
		age[i] = Math.max(18, Math.min(90, Math.round(rng.gauss(p.age[0], p.age[1]))));
		gender.push(rng.next() < 0.03 ? 'X' : rng.next() < 0.5 ? 'F' : 'M');
		city.push(home.city);
		country.push(home.country);
		income[i] = Math.max(12000, Math.round(rng.gauss(p.income[0], p.income[1]) / 100) * 100);
		email.push(`user${i + 1}@example.com`);
		persona.push(p.name);

		// Orders: the first, the last, and n - 2 uniform instants in between. A single-order
		// customer's one order is the *first* one, as in the Python script (it keeps the earliest
		// n of the sorted stamps).
		const inner = Math.max(0, n - 2);
		for (let k = 0; k < inner; k++) middle[k] = first + (last - first) * rng.next();
		const sorted = middle.subarray(0, inner).sort();

		// The lines a mover would have had are generated all the same (so the random stream,
		// and every other customer, stays as without the shift) and then taken back.
		const mark = invoiceId.length;
		const invoiceMark = invoice;
		for (let k = 0; k < n; k++) {
			const stamp = k === 0 ? first : k === n - 1 ? last : (sorted[k - 1] ?? first);
			emitOrder(rng, cid, stamp, pi);
		}

		if (shiftRng && moves) {
			// One draw per customer decides; the shift's draws never touch the base stream.
			const u = shiftRng.next();
			const move = RETAIL_SHIFT.find((m) => m.from === p.name);
			if (move && u < move.share) {
				invoiceId.length = mark;
				lineCustomer.length = mark;
				category.length = mark;
				channel.length = mark;
				invoiceDate.truncate(mark);
				quantity.truncate(mark);
				unitPrice.truncate(mark);
				discount.truncate(mark);
				invoice = invoiceMark;
				const toIndex = PERSONAS.findIndex((q) => q.name === move.to);
				const { before, after } = shiftedStamps(shiftRng, move.from);
				for (const stamp of before) emitOrder(shiftRng, cid, stamp, pi);
				for (const stamp of after) emitOrder(shiftRng, cid, stamp, toIndex);
				const firstOrder = before[0] ?? first;
				signupDate[i] =
					Math.floor((firstOrder - shiftRng.uniform(0, 30) * DAY_MS) / DAY_MS) * DAY_MS;
				moves.customer_id.push(cid);
				moves.persona_before.push(move.from);
				moves.persona_after.push(move.to);
			}
		}
	}

	return {
		customers: {
			customer_id: customerId,
			signup_date: signupDate,
			age,
			gender,
			city,
			country,
			income,
			email
		},
		transactions: {
			invoice_id: invoiceId,
			customer_id: lineCustomer,
			invoice_date: invoiceDate.finish(),
			category,
			quantity: quantity.finish(),
			unit_price: unitPrice.finish(),
			discount: discount.finish(),
			channel
		},
		// A copy, so a consumer that edits one id column cannot corrupt the other.
		truth: { customer_id: customerId.slice(), persona },
		moves
	};
}

/** CSV header of customers.csv, as gen_retail.py writes it. */
export const CUSTOMERS_CSV_HEADER = 'customer_id,signup_date,age,gender,city,country,income,email';
/** CSV header of transactions.csv, as gen_retail.py writes it. */
export const TRANSACTIONS_CSV_HEADER =
	'invoice_id,customer_id,invoice_date,category,quantity,unit_price,discount,channel';

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** Formats dates as YYYY-MM-DD, caching per day: a million lines span only ~730 distinct days. */
function dayFormatter(): (ms: number) => string {
	const cache = new Map<number, string>();
	return (ms) => {
		const day = Math.floor(ms / DAY_MS);
		let s = cache.get(day);
		if (s === undefined) {
			s = new Date(day * DAY_MS).toISOString().slice(0, 10);
			cache.set(day, s);
		}
		return s;
	};
}

/** YYYY-MM-DD HH:MM:SS in UTC. */
function timestampFormatter(): (ms: number) => string {
	const date = dayFormatter();
	return (ms) => {
		const secs = Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 1000);
		const h = Math.floor(secs / 3600);
		const m = Math.floor(secs / 60) % 60;
		return `${date(ms)} ${two(h)}:${two(m)}:${two(secs % 60)}`;
	};
}

/** A price with two decimals by integer arithmetic: Number#toString and toFixed are slow in bulk. */
function money(x: number): string {
	const cents = Math.round(x * 100);
	const whole = Math.floor(cents / 100);
	return whole + '.' + two(cents - whole * 100);
}

/** 0 is written as '0' and the rest as Python and JavaScript both print them ('0.1', ...). */
const discountText = (d: number): string => (d === 0 ? '0' : String(d));

/**
 * Collects CSV lines and joins them in blocks. Each line is built from many pieces; joining a
 * block while those pieces are still young lets the garbage collector drop them cheaply, whereas
 * keeping a million pieced-together lines alive until one final join made GC most of the cost.
 */
class CsvText {
	private readonly blocks: string[] = [];
	private lines: string[];
	constructor(header: string) {
		this.lines = [header];
	}
	push(line: string): void {
		this.lines.push(line);
		if (this.lines.length === 4096) {
			this.blocks.push(this.lines.join('\n'));
			this.lines = [];
		}
	}
	/** The text with '\n' line endings and a trailing newline. */
	finish(): string {
		if (this.lines.length > 0) this.blocks.push(this.lines.join('\n'));
		this.lines = [];
		return this.blocks.join('\n') + '\n';
	}
}

/**
 * Renders a sample as the CSV text gen_retail.py writes: the same headers and columns, dates as
 * YYYY-MM-DD and timestamps as YYYY-MM-DD HH:MM:SS in UTC. Line endings are '\n' (Python's csv
 * module writes '\r\n'; DuckDB reads both) and unit prices always have two decimals ('18.50'
 * where Python writes '18.5'). No field needs quoting: every value comes from the fixed
 * vocabularies above.
 */
export function retailToCsv(sample: RetailSample): { customers: string; transactions: string } {
	const date = dayFormatter();
	const stamp = timestampFormatter();

	const c = sample.customers;
	const customers = new CsvText(CUSTOMERS_CSV_HEADER);
	for (let i = 0; i < c.customer_id.length; i++) {
		customers.push(
			`${c.customer_id[i]},${date(c.signup_date[i] ?? 0)},${c.age[i]},${c.gender[i]},` +
				`${c.city[i]},${c.country[i]},${c.income[i]},${c.email[i]}`
		);
	}

	const t = sample.transactions;
	const transactions = new CsvText(TRANSACTIONS_CSV_HEADER);
	// The lines of one invoice share id, customer and timestamp: format that prefix once.
	let prefix = '';
	for (let i = 0; i < t.invoice_id.length; i++) {
		const inv = t.invoice_id[i];
		if (i === 0 || inv !== t.invoice_id[i - 1] || t.invoice_date[i] !== t.invoice_date[i - 1]) {
			prefix = `${inv},${t.customer_id[i]},${stamp(t.invoice_date[i] ?? 0)},`;
		}
		transactions.push(
			prefix +
				`${t.category[i]},${t.quantity[i]},${money(t.unit_price[i] ?? 0)},` +
				`${discountText(t.discount[i] ?? 0)},${t.channel[i]}`
		);
	}

	return { customers: customers.finish(), transactions: transactions.finish() };
}
