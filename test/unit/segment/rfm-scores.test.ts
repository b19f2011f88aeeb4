/** Guards the RFM tie explanations (src/segment/rfm-scores.ts): which scores are empty, in words. */
import { describe, expect, it } from 'vitest';
import { cleanCutoffs, explainTies } from '../../../src/segment/rfm-scores';

describe('explainTies', () => {
	it('three frequency cut-offs on 1 order: F = 2 and 3 are empty', () => {
		const ties = explainTies(
			{ recency: [10, 40, 90, 200], frequency: [1, 1, 1, 3], monetary: [20, 50, 90, 300] },
			() => 0.62
		);
		expect(ties).toEqual([
			'Frequency: 62% of customers have exactly 1 order, so 3 cut-offs fall on that value; tied customers get the same score and F = 2 and 3 are empty. Edit the cut-offs to split them differently.'
		]);
	});

	it('recency cut-offs that coincide empty the scores in between (5 = most recent)', () => {
		const ties = explainTies(
			{ recency: [0, 0, 30, 60], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] },
			() => 0.3
		);
		expect(ties[0]).toMatch(/^Recency: 30% of customers have exactly 0 days.*R = 4 is empty/);
	});

	it('cut-offs are used only when complete and finite, and sorted', () => {
		expect(
			cleanCutoffs({ recency: [3, 1, 2, 4], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] })
				?.recency
		).toEqual([1, 2, 3, 4]);
		expect(
			cleanCutoffs({ recency: [1, 2, 3], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] })
		).toBeNull();
	});
});
