/** Compare: customers' segments in two periods (a split date, or a quarter against the one before). */
import { CHANGES_TABLE } from '../../sql/compare.sql';
import { newCompareCell } from '../model';
import { changesTable, freeName } from './outputs';
import { segmentReads } from './personas';
import { NeedsUpstream, type CellKindDef } from './kind';

export const compare: CellKindDef<'compare'> = {
	kind: 'compare',
	verb: 'Comparing the two periods…',
	create: ({ taken }) => ({ ...newCompareCell(), output: freeName(CHANGES_TABLE, taken) }),
	reads: (cell, { cells }) => segmentReads(cells, cell.id),
	writes: (cell) => [changesTable(cell)],
	run: async (cell, ctx) => {
		const ref = ctx.segmentRef(cell.id);
		if (!ref) throw new NeedsUpstream('Add a Segments cell above this one and run it first.');
		const report = await ctx.engine.compare(ref, {
			split: cell.split,
			quarter: cell.quarter ?? null,
			output: changesTable(cell)
		});
		await ctx.refreshTables();
		return {
			patch: { compare: report },
			message: `Compared ${report.customers.toLocaleString('en')} customers before and after ${report.split.slice(0, 10)} in ${Math.round(report.ms)} ms.`
		};
	}
};
