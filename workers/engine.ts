/**
 * The engine: the EngineApi implemented over a Db. Thin handlers that call ingest, profile
 * and the named queries; it owns the session's table names and the lockdown check. The same
 * class runs in the browser worker and, over DuckDB-WASM's node bindings, in the tests.
 * Pipeline calls take the tables they read and write (refs from the document); nothing here
 * remembers what was built last.
 */
import type {
	ColumnType,
	CompareOptions,
	CompareReport,
	CustomerProfile,
	EngineApi,
	EngineMethod,
	FeatureRef,
	SegmentRef,
	WireApi,
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
import { COLUMN_TYPES, ENGINE_METHODS } from '../src/engine/api';
import { deriveApi, deriveWire } from '../src/engine/derive';
import { EngineError, asEngineError } from '../src/engine/errors';
import { ident, isQueryStatement, literal, stripComments } from '../src/sql/sql';
import { explainMissingFile, refusesFileWrite, rewriteFileNames } from '../src/sql/file-names';
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
import { loadCustomerSample } from './customer-sample';
import { runInsight } from './insight';
import { loadProgress } from './read-progress';
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

/** One running request: its id (from the client) and its cancel flag. */
interface Request {
	readonly id: number;
	cancelled: boolean;
}

/** What every request of one engine shares: the database, the lockdown, caches, the requests. */
interface Shared {
	db: Db;
	seq: number;
	locked: boolean;
	started: number;
	categories: Map<string, string[]>;
	sweepFits: Map<string, Map<number, Float64Array>>;
	/** Tables the pipeline wrote (features, matrices, segments, RFM, Compare), by name. */
	made: Set<string>;
	/** Where each loaded file is registered (`/data/<random>/name`), by the name SQL uses. */
	files: Map<string, string>;
	/** The requests the worker serves (engine.serve), by id. */
	requests: Map<number, Request>;
	/** Request 0: calls made on the Engine itself (tests); its flag clears when one starts. */
	direct: Request;
}

/** The database as one request sees it: every statement first checks the request's flag. */
function requestDb(db: Db, request: Request): Db {
	const check = (): void => {
		if (request.cancelled) throw new EngineError('cancelled', 'Cancelled.');
	};
	return {
		version: db.version,
		bundle: db.bundle,
		run: async (sqlText) => (check(), db.run(sqlText)),
		registerFile: async (path, source) => (check(), db.registerFile(path, source)),
		registerBuffer: async (path, bytes) => (check(), db.registerBuffer(path, bytes)),
		dropFile: (path) => db.dropFile(path),
		insertArrowIPC: async (bytes, table) => (check(), db.insertArrowIPC(bytes, table)),
		cancel: () => db.cancel(),
		reset: () => db.reset(),
		...(db.watchFileReads ? { watchFileReads: db.watchFileReads.bind(db) } : {})
	};
}

/**
 * The engine. An instance is a view for one request (`engine.request(id)` makes one): all views
 * share the database and caches; each has its own cancel flag. Called directly (in tests), an
 * Engine is request 0.
 */
export class Engine {
	#shared: Shared;
	#request: Request;
	#db: Db;
	#ctx: pipeline.PipelineContext;

	constructor(db: Db, view?: { shared: Shared; request: Request }) {
		this.#shared = view?.shared ?? {
			db,
			seq: 0,
			locked: false,
			started: performance.now(),
			categories: new Map(),
			sweepFits: new Map(),
			made: new Set(),
			files: new Map(),
			requests: new Map(),
			direct: { id: 0, cancelled: false }
		};
		this.#request = view?.request ?? this.#shared.direct;
		this.#db = view ? requestDb(this.#shared.db, this.#request) : db;
		const shared = this.#shared;
		const request = this.#request;
		this.#ctx = {
			categories: shared.categories,
			sweepFits: shared.sweepFits,
			made: shared.made,
			get cancelled() {
				return request.cancelled;
			}
		};
	}

	/**
	 * Run `fn` as request `id`: its own cancel flag, and a DuckDB error after a cancel reads as
	 * `cancelled`. The worker serves every call through this.
	 */
	async serve<T>(id: number, fn: (engine: Engine) => Promise<T>): Promise<T> {
		const request: Request = { id, cancelled: false };
		this.#shared.requests.set(id, request);
		try {
			return await fn(new Engine(this.#shared.db, { shared: this.#shared, request }));
		} catch (e) {
			if (request.cancelled) throw new EngineError('cancelled', 'Cancelled.');
			throw e;
		} finally {
			this.#shared.requests.delete(id);
		}
	}

	/**
	 * Forget cached category values: a table may have changed. Sweep fits stay (buildFeatures
	 * drops its matrix's): they only seed one extra k-means start, which wins only if it fits better.
	 */
	#tablesChanged(): void {
		this.#shared.categories.clear();
	}

	async init(): Promise<EngineInfo> {
		await lockDown(this.#db);
		this.#shared.locked = true;
		return {
			duckdbVersion: this.#db.version,
			bundle: this.#db.bundle,
			lockedDown: true,
			ms: performance.now() - this.#shared.started
		};
	}

	async #guard(): Promise<void> {
		// A direct call starts afresh, as a served request does with its own flag.
		if (this.#request === this.#shared.direct) this.#request.cancelled = false;
		if (!this.#shared.locked) {
			throw new EngineError('locked', 'The engine has not been locked down yet.');
		}
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
		this.#tablesChanged();
		const progress = loadProgress(this.#db, source, onProgress);
		try {
			return await ingest(
				{
					db: this.#db,
					taken: await this.#taken(),
					table,
					seq: ++this.#shared.seq,
					onPhase: progress.onPhase,
					onFraction: progress.onFraction,
					read,
					onRegistered: (path) => this.#shared.files.set(source.name, path)
				},
				source
			);
		} catch (e) {
			throw asEngineError(e, 'file-format');
		} finally {
			progress.stop();
		}
	}

	async loadSample(options: SampleOptions, onProgress?: ProgressCallback): Promise<LoadReport[]> {
		await this.#guard();
		this.#tablesChanged();
		return loadRetailSample(this.#db, options, await this.#taken(), onProgress);
	}

	async profile(table: string, columns?: number): Promise<TableProfile> {
		await this.#guard();
		return profileTable(this.#db, table, columns);
	}

	async setColumnType(table: string, column: string, type: ColumnType): Promise<TypeChange> {
		await this.#guard();
		if (!COLUMN_TYPES.includes(type)) throw new EngineError('sql', `Unknown column type ${type}.`);
		this.#tablesChanged();
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
		this.#tablesChanged();
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
		const sqlText = rewriteFileNames(userSql, this.#shared.files);
		const started = performance.now();
		const limit = options.rowLimit ?? DEFAULT_ROW_LIMIT;
		// User SQL can replace any table: forget cached category values.
		this.#tablesChanged();
		// DuckDB-WASM accepts INSTALL as a no-op; refuse it (and LOAD) plainly instead.
		if (/(^|;)\s*(FORCE\s+)?(INSTALL|LOAD|UPDATE\s+EXTENSIONS)\b/i.test(stripComments(sqlText))) {
			throw new EngineError('locked', 'Extensions cannot be installed or loaded in Segbook.');
		}
		try {
			const name = options.resultName?.trim() || null;
			if (isQueryStatement(sqlText)) {
				const body = sqlText.trim().replace(/;\s*$/, '');
				const target = name ?? `segbook_result_${++this.#shared.seq}`;
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
			const missing = explainMissingFile(message, this.#shared.files);
			if (missing) throw new EngineError('sql', missing);
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
		this.#tablesChanged();
		this.#shared.made.delete(name);
		await this.#db.run(`DROP TABLE IF EXISTS ${ident(name)}`);
	}

	async suggestRecipe(table: string): Promise<RecipeSuggestion> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.suggestRecipe(this.#db, this.#ctx, table));
	}

	async buildFeatures(
		recipe: FeatureRecipe,
		out: { features: string; matrix: string },
		onProgress?: ProgressCallback
	): Promise<FeatureReport> {
		await this.#guard();
		return this.#sqlErrors(() =>
			pipeline.buildFeatures(this.#db, this.#ctx, recipe, out, onProgress)
		);
	}

	async sweep(ref: FeatureRef, seed: number, onProgress?: ProgressCallback): Promise<SweepReport> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.sweep(this.#db, this.#ctx, ref, seed, onProgress));
	}

	async segment(
		ref: SegmentRef,
		options: SegmentOptions,
		onProgress?: ProgressCallback
	): Promise<SegmentReport> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.segment(this.#db, this.#ctx, ref, options, onProgress));
	}

	async rfm(ref: SegmentRef, rules?: RfmRule[], cutoffs?: RfmCutoffs): Promise<RfmReport> {
		await this.#guard();
		const report = await this.#sqlErrors(() => pipeline.rfm(this.#db, ref, rules, cutoffs));
		this.#shared.made.add(ref.rfm);
		return report;
	}

	async exportSegments(
		ref: SegmentRef,
		format: 'csv' | 'parquet',
		personas?: ReadonlyMap<number, string>,
		privacy?: ExportPrivacy
	): Promise<ExportFile> {
		await this.#guard();
		return this.#sqlErrors(() => pipeline.exportSegments(this.#db, ref, format, personas, privacy));
	}

	async compare(
		ref: SegmentRef,
		options: CompareOptions & { output: string }
	): Promise<CompareReport> {
		await this.#guard();
		return this.#sqlErrors(() => comparePipeline.compare(this.#db, this.#ctx, ref, options));
	}

	async personas(ref: SegmentRef): Promise<PersonasReport> {
		await this.#guard();
		return this.#sqlErrors(() => personaPipeline.personas(this.#db, ref));
	}

	async answerKey(ref: SegmentRef, seed: number): Promise<AnswerKeyReport> {
		await this.#guard();
		return this.#sqlErrors(() => answerKeyPipeline.answerKey(this.#db, this.#ctx, ref, seed));
	}

	async customer(ref: SegmentRef, key: string): Promise<CustomerProfile> {
		await this.#guard();
		return this.#sqlErrors(() => personaPipeline.customer(this.#db, ref, key));
	}

	async exportQuery(
		sqlText: string,
		format: 'csv' | 'parquet',
		privacy?: ExportPrivacy
	): Promise<ExportFile> {
		await this.#guard();
		const sql = rewriteFileNames(sqlText, this.#shared.files);
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

	async customerKeys(ref: SegmentRef, prefix: string): Promise<string[]> {
		await this.#guard();
		return this.#sqlErrors(() => personaPipeline.customerKeys(this.#db, ref, prefix));
	}

	/** Segment insights over the tables the caller names; Cancel stops a stability run. */
	async insight<K extends InsightKind>(
		kind: K,
		input: InsightCalls[K]['input'],
		onProgress?: ProgressCallback
	): Promise<InsightCalls[K]['output']> {
		await this.#guard();
		const ctx = this.#ctx;
		return this.#sqlErrors(() =>
			runInsight(this.#db, kind, input, { onProgress, shouldStop: () => ctx.cancelled })
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

	/** 1 in `every` customers of a file (the memory pre-flight's offer): workers/customer-sample.ts. */
	async loadCustomerSample(
		source: FileSource,
		every: number,
		table?: string,
		onProgress?: ProgressCallback
	): Promise<LoadReport> {
		await this.#guard();
		this.#tablesChanged();
		const progress = loadProgress(this.#db, source, onProgress);
		try {
			return await loadCustomerSample(
				{
					db: this.#db,
					taken: await this.#taken(),
					table,
					seq: ++this.#shared.seq,
					onPhase: progress.onPhase,
					onRegistered: (path) => this.#shared.files.set(source.name, path)
				},
				source,
				every
			);
		} catch (e) {
			throw asEngineError(e, 'file-format');
		} finally {
			progress.stop();
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

	/**
	 * Cancel request `requestId` (none = every running request): its flag stops it at its next
	 * statement or k-means iteration. DuckDB's running query is interrupted too, but only when
	 * every running request is being cancelled (the interrupt cannot tell requests apart).
	 */
	async cancel(requestId?: number): Promise<boolean> {
		const running = [...this.#shared.requests.values()];
		const targets = running.filter((r) => requestId === undefined || r.id === requestId);
		for (const r of targets) r.cancelled = true;
		const direct = requestId === undefined || requestId === 0;
		if (direct) this.#shared.direct.cancelled = true;
		if (targets.length === 0 && !direct) return false;
		if (targets.length === running.length) await this.#shared.db.cancel();
		return true;
	}

	/** Row count of a table, for tests and checks. */
	async count(table: string): Promise<number> {
		return Number(await queryValue(this.#db, `SELECT count(*) FROM ${ident(table)}`));
	}

	tableExists(table: string): Promise<boolean> {
		return tableExists(this.#db, table);
	}
}

type Handler = (engine: Engine, ...args: unknown[]) => Promise<unknown>;
/** The calls an Engine serves with a method of the same name (loadFile takes a FileSource). */
type Direct = Exclude<EngineMethod, 'cancel' | 'loadFile' | 'loadCustomerSample'>;

/** One handler per listed call: the Engine's method of that name, or loadFile's File → source. */
function engineHandlers(toSource: (file: File) => FileSource): Record<EngineMethod, Handler> {
	const handlers = Object.create(null) as Record<EngineMethod, Handler>;
	for (const method of Object.keys(ENGINE_METHODS) as EngineMethod[]) {
		handlers[method] = (view, ...args) => {
			// Checked by the compiler: the Engine has every listed method but these two.
			const served: Pick<EngineApi, Direct> = view;
			return (served[method as Direct] as (...a: unknown[]) => Promise<unknown>)(...args);
		};
	}
	handlers.loadFile = (view, file, table, onProgress, read) =>
		view.loadSource(
			toSource(file as File),
			onProgress as ProgressCallback | undefined,
			table as string | undefined,
			read as ReadOptions | undefined
		);
	handlers.loadCustomerSample = (view, file, every, table, onProgress) =>
		view.loadCustomerSample(
			toSource(file as File),
			every as number,
			table as string | undefined,
			onProgress as ProgressCallback | undefined
		);
	return handlers;
}

/**
 * The Engine as an EngineApi (File in, FileSource inside), derived from ENGINE_METHODS: every
 * call is served as its own request. The worker exposes `wire` (request id first); tests use `api`.
 */
export function engineApi(
	engine: Engine,
	toSource: (file: File) => FileSource
): { wire: WireApi; api: EngineApi } {
	const handlers = engineHandlers(toSource);
	const wire = deriveWire<EngineApi>(ENGINE_METHODS, (method, id, args) =>
		method === 'cancel'
			? engine.cancel(args[0] as number | undefined)
			: engine.serve(id, (view) => (handlers[method] as Handler)(view, ...args))
	);
	let seq = 0;
	const api = deriveApi<EngineApi>(ENGINE_METHODS, (method, args) =>
		(wire[method] as (id: number, ...rest: unknown[]) => Promise<unknown>)(++seq, ...args)
	);
	return { wire, api };
}
