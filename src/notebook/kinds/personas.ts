/** Personas: each segment of the Segments cell above as a persona, names editable. */
import { newPersonasCell, type Cell, type CellId } from '../model';
import { above, featuresTable, rfmTable, segmentsCellOf, segmentsTable } from './outputs';
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

/**
 * What a cell built on segments reads: the segments and RFM groups of the Segments cell above
 * it, and the features of the Features cell above that (whether or not they have run yet).
 */
export function segmentReads(cells: readonly Cell[], id: CellId): string[] {
	const segments = segmentsCellOf(cells, id);
	if (!segments) return [];
	const table = segmentsTable(segments);
	const features = above(cells, segments.id, 'features');
	return [table, rfmTable(table), ...(features ? [featuresTable(features)] : [])];
}
