/** Arrow IPC from JavaScript columns: what goes in comes out, text in any script included. */
import { tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeColumns } from '../../../workers/arrow-build';

function roundTrip(values: unknown[]): unknown[] {
	const { ipc } = encodeColumns(new Map([['c', values]]));
	const column = tableFromIPC(ipc).getChild('c');
	return Array.from({ length: values.length }, (_, i) => column?.get(i) ?? null);
}

describe('encodeColumns, text', () => {
	it('keeps every string, repeated or not, with nulls in place', () => {
		const values = ['home', 'ünïcödé', null, '日本語', 'home', '', '😀 emoji', undefined, 'home'];
		expect(roundTrip(values)).toEqual(values.map((v) => v ?? null));
	});

	it('round-trips arbitrary strings, lone surrogates becoming U+FFFD as TextEncoder does', () => {
		fc.assert(
			fc.property(fc.array(fc.option(fc.string({ unit: 'binary' }), { nil: null })), (values) => {
				const expected = values.map((v) =>
					v === null ? null : new TextDecoder().decode(new TextEncoder().encode(v))
				);
				expect(roundTrip(values)).toEqual(expected);
			}),
			{ numRuns: 200 }
		);
	});

	it('names a column __proto__ without touching any prototype', () => {
		const { ipc } = encodeColumns(new Map([['__proto__', ['a', 'b']]]));
		expect(tableFromIPC(ipc).schema.fields.map((f) => f.name)).toEqual(['__proto__']);
		expect(({} as Record<string, unknown>).a).toBeUndefined();
	});
});
