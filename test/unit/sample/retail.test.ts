import { describe, it, expect } from 'vitest';
import {
	CATEGORIES,
	CHANNELS,
	CITIES,
	PERSONAS,
	RETAIL_DAYS,
	RETAIL_END,
	generateRetail,
	retailToCsv,
	type PersonaName,
	type RetailSample
} from '../../../src/sample/retail';

const DAY = 86_400_000;

// Shared samples: generating is the expensive part, the checks are cheap.
const big = generateRetail({ customers: 20_000, seed: 7 });
const small = generateRetail({ customers: 6_000, seed: 11 });

/** Orders (distinct invoices) per customer id; a customer's lines are contiguous. */
function orderCounts(s: RetailSample): Map<string, number> {
	const counts = new Map<string, number>();
	const t = s.transactions;
	for (let i = 0; i < t.invoice_id.length; i++) {
		if (i > 0 && t.invoice_id[i] === t.invoice_id[i - 1]) continue;
		const c = t.customer_id[i]!;
		counts.set(c, (counts.get(c) ?? 0) + 1);
	}
	return counts;
}

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function idsOf(s: RetailSample, persona: PersonaName): string[] {
	return s.truth.customer_id.filter((_, i) => s.truth.persona[i] === persona);
}

describe('PERSONAS and vocabularies', () => {
	it('match gen_retail.py', () => {
		expect(PERSONAS.map((p) => p.name)).toEqual([
			'champion',
			'loyal',
			'bargain',
			'at_risk',
			'newcomer',
			'hibernating'
		]);
		expect(PERSONAS.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 12);
		for (const p of PERSONAS) {
			expect(p.categoryWeights).toHaveLength(CATEGORIES.length);
			expect(p.channelWeights).toHaveLength(CHANNELS.length);
		}
		expect(CITIES).toHaveLength(10);
		expect(RETAIL_END).toBe(Date.parse('2025-12-31T23:59:59Z'));
	});
});

describe('generateRetail', () => {
	it('is deterministic for a seed and differs between seeds', () => {
		const a = generateRetail({ customers: 2_000, seed: 3 });
		const b = generateRetail({ customers: 2_000, seed: 3 });
		const c = generateRetail({ customers: 2_000, seed: 4 });
		// Comparing the CSV text covers every column and is much faster than a deep toEqual.
		expect(retailToCsv(a)).toEqual(retailToCsv(b));
		expect(a.truth).toEqual(b.truth);
		expect(a.customers.income).toEqual(b.customers.income);
		expect(c.truth.persona).not.toEqual(a.truth.persona);
		expect(c.transactions.invoice_date).not.toEqual(a.transactions.invoice_date);
	});

	it('gives columns of consistent lengths and well-formed ids', () => {
		const { customers: c, transactions: t, truth } = big;
		for (const col of Object.values(c)) expect(col.length).toBe(20_000);
		for (const col of Object.values(t)) expect(col.length).toBe(t.invoice_id.length);
		expect(truth.customer_id).toEqual(c.customer_id);
		expect(truth.persona).toHaveLength(20_000);
		expect(c.customer_id[0]).toBe('C0000001');
		expect(c.customer_id[19_999]).toBe('C0020000');
		expect(c.email[0]).toBe('user1@example.com');
		expect(t.invoice_id[0]).toBe('INV100001');
		expect(new Set(c.customer_id).size).toBe(20_000);
	});

	it('yields about 16.7 transaction lines per customer', () => {
		const perCustomer = small.transactions.invoice_id.length / 6_000;
		expect(perCustomer).toBeGreaterThan(14);
		expect(perCustomer).toBeLessThan(20);
	});

	it('plants the persona shares', () => {
		const counts = new Map<string, number>();
		for (const p of big.truth.persona) counts.set(p, (counts.get(p) ?? 0) + 1);
		for (const p of PERSONAS) {
			// The standard error of a share is at most 0.0035 here; 0.015 is over 4 of them.
			expect(Math.abs((counts.get(p.name) ?? 0) / 20_000 - p.share)).toBeLessThan(0.015);
		}
	});

	it('only references existing customers and keeps invoices together', () => {
		// Plain checks in the loops: an expect() per line would cost seconds over 330k lines.
		const ids = new Set(big.customers.customer_id);
		const t = big.transactions;
		const bad: number[] = [];
		let linesInInvoice = 0;
		for (let i = 0; i < t.invoice_id.length; i++) {
			if (!ids.has(t.customer_id[i]!)) bad.push(i);
			if (i > 0 && t.invoice_id[i] === t.invoice_id[i - 1]) {
				linesInInvoice++;
				const same =
					t.customer_id[i] === t.customer_id[i - 1] &&
					t.invoice_date[i] === t.invoice_date[i - 1] &&
					t.channel[i] === t.channel[i - 1];
				if (!same || linesInInvoice > 3) bad.push(i);
			} else {
				linesInInvoice = 1;
			}
		}
		expect(bad).toEqual([]);
	});

	it('keeps every invoice inside the 730-day window, in whole seconds', () => {
		const start = RETAIL_END - RETAIL_DAYS * DAY;
		let min = Infinity;
		let max = -Infinity;
		for (const d of big.transactions.invoice_date) {
			if (d < min) min = d;
			if (d > max) max = d;
			if (d % 1000 !== 0) expect.fail(`invoice_date ${d} is not whole seconds`);
		}
		expect(min).toBeGreaterThanOrEqual(start);
		expect(max).toBeLessThanOrEqual(RETAIL_END);
	});

	it('has plausible line values', () => {
		const t = big.transactions;
		const discounts = new Set(t.discount);
		expect([...discounts].sort()).toEqual([0, 0.1, 0.2, 0.3]);
		for (let i = 0; i < t.invoice_id.length; i++) {
			const q = t.quantity[i]!;
			const p = t.unit_price[i]!;
			if (!(q >= 1 && p > 0 && Math.round(p * 100) / 100 === p)) {
				expect.fail(`line ${i}: quantity ${q}, unit_price ${p}`);
			}
		}
		expect(new Set(t.category)).toEqual(new Set(CATEGORIES));
		expect(new Set(t.channel)).toEqual(new Set(CHANNELS));
	});

	it('has plausible demographics', () => {
		const c = big.customers;
		const bad: number[] = [];
		let x = 0;
		for (let i = 0; i < 20_000; i++) {
			const age = c.age[i]!;
			const income = c.income[i]!;
			const ok =
				age >= 18 &&
				age <= 90 &&
				income >= 12_000 &&
				income % 100 === 0 &&
				c.signup_date[i]! % DAY === 0;
			if (!ok) bad.push(i);
			if (c.gender[i] === 'X') x++;
		}
		expect(bad).toEqual([]);
		expect(Math.abs(x / 20_000 - 0.03)).toBeLessThan(0.01);
		expect(new Set(c.gender)).toEqual(new Set(['F', 'M', 'X']));
	});

	it('signs customers up before their first order', () => {
		const first = new Map<string, number>();
		const t = big.transactions;
		for (let i = 0; i < t.invoice_id.length; i++) {
			const c = t.customer_id[i]!;
			const d = t.invoice_date[i]!;
			if (d < (first.get(c) ?? Infinity)) first.set(c, d);
		}
		const c = big.customers;
		const bad = c.customer_id.filter(
			(id, i) => !(c.signup_date[i]! <= (first.get(id) ?? -Infinity))
		);
		expect(bad).toEqual([]);
	});

	it('gives champions more orders than hibernating customers', () => {
		const counts = orderCounts(big);
		const of = (p: PersonaName): number[] => idsOf(big, p).map((id) => counts.get(id) ?? 0);
		expect(median(of('champion'))).toBeGreaterThan(median(of('hibernating')));
		expect(median(of('champion'))).toBeGreaterThan(median(of('loyal')));
		expect(Math.max(...of('hibernating'))).toBeLessThanOrEqual(2);
	});

	it("places newcomers' first order within 90 days of the end", () => {
		const newcomers = new Set(idsOf(big, 'newcomer'));
		const first = new Map<string, number>();
		const t = big.transactions;
		for (let i = 0; i < t.invoice_id.length; i++) {
			const c = t.customer_id[i]!;
			if (newcomers.has(c) && !first.has(c)) first.set(c, t.invoice_date[i]!);
		}
		expect(first.size).toBe(newcomers.size);
		for (const d of first.values()) expect(d).toBeGreaterThanOrEqual(RETAIL_END - 90 * DAY - 1000);
	});

	it('rejects invalid options', () => {
		for (const customers of [0, -1, 1.5, 1_000_001, Number.NaN, Infinity]) {
			expect(() => generateRetail({ customers, seed: 1 })).toThrow(RangeError);
		}
		for (const seed of [1.5, Number.NaN, Infinity, 2 ** 60]) {
			expect(() => generateRetail({ customers: 10, seed })).toThrow(RangeError);
		}
		expect(() => generateRetail({ customers: 0, seed: 1 })).toThrow(/customers/);
		expect(generateRetail({ customers: 1, seed: -5 }).customers.customer_id).toEqual(['C0000001']);
	});
});

describe('retailToCsv', () => {
	const sample = generateRetail({ customers: 50, seed: 9 });
	const csv = retailToCsv(sample);

	it('writes the headers of gen_retail.py', () => {
		expect(csv.customers.split('\n')[0]).toBe(
			'customer_id,signup_date,age,gender,city,country,income,email'
		);
		expect(csv.transactions.split('\n')[0]).toBe(
			'invoice_id,customer_id,invoice_date,category,quantity,unit_price,discount,channel'
		);
	});

	it('writes one line per row with formatted dates', () => {
		const customers = csv.customers.trimEnd().split('\n').slice(1);
		const lines = csv.transactions.trimEnd().split('\n').slice(1);
		expect(customers).toHaveLength(50);
		expect(lines).toHaveLength(sample.transactions.invoice_id.length);
		for (const l of customers) {
			expect(l).toMatch(
				/^C\d{7},\d{4}-\d\d-\d\d,\d+,[FMX],[A-Za-z]+,[A-Z]{2},\d+,user\d+@example\.com$/
			);
		}
		for (const l of lines) {
			expect(l).toMatch(
				/^INV\d+,C\d{7},\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,[a-z]+,\d+,\d+\.\d\d,(0|0\.[123]),(web|app|store)$/
			);
		}
	});

	it('renders values that parse back to the columns', () => {
		const t = sample.transactions;
		const lines = csv.transactions.trimEnd().split('\n').slice(1);
		const mismatches = lines.filter((l, i) => {
			const f = l.split(',');
			return (
				f[0] !== t.invoice_id[i] ||
				Number(f[4]) !== t.quantity[i] ||
				Number(f[5]) !== t.unit_price[i] ||
				Number(f[6]) !== t.discount[i]
			);
		});
		expect(mismatches).toEqual([]);
	});

	it('renders dates in UTC', () => {
		const c = sample.customers;
		const t = sample.transactions;
		const firstCustomer = csv.customers.split('\n')[1]!.split(',');
		expect(firstCustomer[1]).toBe(new Date(c.signup_date[0]!).toISOString().slice(0, 10));
		const firstLine = csv.transactions.split('\n')[1]!.split(',');
		expect(firstLine[2]).toBe(
			new Date(t.invoice_date[0]!).toISOString().slice(0, 19).replace('T', ' ')
		);
		const one = retailToCsv({
			...sample,
			transactions: { ...t, invoice_date: new Float64Array(t.invoice_id.length).fill(RETAIL_END) }
		});
		expect(one.transactions.split('\n')[1]).toContain(',2025-12-31 23:59:59,');
	});
});
