/**
 * The open notebook, as the components see it: a thin façade over the rooms of src/notebook
 * (history, autosave, lock, data session, runner, sharing, opening), made reactive here and only
 * here. Each room is plain TypeScript behind ports (ports.ts), tested in node with fakes.
 */
import type { Progress, TableInfo } from '../engine/api';
import { EngineClient } from '../engine/client';
import { asEngineError } from '../engine/errors';
import { Autosave } from './autosave';
import { DataSession } from './data-session';
import { newHistory } from './editing';
import { NotebookLoading } from './loading';
import { WriterLock } from './lock';
import * as model from './model';
import type { CellId, Notebook } from './model';
import type { Origin } from './opening';
import { browserPorts, type NotebookPorts } from './ports';
import { IDLE, type CellRun } from './run-state';
import { Runner } from './runner';
import { Sharing } from './sharing';

export type { CellRun, RunStatus } from './run-state';
export type { Origin } from './opening';
export interface Alert {
	id: number;
	message: string;
}

/** The status bar keeps this many sentences: the newest, and the ones just before it. */
const RECENT = 3;

export class NotebookState extends NotebookLoading {
	#doc: Notebook = $state.raw(model.emptyNotebook());
	id = $state('');
	origin: Origin = $state('own');
	saveError = $state(false);
	/** Another tab holds this notebook: nothing is saved from here. */
	readOnly = $state(false);
	keepData = $state(false);
	runs: Record<string, CellRun> = $state.raw({});
	progress: Progress | null = $state.raw(null);
	alerts: Alert[] = $state.raw([]);
	tables: TableInfo[] = $state.raw([]);
	engineReady = $state(false);
	#loading = $state(0);
	#runnerBusy = $state(false);
	#runnerStatus: string | null = $state(null);
	/** The newest sentence first: how runs ended and what the rooms said. */
	messages: string[] = $state.raw([]);
	/** The engine's own line, apart from the messages so neither hides the other. */
	engineState = $state('Starting the engine…');
	#readyState = '';
	/** The engine's line at length (its start time), for a tooltip. */
	engineDetail = $state('');
	protected history = $state.raw(newHistory());
	/** Exports carry no personal data unless ticked (this session only); small segments held back. */
	includePersonalInExports = $state(false);
	minExportSegmentSize = $state(10);
	/** Files the memory pre-flight held back, with its message and the sample it proposes. */
	oversized: { file: File; message: string; every: number }[] = $state.raw([]);
	#alertSeq = 0;
	readonly ports: NotebookPorts;
	readonly runner: Runner;
	readonly data: DataSession;
	readonly sharing: Sharing;
	readonly #autosave: Autosave;
	readonly #lock: WriterLock;
	readonly #client: EngineClient | null;

	constructor(ports?: NotebookPorts) {
		super();
		this.#client = ports
			? null
			: new EngineClient({
					onProgress: (p) => (this.progress = p),
					onRestarting: () => {
						if (this.engineReady) this.#readyState = this.engineState;
						this.engineState = 'Restarting the engine: reloading your files…';
						this.beforeRestart();
					},
					onRestart: async (reason, replay) => {
						try {
							await this.afterRestart(reason, replay);
						} finally {
							this.engineState = this.#readyState || 'Ready · network locked off';
						}
					},
					onUnavailable: (error) => {
						this.engineState = 'The engine stopped.';
						this.alert(error.message);
					}
				});
		this.ports = ports ?? browserPorts(this.#client!);
		this.id = this.ports.storage.newId();
		this.runner = new Runner({
			engine: this.ports.engine,
			doc: () => this.#doc,
			setDoc: (next) => (this.doc = next),
			tables: () => this.tables.map((t) => t.name),
			refreshTables: () => this.refreshTables(),
			salt: () => this.id,
			personaNames: () => this.personaNames(),
			onChange: () => {
				this.runs = this.runner.runs;
				this.#runnerBusy = this.runner.busy;
				this.#runnerStatus = this.runner.activity;
			},
			onMessage: (message) => this.#note(message)
		});
		const rooms = {
			ports: this.ports,
			runner: this.runner,
			doc: () => this.#doc,
			alert: (m: string) => this.alert(m)
		};
		this.data = new DataSession({
			...rooms,
			setDoc: (next) => (this.doc = next),
			notebookId: () => this.id,
			refreshTables: () => this.refreshTables()
		});
		this.sharing = new Sharing({
			...rooms,
			say: (m) => this.say(m),
			refreshTables: () => this.refreshTables(),
			personaNames: () => this.personaNames(),
			privacy: () => ({
				includePersonal: this.includePersonalInExports,
				salt: this.id,
				minSegmentSize: this.minExportSegmentSize
			})
		});
		this.#autosave = new Autosave({
			clock: this.ports.clock,
			delayMs: 300,
			maxWaitMs: 1000,
			save: async () => {
				if (this.#doc.cells.length > 0 && !this.readOnly)
					await this.ports.storage.save(this.id, this.#doc);
			},
			onError: (failed) => {
				this.saveError = failed;
				if (failed)
					this.alert(
						'This browser could not save the notebook (storage full or blocked). Use Export notebook to keep a copy.'
					);
			},
			onFirstSave: () => void this.ports.storage.persist()
		});
		this.#lock = new WriterLock(this.ports.locks);
		void this.claim();
		void this.ports.storage.keepDataSetting().then(
			(on) => (this.keepData = this.data.keepData = on),
			() => undefined
		);
		this.#client?.ready.then(
			(info) => {
				this.engineReady = true;
				this.engineState = `Ready · DuckDB ${info.duckdbVersion} · network locked off`;
				this.engineDetail = `DuckDB ${info.duckdbVersion} started in ${Math.round(info.ms)} ms in a web worker; network access is locked off.`;
			},
			(e: unknown) => {
				this.engineState = 'The engine did not start.';
				this.alert(`The engine could not start: ${asEngineError(e).message}`);
			}
		);
	}

	get engine(): EngineClient {
		return this.#client!;
	}
	get doc(): Notebook {
		return this.#doc;
	}
	/** Every change to the document lands here: kept for undo, and saved within a second. */
	set doc(next: Notebook) {
		if (next === this.#doc) return;
		this.history.record(this.#doc);
		this.#doc = next;
		this.#autosave.changed();
	}
	protected restoreOpened(doc: Notebook): void {
		this.#doc = doc;
	}
	protected restore(doc: Notebook): void {
		this.#doc = doc;
		this.#autosave.changed();
	}
	/** What runs now ("Building features…"), or null: never a stale "…ing". */
	get activity(): string | null {
		return this.#runnerBusy && this.#runnerStatus ? this.#runnerStatus : null;
	}
	#note(message: string): void {
		this.messages = [message, ...this.messages.filter((m) => m !== message)].slice(0, RECENT);
	}
	get busy(): number {
		return this.#loading + (this.#runnerBusy ? 1 : 0);
	}
	/** A cell's run state, read from the reactive mirror so the components follow it. */
	run(id: CellId): CellRun {
		return this.runs[id] ?? IDLE;
	}
	flush(): Promise<void> {
		return this.#autosave.flush();
	}
	alert(message: string): void {
		this.alerts = [...this.alerts, { id: ++this.#alertSeq, message }];
	}
	dismiss(id: number): void {
		this.alerts = this.alerts.filter((a) => a.id !== id);
	}
	protected say(message: string): void {
		this.runner.say(message);
	}
	protected async claim(): Promise<void> {
		this.readOnly = !(await this.#lock.claim(this.id));
	}
	protected async refreshTables(): Promise<void> {
		try {
			this.tables = await this.ports.engine.schema();
		} catch {
			// The engine stopped while asked (a crash, Cancel, the watchdog): the list stays as it
			// was; the restart's alert says what happened, and afterRestart refreshes it.
		}
	}
	protected async loading<T>(label: string, fn: () => Promise<T>): Promise<T> {
		this.#loading++;
		this.#note(label);
		try {
			return await fn();
		} finally {
			this.#loading--;
			this.progress = null;
		}
	}

	// ---------------------------------------------------------------- runs, sharing, exports
	runCell(id: CellId, options: { cascade?: boolean } = {}): Promise<void> {
		return this.runner.runCell(id, options);
	}
	/** Stop a cell's run (its engine calls only), or everything the engine is doing. */
	async cancel(id?: CellId): Promise<void> {
		this.say('Cancelling…');
		const calls = id ? this.runner.requestsOf(id) : [];
		if (id && calls.length > 0) for (const call of calls) await this.#client?.cancel(call);
		else await this.#client?.cancel();
	}
	shareLink(options: { present?: boolean } = {}): string {
		return this.sharing.shareLink(options);
	}
	isOwnLink(hash: string): boolean {
		return this.sharing.isOwnLink(hash);
	}
	async copyShareLink(options: { present?: boolean } = {}): Promise<string | null> {
		const copied = await this.sharing.copyShareLink(options);
		if (copied) this.say(copied.said);
		return copied?.link ?? null;
	}
	exportNotebookFile(): void {
		this.sharing.exportNotebookFile();
	}
	async exportSegments(format: 'csv' | 'parquet'): Promise<void> {
		const said = await this.sharing.exportSegments(format);
		if (said) this.say(said);
	}
	async exportResult(id: CellId, format: 'csv' | 'parquet'): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'sql') return;
		const said = await this.sharing.exportResult(
			cell.sql,
			cell.resultName.trim() || 'result',
			format
		);
		if (said) this.say(said);
	}
}
