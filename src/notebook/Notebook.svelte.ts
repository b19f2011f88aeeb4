/**
 * The open notebook, as the components see it: a thin façade over the rooms of src/notebook
 * (history, autosave, lock, data session, runner, sharing, opening), made reactive here and only
 * here. Each room is plain TypeScript behind ports (ports.ts), tested in node with fakes.
 */
import type { ColumnType, FeatureRecipe, Progress, Protection, RfmRule, SampleOptions, TableInfo } from '../engine/api';
import { EngineClient } from '../engine/client';
import { asEngineError } from '../engine/errors';
import { Autosave } from './autosave';
import { DataSession } from './data-session';
import { History } from './history';
import { createCell, kindOf } from './kinds';
import { segmentRefOf } from './kinds/outputs';
import { segmentation101, type LessonTable } from './lessons';
import { WriterLock } from './lock';
import * as model from './model';
import type { Cell, CellId, CellKind, Notebook, PersonaEdit, ReadOptions } from './model';
import { fresh, openFile, openFromPage, openSaved, type Opened, type Origin } from './opening';
import { proposePipeline, withStarterSql } from './pipeline';
import { browserPorts, type NotebookPorts } from './ports';
import type { CellRun } from './run-state';
import { Runner } from './runner';
import { Sharing } from './sharing';

export type { CellRun, RunStatus } from './run-state';
export type { Origin } from './opening';
export interface Alert {
	id: number;
	message: string;
}

const STARTING = 'Starting the engine…';

export class NotebookState {
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
	#said = $state(STARTING);
	#history = $state.raw(new History<Notebook>({ limit: 100, groupMs: 800, now: () => Date.now() }));
	/** Exports carry no personal data unless ticked (this session only); small segments held back. */
	includePersonalInExports = $state(false);
	minExportSegmentSize = $state(10);
	#alertSeq = 0;
	#restoring = false;
	readonly ports: NotebookPorts;
	readonly runner: Runner;
	readonly data: DataSession;
	readonly sharing: Sharing;
	readonly #autosave: Autosave;
	readonly #lock: WriterLock;
	readonly #client: EngineClient | null;

	constructor(ports?: NotebookPorts) {
		this.#client = ports ? null : new EngineClient({
			onProgress: (p) => (this.progress = p),
			onRestart: (reason, replay) => this.#afterRestart(reason, replay)
		});
		this.ports = ports ?? browserPorts(this.#client!);
		this.id = this.ports.storage.newId();
		this.runner = new Runner({
			engine: this.ports.engine,
			doc: () => this.#doc,
			setDoc: (next) => (this.doc = next),
			tables: () => this.tables.map((t) => t.name),
			refreshTables: () => this.#refreshTables(),
			salt: () => this.id,
			personaNames: () => this.personaNames(),
			onChange: () => {
				this.runs = this.runner.runs;
				this.#runnerBusy = this.runner.busy;
				this.#runnerStatus = this.runner.status;
			}
		});
		const rooms = { ports: this.ports, runner: this.runner, doc: () => this.#doc, alert: (m: string) => this.alert(m) };
		this.data = new DataSession({ ...rooms, setDoc: (next) => (this.doc = next), notebookId: () => this.id, refreshTables: () => this.#refreshTables() });
		this.sharing = new Sharing({ ...rooms, personaNames: () => this.personaNames(), privacy: () => ({ includePersonal: this.includePersonalInExports, salt: this.id, minSegmentSize: this.minExportSegmentSize }) });
		this.#autosave = new Autosave({
			clock: this.ports.clock, delayMs: 300, maxWaitMs: 1000,
			save: async () => { if (this.#doc.cells.length > 0 && !this.readOnly) await this.ports.storage.save(this.id, this.#doc); },
			onError: (failed) => { this.saveError = failed; if (failed) this.alert('This browser could not save the notebook (storage full or blocked). Use Export notebook to keep a copy.'); },
			onFirstSave: () => void this.ports.storage.persist()
		});
		this.#lock = new WriterLock(this.ports.locks);
		void this.#claim();
		void this.ports.storage.keepDataSetting().then((on) => (this.keepData = this.data.keepData = on), () => undefined);
		this.#client?.ready.then(
			(info) => {
				this.engineReady = true;
				const next = this.#said === STARTING ? '' : ` ${this.#said}`;
				this.#said = `Ready. DuckDB ${info.duckdbVersion} started in ${Math.round(info.ms)} ms; network access is locked off.${next}`;
			},
			(e: unknown) => this.alert(`The engine could not start: ${asEngineError(e).message}`)
		);
	}

	get engine(): EngineClient { return this.#client!; }
	get doc(): Notebook { return this.#doc; }
	/** Every change to the document lands here: kept for undo, and saved within a second. */
	set doc(next: Notebook) {
		if (next === this.#doc) return;
		if (!this.#restoring) this.#history.record(this.#doc);
		this.#doc = next;
		if (!this.#restoring) this.#autosave.changed();
	}
	/** The status line: what runs now, else what happened last (never a stale "…ing"). */
	get status(): string { return this.#runnerBusy && this.#runnerStatus ? this.#runnerStatus : (this.#loading > 0 ? this.#said : (this.#runnerStatus ?? this.#said)); }
	get busy(): number { return this.#loading + (this.#runnerBusy ? 1 : 0); }
	get canUndo(): boolean { return this.#history.canUndo; }
	get canRedo(): boolean { return this.#history.canRedo; }
	run(id: CellId): CellRun { return this.runner.run(id); }
	flush(): Promise<void> { return this.#autosave.flush(); }
	alert(message: string): void { this.alerts = [...this.alerts, { id: ++this.#alertSeq, message }]; }
	dismiss(id: number): void { this.alerts = this.alerts.filter((a) => a.id !== id); }
	#say(message: string): void { this.#said = message; this.runner.say(message); }
	async #claim(): Promise<void> { this.readOnly = !(await this.#lock.claim(this.id)); }
	async #refreshTables(): Promise<void> { this.tables = await this.ports.engine.schema(); }
	async #busy<T>(label: string, fn: () => Promise<T>): Promise<T> {
		this.#loading++; this.#said = label;
		try { return await fn(); } finally { this.#loading--; this.progress = null; }
	}

	// ---------------------------------------------------------------- which notebook is open
	#adopt(opened: Opened): void {
		this.#restoring = true;
		this.id = opened.id; this.origin = opened.origin; this.#doc = opened.doc;
		this.#restoring = false;
		this.#history = new History<Notebook>({ limit: 100, groupMs: 800, now: () => Date.now() });
		this.runner.reset(); this.data.clear();
		void this.#claim();
		if (opened.said) this.#say(opened.said);
		if (opened.origin === 'link') void this.flush();
	}
	async #openAndRestore(opened: Opened | null): Promise<void> {
		if (!opened) return;
		this.#adopt(opened);
		await this.data.restore(this.origin);
		await this.#refreshTables();
		const missing = this.missingData();
		if (missing.length === 0 && this.origin === 'own') await this.runAll();
		else if (missing.length > 0) this.#say(`Attach ${missing.map((c) => c.source).join(', ')} to carry on: Segbook keeps notebooks, never your data.`);
	}
	async open(hash: string): Promise<void> { await this.#openAndRestore(await openFromPage(this.ports, hash, (h) => this.isOwnLink(h), (m) => this.alert(m))); }
	async openSaved(id: string): Promise<void> {
		await this.flush();
		const opened = await openSaved(this.ports, id);
		if (!opened) this.alert('That notebook could not be read; it may have been erased.');
		await this.#openAndRestore(opened);
	}
	async importNotebookFile(file: File): Promise<void> {
		const result = await openFile(this.ports, file);
		if (!result.ok) return this.alert(result.error);
		await this.flush();
		await this.#openAndRestore(result.opened);
	}
	async newNotebook(): Promise<void> { await this.flush(); this.#adopt(fresh(this.ports)); }
	editCopy(): void { this.#adopt({ doc: { ...this.doc, title: `${this.doc.title} (copy)` }, id: this.ports.storage.newId(), origin: 'own', said: null }); void this.flush(); }
	async forgetAll(): Promise<void> {
		await this.ports.storage.forgetEverything();
		this.keepData = this.data.keepData = false;
		this.#adopt(fresh(this.ports));
		this.#say('Everything Segbook stored in this browser is erased.');
	}

	// ---------------------------------------------------------------- data
	missingData(): model.DataCell[] { return this.data.missingData(); }
	async loadFiles(files: readonly File[]): Promise<void> {
		const loaded: string[] = [];
		let cancelled = false;
		for (const file of files) {
			const result = await this.#busy(`Loading ${file.name}…`, () => this.data.loadFile(file));
			if (result.table) loaded.push(result.table);
			if (result.cancelled) { cancelled = true; break; }
		}
		await this.#afterLoad(cancelled ? [] : loaded);
	}
	async loadSample(options: SampleOptions): Promise<void> {
		const reports = await this.#busy(`Generating the sample (${options.customers.toLocaleString('en')} customers)…`, () => this.data.loadSample(options));
		if (reports.length > 0 && this.doc.title === 'Untitled notebook') this.setTitle('Retail sample');
		await this.#afterLoad(reports.map((r) => r.table.name));
	}
	/** New data: a first SQL cell, the proposed pipeline (run), then the column profiles. */
	async #afterLoad(tables: string[]): Promise<void> {
		const fresh = this.doc.cells.filter((c) => c.kind === 'data' && tables.includes(c.table)).map((c) => c.id);
		this.doc = withStarterSql(this.doc);
		await this.#refreshTables();
		await proposePipeline({ engine: this.ports.engine, runner: this.runner, doc: () => this.#doc, setDoc: (d) => (this.doc = d) }, tables);
		await this.data.profile(fresh);
	}
	/** "Segmentation 101": the sample in a guided notebook of its own, run except the answer key. */
	async loadLesson(options: SampleOptions): Promise<void> {
		if (this.doc.cells.length > 0) await this.newNotebook();
		const reports = await this.#busy('Generating the sample for the lesson…', () => this.ports.engine.loadSample(options).catch((e: unknown) => { this.alert(`Could not generate the sample: ${asEngineError(e).message}`); return null; }));
		const [customers, transactions] = reports ?? [];
		if (!customers || !transactions) return;
		const table = (r: typeof customers): LessonTable => ({ name: r.table.name, source: r.table.source, columns: r.table.columns.map((c) => c.name) });
		this.doc = segmentation101(table(customers), table(transactions), options);
		for (const report of reports ?? []) this.data.attached(report);
		await this.#refreshTables();
		await this.runAll();
		this.#say('The lesson is ready: read from the top, or press Present.');
	}
	async reattach(id: CellId, file: File): Promise<void> {
		const error = await this.#busy(`Loading ${file.name}…`, () => this.data.reattach(id, file));
		await this.#refreshTables();
		if (error) return;
		if (this.missingData().length > 0) return this.#say(`Attached ${file.name}.`);
		this.#say(this.origin === 'link' ? 'All data attached. Press Run all to run the notebook.' : 'All data attached.');
		if (this.origin === 'own') await this.runAll();
	}
	async protect(id: CellId, column: string, action: Protection): Promise<void> { if (await this.data.protect(id, column, action)) await this.runner.rerunDependents(id); }
	async setColumnType(id: CellId, _table: string, column: string, type: ColumnType): Promise<void> { if (await this.data.setColumnType(id, column, type)) await this.runner.rerunDependents(id); }
	async setReadOptions(id: CellId, read: ReadOptions | null): Promise<void> { if (await this.#busy('Reading the file again…', () => this.data.setReadOptions(id, read))) await this.runner.rerunDependents(id); }
	async setKeepData(on: boolean): Promise<void> { this.keepData = on; this.#say(await this.data.setKeepData(on)); }
	/** After a crash, Cancel or the watchdog: the data session replays, then the cells that made tables run again. */
	async #afterRestart(reason: string, replay: Parameters<DataSession['replay']>[0]): Promise<void> {
		const lost = await this.data.replay(replay);
		const producers = this.doc.cells.filter((c) => c.kind !== 'data' && kindOf(c).writes(c as never).length > 0 && this.run(c.id).status === 'done').map((c) => c.id);
		for (const cell of this.doc.cells) if (this.run(cell.id).status === 'running' || producers.includes(cell.id)) this.runner.set(cell.id, { status: 'stale' });
		this.alert(`${reason}. The engine restarted and your notebook is intact: ${lost.length === 0 ? 'every file, protection and type change is back' : `${lost.map((c) => c.source).join(', ')} must be attached again`}; cells that made tables run again.`);
		void this.#refreshTables().then(() => reason === 'Cancelled' ? undefined : this.runner.runBatch(producers, { stopAtError: false }));
	}

	// ---------------------------------------------------------------- cells
	#edit<C extends Cell>(id: CellId, patch: Partial<Omit<C, 'id' | 'kind'>>, stale = true): void {
		this.doc = model.updateCell<C>(this.doc, id, patch);
		if (stale) this.runner.edited(id);
	}
	addCell(kind: CellKind, after?: CellId): CellId {
		const cell = createCell(kind === 'data' ? 'sql' : kind, { cells: this.doc.cells, tables: this.tables });
		const index = after ? this.doc.cells.findIndex((c) => c.id === after) + 1 : this.doc.cells.length;
		this.doc = model.addCell(this.doc, cell, index);
		return cell.id;
	}
	/** A copy right below; not for Data cells (a table is loaded once). */
	duplicateCell(id: CellId): CellId | null {
		const index = this.doc.cells.findIndex((c) => c.id === id);
		const cell = this.doc.cells[index];
		if (!cell || cell.kind === 'data') return null;
		const copy = { ...structuredClone(cell), id: model.newCellId() };
		this.#history.step(); this.doc = model.addCell(this.doc, copy, index + 1); this.#history.step();
		return copy.id;
	}
	removeCell(id: CellId): void {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (!cell) return;
		this.#history.step(); this.doc = model.removeCell(this.doc, id); this.#history.step();
		this.#say(`Deleted a ${model.KIND_LABELS[cell.kind]} cell. Undo (Ctrl+Z) brings it back.`);
	}
	moveCell(id: CellId, delta: number): void { this.#history.step(); this.doc = model.moveCell(this.doc, id, delta); this.#history.step(); }
	undo(): void { this.#replace(this.#history.undo(this.#doc)); }
	redo(): void { this.#replace(this.#history.redo(this.#doc)); }
	#replace(doc: Notebook | null): void {
		if (!doc) return;
		this.#doc = doc; this.#autosave.changed();
		this.runner.markAllStale();
	}
	setTitle(title: string): void { this.doc = { ...this.doc, title: title.slice(0, 200) || 'Untitled notebook' }; }
	updateSql(id: CellId, patch: Partial<Pick<model.SqlCell, 'sql' | 'resultName' | 'budgetSeconds'>>): void { this.#edit(id, patch); }
	updateNotes(id: CellId, markdown: string): void { this.#edit(id, { markdown }, false); }
	updateStepper(id: CellId, patch: Partial<Omit<model.StepperCell, 'id' | 'kind'>>): void { this.#edit(id, patch, false); }
	updateChart(id: CellId, patch: Partial<Omit<model.ChartCell, 'id' | 'kind'>>): void { this.#edit(id, patch, false); }
	updateCompare(id: CellId, patch: Partial<Pick<model.CompareCell, 'split' | 'quarter'>>): void { this.#edit(id, patch); }
	updateRecipe(id: CellId, recipe: FeatureRecipe): void { this.#edit<model.FeaturesCell>(id, { recipe }); }
	updateSegments(id: CellId, patch: Partial<Pick<model.SegmentsCell, 'k' | 'seed'>>): void { this.#edit(id, patch); }
	editPersona(id: CellId, edit: PersonaEdit): void {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind === 'personas') this.#edit<model.PersonasCell>(id, { edits: [...cell.edits.filter((e) => e.segment !== edit.segment), edit] }, false);
	}
	setMinShare(id: CellId, minShare: number): void { this.#edit<model.PersonasCell>(id, { minShare }, false); }
	/** Change the R × FM map and regroup at once (no need to re-run k-means). */
	async setRfmRules(id: CellId, rules: RfmRule[] | null): Promise<void> {
		this.#edit<model.SegmentsCell>(id, { rfmRules: rules }, false);
		const ref = segmentRefOf(this.doc.cells, id);
		if (!ref) return;
		try { this.runner.set(id, { rfm: await this.ports.engine.rfm(ref, rules ?? undefined) }); } catch (e) { this.alert(`Could not regroup: ${asEngineError(e).message}`); }
	}
	lookUpCustomer(id: CellId, key: string): void { this.#edit<model.CustomerCell>(id, { key }, false); void this.runCell(id); }
	customerKeys(prefix: string, id?: CellId): Promise<string[]> {
		const ref = segmentRefOf(this.doc.cells, id ?? this.doc.cells.find((c) => c.kind === 'customer')?.id ?? ('' as CellId));
		return ref ? this.ports.engine.customerKeys(ref, prefix).catch(() => []) : Promise.resolve([]);
	}
	/** The persona names in force: the user's edits over the generated names. */
	personaNames(): Map<number, { name: string; description: string }> {
		const names = new Map<number, { name: string; description: string }>();
		for (const cell of this.doc.cells) {
			if (cell.kind !== 'personas') continue;
			for (const p of this.run(cell.id).personas?.personas ?? []) names.set(p.segment, { name: p.name, description: p.description });
			for (const e of cell.edits) names.set(e.segment, { name: e.name, description: e.description });
		}
		return names;
	}

	// ---------------------------------------------------------------- runs, sharing, exports
	runCell(id: CellId, options: { cascade?: boolean } = {}): Promise<void> { return this.runner.runCell(id, options); }
	/** Every cell in order; the column profiles last (no cell reads them); the answer key only once revealed. */
	async runAll(): Promise<void> {
		await this.data.samplesLoading;
		const cells = this.doc.cells.filter((c) => c.kind !== 'data' && c.kind !== 'notes' && !(c.kind === 'answer' && this.run(c.id).answer === null));
		await this.runner.runBatch(cells.map((c) => c.id));
		await this.data.profile(this.doc.cells.filter((c) => c.kind === 'data' && this.run(c.id).profile === null && this.run(c.id).report !== null).map((c) => c.id));
	}
	async cancel(): Promise<void> { this.#say('Cancelling…'); await this.#client?.cancel(); }
	shareLink(options: { present?: boolean } = {}): string { return this.sharing.shareLink(options); }
	isOwnLink(hash: string): boolean { return this.sharing.isOwnLink(hash); }
	async copyShareLink(options: { present?: boolean } = {}): Promise<string | null> {
		const copied = await this.sharing.copyShareLink(options);
		if (copied) this.#say(copied.said);
		return copied?.link ?? null;
	}
	exportNotebookFile(): void { this.sharing.exportNotebookFile(); }
	async exportSegments(format: 'csv' | 'parquet'): Promise<void> { const said = await this.sharing.exportSegments(format); if (said) this.#say(said); }
	async exportResult(id: CellId, format: 'csv' | 'parquet'): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'sql') return;
		const said = await this.sharing.exportResult(cell.sql, cell.resultName.trim() || 'result', format);
		if (said) this.#say(said);
	}
}
