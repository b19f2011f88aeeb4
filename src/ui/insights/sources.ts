/**
 * Which tables a Personas cell's insights read, from the document: the Features cell above it
 * (its recipe: the order lines, key, order date and order id), the Segments cell above it (its
 * seed) and the tables the session holds (for the overlap picker).
 *
 * The one adapter that knows where these live today: the engine's output tables still have fixed
 * names (customer_features, model_matrix, segments, rfm_segments). When cells carry their output
 * names in the document, only this file changes.
 */
import type { FeatureReport, TableInfo } from '../../engine/api';
import type { RetentionInput, SegmentTables, SegmentationRef } from '../../engine/insight-api';
import type { Cell, CellId, FeaturesCell, SegmentsCell } from '../../notebook/model';
import { FEATURES_TABLE, MATRIX_TABLE, RFM_TABLE, SEGMENTS_TABLE } from '../../sql/features.sql';

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

/** The nearest cell of a kind above `id`. */
function above<T extends Cell>(cells: readonly Cell[], id: CellId, kind: T['kind']): T | null {
	const at = cells.findIndex((c) => c.id === id);
	for (let i = at - 1; i >= 0; i--) if (cells[i]!.kind === kind) return cells[i] as T;
	return null;
}

export function insightSources(
	cells: readonly Cell[],
	id: CellId,
	features: (cellId: CellId) => FeatureReport | null,
	tables: readonly TableInfo[]
): InsightSources | null {
	const f = above<FeaturesCell>(cells, id, 'features');
	const s = above<SegmentsCell>(cells, id, 'segments');
	const report = f ? features(f.id) : null;
	if (!f || !s || !report) return null;
	const key = report.keyColumn;
	const recipe = f.recipe;
	const kmeans = { table: SEGMENTS_TABLE, key, label: 'segment' };
	const hasRfm = tables.some((t) => t.name === RFM_TABLE);
	return {
		tables: { features: FEATURES_TABLE, matrix: MATRIX_TABLE, segments: SEGMENTS_TABLE, key },
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
		rfm: hasRfm ? { table: RFM_TABLE, key, label: 'rfm_group' } : null
	};
}
