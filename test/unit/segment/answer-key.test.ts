import { describe, expect, it } from 'vitest';
import { ariSentence, confusion } from '../../../src/segment/answer-key';

describe('confusion', () => {
	it('counts persona × segment, orders personas as the generator does, finds majorities', () => {
		const personas = ['loyal', 'champion', 'loyal', 'champion', 'loyal', 'zebra'];
		const segments = [2, 1, 2, 1, 1, 3];
		const c = confusion(personas, segments);
		expect(c.personas).toEqual(['champion', 'loyal', 'zebra']);
		expect(c.segments).toEqual([1, 2, 3]);
		expect(c.counts).toEqual([
			[2, 0, 0],
			[1, 2, 0],
			[0, 0, 1]
		]);
		expect(c.matches).toEqual([
			{ segment: 1, persona: 'champion', share: 2 / 3 },
			{ segment: 2, persona: 'loyal', share: 1 },
			{ segment: 3, persona: 'zebra', share: 1 }
		]);
		expect(c.agreement).toBeCloseTo(5 / 6);
	});

	it('gives ARI 1 for the same grouping under other names, and rejects unequal lengths', () => {
		expect(confusion(['a', 'a', 'b', 'b'], [7, 7, 3, 3]).ari).toBe(1);
		expect(() => confusion(['a'], [1, 2])).toThrow(RangeError);
	});

	it('explains an ARI in words', () => {
		expect(ariSentence(0.95)).toMatch(/almost exactly/);
		expect(ariSentence(0.02)).toMatch(/random/);
	});
});
