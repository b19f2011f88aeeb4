/**
 * The column profile on real DuckDB-WASM: top values are exactly the most frequent values holding
 * at least 1% of the rows (what the Data cell draws), ties by value, as grouping every value
 * would give; near-unique columns get none.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, textFile } from '../helpers/engine';
import { createRng } from '../../src/cluster/rng';

/** Counts of each value, then the reference: ≥ 1% of rows, count desc then value, first 5. */
function expectedTop(values: string[], rows: number): { value: string; count: number }[] {
	const counts = new Map<string, number>();
	for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
	return [...counts]
		.filter(([, n]) => n >= Math.ceil(rows * 0.01))
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
		.slice(0, 5)
		.map(([value, count]) => ({ value, count }));
}

describe('column profile top values', () => {
	it('match grouping every value, skewed, tied and near-unique columns alike', async () => {
		const rng = createRng(5);
		const rows = 30_000;
		const skewed: string[] = [];
		const tied: string[] = [];
		const ids: string[] = [];
		const lines = ['skewed,tied,id'];
		for (let i = 0; i < rows; i++) {
			const r = rng.next();
			// 40%, 25%, 3%, 1.2%, 0.9% (below the cut) and a long tail of rare values.
			const s =
				r < 0.4
					? 'north'
					: r < 0.65
						? 'south'
						: r < 0.68
							? 'east'
							: r < 0.692
								? 'west'
								: r < 0.701
									? 'centre'
									: `rare-${rng.int(0, 4000)}`;
			const t = `t${i % 8}`; // eight values, exactly tied
			const id = `INV${Math.floor(i / 3)}`;
			skewed.push(s);
			tied.push(t);
			ids.push(id);
			lines.push(`${s},${t},${id}`);
		}
		const engine = await createEngine();
		await engine.loadSource(textFile('orders.csv', lines.join('\n') + '\n'));
		const profile = await engine.profile('orders');
		const top = (name: string) => profile.columns.find((c) => c.name === name)?.top;
		expect(top('skewed')).toEqual(expectedTop(skewed, rows));
		expect(top('skewed')?.map((t) => t.value)).toEqual(['north', 'south', 'east', 'west']);
		expect(top('tied')).toEqual(expectedTop(tied, rows));
		expect(top('tied')).toHaveLength(5);
		expect(top('id')).toEqual([]);
	});
});
