/**
 * The Segments cell's exports past the tab (issue 16): Export model, Export pipeline (DuckDB,
 * BigQuery, Spark SQL) and Score new customers, from the document's names and the cell's run.
 * The notebook façade calls these with its engine and a context it reads from the document;
 * the files come back as text for it to download.
 */
import type {
	ExportFile,
	ExportPrivacy,
	LoadReport,
	ScoreReport,
	SegmentModel,
	SegmentReport
} from '../engine/api';
import { FEATURES_TABLE, SEGMENTS_TABLE, type FeatureRecipe } from '../sql/features.sql';
import type { CellId, DataCell, FeaturesCell, Notebook } from './model';
import { MODEL_FILE_NAME, modelToText } from '../segment/model-file';
import { bigQueryScript } from '../sql/pipeline-export/bigquery';
import { duckdbScript, type ScriptInput } from '../sql/pipeline-export/duckdb';
import { sparkScript } from '../sql/pipeline-export/spark';
import { ident } from '../sql/sql';

export type PipelineDialect = 'duckdb' | 'bigquery' | 'spark';

/** What a Segments cell's model is made from, read from the document and the cell's run. */
export interface ModelContext {
	recipe: FeatureRecipe;
	/** The Features cell's table and the Segments cell's table. */
	features: string;
	segments: string;
	/** SegmentReport.centroids of the cell's last run. */
	centroids: number[][];
	seed: number;
	personas: { segment: number; name: string; description: string }[];
	title: string;
	/** Data cells: the table each file (or sample) became, and how DuckDB read a CSV. */
	sources: {
		table: string;
		source: string;
		sample: boolean;
		readCsvOptions?: string;
		sheet?: string;
	}[];
}

/** The engine calls these need (EngineClient has them). */
export interface ModelEngine {
	exportModel(
		tables: { recipe: FeatureRecipe; features: string; segments: string },
		fit: { centroids: number[][]; seed: number; personas: ModelContext['personas'] }
	): Promise<SegmentModel>;
	scoreCustomers(
		model: SegmentModel,
		options: { source: string; customers?: string | undefined; output: string }
	): Promise<ScoreReport>;
	exportQuery(sql: string, format: 'csv' | 'parquet', privacy?: ExportPrivacy): Promise<ExportFile>;
}

export interface TextDownload {
	name: string;
	mime: string;
	text: string;
}

export function buildModel(engine: ModelEngine, ctx: ModelContext): Promise<SegmentModel> {
	return engine.exportModel(
		{ recipe: ctx.recipe, features: ctx.features, segments: ctx.segments },
		{ centroids: ctx.centroids, seed: ctx.seed, personas: ctx.personas }
	);
}

export function modelDownload(model: SegmentModel): TextDownload {
	return { name: MODEL_FILE_NAME, mime: 'application/json', text: modelToText(model) };
}

/** The tables the recipe reads: its source and the customers table it joins. */
function recipeTables(recipe: FeatureRecipe): string[] {
	return [recipe.source, ...(recipe.customers ? [recipe.customers.table] : [])];
}

/** The file each recipe table was loaded from (a sample has none: named after its table). */
function inputFile(ctx: ModelContext, table: string): ScriptInput {
	const data = ctx.sources.find((s) => s.table === table);
	const file = data && !data.sample && data.source.trim() !== '' ? data.source : `${table}.csv`;
	return {
		table,
		file,
		...(data?.readCsvOptions ? { csvOptions: data.readCsvOptions } : {}),
		...(data?.sheet ? { sheet: data.sheet } : {})
	};
}

export function pipelineDownload(
	dialect: PipelineDialect,
	model: SegmentModel,
	ctx: ModelContext,
	created = new Date().toISOString()
): TextDownload {
	const tables = recipeTables(model.recipe);
	const base = { title: ctx.title, created };
	if (dialect === 'duckdb') {
		return {
			name: 'segbook-pipeline.duckdb.sql',
			mime: 'application/sql',
			text: duckdbScript(model, {
				...base,
				inputs: tables.map((table) => inputFile(ctx, table))
			})
		};
	}
	if (dialect === 'bigquery') {
		return {
			name: 'segbook-pipeline.bigquery.sql',
			mime: 'application/sql',
			text: bigQueryScript(model, {
				...base,
				inputs: tables.map((table) => ({ table, from: `your-project.your_dataset.${table}` }))
			})
		};
	}
	return {
		name: 'segbook-pipeline.spark.sql',
		mime: 'application/sql',
		text: sparkScript(model, {
			...base,
			inputs: tables.map((table) => ({ table, from: `your_database.${table}` }))
		})
	};
}

/** The result table of scoring `source`: `<source>_scored`. */
export function scoredTableOf(source: string): string {
	return `${source}_scored`;
}

/** Score another loaded table with a model (the notebook's own when `model` is null). */
export async function scoreTable(
	engine: ModelEngine,
	source: string,
	model: SegmentModel | null,
	ctx: ModelContext | null
): Promise<ScoreReport> {
	if (!model && !ctx) throw new Error('Run the Segments cell first, or open a model file.');
	const m = model ?? (await buildModel(engine, ctx!));
	// The recipe's customers table joins the new orders when it is loaded under the same name.
	return engine.scoreCustomers(m, {
		source,
		customers: m.recipe.customers?.table,
		output: scoredTableOf(source)
	});
}

/** The scored table as segments.csv's columns: the key under its own name, segment, persona. */
export async function exportScored(
	engine: ModelEngine,
	report: ScoreReport,
	privacy: ExportPrivacy
): Promise<ExportFile> {
	const key = ident(report.keyColumn);
	const file = await engine.exportQuery(
		`SELECT ${key}, segment, persona FROM ${ident(report.table)} ORDER BY ${key}`,
		'csv',
		privacy
	);
	return { ...file, name: `${report.table}.csv` };
}

/**
 * A Segments cell's model context from the document: the nearest Features cell above it (its
 * recipe), the cell's last run (centroids), the persona names in force, the Data cells' files.
 * Null when the cell has not run (or its run predates the centroids).
 */
export function modelContextOf(
	doc: Notebook,
	segmentsCell: CellId,
	segments: SegmentReport | null,
	personas: ReadonlyMap<number, { name: string; description: string }>,
	tables: { features: string; segments: string } = {
		features: FEATURES_TABLE,
		segments: SEGMENTS_TABLE
	},
	/** A Data cell's last load report (how its file was read), where there is one. */
	reportOf: (id: CellId) => LoadReport | null = () => null
): ModelContext | null {
	const at = doc.cells.findIndex((c) => c.id === segmentsCell);
	const cell = doc.cells[at];
	if (cell?.kind !== 'segments' || !segments || segments.centroids.length === 0) return null;
	const features = doc.cells
		.slice(0, at)
		.reverse()
		.find((c): c is FeaturesCell => c.kind === 'features' && c.recipe !== null);
	if (!features?.recipe) return null;
	return {
		recipe: features.recipe,
		...tables,
		centroids: segments.centroids,
		seed: cell.seed,
		personas: [...personas].map(([segment, p]) => ({ segment, ...p })),
		title: doc.title,
		sources: doc.cells
			.filter((c): c is DataCell => c.kind === 'data')
			.map((c) => {
				const report = reportOf(c.id);
				return {
					table: c.table,
					source: c.source,
					sample: c.sample !== null,
					...(report?.readCsvOptions ? { readCsvOptions: report.readCsvOptions } : {}),
					...(report?.sheet ? { sheet: report.sheet } : {})
				};
			})
	};
}
