/**
 * Hostile data through the whole pipeline on real DuckDB-WASM (RELIABILITY.md T6, T7, case 13):
 * columns called `__proto__`, `constructor` and `<img …>`, HTML in the values; and the privacy
 * of exports: no personal data in segments or result files unless the user opts in, and small
 * segments held back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportPrivacy, SegmentRef } from '../../src/engine/api';
import type { Engine } from '../../workers/engine';
import { createEngine, refsFor, textFile } from '../helpers/engine';

const IMG = '<img src=x onerror=window.__pwned=1>';

function hostileCsv(): string {
	const q = (s: string): string => `"${s.replaceAll('"', '""')}"`;
	const lines = [
		['customer_id', 'email', '__proto__', 'constructor', IMG, '<b>x</b>'].map(q).join(',')
	];
	for (let i = 1; i <= 90; i++) {
		const g = i % 3;
		lines.push(
			[
				q(`${IMG}-${i}`),
				`user${i}@example.com`,
				10 + g * 100 + (i % 7),
				1 + g * 5 + (i % 2),
				g * 50 + (i % 5),
				q(g === 0 ? '<b>x</b>' : 'plain')
			].join(',')
		);
	}
	return lines.join('\n') + '\n';
}

/** Orders keyed by the customer's e-mail address: the key itself is personal data. */
function ordersByEmail(): string {
	const lines = ['order_id,customer_id,order_date,amount'];
	let order = 1;
	for (let c = 1; c <= 60; c++) {
		// Two customers order far more than the rest: a segment of 2 after k-means.
		const orders = c <= 2 ? 40 : 1 + (c % 4);
		for (let o = 0; o < orders; o++) {
			const day = String(1 + ((c * 7 + o * 3) % 28)).padStart(2, '0');
			const amount = c <= 2 ? 900 + o : 10 + ((c * 13 + o) % 50);
			lines.push(`${order++},customer${c}@example.com,2024-0${1 + (o % 9)}-${day},${amount}`);
		}
	}
	return lines.join('\n') + '\n';
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('a file with hostile column names and values', () => {
	it('segments and profiles it, keeping every name as data', async () => {
		const engine = await createEngine();
		await engine.loadSource(textFile('hostile.csv', hostileCsv()));
		const { recipe } = await engine.suggestRecipe('hostile');
		expect(recipe.selected).toEqual(expect.arrayContaining(['__proto__', 'constructor', IMG]));
		const ref = refsFor(recipe);
		const features = await engine.buildFeatures(recipe, ref);
		expect(features.stats.map((s) => s.name)).toEqual(
			expect.arrayContaining(['__proto__', 'constructor', IMG])
		);
		const sweep = await engine.sweep(ref, 42);
		expect(sweep.recommendedK).toBeGreaterThanOrEqual(2);
		const segments = await engine.segment(ref, { k: 3, seed: 1 });
		expect(segments.k).toBe(3);
		const personas = await engine.personas(ref);
		expect(personas.personas).toHaveLength(3);
		expect(Object.getPrototypeOf(personas.personas[0])).toBe(Object.prototype);
		const customer = await engine.customer(ref, `${IMG}-7`);
		expect(customer.segment).not.toBeNull();
		expect(customer.features.map((f) => f.feature)).toContain('__proto__');
	});
});

describe('exports carry no personal data unless the user opts in', () => {
	let engine: Engine;
	let ref: SegmentRef;
	const salt = 'notebook-salt';
	const closed: ExportPrivacy = { includePersonal: false, salt, minSegmentSize: 0 };
	beforeAll(async () => {
		engine = await createEngine();
		await engine.loadSource(textFile('orders.csv', ordersByEmail()));
		const { recipe } = await engine.suggestRecipe('orders');
		expect(recipe.roles.key).toBe('customer_id');
		ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		await engine.segment(ref, { k: 3, seed: 1 });
	});

	it('replaces an e-mail key by the notebook-salted hash protectColumn writes', async () => {
		const file = await engine.exportSegments(ref, 'csv', undefined, closed);
		const lines = text(file.bytes).trim().split('\n');
		expect(lines[0]).toBe('customer_id,segment,persona');
		expect(lines).toHaveLength(61);
		expect(text(file.bytes)).not.toMatch(/@example\.com/);
		for (const line of lines.slice(1)) expect(line).toMatch(/^h_[0-9a-f]{16},\d+,/);
		expect(file.notes?.join(' ')).toMatch(/customer_id looks like personal data.*salted hash/);
		// The same hash as "replace by a salted hash" in the Data cell: the owner can join it back.
		const own = await engine.query(
			`SELECT 'h_' || left(sha256(${"'" + salt + "'"} || 'customer1@example.com'), 16) AS h`,
			{}
		);
		const { tableFromIPC } = await import('apache-arrow');
		const h = String(tableFromIPC(own.ipc).getChildAt(0)?.get(0));
		expect(lines.some((l) => l.startsWith(`${h},`))).toBe(true);
		const parquet = await engine.exportSegments(ref, 'parquet', undefined, closed);
		expect(text(parquet.bytes)).not.toMatch(/@example\.com/);
	});

	it('keeps the e-mail key when the user opts in', async () => {
		const file = await engine.exportSegments(ref, 'csv', undefined, {
			...closed,
			includePersonal: true
		});
		expect(text(file.bytes)).toMatch(/customer1@example\.com,\d+,/);
		expect(file.notes ?? []).toEqual([]);
	});

	it('does not hash a key twice: a key already hashed in the Data cell is exported as it is', async () => {
		const other = await createEngine();
		await other.loadSource(textFile('orders.csv', ordersByEmail()));
		await other.protectColumn('orders', 'customer_id', 'hash', salt);
		const { recipe } = await other.suggestRecipe('orders');
		expect(recipe.roles.key).toBe('customer_id');
		const otherRef = refsFor(recipe);
		await other.buildFeatures(recipe, otherRef);
		await other.segment(otherRef, { k: 3, seed: 1 });
		const mine = text((await engine.exportSegments(ref, 'csv', undefined, closed)).bytes);
		const theirs = await other.exportSegments(otherRef, 'csv', undefined, closed);
		expect(theirs.notes ?? []).toEqual([]);
		const keys = (csv: string): string[] =>
			csv
				.trim()
				.split('\n')
				.slice(1)
				.map((l) => l.split(',')[0]!)
				.sort();
		expect(keys(text(theirs.bytes))).toEqual(keys(mine));
	});

	it('holds back segments under the minimum size, and says how many customers and why', async () => {
		const all = text((await engine.exportSegments(ref, 'csv', undefined, closed)).bytes);
		const sizes = new Map<string, number>();
		for (const l of all.trim().split('\n').slice(1)) {
			const s = l.split(',')[1]!;
			sizes.set(s, (sizes.get(s) ?? 0) + 1);
		}
		const smallest = Math.min(...sizes.values());
		const file = await engine.exportSegments(ref, 'csv', undefined, {
			...closed,
			minSegmentSize: smallest + 1
		});
		const lines = text(file.bytes).trim().split('\n');
		const held = [...sizes.values()].filter((n) => n <= smallest).reduce((a, b) => a + b, 0);
		expect(lines).toHaveLength(61 - held);
		expect(file.rows).toBe(60 - held);
		expect(file.notes?.join(' ')).toMatch(
			new RegExp(
				`${held} customers? in segments? [\\d, ]+ (was|were) held back: segments under ${smallest + 1} customers`
			)
		);
	});

	it('masks result columns that look personal, unless the user opts in', async () => {
		const sql = `SELECT customer_id AS email, 'Ann Smith' AS customer_name, count(*) AS orders FROM orders GROUP BY ALL ORDER BY email LIMIT 3`;
		const masked = await engine.exportQuery(sql, 'csv', closed);
		const lines = text(masked.bytes).trim().split('\n');
		expect(lines[0]).toBe('email,customer_name,orders');
		expect(lines[1]).toMatch(/^c\*\*\*@example\.com,A\*{8},\d+$/);
		expect(masked.notes?.join(' ')).toMatch(/email, customer_name look like personal data/);
		const parquet = await engine.exportQuery(sql, 'parquet', closed);
		expect(text(parquet.bytes)).not.toMatch(/customer1@example\.com|Ann Smith/);
		const open = await engine.exportQuery(sql, 'csv', { ...closed, includePersonal: true });
		expect(text(open.bytes)).toMatch(/customer1\d*@example\.com,Ann Smith,/);
		// No privacy given at all: masked too.
		expect(text((await engine.exportQuery(sql, 'csv')).bytes)).not.toMatch(/@example\.com,Ann/);
	});
});
