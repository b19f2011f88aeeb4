/**
 * Which tables a Personas cell's insights read, from the document: the Features cell above it
 * (its recipe: the order lines, key, order date and order id), the Segments cell above it (its
 * seed) and the tables the session holds (for the overlap picker).
 *
 * The names come from the document through src/notebook/kinds/outputs.ts, as for every cell.
 */
import type { FeatureReport, TableInfo } from '../../engine/api';
import type { RetentionInput, SegmentTables, SegmentationRef } from '../../engine/insight-api';
import type { Cell, CellId } from '../../notebook/model';
import {
	above,
	featuresTable as featuresOf,
	matrixTable,
	rfmTable,
	segmentsTable
} from '../../notebook/kinds/outputs';

export interface InsightSources {
	tables: SegmentTables;
	seed: number;
	/** Null without order dates (a customer-level file): no retention then. */
	retention: RetentionInput | null;
	/** The k-means segments, for the overlap picker. */
	kmeans: SegmentationRef;
	/** The RFM groups, when the Segments cell made them. */
	rfm: SegmentationRef | null;
}

export function insightSources(
	cells: readonly Cell[],
	id: CellId,
	features: (cellId: CellId) => FeatureReport | null,
	tables: readonly TableInfo[]
): InsightSources | null {
	const s = above(cells, id, 'segments');
	// The Features cell the Segments cell builds on.
	const f = s ? above(cells, s.id, 'features') : null;
	const report = f ? features(f.id) : null;
	if (!f || !s || !report) return null;
	const key = report.keyColumn;
	const recipe = f.recipe;
	const featuresTable = featuresOf(f);
	const segments = segmentsTable(s);
	const rfm = rfmTable(segments);
	const kmeans = { table: segments, key, label: 'segment' };
	const hasRfm = tables.some((t) => t.name === rfm);
	return {
		tables: {
			features: featuresTable,
			matrix: matrixTable(featuresTable),
			segments,
			key
		},
		seed: s.seed,
		retention:
			recipe && recipe.grain === 'transactions' && recipe.roles.key && recipe.roles.timestamp
				? {
						source: recipe.source,
						key: recipe.roles.key,
						timestamp: recipe.roles.timestamp,
						orderId: recipe.roles.orderId,
						segments: kmeans
					}
				: null,
		kmeans,
		rfm: hasRfm ? { table: rfm, key, label: 'rfm_group' } : null
	};
}
