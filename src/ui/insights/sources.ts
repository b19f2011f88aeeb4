/**
 * Which tables a Personas cell's insights read, from the document: the Features cell above it
 * (its recipe: the order lines, key, order date and order id), the Segments cell above it (its
 * seed) and the tables the session holds (for the overlap picker).
 *
 * The one adapter that knows where these live: a Features cell writes its output (default
 * customer_features) and the matrix beside it, a Segments cell its output (default segments) and
 * the RFM groups beside it.
 */
import type { FeatureReport, TableInfo } from '../../engine/api';
import type { RetentionInput, SegmentTables, SegmentationRef } from '../../engine/insight-api';
import type { Cell, CellId, FeaturesCell, SegmentsCell } from '../../notebook/model';
import { FEATURES_TABLE, SEGMENTS_TABLE, matrixTableOf, rfmTableOf } from '../../sql/features.sql';

/** The table a cell writes: its `output` once cells carry one (issue 11), else the default. */
function outputOf(cell: Cell, fallback: string): string {
	const output = (cell as { output?: unknown }).output;
	return typeof output === 'string' && output !== '' ? output : fallback;
}

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
	const s = above<SegmentsCell>(cells, id, 'segments');
	// The Features cell the Segments cell builds on.
	const f = s ? above<FeaturesCell>(cells, s.id, 'features') : null;
	const report = f ? features(f.id) : null;
	if (!f || !s || !report) return null;
	const key = report.keyColumn;
	const recipe = f.recipe;
	const featuresTable = outputOf(f, FEATURES_TABLE);
	const segments = outputOf(s, SEGMENTS_TABLE);
	const rfm = rfmTableOf(segments);
	const kmeans = { table: segments, key, label: 'segment' };
	const hasRfm = tables.some((t) => t.name === rfm);
	return {
		tables: {
			features: featuresTable,
			matrix: matrixTableOf(featuresTable),
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
