/** A locked-down Engine over real DuckDB-WASM (node bindings), a file-source helper, and refs. */
import type { FeatureRecipe, SegmentRef } from '../../src/engine/api';
import {
	FEATURES_TABLE,
	SEGMENTS_TABLE,
	matrixTableOf,
	rfmTableOf
} from '../../src/sql/features.sql';
import { Engine } from '../../workers/engine';
import { sourceFromBytes, type FileSource } from '../../workers/db';
import { createNodeDb } from './node-db';

export async function createEngine(): Promise<Engine> {
	const engine = new Engine(await createNodeDb());
	await engine.init();
	return engine;
}

export function textFile(name: string, text: string): FileSource {
	return sourceFromBytes(name, new TextEncoder().encode(text));
}

export function bytesFile(name: string, bytes: Uint8Array | number[]): FileSource {
	return sourceFromBytes(name, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
}

/**
 * The tables of one Features cell (output `features`) and one Segments cell on it (output
 * `segments`), named as the notebook names them; the defaults are a new notebook's.
 */
export function refsFor(
	recipe: FeatureRecipe,
	features: string = FEATURES_TABLE,
	segments: string = SEGMENTS_TABLE
): SegmentRef {
	return {
		recipe,
		features,
		matrix: matrixTableOf(features),
		segments,
		rfm: rfmTableOf(segments)
	};
}
