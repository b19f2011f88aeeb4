/**
 * The record counter's run-skipping walk against its byte-at-a-time walk (the same state
 * machine, every byte through it): the same counts, odd records, lines, longest line, line
 * ending, quote marks and located records on random files full of the bytes that matter.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/cluster/rng';
import { countRecords } from '../../../workers/csv/count';
import type { Dialect } from '../../../workers/csv/parse';
import { sourceFromBytes } from '../../../workers/db';

const DIALECTS: Dialect[] = [
	{ delimiter: ',', quote: '"', escape: '"' },
	{ delimiter: ';', quote: '"', escape: '\\' },
	{ delimiter: '\t', quote: "'", escape: "'" },
	{ delimiter: '|', quote: '', escape: '' }
];

/** Mostly ordinary text, with delimiters, quotes, escapes, blanks, NULs and every line end. */
function randomFile(seed: number, dialect: Dialect): Uint8Array {
	const rng = createRng(seed);
	const special = [
		dialect.delimiter,
		dialect.quote,
		dialect.escape,
		'"',
		' ',
		'\t',
		'\0',
		'\n',
		'\r',
		'\r\n'
	].filter((s) => s !== '');
	let text = '';
	const length = 200 + Math.floor(rng.next() * 3000);
	while (text.length < length) {
		const r = rng.next();
		if (r < 0.55) text += 'abcdefghij0123456789é'.slice(0, 1 + Math.floor(rng.next() * 20));
		else text += special[Math.floor(rng.next() * special.length)];
	}
	return new TextEncoder().encode(text);
}

describe('countRecords', () => {
	it('counts the same with and without skipping runs of ordinary bytes', async () => {
		for (const dialect of DIALECTS) {
			for (let seed = 1; seed <= 150; seed++) {
				const bytes = randomFile(seed, dialect);
				const source = sourceFromBytes('random.csv', bytes);
				const offsets = [0, 17, 100, 101, bytes.length >> 1, bytes.length - 1];
				const locate = { offsets, records: [0, 1, 3, 8] };
				for (const args of [
					[undefined, 4],
					[locate, undefined]
				] as const) {
					const fast = await countRecords(source, dialect, args[0], args[1]);
					const slow = await countRecords(source, dialect, args[0], args[1], { skipRuns: false });
					expect(fast, `${dialect.delimiter} seed ${seed}`).toEqual(slow);
				}
			}
		}
	});

	it('tells whether the file holds a quote mark at all', async () => {
		const dialect = DIALECTS[0]!;
		const count = (text: string) =>
			countRecords(sourceFromBytes('a.csv', new TextEncoder().encode(text)), dialect);
		expect((await count('a,b\n1,2\n')).quoteMarks).toBe(false);
		expect((await count('a,b\n1,"2"\n')).quoteMarks).toBe(true);
		expect((await count('a,b\n1,2 inch"\n')).quoteMarks).toBe(true);
	});
});
