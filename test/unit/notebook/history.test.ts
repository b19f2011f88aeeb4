import { describe, expect, it } from 'vitest';
import { History } from '../../../src/notebook/history';

function history(limit = 100) {
	let now = 0;
	const h = new History<string>({ limit, groupMs: 800, now: () => now });
	return { h, at: (t: number) => (now = t) };
}

describe('History', () => {
	it('groups changes within the group time into one step, and steps apart after a pause', () => {
		const { h, at } = history();
		at(0);
		h.record('a'); // a → ab
		at(300);
		h.record('ab'); // ab → abc, same step
		at(2000);
		h.record('abc'); // abc → abcd, a new step
		expect(h.undo('abcd')).toBe('abc');
		expect(h.undo('abc')).toBe('a');
		expect(h.undo('a')).toBeNull();
		expect(h.canUndo).toBe(false);
	});

	it('step() makes the next change a step of its own however soon', () => {
		const { h, at } = history();
		at(0);
		h.record('a');
		h.step();
		at(10);
		h.record('b');
		expect(h.undo('c')).toBe('b');
		expect(h.undo('b')).toBe('a');
	});

	it('redoes what was undone, and a new change clears the redo list', () => {
		const { h, at } = history();
		at(0);
		h.record('a');
		expect(h.undo('b')).toBe('a');
		expect(h.canRedo).toBe(true);
		expect(h.redo('a')).toBe('b');
		expect(h.undo('b')).toBe('a');
		at(5000);
		h.record('a');
		expect(h.canRedo).toBe(false);
	});

	it('keeps at most `limit` steps', () => {
		const { h, at } = history(3);
		for (let i = 0; i < 10; i++) {
			at(i * 1000);
			h.record(String(i));
		}
		const back: (string | null)[] = [];
		let current = '10';
		for (let i = 0; i < 5; i++) {
			const prev = h.undo(current);
			back.push(prev);
			if (prev) current = prev;
		}
		expect(back).toEqual(['9', '8', '7', null, null]);
	});
});
