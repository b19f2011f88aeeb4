/** Guards the only two ways values reach generated SQL, and table naming from file names. */
import { describe, expect, it } from 'vitest';
import {
	ident,
	isQueryStatement,
	literal,
	stripComments,
	tableNameFor
} from '../../../src/sql/sql';

describe('quoting', () => {
	it('doubles quotes in identifiers and literals', () => {
		expect(ident('a"b')).toBe('"a""b"');
		expect(literal("O'Brien")).toBe("'O''Brien'");
		expect(literal(null)).toBe('NULL');
		expect(() => literal(Number.NaN)).toThrow(RangeError);
	});
});

describe('tableNameFor', () => {
	it('sanitises and keeps names unique', () => {
		expect(tableNameFor('Ventes Été 2024.csv', new Set())).toBe('ventes_ete_2024');
		expect(tableNameFor('2024.csv', new Set())).toBe('t_2024');
		expect(tableNameFor('orders.csv', new Set(['orders']))).toBe('orders_2');
		expect(tableNameFor('Orders.csv', new Set(['orders', 'orders_2']))).toBe('orders_3');
		expect(tableNameFor('¿¿¿.csv', new Set())).toBe('table');
	});
});

describe('isQueryStatement', () => {
	it('accepts single queries and refuses statements and scripts', () => {
		expect(isQueryStatement('SELECT 1;')).toBe(true);
		expect(isQueryStatement('-- note\nWITH a AS (SELECT 1) FROM a')).toBe(true);
		expect(isQueryStatement('CREATE TABLE x AS SELECT 1')).toBe(false);
		expect(isQueryStatement('SELECT 1; SELECT 2')).toBe(false);
	});

	it('strips comments but not strings', () => {
		expect(stripComments("SELECT '--x' /* c */ -- d\n")).toBe("SELECT '--x'  \n");
	});
});
