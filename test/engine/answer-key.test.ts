/**
 * The classroom reveal on real DuckDB-WASM: planted personas against the segments found, and
 * what the choice of transforms and features does to the agreement.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnswerKeyReport } from '../../src/engine/api';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor, textFile } from '../helpers/engine';

describe('answer key on the retail sample', () => {
	let engine: Engine;
	let report: AnswerKeyReport;
	beforeAll(async () => {
		engine = await createEngine();
		await engine.loadSample({ customers: 6000, seed: 11 });
		const { recipe } = await engine.suggestRecipe('transactions');
		const ref = refsFor(recipe);
		await expect(engine.answerKey(ref, 42)).rejects.toThrow(/Segment the customers first/);
		await engine.buildFeatures(recipe, ref);
		await engine.segment(ref, { k: 6, seed: 42 });
		report = await engine.answerKey(ref, 42);
	}, 120_000);

	it('counts every customer once, planted persona × segment found', () => {
		expect(report.customers).toBe(6000);
		expect(report.counts.flat().reduce((a, b) => a + b, 0)).toBe(6000);
		expect(report.personas).toEqual([
			'champion',
			'loyal',
			'bargain',
			'at_risk',
			'newcomer',
			'hibernating'
		]);
		expect(report.segments).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('finds the planted personas: high ARI, one segment per persona', () => {
		expect(report.ari).toBeGreaterThan(0.9);
		expect(new Set(report.matches.map((m) => m.persona)).size).toBe(6);
		expect(report.agreement).toBeGreaterThan(0.9);
		expect(report.experiments[0]).toMatchObject({ label: 'As in the Features cell' });
		expect(report.experiments[0]!.ari).toBe(report.ari);
	});

	it('shows that raw units and a single feature recover far less', () => {
		const byLabel = new Map(report.experiments.map((e) => [e.label, e.ari]));
		const raw = byLabel.get('Raw units: no log, no clipping, no scaling');
		const spend = byLabel.get('Spend only');
		expect(raw).toBeDefined();
		expect(spend).toBeDefined();
		expect(raw!).toBeLessThan(report.ari - 0.2);
		expect(spend!).toBeLessThan(report.ari - 0.2);
	});

	it('explains that only the sample has an answer key', async () => {
		const other = await createEngine();
		await other.loadSource(textFile('shop.csv', 'customer_id,amount\na,1\nb,2\nc,5\n'));
		const { recipe } = await other.suggestRecipe('shop');
		await expect(other.answerKey(refsFor(recipe), 1)).rejects.toThrow(/only the generated sample/);
	});
});
