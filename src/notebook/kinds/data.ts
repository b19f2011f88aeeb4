/** Data: a loaded file or sample. Running it profiles its table (the data session loads it). */
import type { CellKindDef } from './kind';

export const data: CellKindDef<'data'> = {
	kind: 'data',
	verb: 'Profiling the columns…',
	create: () => {
		throw new Error('A Data cell comes from loading a file or a sample.');
	},
	reads: () => [],
	writes: (cell) => [cell.table],
	run: async (cell, ctx) => {
		const profile = await ctx.engine.profile(cell.table);
		return { patch: { profile }, message: `Profiled ${cell.table}.` };
	}
};
