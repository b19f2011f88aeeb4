/**
 * Guards issue 12 on the awkward, real-shaped corpus (test/fixtures/real-shaped/, made by its
 * generate.mjs): every file segments with the proposed recipe untouched, with sensible roles, and
 * the numbers are checked against the raw file read independently here:
 *
 *   crm-export.csv         TAB in a .csv, key ID, dd-mm-yyyy, constants out, outliers flagged
 *   wholesale.csv          semicolons, no key, Channel/Region as categories, spend logged
 *   retail-float-keys.csv  12347.0 keys joined to 12347, mm/dd/yy dates, cancellations dropped,
 *                          return-only customers left out and counted, recency in calendar days
 *   kassenbons.csv         semicolons, decimal commas, dd.mm.yyyy
 *   duplicated-keys.csv    a repeating key is not used, and refused when chosen
 *   latin1-clients.csv     Latin-1 bytes read as José and Málaga
 *
 * The headerless fixed-width file needs the Read as panel (the ingest work): its rows are read
 * here with fixed columns in SQL, to check its numbers once that panel reads it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../workers/engine';
import type { FeatureRecipe, FeatureReport, SegmentRef } from '../../src/engine/api';
import { bytesFile, createEngine, refsFor } from '../helpers/engine';

/** The tables of the Features cell built last in these tests (one Features cell at a time). */
let cellRef: SegmentRef;

function build(engine: Engine, recipe: FeatureRecipe): Promise<FeatureReport> {
	cellRef = refsFor(recipe);
	return engine.buildFeatures(recipe, cellRef);
}

const dir = join(import.meta.dirname, '../fixtures/real-shaped');
interface Entry {
	file: string;
	customers: number;
	companion?: boolean;
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[];
const entry = (file: string): Entry => manifest.find((m) => m.file === file)!;

async function load(engine: Engine, file: string): Promise<string> {
	const report = await engine.loadSource(bytesFile(file, readFileSync(join(dir, file))));
	expect(report.rowsRejected).toBe(0);
	return report.table.name;
}

async function rows(engine: Engine, sqlText: string): Promise<unknown[][]> {
	const table = tableFromIPC((await engine.query(sqlText, { rowLimit: 1_000_000 })).ipc);
	const columns = table.schema.fields.map((_, i) => table.getChildAt(i));
	return Array.from({ length: table.numRows }, (_, r) => columns.map((c) => c?.get(r) as unknown));
}

/** Sweep, segment, personas, export: the untouched pipeline's end, checked the same way for all. */
async function segmentAndExport(engine: Engine, customers: number, columns: string[]) {
	const sweep = await engine.sweep(cellRef, 1);
	expect(sweep.recommendedK).toBeLessThanOrEqual(Math.max(2, Math.floor(customers / 20)));
	await engine.segment(cellRef, { k: sweep.recommendedK, seed: 1 });
	const personas = await engine.personas(cellRef);
	const names = personas.personas.map((p) => p.name);
	expect(new Set(names).size).toBe(names.length);
	for (const name of names) {
		expect(columns).not.toContain(name);
		// Never a raw column name inside the name either ("High Detergents_Paper").
		for (const c of columns.filter((c) => /[_A-Z].*[A-Z_]|_/.test(c))) {
			expect(name, `${name} holds ${c}`).not.toContain(c);
		}
	}
	for (const p of personas.personas) expect(p.action.length).toBeGreaterThan(20);
	const file = await engine.exportSegments(
		cellRef,
		'csv',
		new Map(personas.personas.map((p) => [p.segment, p.name]))
	);
	expect(file.rows).toBe(customers);
	return { sweep, personas };
}

describe('the real-shaped corpus', () => {
	let engine: Engine;
	beforeAll(async () => {
		engine = await createEngine();
	}, 30_000);

	it('the corpus lists a true customer count for every file', () => {
		expect(manifest.map((m) => m.file).sort()).toEqual([
			'crm-export.csv',
			'duplicated-keys.csv',
			'fixed-width.txt',
			'kassenbons.csv',
			'latin1-clients.csv',
			'retail-customers.csv',
			'retail-float-keys.csv',
			'wholesale.csv'
		]);
		for (const m of manifest) expect(m.customers).toBeGreaterThan(0);
	});

	it('CRM export (TAB in a .csv): key ID, constants left out, outliers flagged', async () => {
		const table = await load(engine, 'crm-export.csv');
		const s = await engine.suggestRecipe(table);
		expect(s.columns).toHaveLength(29);
		expect(s.recipe.grain).toBe('customers');
		expect(s.recipe.roles.key).toBe('ID');
		expect(s.columns.find((c) => c.name === 'Dt_Customer')?.type).toBe('DATE');
		for (const c of ['Z_CostContact', 'Z_Revenue']) {
			expect(s.recipe.roles.numerics).not.toContain(c);
			expect(s.notes.join(' ')).toContain(`'${c}'`);
		}
		expect(s.recipe.selected).toContain('MntWines');
		expect(s.recipe.transforms.log1p).toEqual(
			expect.arrayContaining(['Income', 'MntMeatProducts'])
		);
		const outliers = new Map(
			(s.flags ?? []).filter((f) => f.kind === 'outliers').map((f) => [f.column, f.count])
		);
		expect(outliers.get('Year_Birth')).toBe(3);
		expect(outliers.get('Income')).toBe(1);
		const report = await build(engine, s.recipe);
		expect(report.customers).toBe(entry('crm-export.csv').customers);
		// Blank incomes (every 37th row from the 6th) are filled with the median.
		expect(report.stats.find((x) => x.name === 'Income')?.missing).toBe(8);
		await segmentAndExport(
			engine,
			300,
			s.columns.map((c) => c.name)
		);
	});

	it('wholesale (semicolons, no key): codes as categories, spend logged, one customer per row', async () => {
		const table = await load(engine, 'wholesale.csv');
		const s = await engine.suggestRecipe(table);
		const spend = ['Fresh', 'Milk', 'Grocery', 'Frozen', 'Detergents_Paper', 'Delicassen'];
		expect(s.recipe.roles.key).toBeNull();
		expect(s.recipe.roles.categoricals).toEqual(['Channel', 'Region']);
		expect(s.recipe.selected).toEqual(spend);
		expect(s.recipe.transforms.log1p).toEqual(spend);
		expect(s.candidates).toEqual(expect.arrayContaining(['channel_1', 'channel_2', 'region_3']));
		const report = await build(engine, s.recipe);
		expect(report.keyColumn).toBe('row_number');
		expect(report.customers).toBe(200);
		const text = readFileSync(join(dir, 'wholesale.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
		const fresh = text.map((l) => Number(l.split(';')[2]));
		expect(report.stats.find((x) => x.name === 'Fresh')).toMatchObject({
			min: Math.min(...fresh),
			max: Math.max(...fresh)
		});
		// The Data cell profiles the codes by their values, the spend as numbers.
		const profile = await engine.profile(table);
		const byName = new Map(profile.columns.map((c) => [c.name, c]));
		expect(byName.get('Channel')).toMatchObject({ code: true, bins: null });
		const channels = text.map((l) => l.split(';')[0]!);
		expect(
			byName
				.get('Channel')!
				.top!.map((v) => [v.value, v.count])
				.sort()
		).toEqual(['1', '2'].map((v) => [v, channels.filter((c) => c === v).length]));
		expect(byName.get('Region')?.code).toBe(true);
		expect(byName.get('Fresh')?.code).toBeUndefined();
		expect(byName.get('Fresh')?.bins?.length).toBeGreaterThan(0);
		const { personas } = await segmentAndExport(engine, 200, ['Channel', 'Region', ...spend]);
		expect(personas.personas.map((p) => p.name).join(' ')).toMatch(/buyers|spenders|customers/);
	});

	describe('order lines keyed 12347.0 with a customers file keyed 12347', () => {
		/** The file read independently: non-cancelled lines per customer, by calendar day. */
		function expected() {
			const lines = readFileSync(join(dir, 'retail-float-keys.csv'), 'utf8').trim().split('\n');
			const byCustomer = new Map<string, { orders: Set<string>; spend: number; last: number }>();
			let maxDay = 0;
			for (const line of lines.slice(1)) {
				const [invoice, , , qty, date, price, customer] = line.split(',');
				if (!customer || Number(qty) < 0) continue;
				const [m, d, y] = date!.split(' ')[0]!.split('/').map(Number);
				const day = Date.UTC(2000 + y!, m! - 1, d!) / 86_400_000;
				maxDay = Math.max(maxDay, day);
				const id = String(Number(customer));
				const c = byCustomer.get(id) ?? { orders: new Set(), spend: 0, last: 0 };
				c.orders.add(invoice!);
				c.spend += Number(qty) * Number(price);
				c.last = Math.max(c.last, day);
				byCustomer.set(id, c);
			}
			return { byCustomer, asOf: maxDay + 1 };
		}

		beforeAll(async () => {
			await load(engine, 'retail-customers.csv');
			await load(engine, 'retail-float-keys.csv');
		});

		it('joins as keys, drops cancellations, counts return-only customers, calendar-day recency', async () => {
			const s = await engine.suggestRecipe('retail_float_keys');
			expect(s.recipe.roles).toMatchObject({
				key: 'CustomerID',
				orderId: 'InvoiceNo',
				timestamp: 'InvoiceDate',
				quantity: 'Quantity',
				unitPrice: 'UnitPrice'
			});
			expect(s.recipe.customers?.table).toBe('retail_customers');
			expect(s.recipe.dateOrder).toBe('mdy');
			const report = await build(engine, s.recipe);
			const { byCustomer, asOf } = expected();
			expect(report.customers).toBe(entry('retail-float-keys.csv').customers);
			expect(report.customers).toBe(byCustomer.size);
			expect(report.noPurchase).toBe(6);
			expect(report.matchRate).toBe(1);
			expect(report.matchNote).toMatch(/compared as keys: 100\.0%.*finds 0\.0%/);
			const ours = await rows(
				engine,
				'SELECT "CustomerID", recency_days, frequency, monetary FROM customer_features'
			);
			for (const [id, recency, frequency, monetary] of ours) {
				const c = byCustomer.get(String(id))!;
				expect(c, String(id)).toBeDefined();
				expect(Number(recency)).toBe(asOf - c.last);
				expect(Number(frequency)).toBe(c.orders.size);
				expect(Number(monetary)).toBeCloseTo(c.spend, 6);
			}
			await segmentAndExport(
				engine,
				byCustomer.size,
				s.columns.map((c) => c.name)
			);
		});

		it('RFM scores by cut-offs: equal values get equal scores, ties are explained, cut-offs editable', async () => {
			const s = await engine.suggestRecipe('retail_float_keys');
			await build(engine, s.recipe);
			const report = await engine.rfm(cellRef);
			for (const cuts of Object.values(report.cutoffs)) expect(cuts).toHaveLength(4);
			const [[mixed]] = (await rows(
				engine,
				'SELECT count(*) FROM (SELECT frequency FROM rfm_segments GROUP BY frequency HAVING count(DISTINCT f) > 1)'
			)) as [[bigint]];
			expect(Number(mixed)).toBe(0);
			const f = report.cutoffs.frequency;
			if (new Set(f).size < 4)
				expect(report.ties.join(' ')).toMatch(/^Frequency: \d+% of customers/);
			const custom = {
				recency: [30, 60, 120, 240],
				frequency: [1, 2, 3, 5],
				monetary: [50, 100, 200, 400]
			};
			const edited = await engine.rfm(cellRef, undefined, custom);
			expect(edited.cutoffs).toEqual(custom);
			const [[champions]] = (await rows(
				engine,
				'SELECT count(*) FILTER (WHERE r = 5 AND recency_days > 30) FROM rfm_segments'
			)) as [[bigint]];
			expect(Number(champions)).toBe(0);
			expect(edited.groups.reduce((n, g) => n + g.size, 0)).toBe(114);
		});

		it('the Customer lookup finds 12346 however it is written', async () => {
			for (const written of ['12346', '12346.0', '012346', ' 12346 ']) {
				const c = await engine.customer(cellRef, written);
				expect(c.segment, written).toBeGreaterThanOrEqual(1);
				expect(c.timeline.length).toBeGreaterThan(0);
			}
			expect(await engine.customerKeys(cellRef, '0123')).toContain('12346');
		});

		it('netting returns instead keeps the customers who only returned goods out all the same', async () => {
			const s = await engine.suggestRecipe('retail_float_keys');
			const netted = await build(engine, { ...s.recipe, returns: 'net' });
			expect(netted.customers).toBe(114);
			expect(netted.returnLines).toBeGreaterThan(6);
			const exact = await build(engine, { ...s.recipe, recency: 'exact' });
			const [[fraction]] = (await rows(
				engine,
				'SELECT count(*) FILTER (WHERE recency_days <> floor(recency_days)) FROM customer_features'
			)) as [[number]];
			expect(exact.customers).toBe(114);
			expect(Number(fraction)).toBeGreaterThan(0);
		});
	});

	it('German order lines (semicolons, decimal commas, dd.mm.yyyy)', async () => {
		const table = await load(engine, 'kassenbons.csv');
		const s = await engine.suggestRecipe(table);
		expect(s.recipe.roles).toMatchObject({
			key: 'Kunden-Nr.',
			orderId: 'Bon-Nr.',
			timestamp: 'Datum',
			amount: 'Betrag'
		});
		const report = await build(engine, s.recipe);
		expect(report.customers).toBe(90);
		const text = readFileSync(join(dir, 'kassenbons.csv'), 'utf8').trim().split('\n').slice(1);
		const total = text.reduce((n, l) => n + Number(l.split(';')[4]!.replace(',', '.')), 0);
		const [[sum]] = (await rows(engine, 'SELECT sum(monetary) FROM customer_features')) as [
			[number]
		];
		expect(sum).toBeCloseTo(total, 6);
		await segmentAndExport(
			engine,
			90,
			s.columns.map((c) => c.name)
		);
	});

	it('a customer file whose key repeats: not used, refused when chosen, never merged', async () => {
		const table = await load(engine, 'duplicated-keys.csv');
		const s = await engine.suggestRecipe(table);
		expect(s.recipe.roles.key).toBeNull();
		expect(s.notes.join(' ')).toMatch(/'Kunden-Nr\.' repeats on 4 rows/);
		await expect(
			build(engine, { ...s.recipe, roles: { ...s.recipe.roles, key: 'Kunden-Nr.' } })
		).rejects.toMatchObject({
			message: expect.stringMatching(/not unique: 4 keys appear on more than one row/)
		});
		const report = await build(engine, s.recipe);
		expect(report.customers).toBe(150);
		await segmentAndExport(
			engine,
			150,
			s.columns.map((c) => c.name)
		);
	});

	it('a Latin-1 file: names read right, key client_ref', async () => {
		const table = await load(engine, 'latin1-clients.csv');
		const s = await engine.suggestRecipe(table);
		expect(s.columns.map((c) => c.name)).toEqual([
			'client_ref',
			'prénom',
			'ville',
			'âge',
			'dépenses',
			'visites'
		]);
		expect(s.recipe.roles.key).toBe('client_ref');
		const towns = await rows(engine, `SELECT DISTINCT ville FROM ${table} ORDER BY 1`);
		expect(towns.flat()).toContain('Málaga');
		const report = await build(engine, s.recipe);
		expect(report.customers).toBe(240);
		await segmentAndExport(
			engine,
			240,
			s.columns.map((c) => c.name)
		);
	});

	it('the headerless fixed-width file: read at its columns, key, date and amount by their values', async () => {
		const table = await load(engine, 'fixed-width.txt');
		const s = await engine.suggestRecipe(table);
		expect(s.recipe.grain).toBe('transactions');
		expect(s.recipe.roles).toMatchObject({
			key: 'column0',
			timestamp: 'column1',
			amount: 'column3'
		});
		const report = await build(engine, s.recipe);
		const text = readFileSync(join(dir, 'fixed-width.txt'), 'utf8');
		const lines = text.trimEnd().split('\n');
		const ids = new Set(lines.map((l) => l.slice(1, 6)));
		expect(report.customers).toBe(ids.size);
		expect(ids.size).toBe(entry('fixed-width.txt').customers);
		const total = lines.reduce((n, l) => n + Number(l.slice(20).trim()), 0);
		const [[sum]] = (await rows(engine, 'SELECT sum(monetary) FROM customer_features')) as [
			[number]
		];
		expect(sum).toBeCloseTo(total, 6);
		await segmentAndExport(
			engine,
			ids.size,
			s.columns.map((c) => c.name)
		);
	});
});
