/** Segments: seeded k-means on the Features cell above (k by the sweep until set), and RFM groups. */
import { SEGMENTS_TABLE } from '../../sql/features.sql';
import type { RfmReport } from '../../engine/api';
import { newSegmentsCell } from '../model';
import { freeName, matrixTable, rfmTable, segmentsTable, above, featuresTable } from './outputs';
import { NeedsUpstream, type CellKindDef } from './kind';

export const segments: CellKindDef<'segments'> = {
	kind: 'segments',
	verb: 'Segmenting…',
	create: ({ taken }) => ({ ...newSegmentsCell(), output: freeName(SEGMENTS_TABLE, taken) }),
	reads: (cell, { cells }) => {
		const features = above(cells, cell.id, 'features');
		return features ? [matrixTable(featuresTable(features))] : [];
	},
	writes: (cell) => [segmentsTable(cell), rfmTable(segmentsTable(cell))],
	run: async (cell, ctx) => {
		const ref = ctx.segmentRef(cell.id);
		if (!ref) throw new NeedsUpstream('Add a Features cell above this one and run it first.');
		let k = cell.k;
		let sweep = ctx.run(cell.id).sweep;
		if (k === null) {
			sweep = await ctx.engine.sweep(ref, cell.seed);
			k = sweep.recommendedK;
			ctx.show(cell.id, { sweep });
		}
		const report = await ctx.engine.segment(ref, { k, seed: cell.seed });
		let rfm: RfmReport | null = null;
		try {
			rfm = await ctx.engine.rfm(ref, cell.rfmRules ?? undefined, cell.rfmCutoffs ?? undefined);
		} catch {
			// Customer-level data has no recency or spend: no rule-based RFM then.
		}
		await ctx.refreshTables();
		return {
			patch: { sweep: cell.k === null ? sweep : ctx.run(cell.id).sweep, segments: report, rfm },
			message: `${report.k} segments of ${report.customers.toLocaleString('en')} customers in ${Math.round(report.ms)} ms.`
		};
	}
};
