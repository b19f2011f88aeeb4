/**
 * The UI's side of the engine: spawns the worker, wraps it with comlink, and supervises it.
 *
 * - Every call races the worker's death: a crash or out-of-memory rejects the pending calls
 *   with EngineError('crashed'), never leaves them hanging.
 * - `cancel()` asks DuckDB to stop; if the call has not settled shortly after, the worker is
 *   terminated (the only hard stop for a running query) and a fresh one is started.
 * - A restart re-applies the lockdown and reloads every file and sample the session loaded,
 *   from the File handles kept here, so the notebook carries on.
 */
import * as Comlink from 'comlink';
import workerUrl from '../../workers/engine.worker.ts?worker&url';
import type {
	ColumnType,
	CompareOptions,
	CompareReport,
	CustomerProfile,
	EngineApi,
	PersonasReport,
	AnswerKeyReport,
	EngineInfo,
	ExportFile,
	ExportPrivacy,
	FeatureRecipe,
	FeatureReport,
	InsightCalls,
	InsightKind,
	RecipeSuggestion,
	RfmReport,
	RfmCutoffs,
	RfmRule,
	SegmentOptions,
	SegmentReport,
	SweepReport,
	LoadReport,
	Progress,
	Protection,
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
} from './api';
import { EngineError, asEngineError } from './errors';
import { UPDATED_MESSAGE, engineScriptGone } from './build-check';

/** What the session loaded, to replay after a restart. */
type Loaded =
	| { kind: 'file'; file: File; table: string; read?: ReadOptions | undefined }
	| { kind: 'sample'; options: SampleOptions };

export interface EngineEvents {
	onProgress(p: Progress | null): void;
	/** After a restart; `problem` is set when the engine could not come back (a new deploy). */
	onRestart(reason: string, problem?: string): void;
}

const CANCEL_GRACE_MS = 1500;

function spawn(): Worker {
	// A blob wrapper makes the worker inherit the page's CSP (RELIABILITY.md T4).
	const absolute = new URL(workerUrl, import.meta.url).href;
	const source = `import ${JSON.stringify(absolute)};`;
	const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
	const worker = new Worker(url, { type: 'module', name: 'segbook-engine' });
	URL.revokeObjectURL(url);
	return worker;
}

export class EngineClient {
	#worker!: Worker;
	#remote!: Comlink.Remote<EngineApi>;
	#died!: Promise<never>;
	#kill!: (error: EngineError) => void;
	#ready: Promise<EngineInfo>;
	#loaded: Loaded[] = [];
	#events: EngineEvents;
	#running = 0;
	#restarting: Promise<void> | null = null;

	constructor(events: EngineEvents) {
		this.#events = events;
		this.#ready = this.#start();
	}

	get ready(): Promise<EngineInfo> {
		return this.#ready;
	}

	#start(): Promise<EngineInfo> {
		const worker = spawn();
		this.#worker = worker;
		this.#remote = Comlink.wrap<EngineApi>(worker);
		this.#died = new Promise<never>((_, reject) => {
			this.#kill = reject;
			worker.addEventListener('error', (event) => {
				event.preventDefault();
				reject(new EngineError('crashed', event.message || 'The engine stopped unexpectedly.'));
			});
		});
		this.#died.catch(() => {
			if (this.#worker === worker) void this.restart('The engine stopped unexpectedly');
		});
		return this.#call(() => this.#remote.init(), false);
	}

	/** Run one engine call, rejecting if the worker dies first; errors become EngineErrors. */
	async #call<T>(fn: () => Promise<T>, waitReady = true): Promise<T> {
		if (waitReady) {
			await this.#restarting;
			await this.#ready;
		}
		this.#running++;
		try {
			return await Promise.race([fn(), this.#died]);
		} catch (e) {
			const error = asEngineError(e);
			if (/memory access out of bounds|unreachable|RuntimeError/i.test(error.message)) {
				void this.restart('The engine ran out of memory or failed');
				throw new EngineError(
					'crashed',
					`The engine failed (${error.message.split('\n')[0]}) and is restarting. Your notebook is intact; run the cell again, perhaps on less data.`
				);
			}
			throw error;
		} finally {
			this.#running--;
		}
	}

	#progress(): ((p: Progress) => void) & Comlink.ProxyMarked {
		return Comlink.proxy((p: Progress) => this.#events.onProgress(p));
	}

	/** `read`: import settings from the Data cell (absent fields are detected). */
	async loadFile(file: File, table?: string, read?: ReadOptions): Promise<LoadReport> {
		try {
			const report = await this.#call(() =>
				this.#remote.loadFile(file, table, this.#progress(), read)
			);
			// A re-read replaces the earlier load of the same table in the replay list.
			this.#loaded = this.#loaded.filter(
				(l) => !(l.kind === 'file' && l.table === report.table.name)
			);
			this.#loaded.push({ kind: 'file', file, table: report.table.name, read });
			return report;
		} finally {
			this.#events.onProgress(null);
		}
	}

	async loadSample(options: SampleOptions): Promise<LoadReport[]> {
		try {
			const reports = await this.#call(() => this.#remote.loadSample(options, this.#progress()));
			this.#loaded.push({ kind: 'sample', options });
			return reports;
		} finally {
			this.#events.onProgress(null);
		}
	}

	profile(table: string, columns?: number): Promise<TableProfile> {
		return this.#call(() => this.#remote.profile(table, columns));
	}

	setColumnType(table: string, column: string, type: ColumnType): Promise<TypeChange> {
		return this.#call(() => this.#remote.setColumnType(table, column, type));
	}

	protectColumn(
		table: string,
		column: string,
		action: Protection,
		salt: string
	): Promise<TableProfile> {
		return this.#call(() => this.#remote.protectColumn(table, column, action, salt));
	}

	query(sqlText: string, options: QueryOptions): Promise<QueryResult> {
		return this.#call(() => this.#remote.query(sqlText, options));
	}

	schema(): Promise<TableInfo[]> {
		return this.#call(() => this.#remote.schema());
	}

	dropTable(name: string): Promise<void> {
		return this.#call(() => this.#remote.dropTable(name));
	}

	suggestRecipe(table: string): Promise<RecipeSuggestion> {
		return this.#call(() => this.#remote.suggestRecipe(table));
	}

	buildFeatures(recipe: FeatureRecipe): Promise<FeatureReport> {
		return this.#call(() => this.#remote.buildFeatures(recipe));
	}

	async sweep(seed: number): Promise<SweepReport> {
		try {
			return await this.#call(() => this.#remote.sweep(seed, this.#progress()));
		} finally {
			this.#events.onProgress(null);
		}
	}

	async segment(options: SegmentOptions): Promise<SegmentReport> {
		try {
			return await this.#call(() => this.#remote.segment(options, this.#progress()));
		} finally {
			this.#events.onProgress(null);
		}
	}

	rfm(rules?: RfmRule[], cutoffs?: RfmCutoffs): Promise<RfmReport> {
		return this.#call(() => this.#remote.rfm(rules, cutoffs));
	}

	personas(): Promise<PersonasReport> {
		return this.#call(() => this.#remote.personas());
	}

	compare(options: CompareOptions): Promise<CompareReport> {
		return this.#call(() => this.#remote.compare(options));
	}

	answerKey(seed: number): Promise<AnswerKeyReport> {
		return this.#call(() => this.#remote.answerKey(seed));
	}

	customer(key: string): Promise<CustomerProfile> {
		return this.#call(() => this.#remote.customer(key));
	}

	exportQuery(
		sqlText: string,
		format: 'csv' | 'parquet',
		privacy?: ExportPrivacy
	): Promise<ExportFile> {
		return this.#call(() => this.#remote.exportQuery(sqlText, format, privacy));
	}

	chartRows(table: string, limit: number): Promise<QueryResult> {
		return this.#call(() => this.#remote.chartRows(table, limit));
	}

	customerKeys(prefix: string): Promise<string[]> {
		return this.#call(() => this.#remote.customerKeys(prefix));
	}

	exportSegments(
		format: 'csv' | 'parquet',
		personas?: Map<number, string>,
		privacy?: ExportPrivacy
	): Promise<ExportFile> {
		return this.#call(() => this.#remote.exportSegments(format, personas, privacy));
	}

	exportModel(tables: ModelTables, fit: ModelFit): Promise<SegmentModel> {
		return this.#call(() => this.#remote.exportModel(tables, fit));
	}

	scoreCustomers(model: SegmentModel, options: ScoreOptions): Promise<ScoreReport> {
		return this.#call(() => this.#remote.scoreCustomers(model, options));
	}

	/** Segment insights; progress (stability's resamples) goes to onProgress. */
	async insight<K extends InsightKind>(
		kind: K,
		input: InsightCalls[K]['input']
	): Promise<InsightCalls[K]['output']> {
		try {
			// Comlink's Remote type loses the generic's link between kind and result; restore it.
			return await this.#call(
				() =>
					this.#remote.insight(kind, input, this.#progress()) as Promise<InsightCalls[K]['output']>
			);
		} finally {
			this.#events.onProgress(null);
		}
	}

	/** Stop what is running: politely, then by restarting the worker. */
	async cancel(): Promise<void> {
		if (this.#running === 0) return;
		const worker = this.#worker;
		await Promise.race([
			this.#remote.cancel().catch(() => false),
			new Promise((r) => setTimeout(r, 300))
		]);
		await new Promise((r) => setTimeout(r, CANCEL_GRACE_MS));
		if (this.#running > 0 && this.#worker === worker) await this.restart('Cancelled');
	}

	/** Terminate the worker, start a new one, and reload what the session had loaded. */
	restart(reason: string): Promise<void> {
		if (this.#restarting) return this.#restarting;
		const old = this.#worker;
		this.#kill(
			reason === 'Cancelled'
				? new EngineError(
						'cancelled',
						'Cancelled. The engine restarted; your loaded files are back.'
					)
				: new EngineError('crashed', `${reason}. The engine restarted; your notebook is intact.`)
		);
		this.#restarting = (async () => {
			old.terminate();
			if (await engineScriptGone(new URL(workerUrl, import.meta.url).href)) {
				const updated = new EngineError('crashed', UPDATED_MESSAGE);
				this.#ready = Promise.reject(updated);
				this.#ready.catch(() => undefined);
				this.#events.onRestart(reason, UPDATED_MESSAGE);
				return;
			}
			this.#events.onRestart(reason);
			this.#ready = this.#start();
			await this.#ready;
			const loaded = this.#loaded;
			this.#loaded = [];
			for (const item of loaded) {
				try {
					if (item.kind === 'file') {
						await this.#remote.loadFile(item.file, item.table, undefined, item.read);
					} else {
						await this.#remote.loadSample(item.options);
					}
					this.#loaded.push(item);
				} catch {
					// A file that no longer loads is left out; its Data cell will say so on re-run.
				}
			}
		})().finally(() => {
			this.#restarting = null;
		});
		return this.#restarting;
	}

	/** For tests of crash recovery: the worker dies as it does when the tab runs out of memory. */
	crashForTest(): void {
		this.#worker.terminate();
		this.#worker.dispatchEvent(
			new ErrorEvent('error', { message: 'The engine stopped unexpectedly' })
		);
	}

	dispose(): void {
		this.#worker.terminate();
	}
}

export { EngineError };
