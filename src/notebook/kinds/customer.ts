/** Customer: one customer's profile, segment and history. */
import { newCustomerCell } from '../model';
import { segmentReads } from './personas';
import { NeedsUpstream, type CellKindDef } from './kind';

export const customer: CellKindDef<'customer'> = {
	kind: 'customer',
	verb: 'Looking up the customer…',
	create: () => newCustomerCell(),
	reads: (cell, { cells }) => segmentReads(cells, cell.id),
	writes: () => [],
	run: async (cell, ctx) => {
		const key = cell.key.trim();
		if (key === '') return { patch: { customer: null, status: 'idle' }, message: '' };
		const ref = ctx.segmentRef(cell.id);
		if (!ref) throw new NeedsUpstream('Add a Segments cell above this one and run it first.');
		const profile = await ctx.engine.customer(ref, key);
		return { patch: { customer: profile }, message: `Customer ${key} found.` };
	}
};
