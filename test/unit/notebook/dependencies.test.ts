import { describe, expect, it } from 'vitest';
import { readsOf, dependents, mentions, upstream } from '../../../src/notebook/dependencies';
import {
	newChartCell,
	newDataCell,
	newFeaturesCell,
	newNotesCell,
	newPersonasCell,
	newSegmentsCell,
	newSqlCell,
	type Cell
} from '../../../src/notebook/model';

describe('mentions', () => {
	it('finds a table named bare or quoted, not inside other names', () => {
		expect(mentions('SELECT * FROM orders', 'orders')).toBe(true);
		expect(mentions('select * from ORDERS o', 'orders')).toBe(true);
		expect(mentions('SELECT * FROM "my table"', 'my table')).toBe(true);
		expect(mentions('SELECT * FROM orders_2024', 'orders')).toBe(false);
		expect(mentions('SELECT old_orders FROM x', 'orders')).toBe(false);
	});
});

describe('dependents', () => {
	const data = newDataCell('orders', 'orders.csv', ['id'], null);
	const big = newSqlCell('SELECT * FROM orders WHERE amount > 100', 'big_orders');
	const chart = newChartCell('big_orders', 'amount');
	const unrelated = newSqlCell('SELECT 42');
	const features = newFeaturesCell('orders');
	const segments = newSegmentsCell();
	const personas = newPersonasCell();
	const notes = newNotesCell('hello');
	const cells: Cell[] = [data, notes, big, chart, unrelated, features, segments, personas];
	const tables = ['orders'];

	it('follows results through SQL into charts, and nothing else', () => {
		expect(dependents(cells, big.id, tables)).toEqual([chart.id]);
		expect(dependents(cells, unrelated.id, tables)).toEqual([]);
		expect(dependents(cells, chart.id, tables)).toEqual([]);
	});

	it('finds what a cell builds on, above it only, in document order', () => {
		expect(upstream(cells, chart.id, tables)).toEqual([data.id, big.id]);
		expect(upstream(cells, personas.id, tables)).toEqual([data.id, features.id, segments.id]);
		expect(upstream(cells, unrelated.id, tables)).toEqual([]);
		const below = newSqlCell('SELECT * FROM later', 'later');
		const reader = newSqlCell('SELECT count(*) FROM later');
		expect(upstream([data, reader, below], reader.id, tables)).toEqual([]);
	});

	it('follows the pipeline: features → segments → personas', () => {
		expect(dependents(cells, features.id, tables)).toEqual([segments.id, personas.id]);
		expect(dependents(cells, segments.id, tables)).toEqual([personas.id]);
	});

	it('makes everything reading a data table depend on it, in document order', () => {
		expect(dependents(cells, data.id, tables)).toEqual([
			big.id,
			chart.id,
			features.id,
			segments.id,
			personas.id
		]);
	});

	it('lets a SQL cell read the pipeline tables it names', () => {
		const q = newSqlCell('SELECT segment, count(*) FROM segments GROUP BY 1');
		expect(readsOf(q, [q], ['segments', 'orders'])).toEqual(['segments']);
		expect(dependents([...cells, q], segments.id, tables)).toEqual([personas.id, q.id]);
	});
});
