/**
 * Refs under a new notebook's default table names (one Features cell, one Segments cell), for
 * callers that do not yet carry each cell's output name.
 */
import type { FeatureRecipe, SegmentRef } from './api';
import { FEATURES_TABLE, SEGMENTS_TABLE, matrixTableOf, rfmTableOf } from '../sql/features.sql';
import { EngineError } from './errors';

export function defaultRefs(recipe: FeatureRecipe | null | undefined): SegmentRef {
	if (!recipe) throw new EngineError('sql', 'Build the features first (run the Features cell).');
	return {
		recipe,
		features: FEATURES_TABLE,
		matrix: matrixTableOf(FEATURES_TABLE),
		segments: SEGMENTS_TABLE,
		rfm: rfmTableOf(SEGMENTS_TABLE)
	};
}
