/**
 * The segmentation pipeline against real DuckDB-WASM: roles → feature SQL → k sweep → k-means
 * → segments table → RFM → export, on the generated retail sample with planted personas.
 * Guards the quality bar of issue 3: the default recipe recovers the planted personas (ARI).
 */
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor, textFile } from '../helpers/engine';
import type { SegmentRef } from '../../src/engine/api';

async function column(engine: Engine, sqlText: string): Promise<unknown[]> {
	const r = await engine.query(sqlText, { rowLimit: 10_000_000 });
	const t = tableFromIPC(r.ipc);
	return [...(t.getChildAt(0)?.toArray() ?? [])] as unknown[];
}

describe('on the generated retail sample (6,000 customers)', () => {
	let engine: Engine;
	let ref: SegmentRef;
	beforeAll(async () => {
		engine = await createEngine();
		await engine.loadSample({ customers: 6000, seed: 11 });
	}, 60_000);

	it('detects the roles and proposes log-RFM + average order value', async () => {
		const s = await engine.suggestRecipe('transactions');
		expect(s.recipe.grain).toBe('transactions');
		expect(s.recipe.roles).toMatchObject({
			key: 'customer_id',
			orderId: 'invoice_id',
			timestamp: 'invoice_date',
			quantity: 'quantity',
			unitPrice: 'unit_price',
			discount: 'discount'
		});
		expect(s.recipe.selected).toEqual(['recency_days', 'frequency', 'monetary', 'avg_order_value']);
		expect(s.candidates).toContain('share_channel_web');
		expect(s.recipe.customers?.table).toBe('customers');
	});

	it('recovers the planted personas with k = 6 (adjusted Rand index ≥ 0.9) for several seeds', async () => {
		const { recipe } = await engine.suggestRecipe('transactions');
		ref = refsFor(recipe);
		const report = await engine.buildFeatures(recipe, ref);
		expect(report.customers).toBe(6000);
		expect(report.matchRate).toBe(1);
		for (const seed of [1, 2, 3]) {
			await engine.segment(ref, { k: 6, seed });
			const found = await column(
				engine,
				`SELECT s.segment FROM segments s JOIN _answer_key a USING (customer_id) ORDER BY customer_id`
			);
			const truth = await column(
				engine,
				`SELECT a.persona FROM segments s JOIN _answer_key a USING (customer_id) ORDER BY customer_id`
			);
			const codes = new Map<unknown, number>();
			const truthCodes = truth.map(
				(p) => codes.get(p) ?? (codes.set(p, codes.size), codes.size - 1)
			);
			expect(adjustedRandIndex(found.map(Number), truthCodes)).toBeGreaterThanOrEqual(0.9);
		}
	});

	it('the k sweep recommends a k with a reason, and segments are deterministic per seed', async () => {
		const sweep = await engine.sweep(ref, 42);
		expect(sweep.rows.map((r) => r.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(sweep.reason).toMatch(new RegExp(`k = ${sweep.recommendedK}`));
		const a = await engine.segment(ref, { k: sweep.recommendedK, seed: 42 });
		const b = await engine.segment(ref, { k: sweep.recommendedK, seed: 42 });
		expect(b.segments).toEqual(a.segments);
		expect(a.segments.reduce((n, s) => n + s.size, 0)).toBe(6000);
	});

	it('assigns every customer an RFM group', async () => {
		const r = await engine.rfm(ref);
		expect(r.groups.reduce((n, g) => n + g.size, 0)).toBe(6000);
		expect(r.groups.map((g) => g.group)).toContain('Champions');
		expect(r.cutoffs.recency).toHaveLength(4);
		// The grid: every customer in exactly one R × FM cell, each cell named by its group.
		expect(r.grid.reduce((n, c) => n + c.customers, 0)).toBe(6000);
		expect(new Set(r.grid.map((c) => `${c.r},${c.fm}`)).size).toBe(r.grid.length);
		for (const c of r.grid) {
			expect(c.r).toBeGreaterThanOrEqual(1);
			expect(c.fm).toBeLessThanOrEqual(5);
		}
		const champions = r.grid.filter((c) => c.group === 'Champions');
		expect(champions.every((c) => c.r >= 4 && c.fm >= 4)).toBe(true);
		expect(champions.reduce((n, c) => n + c.customers, 0)).toBe(
			r.groups.find((g) => g.group === 'Champions')?.size
		);
	});

	it('exports segments.csv: key under its own name, segment, persona; one row per customer', async () => {
		await engine.segment(ref, { k: 6, seed: 1 });
		const file = await engine.exportSegments(ref, 'csv', new Map([[1, 'Big spenders']]));
		const lines = new TextDecoder().decode(file.bytes).trim().split('\n');
		expect(lines[0]).toBe('customer_id,segment,persona');
		expect(lines).toHaveLength(6001);
		expect(lines.some((l) => l.endsWith(',1,Big spenders'))).toBe(true);
		const parquet = await engine.exportSegments(ref, 'parquet');
		expect(new TextDecoder().decode(parquet.bytes.slice(0, 4))).toBe('PAR1');
	});
});

describe('bad data in the numbers', () => {
	let engine: Engine;
	beforeAll(async () => {
		engine = await createEngine();
	});

	it('a single customer: a clear message for k = 2', async () => {
		await engine.loadSource(textFile('one.csv', 'customer_id,age,income\nC1,30,50000\n'));
		const { recipe } = await engine.suggestRecipe('one');
		const ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		await expect(engine.segment(ref, { k: 2, seed: 1 })).rejects.toMatchObject({
			message: expect.stringMatching(/only 1 customer/)
		});
	});

	it('constant and all-equal features: flagged, and k > distinct points refused plainly', async () => {
		const rows = Array.from({ length: 30 }, (_, i) => `C${i},40,${i % 3}`).join('\n');
		await engine.loadSource(textFile('flat.csv', `customer_id,age,visits\n${rows}\n`));
		const { recipe, notes } = await engine.suggestRecipe('flat');
		// A constant column is left out of the proposal with a note ...
		expect(recipe.roles.numerics).toEqual(['visits']);
		expect(notes.join(' ')).toMatch(/same on every row: 'age' \(40\)/);
		// ... and flagged when the user puts it back.
		const ref = refsFor({
			...recipe,
			roles: { ...recipe.roles, numerics: ['age', 'visits'] },
			selected: ['age', 'visits']
		});
		const report = await engine.buildFeatures(ref.recipe, ref);
		expect(report.constant).toEqual(['age']);
		await expect(engine.segment(ref, { k: 5, seed: 1 })).rejects.toMatchObject({
			message: expect.stringMatching(/3 distinct/)
		});
		const ok = await engine.segment(ref, { k: 3, seed: 1 });
		expect(ok.segments.map((s) => s.size)).toEqual([10, 10, 10]);
	});

	it('NaN, infinity and empty values are treated as missing, never NaN centroids', async () => {
		await engine.loadSource(
			textFile(
				'holes.csv',
				'customer_id,spend,visits\nA,1,1\nB,NaN,2\nC,inf,3\nD,,4\nE,5,5\nF,6,6\n'
			)
		);
		const { recipe } = await engine.suggestRecipe('holes');
		const ref = refsFor({ ...recipe, selected: ['spend', 'visits'] });
		const report = await engine.buildFeatures(ref.recipe, ref);
		expect(report.stats.find((s) => s.name === 'spend')?.missing).toBe(3);
		const seg = await engine.segment(ref, { k: 2, seed: 1 });
		for (const s of seg.segments) for (const [, v] of s.means) expect(Number.isNaN(v)).toBe(false);
	});

	it('extreme outliers give finite results', async () => {
		await engine.loadSource(
			textFile('wild.csv', 'customer_id,spend,visits\nA,1,1\nB,2,2\nC,1e300,3\nD,3,4\nE,2,5\n')
		);
		const { recipe } = await engine.suggestRecipe('wild');
		const ref = refsFor({ ...recipe, selected: ['spend', 'visits'] });
		await engine.buildFeatures(ref.recipe, ref);
		const seg = await engine.segment(ref, { k: 2, seed: 1 });
		expect(Number.isFinite(seg.inertia)).toBe(true);
	});
});

describe('segments join back to the right customers', () => {
	// Two far-apart groups, keys in an order unrelated to the rows: a segment landing on the wrong
	// row would split a group.
	for (const keyName of ['customer', 'rowid']) {
		it(`with a key column named ${keyName}`, async () => {
			const engine = await createEngine();
			const rows = Array.from({ length: 60 }, (_, i) => {
				const group = (i * 7919) % 13 < 6 ? 'A' : 'B';
				const key = `${group}-${String((i * 37) % 60).padStart(2, '0')}`;
				const value = group === 'A' ? 10 + (i % 5) : 1000 + (i % 7);
				return `${key},${value},${value * 2}`;
			});
			await engine.loadSource(
				textFile('groups.csv', `${keyName},spend,visits\n${rows.join('\n')}\n`)
			);
			const { recipe } = await engine.suggestRecipe('groups');
			expect(recipe.roles.key).toBe(keyName);
			const ref = refsFor({ ...recipe, selected: ['spend', 'visits'] });
			await engine.buildFeatures(ref.recipe, ref);
			await engine.segment(ref, { k: 2, seed: 1 });
			const table = tableFromIPC(
				(await engine.query(`SELECT * FROM segments`, { rowLimit: 100 })).ipc
			).toArray();
			expect(table).toHaveLength(60);
			const segmentOf = new Map<string, Set<number>>([
				['A', new Set()],
				['B', new Set()]
			]);
			for (const row of table) {
				const key = String(row[keyName]);
				segmentOf.get(key[0]!)!.add(Number(row.segment));
			}
			expect([...segmentOf.get('A')!]).toHaveLength(1);
			expect([...segmentOf.get('B')!]).toHaveLength(1);
			expect(segmentOf.get('A')).not.toEqual(segmentOf.get('B'));
		});
	}
});

describe('order lines without a customer key', () => {
	it('are left out of the customers, the reference date and the spend mix', async () => {
		const engine = await createEngine();
		// The keyless lines (empty, blank, missing) are the latest and the largest, all 'toys'.
		const csv = [
			'order_id,customer_id,order_date,category,amount',
			'O1,A,2024-01-05,books,10',
			'O2,A,2024-02-01,home,30',
			'O3,B,2024-03-01,books,20',
			'O4,,2024-06-30,toys,900',
			'O5,   ,2024-07-31,toys,800',
			'O6,"",2024-08-31,toys,700'
		].join('\n');
		await engine.loadSource(textFile('keyless.csv', `${csv}\n`));
		const { recipe } = await engine.suggestRecipe('keyless');
		expect(recipe.roles).toMatchObject({ key: 'customer_id', amount: 'amount' });
		const ref = refsFor(recipe);
		const report = await engine.buildFeatures(recipe, ref);
		expect(report.customers).toBe(2);
		const rows = tableFromIPC(
			(
				await engine.query(
					`SELECT customer_id, recency_days, monetary, share_category_books, share_category_toys
					 FROM customer_features ORDER BY customer_id`,
					{ rowLimit: 10 }
				)
			).ipc
		).toArray();
		// Reference date: the day after B's purchase on 2024-03-01, not after the keyless lines.
		expect(rows.map((r) => [r.customer_id, Number(r.recency_days), r.monetary])).toEqual([
			['A', 30, 40],
			['B', 1, 20]
		]);
		expect(rows.map((r) => [r.share_category_books, r.share_category_toys])).toEqual([
			[0.25, 0],
			[1, 0]
		]);
	});
});

describe('customer-level files', () => {
	it('without an id column: customers are numbered by their line, and every scaling keeps n rows', async () => {
		const engine = await createEngine();
		const rows = Array.from(
			{ length: 40 },
			(_, i) => `${20 + (i % 7) * 5},${(i % 5) * 1000 + 100}`
		);
		await engine.loadSource(textFile('people.csv', `age,balance\n${rows.join('\n')}\n`));
		const s = await engine.suggestRecipe('people');
		expect(s.notes.join(' ')).toMatch(/row_number/);
		let ref = refsFor(s.recipe);
		for (const scale of ['zscore', 'robust', 'none'] as const) {
			ref = refsFor({
				...s.recipe,
				selected: ['age', 'balance'],
				transforms: { ...s.recipe.transforms, scale }
			});
			const report = await engine.buildFeatures(ref.recipe, ref);
			expect(report.keyColumn).toBe('row_number');
			expect(await engine.count('model_matrix')).toBe(40);
		}
		const file = await engine.exportSegments(ref, 'csv').catch(() => null);
		expect(file).toBeNull();
		await engine.segment(ref, { k: 3, seed: 1 });
		const csv = new TextDecoder().decode((await engine.exportSegments(ref, 'csv')).bytes);
		expect(csv.split('\n')[0]).toBe('row_number,segment,persona');
	});
});
