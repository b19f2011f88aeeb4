/**
 * Guards issue 4's bar: on the generated sample each planted persona becomes a segment whose
 * generated name a marketer would recognise, checked against the planted traits (the answer
 * key); plus the KPIs, the map, the overlap with RFM groups and one customer's profile.
 */
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PersonasReport, SegmentRef } from '../../src/engine/api';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor } from '../helpers/engine';

/** What a marketer would call each planted persona (gen_retail's PERSONAS). */
const EXPECTED: Record<string, RegExp> = {
	champion: /big spenders/i,
	loyal: /loyal/i,
	bargain: /bargain/i,
	at_risk: /slipping|lapsing|at risk/i,
	newcomer: /new/i,
	hibernating: /dormant|hibernat/i
};

describe.each([11, 23])('personas on the retail sample (seed %i)', (sampleSeed) => {
	let engine: Engine;
	let report: PersonasReport;
	let majority: Map<number, string>;
	let ref: SegmentRef;
	beforeAll(async () => {
		engine = await createEngine();
		await engine.loadSample({ customers: 6000, seed: sampleSeed });
		const { recipe } = await engine.suggestRecipe('transactions');
		ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		await engine.segment(ref, { k: 6, seed: 42 });
		await engine.rfm(ref);
		report = await engine.personas(ref);
		const r = await engine.query(
			`SELECT segment, arg_max(persona, n) FROM (
				SELECT s.segment, a.persona, count(*) AS n FROM segments s JOIN _answer_key a USING (customer_id) GROUP BY ALL
			) GROUP BY segment`,
			{}
		);
		const t = tableFromIPC(r.ipc);
		majority = new Map();
		for (let i = 0; i < t.numRows; i++) {
			majority.set(Number(t.getChildAt(0)?.get(i)), String(t.getChildAt(1)?.get(i)));
		}
	}, 120_000);

	it('names each segment after its planted persona', () => {
		const names = report.personas.map((p) => [majority.get(p.segment), p.name]);
		for (const [planted, name] of names) expect(name).toMatch(EXPECTED[planted!]!);
		expect(new Set(majority.values()).size).toBe(6);
	});

	it('gives sizes, revenue shares and KPIs that add up', () => {
		const sizes = report.personas.reduce((n, p) => n + p.size, 0);
		expect(sizes).toBe(6000);
		const revenue = report.personas.reduce((n, p) => n + (p.revenueShare ?? 0), 0);
		expect(revenue).toBeCloseTo(1, 6);
		const champions = report.personas.find((p) => majority.get(p.segment) === 'champion')!;
		expect(champions.revenueShare!).toBeGreaterThan(champions.share * 3);
		expect(champions.kpis.activeShare90).toBeGreaterThan(0.9);
		expect(champions.traits[0]!.difference).not.toBe(0);
		expect(champions.description).toMatch(/of customers, \d+% of revenue/);
	});

	it('maps customers in two dimensions and overlaps with the RFM groups', () => {
		expect(report.map.points.length).toBe(3000);
		expect(report.map.explained[0]).toBeGreaterThan(0.3);
		const overlapTotal = report.overlap.reduce((n, o) => n + o.customers, 0);
		expect(overlapTotal).toBe(6000);
	});

	it("looks up one customer's profile", async () => {
		const keys = await engine.customerKeys(ref, 'C00001');
		expect(keys[0]).toBe('C0000100');
		const c = await engine.customer(ref, 'C0000100');
		expect(c.segment).toBeGreaterThanOrEqual(1);
		expect(c.typicality).toBeGreaterThanOrEqual(0);
		expect(c.features.find((f) => f.feature === 'frequency')?.percentile).not.toBeNull();
		expect(c.timeline.length).toBeGreaterThan(0);
		await expect(engine.customer(ref, 'nobody')).rejects.toMatchObject({
			message: expect.stringMatching(/No customer/)
		});
	});
});
