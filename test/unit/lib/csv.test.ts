/**
 * Guards the CSV writer every download uses (src/lib/csv.ts) against OWASP's CSV-injection rule
 * (RELIABILITY.md T12): a text field starting with = + - @ TAB or CR gets a leading ' and
 * quotes; everything else is RFC 4180 and reads back exactly.
 */
import Papa from 'papaparse';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMULA_START, toCsv } from '../../../src/lib/csv';

const OWASP = ['=', '+', '-', '@', '\t', '\r'];

/** The rule, written out independently of the implementation. */
function expected(field: string): string {
	const risky = OWASP.includes(field.charAt(0)) || field.startsWith('\n');
	const body = risky ? `'${field}` : field;
	const quote = risky || /[",\r\n]/.test(body) || /^ | $/.test(body);
	return quote ? `"${body.replaceAll('"', '""')}"` : body;
}

describe('toCsv neutralises formulas', () => {
	it('writes the red-team payloads as text', () => {
		const payloads = [
			'=HYPERLINK("http://127.0.0.1:8001/?"&A2,"Open")',
			"=cmd|' /C calc'!A0",
			'+1+1',
			'-2+3',
			'@SUM(A1:A9)',
			'\t=1',
			'\r=1',
			'=1\n=2'
		];
		const csv = toCsv(
			['key'],
			payloads.map((p) => [p])
		);
		const lines = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
		expect(lines.slice(1).map((l) => l[0])).toEqual(payloads.map((p) => `'${p}`));
		for (const p of payloads) expect(csv).toContain(expected(p));
	});

	it('follows the rule for any text field, and reads back as ’ + the field', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.constantFrom('', ...OWASP, '"', 'a', ' '), fc.string()), {
					minLength: 1,
					maxLength: 20
				}),
				(pairs) => {
					const fields = pairs.map(([a, b]) => a + b);
					const csv = toCsv(
						['a'],
						fields.map((f) => [f])
					);
					const body = csv.slice('a\n'.length, -1);
					expect(body).toBe(fields.map(expected).join('\n'));
				}
			),
			{ numRuns: 300 }
		);
	});

	it('leaves numbers, booleans, empty and ordinary text alone', () => {
		const csv = toCsv(
			['n', 'big', 'ok', 'empty', 'text', 'comma'],
			[[-5, -12n, true, null, 'Ann', 'a,b']]
		);
		expect(csv).toBe('n,big,ok,empty,text,comma\n-5,-12,true,,Ann,"a,b"\n');
	});

	it('neutralises a header too', () => {
		expect(toCsv(['=evil()', 'ok'], [])).toBe(`"'=evil()",ok\n`);
	});

	it('covers the full-width forms a spreadsheet may fold', () => {
		for (const c of ['\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'])
			expect(FORMULA_START.test(c)).toBe(true);
	});
});
