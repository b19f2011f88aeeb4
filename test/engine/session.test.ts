/**
 * The explicit engine session (issue 11) on real DuckDB-WASM: two Features cells with their own
 * outputs (`customer_features`, `customer_features_2`) and a Segments cell on each do not
 * overwrite each other, and every later call reads the tables its refs name, never the ones
 * built last.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SegmentRef } from '../../src/engine/api';
import { CHANGES_TABLE } from '../../src/sql/compare.sql';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor } from '../helpers/engine';

describe('two Features cells, each with its Segments cell', () => {
	let engine: Engine;
	let a: SegmentRef;
	let b: SegmentRef;
	beforeAll(async () => {
		engine = await createEngine();
		await engine.loadSample({ customers: 3000, seed: 11 });
		// The second cell works on a third of the customers, with two features instead of four.
		await engine.query(
			`FROM transactions WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1000)`,
			{ resultName: 'some_orders' }
		);
		const first = (await engine.suggestRecipe('transactions')).recipe;
		const second = (await engine.suggestRecipe('some_orders')).recipe;
		a = refsFor(first);
		b = refsFor(
			{ ...second, selected: ['recency_days', 'monetary'] },
			'customer_features_2',
			'segments_2'
		);
		expect(b).toMatchObject({ matrix: 'customer_features_2_matrix', rfm: 'segments_2_rfm' });
	}, 120_000);

	it('builds both without overwriting: each cell has its own features and model matrix', async () => {
		const ra = await engine.buildFeatures(a.recipe, a);
		const rb = await engine.buildFeatures(b.recipe, b);
		expect([ra.customers, rb.customers]).toEqual([3000, 1000]);
		expect(await engine.count('customer_features')).toBe(3000);
		expect(await engine.count('model_matrix')).toBe(3000);
		expect(await engine.count('customer_features_2')).toBe(1000);
		expect(await engine.count('customer_features_2_matrix')).toBe(1000);
		const columns = async (t: string): Promise<string[]> =>
			(await engine.schema()).find((x) => x.name === t)!.columns.map((c) => c.name);
		expect(await columns('model_matrix')).toEqual(['customer_id', ...a.recipe.selected]);
		expect(await columns('customer_features_2_matrix')).toEqual([
			'customer_id',
			'recency_days',
			'monetary'
		]);
	});

	it('segments each on its own matrix, and the sweep of one never seeds the other', async () => {
		const before = await engine.segment(b, { k: 3, seed: 5 });
		// A sweep on the first cell caches its centroids (4 features) under its own matrix.
		await engine.sweep(a, 5);
		const sa = await engine.segment(a, { k: 6, seed: 5 });
		const sb = await engine.segment(b, { k: 3, seed: 5 });
		expect(sb).toMatchObject({ k: 3, customers: 1000, inertia: before.inertia });
		expect(sa).toMatchObject({ k: 6, customers: 3000 });
		expect(sb.segments.map((s) => s.means.map(([f]) => f))[0]).toEqual([
			'recency_days',
			'monetary'
		]);
		expect(await engine.count('segments')).toBe(3000);
		expect(await engine.count('segments_2')).toBe(1000);
	});

	it('RFM, personas, customers and exports each read their own cell', async () => {
		const rfmA = await engine.rfm(a);
		const rfmB = await engine.rfm(b);
		expect(rfmA.groups.reduce((n, g) => n + g.size, 0)).toBe(3000);
		expect(rfmB.groups.reduce((n, g) => n + g.size, 0)).toBe(1000);
		expect(await engine.count('rfm_segments')).toBe(3000);
		expect(await engine.count('segments_2_rfm')).toBe(1000);

		const pa = await engine.personas(a);
		const pb = await engine.personas(b);
		expect(pa.personas).toHaveLength(6);
		expect(pb.personas).toHaveLength(3);
		expect(pa.personas.reduce((n, p) => n + p.size, 0)).toBe(3000);
		expect(pb.personas.reduce((n, p) => n + p.size, 0)).toBe(1000);
		expect(pa.overlap.reduce((n, o) => n + o.customers, 0)).toBe(3000);
		expect(pb.overlap.reduce((n, o) => n + o.customers, 0)).toBe(1000);

		// The 1001st customer is in the first cell only.
		const keys = (await engine.customerKeys(a, 'C')).slice(0, 1);
		const outside = await engine.query(
			`SELECT customer_id FROM customer_features WHERE customer_id NOT IN (SELECT customer_id FROM customer_features_2) ORDER BY 1 LIMIT 1`,
			{}
		);
		expect(outside.rowCount).toBe(1);
		const { tableFromIPC } = await import('apache-arrow');
		const key = String(tableFromIPC(outside.ipc).getChildAt(0)?.get(0));
		expect((await engine.customer(a, key)).segment).not.toBeNull();
		await expect(engine.customer(b, key)).rejects.toThrow(/No customer .* in customer_features_2/);
		expect(keys).toHaveLength(1);

		const fileA = await engine.exportSegments(a, 'csv');
		const fileB = await engine.exportSegments(b, 'csv');
		expect([fileA.rows, fileB.rows]).toEqual([3000, 1000]);
	});

	it('Compare writes the output it is given, from the cell it is given', async () => {
		const ca = await engine.compare(a, { split: null, output: CHANGES_TABLE });
		const cb = await engine.compare(b, { split: null, output: 'segment_changes_2' });
		expect([ca.table, cb.table]).toEqual(['segment_changes', 'segment_changes_2']);
		expect([ca.customers, cb.customers]).toEqual([3000, 1000]);
		expect(await engine.count('segment_changes')).toBe(3000);
		expect(await engine.count('segment_changes_2')).toBe(1000);
		// No scratch table is left behind by either.
		const scratch = await engine.query(
			`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'segbook_compare%'`,
			{}
		);
		expect(scratch.rowCount).toBe(0);
	});
});
