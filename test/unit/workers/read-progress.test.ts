/** How far a load has got (workers/read-progress.ts): the share of the file read in a phase. */
import { describe, expect, it } from 'vitest';
import { ReadProgress } from '../../../workers/read-progress';

const read = (start: number, end: number, name = 'orders.csv', size = 100) => ({
	name,
	size,
	start,
	end
});

describe('ReadProgress', () => {
	it('is null before the first read, then the share of bytes covered', () => {
		const p = new ReadProgress('orders.csv', 100);
		expect(p.fraction).toBeNull();
		expect(p.add(read(0, 25))).toBe(0.25);
		expect(p.add(read(25, 50))).toBe(0.5);
		expect(p.add(read(50, 100))).toBe(1);
	});

	it('counts overlapping and repeated slices once, in any order (out of order)', () => {
		const p = new ReadProgress('orders.csv', 100);
		expect(p.add(read(90, 100))).toBe(0.1);
		expect(p.add(read(0, 30))).toBe(0.4);
		expect(p.add(read(20, 40))).toBe(0.5);
		expect(p.add(read(0, 40))).toBe(0.5);
		expect(p.add(read(40, 90))).toBe(1);
	});

	it('ignores slices of another file, or of a file of another size', () => {
		const p = new ReadProgress('orders.csv', 100);
		expect(p.add(read(0, 50, 'customers.csv'))).toBeNull();
		expect(p.add(read(0, 50, 'orders.csv', 200))).toBeNull();
		expect(p.fraction).toBeNull();
	});

	it('starts again from nothing in a new phase (the sniffer read the start already)', () => {
		const p = new ReadProgress('orders.csv', 100);
		p.add(read(0, 60));
		p.restart();
		expect(p.fraction).toBeNull();
		expect(p.add(read(0, 10))).toBe(0.1);
	});
});
