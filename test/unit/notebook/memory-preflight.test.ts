/** The memory pre-flight (issue 16): which files the tab cannot hold, and what it says then. */
import { describe, expect, it } from 'vitest';
import { memoryBudget, preflight } from '../../../src/notebook/memory-preflight';

describe('memory pre-flight', () => {
	it('lets the measured sizes through and stops a file the engine cannot hold', () => {
		// 10M lines (630 MB) run today in 3 GB; 30M lines (about 1.9 GB) is past the heap.
		expect(preflight('t.csv', 630e6, {}).fits).toBe(true);
		const big = preflight('orders.csv', 2.5e9, {});
		expect(big.fits).toBe(false);
		expect(big.sampleEvery).toBe(2);
		expect(big.message).toMatch(/^orders\.csv is 2\.5 GB: loading it would need about 5\.0 GB/);
		expect(big.message).toMatch(/Segment a sample of its customers \(1 in 2\)/);
		expect(big.message).toMatch(/Export pipeline → DuckDB SQL/);
	});

	it('gives a small device half its memory, and honours the browser’s heap limit', () => {
		expect(memoryBudget({ deviceMemoryGb: 2 })).toBe(1e9);
		expect(memoryBudget({ deviceMemoryGb: 8, jsHeapLimit: 2e9 })).toBe(2e9);
		expect(preflight('t.csv', 630e6, { deviceMemoryGb: 1 }).fits).toBe(false);
	});

	it('takes an explicit budget (as the tests set it) over what the browser says', () => {
		const p = preflight('small.csv', 60_000, { override: 50_000, deviceMemoryGb: 8 });
		expect(p.fits).toBe(false);
		expect(p.budget).toBe(50_000);
		expect(p.sampleEvery).toBe(4);
		expect(preflight('small.csv', 20_000, { override: 50_000 }).fits).toBe(true);
	});
});
