/**
 * The model file (`Export model`, `.segbook-model.json`): everything needed to score new
 * customers exactly as the notebook scored its own, and nothing about any customer.
 *
 *   recipe + category values   → the same feature columns from another table of the same shape
 *   transforms (fitted)        → log1p, the median that fills a missing value, the clipping
 *                                bounds, the centre and spread of the scaling, per feature
 *   centroids                  → nearest centre = segment (1..k), persona names beside them
 *   fit                        → how far the fitted customers were from their centres, so a
 *                                scored customer farther than any of them can be flagged
 *
 * Versioned: `format` names the file, `version` the layout; a newer file is refused with a
 * message to update, a damaged one with the first problem named. No prototype keys survive
 * parsing (safeJsonParse), and every list is capped.
 */
import * as v from 'valibot';
import type { CategoryValues, FeatureRecipe } from '../sql/features.sql';

export const MODEL_FORMAT = 'segbook-model';
export const MODEL_VERSION = 1;
/** What `Export model` names the download. */
export const MODEL_FILE_NAME = 'segments.segbook-model.json';
/** A model file is a few kilobytes; anything far larger is not one. */
export const MODEL_MAX_BYTES = 2_000_000;

/** One model feature's fitted transform, in the order the centroids' columns use. */
export interface FittedFeature {
	name: string;
	log1p: boolean;
	/** Median after log1p: fills a missing value (missing = 'median'); null when none existed. */
	median: number | null;
	/** Winsorising bounds after log1p, or null when the recipe does not clip. */
	lower: number | null;
	upper: number | null;
	/** (x − center) ÷ scale. */
	center: number;
	scale: number;
}

export interface ModelSegment {
	segment: number;
	name: string;
	description: string;
	/** Fitted customers in this segment, and the farthest one's distance to the centre. */
	customers: number;
	maxDistance: number;
}

export interface SegmentModel {
	format: typeof MODEL_FORMAT;
	version: typeof MODEL_VERSION;
	/** ISO instant the file was written. */
	created: string;
	seed: number;
	recipe: FeatureRecipe;
	/** The text values behind the mix and one-hot columns, by column (`table.column` for joins). */
	categories: CategoryValues;
	/** The key column of the feature table (the recipe's key, or `row_number`). */
	keyColumn: string;
	/** The source table's column types as the notebook read them (DuckDB names): keys and dates. */
	types: Record<string, string>;
	features: FittedFeature[];
	/** k rows of `features.length` values each, in scaled units; row i is segment i + 1. */
	centroids: number[][];
	segments: ModelSegment[];
	/** Customers the model was fitted on, and the largest distance to a centre among them. */
	fit: { customers: number; maxDistance: number };
}

/** Caps, as generous as the notebook's own (src/notebook/schema.ts SCHEMA_LIMITS). */
const LIMITS = {
	columnChars: 1_000,
	nameChars: 200,
	descriptionChars: 5_000,
	columns: 10_000,
	features: 1_000,
	maxK: 100
};

/** JSON.parse without `__proto__`, `constructor` or `prototype` keys at any depth (T7). */
function safeJsonParse(text: string): unknown {
	return JSON.parse(text, (key: string, value: unknown) =>
		key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : value
	);
}

const finite = v.pipe(
	v.number(),
	v.check((x) => Number.isFinite(x), 'must be a finite number')
);
const text = (max: number) =>
	v.pipe(v.string(), v.maxLength(max, `is longer than ${max} characters`));
const count = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0, 'must be ≥ 0'));
const list = <T extends v.GenericSchema>(item: T, max: number) =>
	v.pipe(v.array(v.unknown()), v.maxLength(max, `has more than ${max} items`), v.array(item));

const column = text(LIMITS.columnChars);
const columns = list(column, LIMITS.columns);
const fraction = v.pipe(
	v.number(),
	v.minValue(0, 'must be from 0 to 1'),
	v.maxValue(1, 'must be from 0 to 1')
);

/**
 * The feature recipe, checked as the notebook checks it (src/notebook/schema.ts keeps the same
 * rules for documents; this room may not import the notebook's).
 */
const RecipeSchema = v.strictObject({
	source: text(LIMITS.nameChars),
	grain: v.picklist(['transactions', 'customers']),
	roles: v.strictObject({
		key: v.nullable(column),
		orderId: v.nullable(column),
		timestamp: v.nullable(column),
		amount: v.nullable(column),
		quantity: v.nullable(column),
		unitPrice: v.nullable(column),
		discount: v.nullable(column),
		categoricals: columns,
		numerics: columns
	}),
	asOf: v.nullable(
		v.pipe(
			v.string(),
			v.regex(
				/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$/,
				'must be a date like 2024-12-31'
			)
		)
	),
	customers: v.nullable(
		v.strictObject({
			table: text(LIMITS.nameChars),
			key: column,
			numerics: columns,
			categoricals: columns
		})
	),
	selected: list(column, LIMITS.features),
	transforms: v.strictObject({
		log1p: list(column, LIMITS.features),
		winsorise: v.nullable(v.strictObject({ lower: fraction, upper: fraction })),
		scale: v.picklist(['zscore', 'robust', 'none'])
	}),
	missing: v.picklist(['median', 'drop']),
	recency: v.optional(v.picklist(['days', 'exact'])),
	returns: v.optional(v.picklist(['drop', 'net'])),
	dateOrder: v.optional(v.nullable(v.picklist(['dmy', 'mdy'])))
});

const FittedFeatureSchema = v.strictObject({
	name: text(LIMITS.columnChars),
	log1p: v.boolean(),
	median: v.nullable(finite),
	lower: v.nullable(finite),
	upper: v.nullable(finite),
	center: finite,
	scale: v.pipe(
		finite,
		v.check((x) => x !== 0, 'must not be 0')
	)
});

const ModelSegmentSchema = v.strictObject({
	segment: v.pipe(count, v.minValue(1, 'must be 1 or more')),
	name: text(LIMITS.nameChars),
	description: text(LIMITS.descriptionChars),
	customers: count,
	maxDistance: v.pipe(finite, v.minValue(0, 'must be ≥ 0'))
});

const CategoriesSchema = v.record(
	text(LIMITS.columnChars * 2),
	list(text(LIMITS.columnChars), 100)
);

export const SegmentModelSchema = v.pipe(
	v.strictObject({
		format: v.literal(MODEL_FORMAT),
		version: v.literal(MODEL_VERSION),
		created: text(40),
		seed: v.pipe(v.number(), v.safeInteger('must be a whole number')),
		recipe: RecipeSchema,
		categories: CategoriesSchema,
		keyColumn: text(LIMITS.columnChars),
		types: v.pipe(
			v.record(text(LIMITS.columnChars), text(100)),
			v.check(
				(t) => Object.keys(t).length <= LIMITS.columns,
				`has more than ${LIMITS.columns} columns`
			)
		),
		features: list(FittedFeatureSchema, LIMITS.features),
		centroids: list(list(finite, LIMITS.features), LIMITS.maxK),
		segments: list(ModelSegmentSchema, LIMITS.maxK),
		fit: v.strictObject({ customers: count, maxDistance: v.pipe(finite, v.minValue(0)) })
	}),
	v.check((m) => m.features.length > 0, 'has no features'),
	v.check((m) => m.centroids.length > 0, 'has no centroids'),
	v.check(
		(m) => m.centroids.every((c) => c.length === m.features.length),
		'has a centroid whose length differs from the number of features'
	),
	v.check(
		(m) =>
			m.segments.length === m.centroids.length && m.segments.every((s, i) => s.segment === i + 1),
		'must list segments 1..k, one per centroid'
	),
	v.check(
		(m) =>
			m.features.length === m.recipe.selected.length &&
			m.features.every((f, i) => f.name === m.recipe.selected[i]),
		'must list the fitted features in the recipe’s order'
	)
);

export type ModelParseResult = { ok: true; model: SegmentModel } | { ok: false; error: string };

function where(issue: v.BaseIssue<unknown>): string {
	const keys = (issue.path ?? []).map((p) => String(p.key));
	return keys.length === 0 ? 'the file' : keys.join('.');
}

/**
 * Validates a parsed model; the message names the first problem and what to do. The returned
 * object is valibot's fresh copy, never the input.
 */
export function parseModel(input: unknown): ModelParseResult {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return { ok: false, error: 'This is not a Segbook model file (expected a JSON object).' };
	}
	const record = input as Record<string, unknown>;
	if (record['format'] !== MODEL_FORMAT) {
		return {
			ok: false,
			error:
				'This is not a Segbook model file (its "format" is not "segbook-model"). Open the file that Export model wrote.'
		};
	}
	const version = record['version'];
	if (typeof version === 'number' && Number.isSafeInteger(version) && version > MODEL_VERSION) {
		return {
			ok: false,
			error: `This model was written by a newer Segbook (model version ${version}); update the app to open it.`
		};
	}
	const result = v.safeParse(SegmentModelSchema, input, { abortEarly: true });
	if (!result.success) {
		const first = result.issues[0];
		return {
			ok: false,
			error: `The model file is damaged: ${first ? `${where(first)} ${first.message}` : 'it does not match the model schema'}. Export the model again from its notebook.`
		};
	}
	return { ok: true, model: result.output as SegmentModel };
}

/** The text of a model file (bytes or string) → a checked model or a message. */
export function readModelText(textOrBytes: string | Uint8Array): ModelParseResult {
	const size = typeof textOrBytes === 'string' ? textOrBytes.length : textOrBytes.byteLength;
	if (size > MODEL_MAX_BYTES) {
		return {
			ok: false,
			error: `This file is ${Math.round(size / 1000).toLocaleString('en')} kB; a Segbook model is a few kB. Open the file that Export model wrote.`
		};
	}
	const text =
		typeof textOrBytes === 'string' ? textOrBytes : new TextDecoder().decode(textOrBytes);
	let parsed: unknown;
	try {
		parsed = safeJsonParse(text);
	} catch {
		return {
			ok: false,
			error:
				'This file is not JSON, so it is not a Segbook model. Open the file that Export model wrote.'
		};
	}
	return parseModel(parsed);
}

/** The model as the file's text: stable key order, two-space indent (it is meant to be read). */
export function modelToText(model: SegmentModel): string {
	return JSON.stringify(model, null, 2) + '\n';
}
