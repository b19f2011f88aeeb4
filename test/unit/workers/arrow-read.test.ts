/**
 * columnValues against apache-arrow's own `get(i)`: the same values for text that is ASCII or
 * not, with nulls and empty strings, over several batches and a slice of one; other types as
 * `get(i)` gives them.
 */
import { Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnValues } from '../../../workers/arrow-read';

const viaGet = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => v.get(i));

describe('columnValues', () => {
	it('reads text as apache-arrow does, ASCII or not, with nulls', () => {
		for (const values of [
			['C0000001', 'C0000002', '', 'x'],
			['a', null, 'b', null, ''],
			['Zoë', 'naïve', '東京', 'plain', null],
			[]
		]) {
			const v = vectorFromArray(values, new Utf8());
			expect(columnValues(v)).toEqual(viaGet(v));
		}
	});

	it('reads every batch of a column, and a slice of one', () => {
		const a = vectorFromArray(['k1', 'k2', null], new Utf8());
		const b = vectorFromArray(['ü1', 'k4'], new Utf8());
		const both = a.concat(b);
		expect(both.data).toHaveLength(2);
		expect(columnValues(both)).toEqual(['k1', 'k2', null, 'ü1', 'k4']);
		const slice = vectorFromArray(['s0', 's1', 's2', 's3', null, 's5'], new Utf8()).slice(2, 5);
		expect(columnValues(slice)).toEqual(viaGet(slice));
	});

	it('gives other types as get(i) does', () => {
		const v = vectorFromArray([1, 2.5, null]);
		expect(columnValues(v)).toEqual(viaGet(v));
	});
});
