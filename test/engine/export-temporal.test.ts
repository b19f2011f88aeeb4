/**
 * Guards issue 17's exports: a query's DATE, TIME, TIMESTAMP and INTERVAL columns reach a CSV
 * download as ISO text (a TIME was written as microseconds), and a date cast to text is not
 * masked as personal data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../workers/engine';
import { createEngine } from '../helpers/engine';
import { detectPii } from '../../src/segment/pii';

let engine: Engine;
beforeAll(async () => {
	engine = await createEngine();
}, 120_000);

const privacy = { includePersonal: false, salt: 'nb-1', minSegmentSize: 0 };

async function csv(sqlText: string): Promise<{ text: string; notes: string[] }> {
	const file = await engine.exportQuery(sqlText, 'csv', privacy);
	return { text: new TextDecoder().decode(file.bytes), notes: file.notes ?? [] };
}

describe('temporal values in CSV downloads', () => {
	it('writes TIME, DATE, TIMESTAMP and INTERVAL as ISO text', async () => {
		const { text } = await csv(
			`SELECT TIME '00:15:00' AS t, TIME '13:05:07.25' AS t2, DATE '2024-01-05' AS d,
			        TIMESTAMP '2024-01-05 10:00:00' AS ts, INTERVAL '1 day 2 hours' AS i,
			        INTERVAL '14 months 3 minutes' AS i2, INTERVAL 0 SECONDS AS i0, NULL::TIME AS missing`
		);
		expect(text.trim().split('\n')).toEqual([
			't,t2,d,ts,i,i2,i0,missing',
			'00:15:00,13:05:07.25,2024-01-05,2024-01-05 10:00:00,P1DT2H,P1Y2MT3M,PT0S,'
		]);
	});

	it('writes numbers, decimals and text as they read', async () => {
		const { text } = await csv(`SELECT 1 AS n, 2.5 AS x, 'a' AS s`);
		expect(text.trim().split('\n')).toEqual(['n,x,s', '1,2.5,a']);
	});
});

describe('personal-data masking and dates', () => {
	it('does not mask a date column cast to text', async () => {
		const { text, notes } = await csv(
			`SELECT DATE '2024-01-05'::VARCHAR AS signup, '05.01.2024 10:00' AS seen, '(030) 1234-5678' AS phone`
		);
		expect(text.trim().split('\n')[1]).toMatch(/^2024-01-05,05\.01\.2024 10:00,\(\*+$/);
		expect(notes.join(' ')).toMatch(/^phone looks like personal data/);
	});

	it('still finds phone numbers among values', () => {
		expect(detectPii('contact', ['+44 20 7946 0958', '(030) 1234-5678'])).toBe('phone');
		expect(detectPii('when', ['2024-01-05', '2024-02-11'])).toBeNull();
		expect(detectPii('when', ['05/01/2024', '11/02/2024 09:30'])).toBeNull();
	});
});
