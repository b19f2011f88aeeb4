/**
 * Loading data into the open notebook, as the components call it: files, samples, the lesson,
 * re-attaching a notebook's files, protections, type changes and import settings, and what
 * happens after an engine restart. The data session (data-session.ts) owns what is loaded; this
 * layer adds the cells and runs that follow (the proposed pipeline, the column profiles).
 */
import type { ColumnType, Protection, SampleOptions } from '../engine/api';
import { asEngineError } from '../engine/errors';
import type { DataSession } from './data-session';
import { NotebookEditing } from './editing';
import { kindOf } from './kinds';
import { segmentation101, type LessonTable } from './lessons';
import { lessonNotebook, type LessonRef } from './lesson-link';
import type * as model from './model';
import type { CellId, ReadOptions } from './model';
import { fresh, openFile, openFromPage, openSaved, type Opened, type Origin } from './opening';
import type { CellRun } from './run-state';
import { newHistory } from './editing';
import { proposePipeline, withStarterSql } from './pipeline';
import { preflight } from './memory-preflight';

export abstract class NotebookLoading extends NotebookEditing {
	abstract readonly data: DataSession;
	abstract origin: Origin;
	abstract keepData: boolean;
	abstract oversized: { file: File; message: string; every: number }[];
	protected abstract loading<T>(label: string, fn: () => Promise<T>): Promise<T>;
	protected abstract refreshTables(): Promise<void>;
	abstract id: string;
	abstract run(id: CellId): CellRun;
	abstract flush(): Promise<void>;
	abstract isOwnLink(hash: string): boolean;
	protected abstract claim(): Promise<void>;
	/** Put an opened document in place, outside undo and without an autosave of its own. */
	protected abstract restoreOpened(doc: model.Notebook): void;

	missingData(): model.DataCell[] {
		return this.data.missingData();
	}
	async loadFiles(files: readonly File[], options: { preflight?: boolean } = {}): Promise<void> {
		const loaded: string[] = [];
		let cancelled = false;
		for (const file of files) {
			// The memory pre-flight: a file this tab cannot hold waits for the user's choice.
			const check = preflight(file.name, file.size, this.ports.memory());
			if (!check.fits && options.preflight !== false) {
				this.oversized = [
					...this.oversized,
					{ file, message: check.message, every: check.sampleEvery }
				];
				this.say(`${file.name} was not loaded: it looks too large for this tab.`);
				continue;
			}
			const result = await this.loading(`Loading ${file.name}…`, () => this.data.loadFile(file));
			if (result.table) loaded.push(result.table);
			if (result.cancelled) {
				cancelled = true;
				break;
			}
		}
		await this.#afterLoad(cancelled ? [] : loaded);
	}
	/** The pre-flight's choice: a sample of the file's customers, or the whole file anyway. */
	async loadOversized(file: File, how: 'sample' | 'whole'): Promise<void> {
		const held = this.oversized.find((o) => o.file === file);
		this.oversized = this.oversized.filter((o) => o.file !== file);
		if (how === 'whole' || !held) return this.loadFiles([file], { preflight: false });
		const report = await this.loading(
			`Sampling 1 in ${held.every} customers of ${file.name}…`,
			() =>
				this.ports.engine.loadCustomerSample(file, held.every).catch((e: unknown) => {
					this.alert(`Could not sample ${file.name}: ${asEngineError(e).message}`);
					return null;
				})
		);
		if (!report) return;
		this.data.addCell(report, null);
		this.say(
			`Loaded a sample of ${file.name}: ${report.rowsLoaded.toLocaleString('en')} rows. ${report.notes.join(' ')}`
		);
		await this.#afterLoad([report.table.name]);
	}
	async loadSample(options: SampleOptions): Promise<void> {
		const reports = await this.loading(
			`Generating the sample (${options.customers.toLocaleString('en')} customers)…`,
			() => this.data.loadSample(options)
		);
		if (reports.length > 0 && this.doc.title === 'Untitled notebook')
			this.setTitle('Retail sample');
		await this.#afterLoad(reports.map((r) => r.table.name));
	}
	/** New data: a first SQL cell, the proposed pipeline (run), then the column profiles. */
	async #afterLoad(tables: string[]): Promise<void> {
		const fresh = this.doc.cells
			.filter((c) => c.kind === 'data' && tables.includes(c.table))
			.map((c) => c.id);
		this.doc = withStarterSql(this.doc);
		await this.refreshTables();
		await proposePipeline(
			{
				engine: this.ports.engine,
				runner: this.runner,
				doc: () => this.doc,
				setDoc: (d) => (this.doc = d)
			},
			tables
		);
		await this.data.profile(fresh);
	}
	/** "Segmentation 101": the sample in a guided notebook of its own, run except the answer key. */
	async loadLesson(options: SampleOptions, link: LessonRef | null = null): Promise<void> {
		if (this.doc.cells.length > 0) await this.newNotebook();
		const reports = await this.loading('Generating the sample for the lesson…', () =>
			this.ports.engine.loadSample(options).catch((e: unknown) => {
				this.alert(`Could not generate the sample: ${asEngineError(e).message}`);
				return null;
			})
		);
		const [customers, transactions] = reports ?? [];
		if (!customers || !transactions) return;
		const table = (r: typeof customers): LessonTable => ({
			name: r.table.name,
			source: r.table.source,
			columns: r.table.columns.map((c) => c.name)
		});
		// A lesson from a link is made again here from its sample, with the teacher's changes.
		const made = link
			? lessonNotebook(link, table(customers), table(transactions))
			: {
					ok: true as const,
					notebook: segmentation101(table(customers), table(transactions), options)
				};
		if (!made.ok) return this.alert(`${made.error} Your own notebooks are untouched.`);
		if (link)
			this.adopt({
				doc: made.notebook,
				id: this.ports.storage.newId(),
				origin: 'link',
				said: null
			});
		else this.doc = made.notebook;
		for (const report of reports ?? []) this.data.attached(report);
		await this.refreshTables();
		if (link) {
			return this.say(
				'Opened a lesson from a link: its sample was made in this browser; no step has run yet. Press Run all.'
			);
		}
		await this.runAll();
		this.say('The lesson is ready: read from the top, or press Present.');
	}
	async reattach(id: CellId, file: File): Promise<void> {
		const error = await this.loading(`Loading ${file.name}…`, () => this.data.reattach(id, file));
		await this.refreshTables();
		if (error) return;
		if (this.missingData().length > 0) return this.say(`Attached ${file.name}.`);
		this.say(
			this.origin === 'link'
				? 'All data attached. Press Run all to run the notebook.'
				: 'All data attached.'
		);
		if (this.origin === 'own') await this.runAll();
	}
	async protect(id: CellId, column: string, action: Protection): Promise<void> {
		if (await this.data.protect(id, column, action)) await this.runner.rerunDependents(id);
	}
	async setColumnType(id: CellId, _table: string, column: string, type: ColumnType): Promise<void> {
		if (await this.data.setColumnType(id, column, type)) await this.runner.rerunDependents(id);
	}
	async setReadOptions(id: CellId, read: ReadOptions | null): Promise<void> {
		if (await this.loading('Reading the file again…', () => this.data.setReadOptions(id, read)))
			await this.runner.rerunDependents(id);
	}
	async setKeepData(on: boolean): Promise<void> {
		this.keepData = on;
		this.say(await this.data.setKeepData(on));
	}
	/** Cells whose tables the restart in progress took away: stale until made again. */
	#lostTables: CellId[] = [];
	/**
	 * The worker is gone (a crash, Cancel, the watchdog): at once, before the user can run
	 * anything, the cells whose tables it held are stale, so a cell run meanwhile makes them
	 * again first (Runner.runCell) instead of reading a table that is not there.
	 */
	protected beforeRestart(): void {
		const producers = this.doc.cells
			.filter(
				(c) =>
					c.kind !== 'data' &&
					kindOf(c).writes(c as never).length > 0 &&
					this.run(c.id).status === 'done'
			)
			.map((c) => c.id);
		for (const id of producers) this.runner.set(id, { status: 'stale' });
		this.#lostTables = [...new Set([...this.#lostTables, ...producers])];
	}
	/** After the restart: the data session replays, then the cells that made tables run again. */
	protected async afterRestart(
		reason: string,
		replay: Parameters<DataSession['replay']>[0]
	): Promise<void> {
		const lost = await this.data.replay(replay);
		const producers = this.#lostTables;
		this.#lostTables = [];
		for (const cell of this.doc.cells)
			if (this.run(cell.id).status === 'running') this.runner.set(cell.id, { status: 'stale' });
		this.alert(
			lost.length === 0
				? `${reason}. The engine restarted; your files are reloaded, with their protections and type changes, and the cells that made tables run again.`
				: `${reason}. The engine restarted; your files are reloaded except ${lost.map((c) => c.source).join(', ')}: attach ${lost.length === 1 ? 'it' : 'them'} again in ${lost.length === 1 ? 'its Data cell' : 'their Data cells'}.`
		);
		// Queued now, before anything the user asks next: a cell run after the alert finds the
		// tables made again.
		if (reason !== 'Cancelled')
			void this.runner.runBatch(producers, { stopAtError: false, onlyStale: true });
		void this.refreshTables();
	}

	// ---------------------------------------------------------------- which notebook is open
	protected adopt(opened: Opened): void {
		this.id = opened.id;
		this.origin = opened.origin;
		this.restoreOpened(opened.doc);
		this.history = newHistory();
		this.runner.reset();
		this.data.clear();
		void this.claim();
		if (opened.said) this.say(opened.said);
		if (opened.origin === 'link') void this.flush();
	}
	protected async openAndRestore(opened: Opened | null): Promise<void> {
		if (!opened) return;
		this.adopt(opened);
		await this.data.restore(this.origin);
		await this.refreshTables();
		const missing = this.missingData();
		if (missing.length === 0 && this.origin === 'own') await this.runAll();
		else if (missing.length > 0)
			this.say(
				`Attach ${missing.map((c) => c.source).join(', ')} to carry on: Segbook keeps notebooks, never your data.`
			);
	}
	async open(hash: string): Promise<void> {
		const opened = await openFromPage(
			this.ports,
			hash,
			(h) => this.isOwnLink(h),
			(m) => this.alert(m)
		);
		if (opened && 'lesson' in opened) return this.loadLesson(opened.lesson.sample, opened.lesson);
		await this.openAndRestore(opened);
	}
	async openSaved(id: string): Promise<void> {
		await this.flush();
		const opened = await openSaved(this.ports, id);
		if (!opened) this.alert('That notebook could not be read; it may have been erased.');
		await this.openAndRestore(opened);
	}
	async importNotebookFile(file: File): Promise<void> {
		const result = await openFile(this.ports, file);
		if (!result.ok) return this.alert(result.error);
		await this.flush();
		await this.openAndRestore(result.opened);
	}
	async newNotebook(): Promise<void> {
		await this.flush();
		this.adopt(fresh(this.ports));
	}
	editCopy(): void {
		this.adopt({
			doc: { ...this.doc, title: `${this.doc.title} (copy)` },
			id: this.ports.storage.newId(),
			origin: 'own',
			said: null
		});
		void this.flush();
	}
	async forgetAll(): Promise<void> {
		await this.ports.storage.forgetEverything();
		this.keepData = this.data.keepData = false;
		this.adopt(fresh(this.ports));
		this.say('Everything Segbook stored in this browser is erased.');
	}

	/**
	 * Every cell in order; the column profiles last (no cell reads them, and on two cores they
	 * would take turns with the pipeline); the answer key only once the teacher revealed it.
	 */
	async runAll(): Promise<void> {
		await this.data.samplesLoading;
		const cells = this.doc.cells.filter(
			(c) =>
				c.kind !== 'data' &&
				c.kind !== 'notes' &&
				!(c.kind === 'answer' && this.run(c.id).answer === null)
		);
		await this.runner.runBatch(cells.map((c) => c.id));
		await this.data.profile(
			this.doc.cells
				.filter(
					(c) =>
						c.kind === 'data' && this.run(c.id).profile === null && this.run(c.id).report !== null
				)
				.map((c) => c.id)
		);
	}
}
