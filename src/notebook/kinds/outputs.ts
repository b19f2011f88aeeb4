/**
 * The names of the tables cells write, from the document, and which cell a cell builds on.
 * A Features cell writes its `output` (default `customer_features`) and that table's model
 * matrix; a Segments cell writes its `output` (default `segments`) and its RFM groups. A cell
 * builds on the nearest cell of the kind it needs above it. Pure.
 */
import { FEATURES_TABLE, SEGMENTS_TABLE, matrixTableOf, rfmTableOf } from '../../sql/features.sql';
import { CHANGES_TABLE } from '../../sql/compare.sql';
import type { FeatureRef, SegmentRef } from '../../engine/api';
import type { Cell, CellId, CompareCell, FeaturesCell, SegmentsCell } from '../model';

export const featuresTable = (cell: FeaturesCell): string => cell.output ?? FEATURES_TABLE;
export const segmentsTable = (cell: SegmentsCell): string => cell.output ?? SEGMENTS_TABLE;
export const changesTable = (cell: CompareCell): string => cell.output ?? CHANGES_TABLE;

/** The model matrix beside a features table, the RFM groups beside a segments table. */
export { matrixTableOf as matrixTable, rfmTableOf as rfmTable } from '../../sql/features.sql';

/** `base`, or `base_2`, `base_3`… : the first name no cell writes and no table has. */
export function freeName(base: string, taken: readonly string[]): string {
	const used = new Set(taken.map((t) => t.toLowerCase()));
	if (!used.has(base.toLowerCase())) return base;
	for (let i = 2; ; i++) if (!used.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}

/** The nearest cell of `kind` above cell `id`. */
export function above<K extends Cell['kind']>(
	cells: readonly Cell[],
	id: CellId,
	kind: K
): Extract<Cell, { kind: K }> | null {
	const index = cells.findIndex((c) => c.id === id);
	for (let i = (index < 0 ? cells.length : index) - 1; i >= 0; i--) {
		const cell = cells[i]!;
		if (cell.kind === kind) return cell as Extract<Cell, { kind: K }>;
	}
	return null;
}

/** The Features cell cell `id` builds on, with its tables; null without one (or a recipe). */
export function featureRefOf(cells: readonly Cell[], id: CellId): FeatureRef | null {
	const self = cells.find((c) => c.id === id);
	const features = self?.kind === 'features' ? self : above(cells, id, 'features');
	if (!features?.recipe) return null;
	const table = featuresTable(features);
	return { recipe: features.recipe, features: table, matrix: matrixTableOf(table) };
}

export function segmentRefOf(cells: readonly Cell[], id: CellId): SegmentRef | null {
	const self = cells.find((c) => c.id === id);
	const segments = self?.kind === 'segments' ? self : above(cells, id, 'segments');
	if (!segments) return null;
	const features = featureRefOf(cells, segments.id);
	if (!features) return null;
	const table = segmentsTable(segments);
	return { ...features, segments: table, rfm: rfmTableOf(table) };
}

/** The Segments cell cell `id` builds on (itself, for a Segments cell). */
export function segmentsCellOf(cells: readonly Cell[], id: CellId): SegmentsCell | null {
	const self = cells.find((c) => c.id === id);
	return self?.kind === 'segments' ? self : above(cells, id, 'segments');
}
