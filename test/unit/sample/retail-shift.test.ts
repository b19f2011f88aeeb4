/**
 * The sample's planted shift (issue 7): off, the sample is byte for byte the one generated before
 * the option existed (pinned by a hash of its CSV text); on, every customer who is not planted to
 * move keeps exactly the same history, and the movers' orders change persona at the middle of
 * the history, with a margin on both sides, as the answer key says.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	RETAIL_DAYS,
	RETAIL_END,
	RETAIL_SHIFT,
	generateRetail,
	retailToCsv,
	type RetailSample
} from '../../../src/sample/retail';

const DAY = 86_400_000;
const MID = RETAIL_END - (RETAIL_DAYS / 2) * DAY;

function sha(sample: RetailSample): string {
	const csv = retailToCsv(sample);
	return createHash('sha256').update(csv.customers).update(csv.transactions).digest('hex');
}

/** Each customer's order lines as text, by customer id. */
function linesByCustomer(s: RetailSample): Map<string, string[]> {
	const t = s.transactions;
	const out = new Map<string, string[]>();
	for (let i = 0; i < t.customer_id.length; i++) {
		const id = t.customer_id[i]!;
		const line = `${t.invoice_date[i]},${t.category[i]},${t.quantity[i]},${t.unit_price[i]},${t.discount[i]},${t.channel[i]}`;
		const list = out.get(id) ?? [];
		list.push(line);
		out.set(id, list);
	}
	return out;
}

describe('the planted shift', () => {
	const plain = generateRetail({ customers: 6000, seed: 11 });
	const shifted = generateRetail({ customers: 6000, seed: 11, shift: true });
	const moves = shifted.moves!;

	it('off or absent: the sample generated before the option existed, byte for byte', () => {
		// Hash of retailToCsv({ customers: 500, seed: 3 }) from the generator at commit b2b9675.
		const before = 'a7ca997802c58cb290cc51c452295710a1eedceb7c294e194933d3a131eb24ae';
		expect(sha(generateRetail({ customers: 500, seed: 3 }))).toBe(before);
		expect(sha(generateRetail({ customers: 500, seed: 3, shift: false }))).toBe(before);
		expect(plain.moves).toBeNull();
	});

	it('moves about the planted share of each persona, and only those personas', () => {
		expect(moves.customer_id.length).toBeGreaterThan(0);
		const truth = new Map(plain.truth.customer_id.map((id, i) => [id, plain.truth.persona[i]]));
		for (const m of RETAIL_SHIFT) {
			const eligible = plain.truth.persona.filter((p) => p === m.from).length;
			const planted = moves.persona_before.filter(
				(p, i) => p === m.from && moves.persona_after[i] === m.to
			);
			expect(planted.length / eligible).toBeGreaterThan(m.share - 0.05);
			expect(planted.length / eligible).toBeLessThan(m.share + 0.05);
		}
		for (const [i, id] of moves.customer_id.entries()) {
			expect(truth.get(id)).toBe(moves.persona_before[i]);
		}
		// The planted persona stays in the answer key; who moved is in moves.
		expect(shifted.truth).toEqual(plain.truth);
	});

	it('leaves everyone else exactly as without the shift', () => {
		const a = linesByCustomer(plain);
		const b = linesByCustomer(shifted);
		const movers = new Set(moves.customer_id);
		let same = 0;
		for (const [id, lines] of a) {
			if (movers.has(id)) continue;
			expect(b.get(id)).toEqual(lines);
			same++;
		}
		expect(same).toBe(6000 - movers.size);
		expect(new Set(shifted.transactions.invoice_id).size).toBe(
			new Set(
				shifted.transactions.invoice_id.map((v, i) => `${v}|${shifted.transactions.customer_id[i]}`)
			).size
		);
	});

	it("puts movers' orders on both sides of the middle, 15 days clear of it", () => {
		const b = linesByCustomer(shifted);
		for (const [i, id] of moves.customer_id.entries()) {
			const times = (b.get(id) ?? []).map((l) => Number(l.split(',')[0]));
			const before = times.filter((t) => t < MID);
			const after = times.filter((t) => t >= MID);
			expect(before.length).toBeGreaterThan(0);
			expect(after.length).toBeGreaterThan(0);
			expect(Math.max(...before)).toBeLessThanOrEqual(MID - 15 * DAY);
			expect(Math.min(...after)).toBeGreaterThanOrEqual(MID + 15 * DAY - 1000);
			if (moves.persona_before[i] === 'loyal') {
				// Slipping away: silent for the last 180 days at least.
				expect(Math.max(...after)).toBeLessThanOrEqual(RETAIL_END - 180 * DAY);
			} else {
				expect(Math.max(...after)).toBeGreaterThanOrEqual(RETAIL_END - 61 * DAY);
			}
		}
	});

	it('refuses a shift that is not true or false', () => {
		expect(() =>
			generateRetail({ customers: 1, seed: 1, shift: 'yes' as unknown as boolean })
		).toThrow(/shift must be true or false/);
	});
});
