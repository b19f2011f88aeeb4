/** Personas: each segment of the Segments cell above as a persona, names editable. */
import { newPersonasCell } from '../model';
import { segmentRefOf } from './outputs';
import { NeedsUpstream, type CellKindDef } from './kind';

export const personas: CellKindDef<'personas'> = {
	kind: 'personas',
	verb: 'Profiling the segments…',
	create: () => newPersonasCell(),
	reads: (cell, { cells }) => segmentReads(cells, cell.id),
	writes: () => [],
	run: async (cell, ctx) => {
		const ref = ctx.segmentRef(cell.id);
		if (!ref) throw new NeedsUpstream('Add a Segments cell above this one and run it first.');
		const report = await ctx.engine.personas(ref);
		return { patch: { personas: report }, message: `${report.personas.length} personas ready.` };
	}
};

/** What a cell built on segments reads: the segments, their RFM groups and the features. */
export function segmentReads(cells: Parameters<typeof segmentRefOf>[0], id: Parameters<typeof segmentRefOf>[1]): string[] {
	const ref = segmentRefOf(cells, id);
	return ref ? [ref.segments, ref.rfm, ref.features] : [];
}
