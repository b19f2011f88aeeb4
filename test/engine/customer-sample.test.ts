/**
 * Loading 1 in N customers of a file the tab cannot hold (the memory pre-flight's offer): every
 * kept customer has all of their order lines, and the notes say what was kept and what to do.
 */
import { tableFromIPC } from 'apache-arrow';
import { expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { createEngine, textFile } from '../helpers/engine';

it('keeps the order lines of 1 in 4 customers, all lines of each', async () => {
	const engine = await createEngine();
	const csv = retailToCsv(generateRetail({ customers: 2000, seed: 5 }));
	const report = await engine.loadCustomerSample(textFile('orders.csv', csv.transactions), 4);
	expect(report.table.name).toBe('orders');
	expect(report.notes[0]).toMatch(
		/order lines of 1 in 4 customers \(chosen by a hash of customer_id/
	);
	expect(report.notes[0]).toMatch(/Export pipeline → DuckDB SQL/);
	await engine.loadSource(textFile('everything.csv', csv.transactions));
	const r = await engine.query(
		`SELECT count(DISTINCT o.customer_id), count(*) FILTER (WHERE f.n IS DISTINCT FROM o.n)
		 FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY ALL) o
		 LEFT JOIN (SELECT customer_id, count(*) AS n FROM everything GROUP BY ALL) f USING (customer_id)`,
		{}
	);
	const row = tableFromIPC(r.ipc).get(0)?.toArray() as number[];
	expect(Number(row[0])).toBeGreaterThan(400);
	expect(Number(row[0])).toBeLessThan(600);
	expect(Number(row[1])).toBe(0);
}, 120_000);
