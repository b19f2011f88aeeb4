/**
 * The engine: the EngineApi implemented over a Db. Thin handlers that call ingest, profile
 * and the named queries; it owns the session's table names and the lockdown check. The same
 * class runs in the browser worker and, over DuckDB-WASM's node bindings, in the tests.
 */
import type {
	ColumnType,
	CompareOptions,
	CompareReport,
	CustomerProfile,
	EngineApi,
	PersonasReport,
	AnswerKeyReport,
	ExportFile,
	ExportPrivacy,
	FeatureRecipe,
	FeatureReport,
	Protection,
	RecipeSuggestion,
	RfmReport,
	RfmCutoffs,
	RfmRule,
	SegmentOptions,
	SegmentReport,
	SweepReport,
	EngineInfo,
	LoadReport,
	ProgressCallback,
	QueryOptions,
	QueryResult,
	ReadOptions,
	SampleOptions,
	TableInfo,
	TableProfile,
	TypeChange,
	ModelFit,
	ModelTables,
	ScoreOptions,
	ScoreReport,
	SegmentModel
} from '../src/engine/api';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { COLUMN_TYPES } from '../src/engine/api';
import { EngineError, asEngineError } from '../src/engine/errors';
import { ident, isQueryStatement, literal, stripComments } from '../src/sql/sql';
import { refusesFileWrite, rewriteFileNames } from '../src/sql/file-names';
import { queryValue, type Db, type FileSource } from './db';
import { ingest } from './ingest';
import { assertLockedDown, explainLockdownError, lockDown } from './lockdown';
import { profileTable } from './profile';
import { loadRetailSample } from './sample';
import { describeTable, listTables, tableExists } from './tables';
import { exportQuery } from './export';
import * as personaPipeline from './personas';
import * as comparePipeline from './compare';
import * as answerKeyPipeline from './answer-key';
import * as pipeline from './segment';
import * as scoring from './score';
import { runInsight } from './insight';
import type { InsightCalls, InsightKind } from '../src/engine/insight-api';

const DEFAULT_ROW_LIMIT = 100_000;

/** DuckDB's out-of-memory text talks about temp directories; say what it means here. */
function plainOutOfMemory(error: EngineError): EngineError {
	if (!/Out of Memory Error/i.test(error.message)) return error;
	return new EngineError(
		error.code,
		'This step needs more memory than a browser tab allows (about 3 GB for the engine). Use fewer rows (filter by date in a SQL cell) or fewer features, then run it again. Your notebook is intact.'
	);
}

export class Engine {
	#db: Db;
	#seq = 0;
	#locked = false;
	#started = performance.now();
	/** Loaded text files by the name the Data cell shows → the path DuckDB reads (for SQL cells). */
	#files = new Map<string, string>();
	#pipeline: pipeline.PipelineState = {
		categories: new Map(),
		recipe: null,
		keyColumn: null,
		cancelled: false,
		sweepFits: null
	};

	constructor(db: Db) {
		this.#db = db;
	}

	async init(): Promise<EngineInfo> {
		await lockDown(this.#db);
		this.#locked = true;
		return {
			duckdbVersion: this.#db.version,
			bundle: this.#db.bundle,
			lockedDown: true,
			ms: performance.now() - this.#started
		};
	}

	async #guard(): Promise<void> {
		if (!this.#locked) throw new EngineError('locked', 'The engine has not been locked down yet.');
		await assertLockedDown(this.#db);
	}

	async #taken(): Promise<Set<string>> {
		return new Set((await listTables(this.#db)).map((t) => t.name));
	}

	async loadSource(
		source: FileSource,
		onProgress?: ProgressCallback,
		table?: string,
		read?: ReadOptions
	): Promise<LoadReport> {
		await this.#guard();
		this.#pipeline.categories.clear();
		try {
			return await ingest(
				{
					db: this.#db,
					taken: await this.#taken(),
					table,
					seq: ++this.#seq,
					onPhase: (phase) => onProgress?.({ phase, fraction: null }),
					read,
					onRegistered: (path) => this.#files.set(source.name, path)
				},
				source
			);
		} catch (e) {
			throw asEngineError(e, 'file-format');
		}
	}

	async loadSample(options: SampleOptions, onProgress?: ProgressCallback): Promise<LoadReport[]> {
		await this.#guard();
		return loadRetailSample(this.#db, options, await this.#taken(), onProgress);
	}

	async profile(table: string, columns?: number): Promise<TableProfile> {
		await this.#guard();
		return profileTable(this.#db, table, columns);
	}

	async setColumnType(table: string, column: string, type: ColumnType): Promise<TypeChange> {
		await this.#guard();
		if (!COLUMN_TYPES.includes(type)) throw new EngineError('sql', `Unknown column type ${type}.`);
		this.#pipeline.categories.clear();
		const t = ident(table);
		const c = ident(column);
		const before = Number(await queryValue(this.#db, `SELECT count(${c}) FROM ${t}`));
		const convert =
			type === 'TIMESTAMP' || type === 'DATE'
				? `COALESCE(TRY_CAST(${c} AS ${type}), TRY_CAST(TRY_STRPTIME(${c}::VARCHAR, ['%d/%m/%Y', '%m/%d/%Y', '%d.%m.%Y', '%d/%m/%Y %H:%M', '%m/%d/%Y %H:%M', '%d-%m-%Y']) AS ${type}))`
				: `TRY_CAST(${c} AS ${type})`;
		try {
			await this.#db.run(`ALTER TABLE ${t} ALTER ${c} SET DATA TYPE ${type} USING ${convert}`);
		} catch (e) {
			throw asEngineError(e, 'sql');
		}
		const after = Number(await queryValue(this.#db, `SELECT count(${c}) FROM ${t}`));
		return { profile: await profileTable(this.#db, table), lost: before - after };
	}

	/**
	 * Personal data handled at the source table, so no later query, feature, chart or export
	 * can see the raw values: excluded (column dropped), masked (first letter and e-mail domain
	 * kept) or hashed (SHA-256 of the notebook's salt and the value, 16 hex digits: still a
	 * usable key for joins within the notebook, not reversible without the salt).
	 */
	async protectColumn(
		table: string,
		column: string,
		action: Protection,
		salt: string
	): Promise<TableProfile> {
		await this.#guard();
		const t = ident(table);
		const c = ident(column);
		this.#pipeline.categories.clear();
		try {
			if (action === 'exclude') {
				await this.#db.run(`ALTER TABLE ${t} DROP COLUMN ${c}`);
			} else {
				await this.#db.run(`ALTER TABLE ${t} ALTER ${c} SET DATA TYPE VARCHAR`);
				const value =
					action === 'hash'
						? `'h_' || left(sha256(${literal(salt)} || ${c}), 16)`
						: `CASE WHEN contains(${c}, '@') THEN left(${c}, 1) || '***' || substr(${c}, strpos(${c}, '@'))
						        ELSE left(${c}, 1) || repeat('*', greatest(length(${c}) - 1, 0)) END`;
				await this.#db.run(`UPDATE ${t} SET ${c} = ${value} WHERE ${c} IS NOT NULL`);
			}
		} catch (e) {
			throw asEngineError(e, 'sql');
		}
		return profileTable(this.#db, table);
	}

	async query(userSql: string, options: QueryOptions): Promise<QueryResult> {
		await this.#guard();
		const refusal = refusesFileWrite(userSql);
		if (refusal) throw new EngineError('locked', refusal);
		const sqlText = rewriteFileNames(userSql, this.#files);
		const started = performance.now();
		const limit = options.rowLimit ?? DEFAULT_ROW_LIMIT;
		// User SQL can replace any table: forget cached category values.
		this.#pipeline.categories.clear();
		// DuckDB-WASM accepts INSTALL as a no-op; refuse it (and LOAD) plainly instead.
		if (/(^|;)\s*(FORCE\s+)?(INSTALL|LOAD|UPDATE\s+EXTENSIONS)\b/i.test(stripComments(sqlText))) {
			throw new EngineError('locked', 'Extensions cannot be installed or loaded in Segbook.');
		}
		try {
			const name = options.resultName?.trim() || null;
			if (isQueryStatement(sqlText)) {
				const body = sqlText.trim().replace(/;\s*$/, '');
				const target = name ?? `segbook_result_${++this.#seq}`;
				await this.#db.run(`CREATE OR REPLACE TABLE ${ident(target)} AS ${body}`);
				const rowCount = Number(
					await queryValue(this.#db, `SELECT count(*) FROM ${ident(target)}`)
				);
				const ipc = await this.#db.run(`FROM ${ident(target)} LIMIT ${limit}`);
				const columns = await describeTable(this.#db, target);
				if (!name) await this.#db.run(`DROP TABLE ${ident(target)}`);
				return { ipc, rowCount, columns, resultName: name, ms: performance.now() - started };
			}
			if (name) {
				throw new EngineError(
					'sql',
					`Only a single query (SELECT, WITH, FROM …) can be stored as “${name}”. Clear the result name or split the cell.`
				);
			}
			const ipc = await this.#db.run(sqlText);
			const table = tableFromIPC(ipc);
			const rowCount = table.numRows;
			const columns = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
			const shown = rowCount > limit ? tableToIPC(table.slice(0, limit), 'stream') : ipc;
			return { ipc: shown, rowCount, columns, resultName: null, ms: performance.now() - started };
		} catch (e) {
			if (e instanceof EngineError) throw e;
			const message = e instanceof Error ? e.message : String(e);
			const plain = explainLockdownError(message);
			throw plainOutOfMemory(
				new EngineError(plain ? 'locked' : 'sql', plain ? `${plain} (${message})` : message)
			);
		}
	}

	async schema(): Promise<TableInfo[]> {
		return listTables(this.#db);
	}

	async dropTable(name: string): Promise<void> {
		await this.#db.run(`DROP TABLE IF EXISTS ${ident(name)}`);
	}

	async suggestRecipe(table: string): Promise<RecipeSuggestion> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.suggestRecipe(this.#db, this.#pipeline, table));
	}

	async buildFeatures(recipe: FeatureRecipe): Promise<FeatureReport> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.buildFeatures(this.#db, this.#pipeline, recipe));
	}

	async sweep(seed: number, onProgress?: ProgressCallback): Promise<SweepReport> {
		await this.#guard();
		this.#pipeline.cancelled = false;
		return this.#sqlErrors(() => pipeline.sweep(this.#db, this.#pipeline, seed, onProgress));
	}

	async segment(options: SegmentOptions, onProgress?: ProgressCallback): Promise<SegmentReport> {
		await this.#guard();
		this.#pipeline.cancelled = false;
		return this.#sqlErrors(() => pipeline.segment(this.#db, this.#pipeline, options, onProgress));
	}

	async rfm(rules?: RfmRule[], cutoffs?: RfmCutoffs): Promise<RfmReport> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.rfm(this.#db, this.#pipeline, rules, cutoffs));
	}

	async exportSegments(
		format: 'csv' | 'parquet',
		personas?: ReadonlyMap<number, string>,
		privacy?: ExportPrivacy
	): Promise<ExportFile> {
		await this.#guard();
		return this.#sqlErrors(() =>
			pipeline.exportSegments(this.#db, this.#pipeline, format, personas, privacy)
		);
	}

	async compare(options: CompareOptions): Promise<CompareReport> {
		await this.#guard();
		return this.#sqlErrors(() => comparePipeline.compare(this.#db, this.#pipeline, options));
	}

	async personas(): Promise<PersonasReport> {
		await this.#guard();
		return this.#sqlErrors(() => personaPipeline.personas(this.#db, this.#pipeline));
	}

	async answerKey(seed: number): Promise<AnswerKeyReport> {
		await this.#guard();
		return this.#sqlErrors(() => answerKeyPipeline.answerKey(this.#db, this.#pipeline, seed));
	}

	async customer(key: string): Promise<CustomerProfile> {
		await this.#guard();
		return this.#sqlErrors(() => personaPipeline.customer(this.#db, this.#pipeline, key));
	}

	async exportQuery(
		sqlText: string,
		format: 'csv' | 'parquet',
		privacy?: ExportPrivacy
	): Promise<ExportFile> {
		await this.#guard();
		const sql = rewriteFileNames(sqlText, this.#files);
		return this.#sqlErrors(() => exportQuery(this.#db, sql, format, privacy));
	}

	async chartRows(table: string, limit: number): Promise<QueryResult> {
		await this.#guard();
		const started = performance.now();
		const n = Math.max(1, Math.min(50_000, Math.trunc(limit)));
		try {
			const ipc = await this.#db.run(`FROM ${ident(table)} USING SAMPLE ${n} ROWS (reservoir, 7)`);
			const columns = await describeTable(this.#db, table);
			return {
				ipc,
				rowCount: await this.count(table),
				columns,
				resultName: null,
				ms: performance.now() - started
			};
		} catch (e) {
			throw asEngineError(e, 'sql');
		}
	}

	async customerKeys(prefix: string): Promise<string[]> {
		await this.#guard();
		return this.#sqlErrors(() => personaPipeline.customerKeys(this.#db, this.#pipeline, prefix));
	}

	/** Segment insights over the tables the caller names; Cancel stops a stability run. */
	async insight<K extends InsightKind>(
		kind: K,
		input: InsightCalls[K]['input'],
		onProgress?: ProgressCallback
	): Promise<InsightCalls[K]['output']> {
		await this.#guard();
		this.#pipeline.cancelled = false;
		return this.#sqlErrors(() =>
			runInsight(this.#db, kind, input, { onProgress, shouldStop: () => this.#pipeline.cancelled })
		);
	}

	/** DuckDB's own errors become `sql` errors with their text; ours pass through. */
	async #sqlErrors<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			throw plainOutOfMemory(asEngineError(e, 'sql'));
		}
	}

	async exportModel(tables: ModelTables, fit: ModelFit): Promise<SegmentModel> {
		await this.#guard();
		return this.#sqlErrors(() => scoring.fitModel(this.#db, tables, fit));
	}

	async scoreCustomers(model: SegmentModel, options: ScoreOptions): Promise<ScoreReport> {
		await this.#guard();
		return this.#sqlErrors(() => scoring.scoreCustomers(this.#db, model, options));
	}

	cancel(): Promise<boolean> {
		this.#pipeline.cancelled = true;
		return this.#db.cancel();
	}

	/** Row count of a table, for tests and checks. */
	async count(table: string): Promise<number> {
		return Number(await queryValue(this.#db, `SELECT count(*) FROM ${ident(table)}`));
	}

	tableExists(table: string): Promise<boolean> {
		return tableExists(this.#db, table);
	}
}

/** The worker exposes exactly the EngineApi: File in, FileSource inside. */
export function engineApi(engine: Engine, toSource: (file: File) => FileSource): EngineApi {
	return {
		init: () => engine.init(),
		loadFile: (file, table, onProgress, read) =>
			engine.loadSource(toSource(file), onProgress, table, read),
		loadSample: (options, onProgress) => engine.loadSample(options, onProgress),
		profile: (table, columns) => engine.profile(table, columns),
		setColumnType: (table, column, type) => engine.setColumnType(table, column, type),
		query: (sqlText, options) => engine.query(sqlText, options),
		protectColumn: (table, column, action, salt) =>
			engine.protectColumn(table, column, action, salt),
		schema: () => engine.schema(),
		dropTable: (name) => engine.dropTable(name),
		suggestRecipe: (table) => engine.suggestRecipe(table),
		buildFeatures: (recipe) => engine.buildFeatures(recipe),
		sweep: (seed, onProgress) => engine.sweep(seed, onProgress),
		segment: (options, onProgress) => engine.segment(options, onProgress),
		rfm: (rules, cutoffs) => engine.rfm(rules, cutoffs),
		exportSegments: (format, personas, privacy) => engine.exportSegments(format, personas, privacy),
		personas: () => engine.personas(),
		compare: (options) => engine.compare(options),
		answerKey: (seed) => engine.answerKey(seed),
		customer: (key) => engine.customer(key),
		customerKeys: (prefix) => engine.customerKeys(prefix),
		chartRows: (table, limit) => engine.chartRows(table, limit),
		exportQuery: (sqlText, format, privacy) => engine.exportQuery(sqlText, format, privacy),
		exportModel: (tables, fit) => engine.exportModel(tables, fit),
		scoreCustomers: (model, options) => engine.scoreCustomers(model, options),
		insight: (kind, input, onProgress) => engine.insight(kind, input, onProgress),
		cancel: () => engine.cancel()
	};
}
