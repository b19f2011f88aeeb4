/**
 * The Compare cell against real DuckDB-WASM (issue 7): on the retail sample with a planted shift
 * between the two years, the migration matrix recovers who was planted to move, from the segment
 * of their old persona to the segment of their new one; without the shift the same customers
 * stay put, and the extra flow is about the planted movers. Every way Compare can be asked the
 * wrong thing gets a specific message.
 */
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
	CompareOptions,
	CompareReport,
	FeatureRecipe,
	SegmentRef
} from '../../src/engine/api';
import { CHANGES_TABLE, periodMatrixSql } from '../../src/sql/compare.sql';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor, textFile } from '../helpers/engine';

/** Compare's options with the default output table (segment_changes). */
const opts = (o: CompareOptions): CompareOptions & { output: string } => ({
	...o,
	output: CHANGES_TABLE
});

async function rows(engine: Engine, sqlText: string): Promise<unknown[][]> {
	const r = await engine.query(sqlText, { rowLimit: 10_000_000 });
	const t = tableFromIPC(r.ipc);
	const columns = t.schema.fields.map((_, i) => t.getChildAt(i));
	return Array.from({ length: t.numRows }, (_, i) => columns.map((c) => c?.get(i) ?? null));
}

async function value(engine: Engine, sqlText: string): Promise<number> {
	return Number((await rows(engine, sqlText))[0]?.[0]);
}

/** The whole-history segment most of a persona's customers (planted movers left out) are in. */
async function personaSegments(engine: Engine): Promise<Map<string, number>> {
	const moves = await engine.tableExists('_answer_key_moves');
	const result = await rows(
		engine,
		`SELECT persona, mode(segment) FROM segments JOIN _answer_key USING (customer_id)
		 ${moves ? 'WHERE customer_id NOT IN (SELECT customer_id FROM _answer_key_moves)' : ''}
		 GROUP BY persona`
	);
	return new Map(result.map(([p, s]) => [String(p), Number(s)]));
}

const SAMPLE = { customers: 6000, seed: 11 };

async function segmented(
	shift: boolean
): Promise<{ engine: Engine; recipe: FeatureRecipe; ref: SegmentRef }> {
	const engine = await createEngine();
	await engine.loadSample({ ...SAMPLE, shift });
	const { recipe } = await engine.suggestRecipe('transactions');
	const ref = refsFor(recipe);
	await engine.buildFeatures(recipe, ref);
	await engine.segment(ref, { k: 6, seed: 1 });
	return { engine, recipe, ref };
}

/**
 * Customers that moved from the segment of persona `from` before the split to the segment of
 * persona `to` after it; `among` restricts them to a list of ids.
 */
async function moved(
	engine: Engine,
	segmentOf: Map<string, number>,
	from: string,
	to: string,
	among: string | null = null
): Promise<number> {
	return value(
		engine,
		`SELECT count(*) FROM segment_changes
		 WHERE segment_before = ${segmentOf.get(from)} AND segment_after = ${segmentOf.get(to)}
		 ${among ? `AND customer_id IN (${among})` : ''}`
	);
}

const movers = (from: string): string =>
	`SELECT customer_id FROM _answer_key_moves WHERE persona_before = '${from}'`;

describe('a shift planted in the second year (6,000 customers)', () => {
	let shifted: Engine;
	let shiftedRef: SegmentRef;
	let steady: Engine;
	let steadyRef: SegmentRef;
	let recipe: FeatureRecipe;
	let report: CompareReport;
	let steadyReport: CompareReport;
	let segmentOf: Map<string, number>;
	let steadySegmentOf: Map<string, number>;
	let plantedIds: string;
	beforeAll(async () => {
		({ engine: shifted, recipe, ref: shiftedRef } = await segmented(true));
		segmentOf = await personaSegments(shifted);
		report = await shifted.compare(shiftedRef, opts({ split: null }));
		({ engine: steady, ref: steadyRef } = await segmented(false));
		steadySegmentOf = await personaSegments(steady);
		steadyReport = await steady.compare(steadyRef, opts({ split: null }));
		// The same customer ids exist without the shift: the base sample is identical.
		plantedIds = (await rows(shifted, 'SELECT customer_id FROM _answer_key_moves'))
			.map(([id]) => `'${String(id)}'`)
			.join(', ');
	}, 180_000);

	it('splits halfway, at a midnight, and counts every segmented customer once', () => {
		expect(report.split).toBe('2024-12-31 00:00:00');
		expect(report.periods.map((p) => p.label)).toEqual(['before', 'after']);
		expect(report.periods[0].days).toBeCloseTo(364, 0);
		expect(report.periods[1].days).toBeCloseTo(366, 0);
		expect(report.periods[0].scaleFactor).toBeCloseTo(730 / 364, 2);
		expect(report.customers).toBe(6000);
		expect(report.matrix.reduce((n, c) => n + c.customers, 0)).toBe(6000);
		expect(report.segments).toEqual([1, 2, 3, 4, 5, 6]);
		// Active customers per period are the matrix's non-empty rows and columns.
		const activeBefore = report.matrix
			.filter((c) => c.from !== null)
			.reduce((n, c) => n + c.customers, 0);
		expect(activeBefore).toBe(report.periods[0].activeCustomers);
		for (const [i, period] of report.kpis.entries()) {
			expect(period.reduce((n, k) => n + k.customers, 0)).toBe(report.periods[i]!.activeCustomers);
			expect(period.reduce((n, k) => n + (k.orders ?? 0), 0)).toBeCloseTo(
				report.periods[i]!.orders,
				6
			);
		}
	});

	it('recovers ≥ 70 % of the planted movers, per kind of move, and names the largest flow', async () => {
		const planted = await rows(
			shifted,
			`SELECT persona_before, persona_after, count(*) FROM _answer_key_moves GROUP BY ALL ORDER BY 1`
		);
		expect(planted.map(([a, b]) => `${String(a)}→${String(b)}`)).toEqual([
			'hibernating→loyal',
			'loyal→at_risk'
		]);
		for (const [from, to, n] of planted) {
			const found = await moved(shifted, segmentOf, String(from), String(to), movers(String(from)));
			expect(found / Number(n)).toBeGreaterThanOrEqual(0.7);
		}
		const top = report.flows[0]!;
		expect([top.from, top.to]).toEqual([segmentOf.get('loyal'), segmentOf.get('at_risk')]);
		expect(top.share).toBeGreaterThan(0.3);
	});

	it('without the shift the same customers stay put, and the extra flow is the planted one', async () => {
		let extra = 0;
		let plantedCount = 0;
		for (const [from, to] of [
			['loyal', 'at_risk'],
			['hibernating', 'loyal']
		] as const) {
			// The planted customers, in the sample without the shift: hardly any make the move.
			const sameIds = await moved(steady, steadySegmentOf, from, to, plantedIds);
			const planted = await value(
				shifted,
				`SELECT count(*) FROM _answer_key_moves WHERE persona_before = '${from}'`
			);
			expect(sameIds / planted).toBeLessThan(0.1);
			extra +=
				(await moved(shifted, segmentOf, from, to)) -
				(await moved(steady, steadySegmentOf, from, to));
			plantedCount += planted;
		}
		// Loyal → slipping also happens on its own (the at-risk persona slows down by design);
		// the shift adds about one move per planted mover on top.
		expect(extra / plantedCount).toBeGreaterThanOrEqual(0.7);
		expect(extra / plantedCount).toBeLessThanOrEqual(1.3);
		expect(steadyReport.customers).toBe(6000);
	});

	it('reports KPIs and drift per segment in plain units', () => {
		const loyal = segmentOf.get('loyal')!;
		const drift = report.drift.find((d) => d.segment === loyal)!;
		expect(drift.features.map((f) => f.feature)).toEqual(recipe.selected);
		expect(drift.distance).toBeGreaterThanOrEqual(0);
		const recency = drift.features.find((f) => f.feature === 'recency_days')!;
		expect(recency.before).toBeGreaterThan(0);
		const kpi = report.kpis[0].find((k) => k.segment === loyal)!;
		expect(kpi.avgOrderValue).toBeCloseTo(kpi.revenue! / kpi.orders!, 9);
		expect(kpi.avgOrderValue).toBeGreaterThan(20);
	});

	it('leaves segment_changes for SQL and drops its scratch tables', async () => {
		const names = (await shifted.schema()).map((t) => t.name);
		expect(names).toContain('segment_changes');
		expect(
			await value(
				shifted,
				`SELECT count(*) FROM information_schema.tables WHERE starts_with(table_name, 'segbook_compare')`
			)
		).toBe(0);
		const columns = (await shifted.schema()).find((t) => t.name === 'segment_changes')!.columns;
		expect(columns.map((c) => c.name)).toEqual([
			'customer_id',
			'segment',
			'segment_before',
			'segment_after'
		]);
	});

	it('transforms a period exactly as the model matrix (the whole history, factor 1)', async () => {
		await shifted.query(
			periodMatrixSql(recipe, 'customer_id', {
				features: 'customer_features',
				target: 'check_matrix',
				factor: 1,
				where: 'TRUE'
			}),
			{}
		);
		const diff = recipe.selected.map((f) => `max(abs(a."${f}" - b."${f}"))`).join(', ');
		const [row] = await rows(
			shifted,
			`SELECT count(*), ${diff} FROM check_matrix a JOIN model_matrix b USING (customer_id)`
		);
		expect(Number(row![0])).toBe(6000);
		for (const d of row!.slice(1)) expect(Number(d)).toBeLessThan(1e-9);
	});

	it('compares a quarter with the one before it', async () => {
		const q = await shifted.compare(shiftedRef, opts({ split: null, quarter: '2025-Q2' }));
		expect(q.split).toBe('2025-04-01 00:00:00');
		expect(q.periods[0].from >= '2025-01-01').toBe(true);
		expect(q.periods[0].to < '2025-04-01').toBe(true);
		expect(q.periods[1].from >= '2025-04-01').toBe(true);
		expect(q.periods[1].to < '2025-07-01').toBe(true);
		expect(q.periods[0].days).toBeCloseTo(90, 0);
		expect(q.periods[1].days).toBeCloseTo(91, 0);
		// A quarter holds fewer active customers than half of the history.
		expect(q.periods[1].activeCustomers).toBeLessThan(report.periods[1].activeCustomers);
		expect(q.matrix.reduce((n, c) => n + c.customers, 0)).toBe(6000);
		expect(q.notes[0]).toMatch(
			/^2025-Q2 \(91 days from 2025-04-01\) against the quarter before it/
		);
	});

	it('names a bad quarter, and one without a quarter before it in the data', async () => {
		await expect(
			shifted.compare(shiftedRef, opts({ split: null, quarter: '2025-Q5' }))
		).rejects.toThrow(/not a quarter: write it as YYYY-Qn/);
		await expect(
			shifted.compare(shiftedRef, opts({ split: null, quarter: '2024-Q1' }))
		).rejects.toThrow(/quarter before 2024-Q1 starts on 2023-10-01, before the first order/);
		await expect(
			shifted.compare(shiftedRef, opts({ split: null, quarter: '2027-Q1' }))
		).rejects.toThrow(/outside the data/);
	});

	it('takes a split date; a later split leaves fewer customers active after it', async () => {
		const late = await shifted.compare(shiftedRef, opts({ split: '2025-10-01' }));
		expect(late.split).toBe('2025-10-01 00:00:00');
		expect(late.periods[1].activeCustomers).toBeLessThan(report.periods[1].activeCustomers);
		expect(late.periods[1].from >= '2025-10-01').toBe(true);
	});
});

describe('errors name what is wrong', () => {
	let engine: Engine;
	let ref: SegmentRef;
	beforeAll(async () => {
		engine = await createEngine();
	});

	it('no segmentation yet', async () => {
		const roles = {
			key: 'customer_id',
			orderId: null,
			timestamp: null,
			amount: 'amount',
			quantity: null,
			unitPrice: null,
			discount: null,
			categoricals: [],
			numerics: []
		};
		const none = refsFor({
			source: 'orders',
			grain: 'transactions',
			roles,
			asOf: null,
			customers: null,
			selected: ['monetary'],
			transforms: { log1p: [], winsorise: null, scale: 'zscore' },
			missing: 'median'
		});
		await expect(engine.compare(none, opts({ split: null }))).rejects.toThrow(
			/no segmentation yet: run the Features and Segments cells first/
		);
	});

	it('no date column', async () => {
		await engine.loadSource(
			textFile(
				'nodates.csv',
				'customer_id,amount\n' +
					['a,10', 'a,12', 'b,50', 'b,55', 'c,5', 'c,6', 'd,80', 'd,90'].join('\n')
			)
		);
		const { recipe } = await engine.suggestRecipe('nodates');
		expect(recipe.roles.timestamp).toBeNull();
		ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		await engine.segment(ref, { k: 2, seed: 1 });
		await expect(engine.compare(ref, opts({ split: null }))).rejects.toThrow(
			/Compare needs order dates, and nodates has no date column/
		);
	});

	describe('on dated orders from 2024-01-05 (keyless) and 2024-06-01 to 2024-12-20', () => {
		beforeAll(async () => {
			const lines = [
				',2024-01-05,10',
				'a,2024-06-01,10',
				'a,2024-09-01,12',
				'b,2024-06-15,50',
				'b,2024-12-20,55',
				'c,2024-07-01,5',
				'c,2024-11-01,6',
				'd,2024-08-01,80',
				'd,2024-10-01,90'
			];
			await engine.loadSource(
				textFile('orders.csv', `customer_id,order_date,amount\n${lines.join('\n')}`)
			);
			const { recipe } = await engine.suggestRecipe('orders');
			expect(recipe.roles.timestamp).toBe('order_date');
			ref = refsFor(recipe);
			await engine.buildFeatures(recipe, ref);
			await engine.segment(ref, { k: 2, seed: 1 });
		});

		it('a split outside the data', async () => {
			await expect(engine.compare(ref, opts({ split: '2030-01-01' }))).rejects.toThrow(
				'The split date 2030-01-01 is outside the data, whose orders run from 2024-01-05 to 2024-12-20.'
			);
			await expect(engine.compare(ref, opts({ split: '2024-01-05' }))).rejects.toThrow(
				/outside the data/
			);
		});

		it('a date that does not exist', async () => {
			await expect(engine.compare(ref, opts({ split: '2024-02-30' }))).rejects.toThrow(
				/“2024-02-30” is not a date: write the split date as YYYY-MM-DD/
			);
		});

		it('a period with no orders', async () => {
			await expect(engine.compare(ref, opts({ split: '2024-03-01' }))).rejects.toThrow(
				'There are no orders before 2024-03-01, so the first period is empty. Choose a later split date.'
			);
		});

		it('a split with orders on both sides works', async () => {
			const r = await engine.compare(ref, opts({ split: '2024-09-01' }));
			expect(r.customers).toBe(4);
			// The keyless line counts for the date range, not as an order; 09-01 opens the second period.
			expect(r.periods.map((p) => p.orders)).toEqual([4, 4]);
		});
	});
});
