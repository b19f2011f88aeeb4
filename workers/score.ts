/**
 * The model of a segmentation, and new customers scored with it.
 *
 *   fitModel        a Segments cell's tables + k-means' centroids → SegmentModel (the model
 *                   file): the fitted medians, clipping bounds, centres and spreads read back
 *                   with the same step expressions the model matrix was built with
 *   scoreCustomers  SegmentModel + another loaded table → a table of key, segment, persona,
 *                   distance, beyond_fit; the summary the Score panel shows
 *
 * Every table name comes in as a parameter: nothing here reads "whatever was built last".
 */
import type {
	FeatureRecipe,
	ModelFit,
	ModelTables,
	ScoreOptions,
	ScoreReport,
	ScoredSegment
} from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import {
	MODEL_FORMAT,
	MODEL_VERSION,
	type FittedFeature,
	type SegmentModel
} from '../src/segment/model-file';
import { ROW_KEY, matrixSteps, type CategoryValues } from '../src/sql/features.sql';
import { exponentLiteral, personaOf } from '../src/sql/pipeline-export/dialect';
import { scoreStatements } from '../src/sql/pipeline-export/duckdb';
import { ident, literal } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';
import { allCategories } from './segment';
import { describeTable, tableExists } from './tables';

/** Category values of the recipe's text columns, read as the Features cell reads them (fresh). */
async function categoriesOf(db: Db, recipe: FeatureRecipe): Promise<CategoryValues> {
	return allCategories(db, { categories: new Map() }, recipe);
}

export function keyColumnOf(recipe: FeatureRecipe): string {
	return recipe.roles.key ?? ROW_KEY;
}

const num = (v: unknown): number | null =>
	typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : null;

/** The statistics the model matrix was built with, per feature, from the feature table. */
async function fittedFeatures(
	db: Db,
	recipe: FeatureRecipe,
	features: string
): Promise<FittedFeature[]> {
	const steps = matrixSteps(recipe);
	const logged = `logged AS (SELECT ${steps.logged().join(', ')} FROM ${ident(features)})`;
	const bounds =
		(await queryRows(db, `WITH ${logged} SELECT ${steps.bounds.join(', ')} FROM logged`))[0] ?? [];
	const fill = recipe.missing === 'median';
	const clipped = `clipped AS (SELECT ${steps.clipped(fill).join(', ')} FROM logged, bounds${steps.dropRule})`;
	const spread =
		(
			await queryRows(
				db,
				`WITH ${logged}, bounds AS (SELECT ${steps.bounds.join(', ')} FROM logged), ${clipped}
				 SELECT ${steps.spread.join(', ')}${recipe.transforms.scale === 'none' ? '' : ' FROM clipped'}`
			)
		)[0] ?? [];
	const perBound = recipe.transforms.winsorise ? 3 : 1;
	return recipe.selected.map((name, j) => {
		const center = num(spread[j * 2]);
		const scale = num(spread[j * 2 + 1]);
		if (center === null || scale === null || scale === 0) {
			throw new EngineError(
				'sql',
				`${name} has no usable values to fit the scaling on: choose other features in the Features cell.`
			);
		}
		return {
			name,
			log1p: recipe.transforms.log1p.includes(name),
			median: num(bounds[j * perBound]),
			lower: recipe.transforms.winsorise ? num(bounds[j * perBound + 1]) : null,
			upper: recipe.transforms.winsorise ? num(bounds[j * perBound + 2]) : null,
			center,
			scale
		};
	});
}

/** The model file of a segmentation: recipe, fitted transforms, centroids, personas, seed. */
export async function fitModel(db: Db, tables: ModelTables, fit: ModelFit): Promise<SegmentModel> {
	if (!(await tableExists(db, tables.segments)) || !(await tableExists(db, tables.features))) {
		throw new EngineError('sql', 'There are no segments yet: run the Segments cell first.');
	}
	const { recipe } = tables;
	const k = fit.centroids.length;
	if (k === 0 || fit.centroids.some((c) => c.length !== recipe.selected.length)) {
		throw new EngineError('sql', 'The segments are out of date: run the Segments cell again.');
	}
	const sizes = await queryRows(
		db,
		`SELECT segment, count(*), max(distance) FROM ${ident(tables.segments)} GROUP BY segment ORDER BY segment`
	);
	const bySegment = new Map(
		sizes.map(([s, n, d]) => [Number(s), { n: Number(n), d: num(d) ?? 0 }])
	);
	const names = new Map(fit.personas.map((p) => [p.segment, p]));
	const segments = Array.from({ length: k }, (_, i) => {
		const s = bySegment.get(i + 1);
		const persona = names.get(i + 1);
		return {
			segment: i + 1,
			name: persona?.name ?? `Segment ${i + 1}`,
			description: persona?.description ?? '',
			customers: s?.n ?? 0,
			maxDistance: s?.d ?? 0
		};
	});
	return {
		format: MODEL_FORMAT,
		version: MODEL_VERSION,
		created: new Date().toISOString(),
		seed: fit.seed,
		recipe,
		categories: await categoriesOf(db, recipe),
		keyColumn: keyColumnOf(recipe),
		types: Object.fromEntries(
			(await describeTable(db, recipe.source)).map((c) => [c.name, c.type])
		),
		features: await fittedFeatures(db, recipe, tables.features),
		centroids: fit.centroids.map((c) => [...c]),
		segments,
		fit: {
			customers: segments.reduce((n, s) => n + s.customers, 0),
			maxDistance: Math.max(0, ...segments.map((s) => s.maxDistance))
		}
	};
}

/** Distances equal up to rounding are not "farther": the SQL sums in another order than k-means. */
const BEYOND_TOLERANCE = 1e-9;

/** Check the table has what the recipe reads, naming the first column that is missing. */
async function checkShape(
	db: Db,
	model: SegmentModel,
	table: string,
	role: string
): Promise<Record<string, string>> {
	if (!(await tableExists(db, table))) {
		throw new EngineError(
			'sql',
			`There is no table ${table}: load the file to score in a Data cell first.`
		);
	}
	const columns = await describeTable(db, table);
	const types = Object.fromEntries(columns.map((c) => [c.name, c.type]));
	const r = model.recipe.roles;
	const needed =
		role === 'customers'
			? [
					model.recipe.customers?.key,
					...(model.recipe.customers?.numerics ?? []),
					...(model.recipe.customers?.categoricals ?? [])
				]
			: [
					r.key,
					r.orderId,
					r.timestamp,
					r.amount,
					r.quantity,
					r.unitPrice,
					r.discount,
					...r.categoricals,
					...(model.recipe.grain === 'customers' ? r.numerics : [])
				];
	const missing = needed.filter((c): c is string => typeof c === 'string' && !(c in types));
	if (missing.length > 0) {
		throw new EngineError(
			'sql',
			`${table} has no column ${missing.map((c) => `“${c}”`).join(', ')}, which the model reads from ${role === 'customers' ? model.recipe.customers?.table : model.recipe.source}. Load a file with the same columns, or rename them in a SQL cell.`
		);
	}
	return types;
}

/** Score `options.source` with the model; the result table is `options.output`. */
export async function scoreCustomers(
	db: Db,
	model: SegmentModel,
	options: ScoreOptions
): Promise<ScoreReport> {
	const started = performance.now();
	const types = await checkShape(db, model, options.source, 'source');
	if (model.recipe.customers) {
		await checkShape(db, model, options.customers ?? model.recipe.customers.table, 'customers');
	}
	const scratch = {
		features: `${options.output}__features`,
		matrix: `${options.output}__matrix`,
		centroids: `${options.output}__centroids`,
		segments: `${options.output}__nearest`
	};
	const key = ident(model.keyColumn);
	try {
		for (const statement of scoreStatements(
			model,
			{ source: options.source, customers: options.customers, ...scratch },
			types
		)) {
			await db.run(statement);
		}
		const fittedMax = model.segments
			.map((s) => `WHEN ${s.segment} THEN ${exponentLiteral(s.maxDistance)}`)
			.join(' ');
		const personas = model.segments
			.map((s) => `WHEN ${s.segment} THEN ${literal(personaOf(model, s.segment))}`)
			.join(' ');
		await db.run(
			`CREATE OR REPLACE TABLE ${ident(options.output)} AS
			 SELECT ${key}, segment, CASE segment ${personas} END AS persona, distance,
			        distance > (CASE segment ${fittedMax} END) * (1 + ${BEYOND_TOLERANCE}) AS beyond_fit
			 FROM ${ident(scratch.segments)} ORDER BY segment, ${key}`
		);
		const featured = Number(
			await queryValue(db, `SELECT count(*) FROM ${ident(scratch.features)}`)
		);
		const rows = await queryRows(
			db,
			`SELECT segment, count(*), median(distance), max(distance), count(*) FILTER (WHERE beyond_fit)
			 FROM ${ident(options.output)} GROUP BY segment ORDER BY segment`
		);
		const customers = rows.reduce((n, r) => n + Number(r[1]), 0);
		const found = new Map(rows.map((r) => [Number(r[0]), r]));
		const segments = model.segments.map((s): ScoredSegment => {
			const r = found.get(s.segment);
			const n = r ? Number(r[1]) : 0;
			return {
				segment: s.segment,
				name: personaOf(model, s.segment),
				customers: n,
				share: customers === 0 ? 0 : n / customers,
				medianDistance: r ? num(r[2]) : null,
				maxDistance: r ? num(r[3]) : null,
				fittedMaxDistance: s.maxDistance,
				beyond: r ? Number(r[4]) : 0
			};
		});
		const beyond = segments.reduce((n, s) => n + s.beyond, 0);
		return {
			table: options.output,
			keyColumn: model.keyColumn,
			customers,
			leftOut: featured - customers,
			segments,
			beyond,
			beyondShare: customers === 0 ? 0 : beyond / customers,
			ms: performance.now() - started
		};
	} finally {
		for (const t of Object.values(scratch)) await db.run(`DROP TABLE IF EXISTS ${ident(t)}`);
	}
}
