/** Answer key: the generated sample's planted personas against the segments found. */
import { DEFAULT_SEED, newAnswerCell } from '../model';
import { segmentsCellOf } from './outputs';
import { segmentReads } from './personas';
import { NeedsUpstream, type CellKindDef } from './kind';

export const answer: CellKindDef<'answer'> = {
	kind: 'answer',
	verb: 'Comparing with the answer key…',
	create: () => newAnswerCell(),
	reads: (cell, { cells }) => segmentReads(cells, cell.id).slice(0, 1),
	writes: () => [],
	run: async (cell, ctx) => {
		const ref = ctx.segmentRef(cell.id);
		if (!ref) throw new NeedsUpstream('Add a Segments cell above this one and run it first.');
		const seed = segmentsCellOf(ctx.doc().cells, cell.id)?.seed ?? DEFAULT_SEED;
		const report = await ctx.engine.answerKey(ref, seed);
		return {
			patch: { answer: report },
			message: `Answer key revealed: adjusted Rand index ${report.ari.toFixed(2)}.`
		};
	}
};
