/**
 * The open notebook: the document (plain JSON) plus each cell's runtime state, and the
 * actions the UI calls. It talks to the engine only through EngineClient.
 */
import { browserMemory, preflight } from './memory-preflight';
import {
	buildModel,
	exportScored,
	modelContextOf,
	modelDownload,
	pipelineDownload,
	scoreTable,
	type ModelContext,
	type PipelineDialect
} from './model-exports';
import type { ScoreReport, SegmentModel } from '../engine/api';
import { tableFromIPC, type Table } from 'apache-arrow';
import type {
	AnswerKeyReport,
	ColumnType,
	ExportPrivacy,
	Protection,
	CustomerProfile,
	CompareReport,
	PersonasReport,
	FeatureRecipe,
	FeatureReport,
	RecipeSuggestion,
	RfmReport,
	RfmRule,
	SegmentRef,
	SegmentReport,
	SweepReport,
	LoadReport,
	Progress,
	QueryResult,
	SampleOptions,
	TableInfo,
	TableProfile
} from '../engine/api';
import { EngineClient } from '../engine/client';
import { recordSession } from '../engine/interim-replay';
import { defaultRefs } from '../engine/refs';
import { CHANGES_TABLE } from '../sql/compare.sql';
import { asEngineError } from '../engine/errors';
import {
	addCell,
	emptyNotebook,
	moveCell,
	newDataCell,
	newFeaturesCell,
	newChartCell,
	newCustomerCell,
	newCompareCell,
	newNotesCell,
	newPersonasCell,
	newSegmentsCell,
	newStepperCell,
	newSqlCell,
	removeCell,
	starterSql,
	updateCell,
	newAnswerCell,
	DEFAULT_SEED,
	type AnswerCell,
	type Cell,
	type CellId,
	type CellKind,
	type ChartCell,
	type CustomerCell,
	type CompareCell,
	type DataCell,
	type FeaturesCell,
	type Notebook,
	type PersonaEdit,
	type PersonasCell,
	type SegmentsCell,
	type SqlCell,
	type StepperCell
} from './model';
import {
	forgetEverything,
	keepDataSetting,
	lastNotebookId,
	loadNotebook,
	newNotebookId,
	requestPersistence,
	saveNotebook,
	setKeepDataSetting
} from './persistence';
import { forgetKept, keepFile, keptFile, pruneKept } from './kept-data';
import { KIND_LABELS, newCellId } from './model';
import { segmentation101, type LessonTable } from './lessons';
import { dependents } from './dependencies';
import {
	decodeNotebookFile,
	decodeShareLink,
	encodeNotebookFile,
	encodeShareLink
} from './share-link';
import {
	LESSON_LINK_PREFIX,
	asMade,
	decodeLessonLink,
	encodeLessonLink,
	lessonNotebook,
	type LessonRef
} from './lesson-link';

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'stale';

export interface CellRun {
	status: RunStatus;
	error: string | null;
	/** SQL cells: the result, decoded once. */
	result: (Omit<QueryResult, 'ipc'> & { table: Table }) | null;
	/** Data cells. */
	report: LoadReport | null;
	profile: TableProfile | null;
	notice: string | null;
	/** Features cells. */
	suggestion: RecipeSuggestion | null;
	features: FeatureReport | null;
	/** Segments cells. */
	sweep: SweepReport | null;
	segments: SegmentReport | null;
	rfm: RfmReport | null;
	/** Personas cells. */
	personas: PersonasReport | null;
	/** Customer cells. */
	customer: CustomerProfile | null;
	/** Compare cells. */
	compare: CompareReport | null;
	/** Answer-key cells. */
	answer: AnswerKeyReport | null;
}

const IDLE: CellRun = {
	status: 'idle',
	error: null,
	result: null,
	report: null,
	profile: null,
	notice: null,
	suggestion: null,
	features: null,
	sweep: null,
	segments: null,
	rfm: null,
	personas: null,
	customer: null,
	compare: null,
	answer: null
};

export interface Alert {
	id: number;
	message: string;
}

/** Where the open notebook came from: the user's own (autosaved) or a link (untrusted). */
export type Origin = 'own' | 'link';

/** A pause in typing this long saves the notebook. */
const STARTING = 'Starting the engine…';
/** sessionStorage key: the share link this tab last copied. */
const OWN_LINK_KEY = 'segbook-own-link';
const SAVE_DELAY_MS = 300;
/**
 * Continuous typing never holds a save back longer than this after the first unsaved change,
 * so a crash (a killed browser, a power cut) loses at most about a second of work.
 */
const SAVE_MAX_WAIT_MS = 1000;
const HISTORY_LIMIT = 100;
const HISTORY_GROUP_MS = 800;

function download(blob: Blob, name: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function slugTitle(title: string): string {
	return (
		title
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '') || 'notebook'
	);
}

export class NotebookState {
	#doc: Notebook = $state.raw(emptyNotebook());
	/** The notebook's id in this browser's storage. */
	id = $state(newNotebookId());
	origin: Origin = $state('own');
	saveError = $state(false);
	/** Another tab holds this notebook: nothing is saved from here (no overwriting each other). */
	readOnly = $state(false);
	#releaseLock: (() => void) | null = null;
	/** "Keep loaded data in this browser": off unless the user turned it on (privacy panel). */
	keepData = $state(false);
	#keepDataRead = keepDataSetting().then(
		(on) => {
			this.keepData = on;
		},
		() => undefined
	);
	/** The user's files loaded in this session, by table: what turning keepData on copies. */
	#files = new Map<string, File>();
	#saveTimer: ReturnType<typeof setTimeout> | null = null;
	/** When the oldest change not yet handed to storage was made; 0 when none. */
	#dirtySince = 0;
	/** The save in flight: saves run one at a time so a read-back never sees a later write. */
	#saving: Promise<void> | null = null;
	#persistAsked = false;
	#restoring = false;
	#undoing = false;
	#history: Notebook[] = $state.raw([]);
	#future: Notebook[] = $state.raw([]);
	#lastHistoryAt = 0;
	runs: Record<string, CellRun> = $state.raw({});
	progress: Progress | null = $state.raw(null);
	status = $state(STARTING);
	alerts: Alert[] = $state.raw([]);
	tables: TableInfo[] = $state.raw([]);
	engineReady = $state(false);
	busy = $state(0);
	#engine: EngineClient;
	#alertSeq = 0;
	#pendingProfiles: CellId[] = [];
	/** Samples being regenerated for an opened notebook (Run all waits for them). */
	#samplesLoading: Promise<void> = Promise.resolve();

	constructor() {
		const session = recordSession(
			new EngineClient({
				onProgress: (p) => {
					this.progress = p;
				},
				onRestart: (reason, replay) => this.#restarted(reason, () => session.replay(replay)),
				onUnavailable: (error) => this.alert(error.message)
			})
		);
		this.#engine = session.client;
		void this.#claim(this.id);
		this.#engine.ready.then(
			(info) => {
				this.engineReady = true;
				// What an opened link or a restore asked for meanwhile stays on the line.
				const next = this.status === STARTING ? '' : ` ${this.status}`;
				this.status = `Ready. DuckDB ${info.duckdbVersion} started in ${Math.round(info.ms)} ms; network access is locked off.${next}`;
			},
			(e: unknown) => this.alert(`The engine could not start: ${asEngineError(e).message}`)
		);
	}

	/** After a restart: the session's files back (interim-replay), running cells stale. */
	async #restarted(reason: string, replay: () => Promise<string[]>): Promise<void> {
		const failed = await replay();
		this.alert(
			failed.length === 0
				? `${reason}. The engine restarted; your files are reloaded.`
				: `${reason}. The engine restarted, but not everything came back (${failed.join('; ')}). Load those files again in their Data cells.`
		);
		this.runs = Object.fromEntries(
			Object.entries(this.runs).map(([id, run]) => [
				id,
				run.status === 'running' ? { ...run, status: 'stale' as const } : run
			])
		);
	}

	/** The default tables of the first Features cell (interim, until cells carry output names). */
	#ref(): SegmentRef {
		return defaultRefs(this.doc.cells.find((c) => c.kind === 'features')?.recipe);
	}

	get engine(): EngineClient {
		return this.#engine;
	}

	get doc(): Notebook {
		return this.#doc;
	}

	/** Every change to the document lands here: kept for undo, and saved within a second. */
	set doc(next: Notebook) {
		if (!this.#restoring && !this.#undoing && next !== this.#doc) {
			// Keystrokes within a moment are one step of undo.
			const now = Date.now();
			if (now - this.#lastHistoryAt > HISTORY_GROUP_MS) {
				this.#history = [...this.#history.slice(-HISTORY_LIMIT + 1), this.#doc];
				this.#future = [];
			}
			this.#lastHistoryAt = now;
		}
		this.#doc = next;
		if (this.#restoring) return;
		// Debounced, with a ceiling: a pause saves at once, steady typing saves every second.
		const now = Date.now();
		if (this.#dirtySince === 0) this.#dirtySince = now;
		const wait = Math.min(SAVE_DELAY_MS, this.#dirtySince + SAVE_MAX_WAIT_MS - now);
		if (this.#saveTimer) clearTimeout(this.#saveTimer);
		this.#saveTimer = setTimeout(() => void this.flush(), Math.max(0, wait));
	}

	/** Save now (called on a timer, and when the page is hidden or closed). */
	async flush(): Promise<void> {
		if (this.#saveTimer) clearTimeout(this.#saveTimer);
		this.#saveTimer = null;
		const previous = this.#saving;
		const current = (async () => {
			await previous;
			await this.#save();
		})();
		this.#saving = current;
		try {
			await current;
		} finally {
			if (this.#saving === current) this.#saving = null;
		}
	}

	async #save(): Promise<void> {
		// Changes made from here on belong to the next save.
		this.#dirtySince = 0;
		if (this.#doc.cells.length === 0 || this.readOnly) return;
		try {
			await saveNotebook(this.id, this.#doc);
			if (this.saveError) this.saveError = false;
			if (!this.#persistAsked) {
				this.#persistAsked = true;
				void requestPersistence();
			}
		} catch {
			if (!this.saveError) {
				this.saveError = true;
				this.alert(
					'This browser could not save the notebook (storage full or blocked). Use Export notebook to keep a copy.'
				);
			}
		}
	}

	/**
	 * Open what the page was opened with: a share link in the fragment (as a new notebook, its
	 * cells not run), else the last notebook this browser saved.
	 */
	async open(hash: string): Promise<void> {
		// This tab's own link in the address bar (Copy share link, then reload): reopen the
		// notebook itself, not a copy of it.
		if (hash.startsWith('#nb=') && this.isOwnLink(hash)) {
			history.replaceState(null, '', location.pathname);
		} else if (hash.startsWith(LESSON_LINK_PREFIX) && !this.isOwnLink(hash)) {
			// A lesson by reference: made again here from its sample, with the teacher's changes.
			const result = decodeLessonLink(hash);
			if (result.ok) return this.loadLesson(result.ref.sample, result.ref);
			this.alert(`${result.error} Your own notebooks are untouched.`);
		} else if (hash.startsWith('#nb=')) {
			const result = decodeShareLink(hash);
			if (result.ok) {
				this.#adopt(result.notebook, newNotebookId(), 'link');
				this.status = 'Opened from a link. Attach the data files it asks for, then press Run all.';
				await this.#reloadData();
				return;
			}
			this.alert(`${result.error} Your own notebooks are untouched.`);
		}
		const last = await lastNotebookId().catch(() => null);
		const stored = last ? await loadNotebook(last).catch(() => null) : null;
		if (stored && stored.doc.cells.length > 0) {
			this.#adopt(stored.doc, stored.id, 'own');
			await this.#reloadData();
		}
	}

	get canUndo(): boolean {
		return this.#history.length > 0;
	}

	get canRedo(): boolean {
		return this.#future.length > 0;
	}

	undo(): void {
		const previous = this.#history.at(-1);
		if (!previous) return;
		this.#history = this.#history.slice(0, -1);
		this.#future = [...this.#future, this.#doc];
		this.#replaceFromHistory(previous);
	}

	redo(): void {
		const next = this.#future.at(-1);
		if (!next) return;
		this.#future = this.#future.slice(0, -1);
		this.#history = [...this.#history, this.#doc];
		this.#replaceFromHistory(next);
	}

	#replaceFromHistory(doc: Notebook): void {
		this.#undoing = true;
		this.doc = doc;
		this.#undoing = false;
		this.#lastHistoryAt = 0;
		// Results may no longer match the cells: show them as stale until re-run.
		for (const cell of doc.cells) {
			if (cell.kind !== 'data' && cell.kind !== 'notes' && this.run(cell.id).status === 'done') {
				this.#setRun(cell.id, { status: 'stale' });
			}
		}
	}

	updateStepper(id: CellId, patch: Partial<Omit<StepperCell, 'id' | 'kind'>>): void {
		this.doc = updateCell<StepperCell>(this.doc, id, patch);
	}

	updateChart(id: CellId, patch: Partial<Omit<ChartCell, 'id' | 'kind'>>): void {
		this.doc = updateCell<ChartCell>(this.doc, id, patch);
	}

	setTitle(title: string): void {
		this.doc = { ...this.doc, title: title.slice(0, 200) || 'Untitled notebook' };
	}

	/** A copy right below; not for Data cells (a table is loaded once). The copy's id. */
	duplicateCell(id: CellId): CellId | null {
		const index = this.doc.cells.findIndex((c) => c.id === id);
		const cell = this.doc.cells[index];
		if (!cell || cell.kind === 'data') return null;
		const copy = { ...structuredClone(cell), id: newCellId() };
		this.#step(addCell(this.doc, copy, index + 1));
		return copy.id;
	}

	/** Open a notebook saved in this browser (the current one stays saved). */
	async openSaved(id: string): Promise<void> {
		await this.flush();
		const stored = await loadNotebook(id);
		if (!stored) {
			this.alert('That notebook could not be read; it may have been erased.');
			return;
		}
		this.#adopt(stored.doc, stored.id, 'own');
		await this.#reloadData();
	}

	/**
	 * One writer per notebook: a Web Lock named after the notebook, held while it is open here.
	 * A second tab on the same notebook gets none and becomes read-only.
	 */
	async #claim(id: string): Promise<void> {
		this.#releaseLock?.();
		this.#releaseLock = null;
		const locks = globalThis.navigator?.locks;
		if (!locks) {
			this.readOnly = false;
			return;
		}
		await new Promise<void>((claimed) => {
			void locks.request(`segbook-notebook-${id}`, { ifAvailable: true }, (lock) => {
				this.readOnly = lock === null && this.id === id;
				claimed();
				if (!lock) return undefined;
				return new Promise<void>((release) => {
					this.#releaseLock = release;
				});
			});
		});
	}

	/** Edit this notebook as a copy of one another tab is editing. */
	editCopy(): void {
		this.#adopt({ ...this.doc, title: `${this.doc.title} (copy)` }, newNotebookId(), 'own');
		void this.flush();
	}

	#adopt(doc: Notebook, id: string, origin: Origin): void {
		void this.#claim(id);
		this.#history = [];
		this.#future = [];
		this.#restoring = true;
		this.id = id;
		this.origin = origin;
		this.doc = doc;
		this.runs = {};
		this.#restoring = false;
		if (origin === 'link') void this.flush();
	}

	/**
	 * Bring back generated samples by their seed (also for links: samples hold no one's data);
	 * files wait for the user to re-attach them. Only the user's own notebook then runs itself.
	 */
	async #reloadData(): Promise<void> {
		const samples = new Map<string, SampleOptions>();
		for (const cell of this.doc.cells) {
			if (cell.kind === 'data' && cell.sample)
				samples.set(JSON.stringify(cell.sample), cell.sample);
		}
		this.#samplesLoading = (async () => {
			for (const options of samples.values()) {
				try {
					const reports = await this.#engine.loadSample(options);
					for (const report of reports) this.#attached(report);
				} catch (e) {
					this.alert(`Could not regenerate the sample: ${asEngineError(e).message}`);
				}
			}
		})();
		await this.#samplesLoading;
		// Kept copies of the user's files come back by themselves (the user's own notebooks only).
		await this.#keepDataRead;
		if (this.keepData && this.origin === 'own') {
			const files = this.doc.cells.filter((c): c is DataCell => c.kind === 'data' && !c.sample);
			for (const cell of files) await this.#restoreKept(cell);
			void pruneKept(
				this.id,
				files.map((c) => c.table)
			);
		}
		await this.#refreshTables();
		if (this.missingData().length === 0 && this.origin === 'own') await this.runAll();
		else if (this.missingData().length > 0) {
			this.status = `Attach ${this.missingData()
				.map((c) => c.source)
				.join(', ')} to carry on: Segbook keeps notebooks, never your data.`;
		}
	}

	/** A loaded report for an existing Data cell (restored notebooks): protections first. */
	#attached(report: LoadReport): void {
		const cell = this.doc.cells.find(
			(c): c is DataCell => c.kind === 'data' && c.table === report.table.name
		);
		if (!cell) return;
		this.#setRun(cell.id, { status: 'running', report, error: null });
		void (async () => {
			for (const p of cell.protect ?? []) {
				await this.#engine.protectColumn(cell.table, p.column, p.action, this.id).catch(() => null);
			}
			await this.#profile(cell.id, cell.table);
		})();
	}

	/** Exclude, mask or hash a personal-data column, and remember it for every reload. */
	async protect(id: CellId, column: string, action: Protection): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'data') return;
		this.#setRun(id, { status: 'running' });
		try {
			const profile = await this.#engine.protectColumn(cell.table, column, action, this.id);
			const protect = [
				...(cell.protect ?? []).filter((p) => p.column !== column),
				{ column, action }
			];
			this.doc = updateCell<DataCell>(this.doc, id, { protect });
			const done = { exclude: 'left out', mask: 'masked', hash: 'replaced by salted hashes' }[
				action
			];
			this.#setRun(id, {
				status: 'done',
				profile,
				notice: `${column} is ${done} everywhere in this notebook.`
			});
			await this.#refreshTables();
			await this.#rerunDependents(id);
		} catch (e) {
			this.#setRun(id, { status: 'error', error: asEngineError(e).message });
		}
	}

	/** Data cells whose table is not loaded in this session. */
	missingData(): DataCell[] {
		return this.doc.cells.filter(
			(c): c is DataCell => c.kind === 'data' && this.run(c.id).report === null
		);
	}

	/** Re-attach a notebook's file: its columns must be the ones the notebook expects. */
	async reattach(id: CellId, file: File): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'data') return;
		await this.#task(`Loading ${file.name}…`, async () => {
			const error = await this.#attachFile(cell, file);
			if (error) {
				this.#setRun(id, { status: 'error', error });
				return;
			}
			this.status = `Attached ${file.name} as ${cell.table}.`;
			if (this.keepData) void this.#keep(cell.table, file);
		});
		await this.#refreshTables();
		if (this.missingData().length === 0) {
			this.status =
				this.origin === 'link'
					? 'All data attached. Press Run all to run the notebook.'
					: 'All data attached.';
			if (this.origin === 'own') await this.runAll();
		}
	}

	/** Load a file as a Data cell's table, if it has the columns the cell expects: null, or what failed. */
	async #attachFile(cell: DataCell, file: File): Promise<string | null> {
		try {
			const report = await this.#engine.loadFile(file, cell.table);
			const got = new Set(report.table.columns.map((c) => c.name));
			const missing = cell.columns.filter((c) => !got.has(c));
			if (missing.length > 0) {
				await this.#engine.dropTable(cell.table);
				return `${file.name} lacks the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that this notebook expects. Attach the file it was made with.`;
			}
			this.#attached(report);
			this.#files.set(cell.table, file);
			return null;
		} catch (e) {
			return asEngineError(e).message;
		}
	}

	/** Re-attach a Data cell from its kept copy; a missing or damaged copy asks for the file. */
	async #restoreKept(cell: DataCell): Promise<void> {
		const kept = await keptFile(this.id, cell.table);
		if (kept.ok) {
			const error = await this.#task(`Loading the kept copy of ${cell.source}…`, () =>
				this.#attachFile(cell, kept.file)
			);
			if (!error) return;
		} else if (kept.reason === 'none') {
			return; // Loaded before keeping was turned on: ask for it as usual.
		}
		const why =
			kept.ok || kept.reason === 'damaged'
				? 'is damaged'
				: kept.reason === 'missing'
					? 'is missing'
					: 'cannot be read here';
		this.#setRun(cell.id, {
			status: 'error',
			error: `The copy of ${cell.source} kept in this browser ${why}. Attach the file again to carry on.`
		});
	}

	/** Copy a loaded file into this browser's private storage (when keepData is on). */
	async #keep(table: string, file: File): Promise<void> {
		try {
			await keepFile(this.id, table, file);
		} catch (e) {
			this.alert(
				`Could not keep a copy of ${file.name} in this browser (${e instanceof Error ? e.message : String(e)}). After a reload it will be asked for.`
			);
		}
	}

	/** Turn "Keep loaded data in this browser" on (copy the loaded files) or off (delete all copies). */
	async setKeepData(on: boolean): Promise<void> {
		this.keepData = on;
		await setKeepDataSetting(on).catch(() => undefined);
		if (!on) {
			await forgetKept();
			this.status = 'Kept data files are deleted from this browser.';
			return;
		}
		for (const cell of this.doc.cells) {
			const file = cell.kind === 'data' && !cell.sample ? this.#files.get(cell.table) : undefined;
			if (cell.kind === 'data' && file) await this.#keep(cell.table, file);
		}
		this.status = 'Loaded data files are kept in this browser from now on.';
	}

	/** Start a fresh, empty notebook (the current one stays saved). */
	async newNotebook(): Promise<void> {
		await this.flush();
		this.#adopt(emptyNotebook(), newNotebookId(), 'own');
	}

	/**
	 * The share link for this notebook: cells and parameters, never data. A Customer cell's key
	 * is a real customer's id, so it stays out of the link.
	 */
	shareLink(options: { present?: boolean } = {}): string {
		const doc: Notebook = {
			...this.doc,
			cells: this.doc.cells.map((c) => (c.kind === 'customer' ? { ...c, key: '' } : c))
		};
		// `?present`: a student link, opened read-only in presentation mode until made one's own.
		const query = options.present ? '?present' : '';
		// A lesson's student link names the lesson and the teacher's changes (lesson-link.ts).
		const lesson = options.present
			? encodeLessonLink(asMade(this.doc, (id) => this.run(id).suggestion?.recipe))
			: null;
		return `${location.origin}${location.pathname}${query}${lesson ?? encodeShareLink(doc)}`;
	}

	/** True for the fragment this tab wrote itself with Copy share link (also after a reload). */
	isOwnLink(hash: string): boolean {
		const own = globalThis.sessionStorage?.getItem(OWN_LINK_KEY) ?? '';
		return hash.length > 0 && own.endsWith(hash);
	}

	async copyShareLink(options: { present?: boolean } = {}): Promise<string | null> {
		let link: string;
		try {
			link = this.shareLink(options);
		} catch (e) {
			this.alert(
				`This notebook is too large for a link (${e instanceof Error ? e.message : String(e)}). Use Notebook → Export notebook and send the file.`
			);
			return null;
		}
		try {
			sessionStorage.setItem(OWN_LINK_KEY, link);
		} catch {
			// Storage blocked: a reload of this tab then opens the link as a copy, nothing worse.
		}
		history.replaceState(null, '', link);
		try {
			await navigator.clipboard.writeText(link);
			this.status = `Share link copied (${link.length.toLocaleString('en')} characters). It holds the notebook, never your data.`;
		} catch {
			this.status = 'The share link is in the address bar: copy it from there.';
		}
		return link;
	}

	exportNotebookFile(): void {
		let text: string;
		try {
			text = encodeNotebookFile(this.doc);
		} catch (e) {
			this.alert(
				`The notebook could not be exported: ${e instanceof Error ? e.message : String(e)}`
			);
			return;
		}
		download(
			new Blob([text], { type: 'application/json' }),
			`${slugTitle(this.doc.title)}.segbook.json`
		);
	}

	async importNotebookFile(file: File): Promise<void> {
		const result = decodeNotebookFile(await file.text());
		if (!result.ok) {
			this.alert(`Could not open ${file.name}: ${result.error}`);
			return;
		}
		await this.flush();
		this.#adopt(result.notebook, newNotebookId(), 'link');
		void this.flush();
		this.status = `Opened ${file.name}. Attach the data files it asks for, then press Run all.`;
		await this.#reloadData();
	}

	/** Forget every stored notebook in this browser, and start empty. */
	async forgetAll(): Promise<void> {
		await forgetEverything();
		this.keepData = false;
		this.#adopt(emptyNotebook(), newNotebookId(), 'own');
		this.status = 'Everything Segbook stored in this browser is erased.';
	}

	run(id: CellId): CellRun {
		return this.runs[id] ?? IDLE;
	}

	#setRun(id: CellId, patch: Partial<CellRun>): void {
		this.runs = { ...this.runs, [id]: { ...this.run(id), ...patch } };
	}

	alert(message: string): void {
		this.alerts = [...this.alerts, { id: ++this.#alertSeq, message }];
	}

	dismiss(id: number): void {
		this.alerts = this.alerts.filter((a) => a.id !== id);
	}

	async #task<T>(label: string, fn: () => Promise<T>): Promise<T> {
		this.busy++;
		this.status = label;
		try {
			return await fn();
		} finally {
			this.busy--;
			this.progress = null;
		}
	}

	async #refreshTables(): Promise<void> {
		this.tables = await this.#engine.schema();
	}

	async loadFiles(files: readonly File[], options: { preflight?: boolean } = {}): Promise<void> {
		const loaded: string[] = [];
		for (const file of files) {
			// The memory pre-flight (src/notebook/memory-preflight.ts): a file this tab cannot hold waits
			// for the user's choice (a sample of its customers, or the whole file anyway).
			const check = preflight(file.name, file.size, browserMemory());
			if (!check.fits && options.preflight !== false) {
				this.oversized = [
					...this.oversized,
					{ file, message: check.message, every: check.sampleEvery }
				];
				this.status = `${file.name} was not loaded: it looks too large for this tab.`;
				continue;
			}
			await this.#task(`Loading ${file.name}…`, async () => {
				try {
					const report = await this.#engine.loadFile(file);
					this.#addLoaded(report);
					this.#files.set(report.table.name, file);
					if (this.keepData) void this.#keep(report.table.name, file);
					loaded.push(report.table.name);
					this.status = `Loaded ${file.name}: ${report.rowsLoaded.toLocaleString('en')} rows in ${(report.ms / 1000).toFixed(1)} s.`;
				} catch (e) {
					const error = asEngineError(e);
					this.alert(`Could not load ${file.name}: ${error.message}`);
					this.status = `${file.name} was not loaded.`;
				}
			});
		}
		this.#ensureSqlCell();
		await this.#refreshTables();
		await this.#proposePipeline(loaded);
	}

	/** Files the pre-flight held back, with its message and the sample it proposes. */
	oversized: { file: File; message: string; every: number }[] = $state.raw([]);

	/** The pre-flight's choice: a sample of the file's customers, or the whole file anyway. */
	async loadOversized(file: File, how: 'sample' | 'whole'): Promise<void> {
		const held = this.oversized.find((o) => o.file === file);
		this.oversized = this.oversized.filter((o) => o.file !== file);
		if (how === 'whole' || !held) {
			await this.loadFiles([file], { preflight: false });
			return;
		}
		await this.#task(`Sampling 1 in ${held.every} customers of ${file.name}…`, async () => {
			try {
				const report = await this.#engine.loadCustomerSample(file, held.every);
				this.#addLoaded(report);
				this.status = `Loaded a sample of ${file.name}: ${report.rowsLoaded.toLocaleString('en')} rows. ${report.notes.join(' ')}`;
				this.#ensureSqlCell();
				await this.#refreshTables();
				await this.#proposePipeline([report.table.name]);
			} catch (e) {
				this.alert(`Could not sample ${file.name}: ${asEngineError(e).message}`);
			}
		});
	}

	async loadSample(options: SampleOptions): Promise<void> {
		const loaded: string[] = [];
		await this.#task(
			`Generating the sample (${options.customers.toLocaleString('en')} customers)…`,
			async () => {
				try {
					const reports = await this.#engine.loadSample(options);
					if (this.doc.cells.length === 0) this.setTitle('Retail sample');
					for (const report of reports) this.#addLoaded(report, options);
					loaded.push(...reports.map((r) => r.table.name));
					const rows = reports.reduce((n, r) => n + r.rowsLoaded, 0);
					this.status = `Sample loaded: ${rows.toLocaleString('en')} rows in ${((reports[0]?.ms ?? 0) / 1000).toFixed(1)} s.`;
				} catch (e) {
					this.alert(`Could not generate the sample: ${asEngineError(e).message}`);
				}
			}
		);
		this.#ensureSqlCell();
		await this.#refreshTables();
		await this.#proposePipeline(loaded);
	}

	/**
	 * "Segmentation 101": the sample in a guided notebook of its own (the open one stays saved),
	 * run from top to bottom except the answer key, which the teacher reveals.
	 */
	async loadLesson(options: SampleOptions, link: LessonRef | null = null): Promise<void> {
		if (this.doc.cells.length > 0) await this.newNotebook();
		const reports = await this.#task('Generating the sample for the lesson…', async () => {
			try {
				return await this.#engine.loadSample(options);
			} catch (e) {
				this.alert(`Could not generate the sample: ${asEngineError(e).message}`);
				return null;
			}
		});
		const [customers, transactions] = reports ?? [];
		if (!customers || !transactions) return;
		const table = (r: LoadReport): LessonTable => ({
			name: r.table.name,
			source: r.table.source,
			columns: r.table.columns.map((c) => c.name)
		});
		const made = link
			? lessonNotebook(link, table(customers), table(transactions))
			: {
					ok: true as const,
					notebook: segmentation101(table(customers), table(transactions), options)
				};
		if (!made.ok) return this.alert(`${made.error} Your own notebooks are untouched.`);
		if (link) this.#adopt(made.notebook, newNotebookId(), 'link');
		else this.doc = made.notebook;
		for (const report of reports ?? []) {
			const cell = this.doc.cells.find(
				(c): c is DataCell => c.kind === 'data' && c.table === report.table.name
			);
			if (cell) this.#setRun(cell.id, { report });
		}
		await this.#refreshTables();
		if (link) {
			this.status =
				'Opened a lesson from a link: its sample was made in this browser; no step has run yet. Press Run all.';
			return;
		}
		await this.runAll();
		this.status = 'The lesson is ready: read from the top, or press Present.';
	}

	/**
	 * A transaction-like file (or a customer-level one) gets the standard pipeline at once:
	 * Features → Segments, run with the detected settings, every step open to editing.
	 */
	async #proposePipeline(tables: readonly string[]): Promise<void> {
		if (tables.length === 0 || this.doc.cells.some((c) => c.kind === 'features')) {
			this.#startProfiles();
			return;
		}
		let best: RecipeSuggestion | null = null;
		for (const table of tables) {
			try {
				const suggestion = await this.#engine.suggestRecipe(table);
				const better =
					!best ||
					(best.recipe.grain === 'customers' && suggestion.recipe.grain === 'transactions');
				if (better) best = suggestion;
			} catch {
				// Not segmentable on its own (no key); the user can still add a Features cell.
			}
		}
		if (!best) {
			this.#startProfiles();
			return;
		}
		const features = newFeaturesCell(best.recipe.source, best.recipe);
		const segments = newSegmentsCell();
		const personas = newPersonasCell();
		this.doc = addCell(addCell(addCell(this.doc, features), segments), personas);
		this.#setRun(features.id, { suggestion: best });
		// Segments first, then the column profiles: on two cores the profile would otherwise
		// take turns with k-means and the pipeline's own queries.
		try {
			await this.#runOne(features.id);
			if (this.run(features.id).status === 'done') await this.#runOne(segments.id);
			if (this.run(segments.id).status === 'done') await this.#runOne(personas.id);
		} finally {
			this.#startProfiles();
		}
	}

	#addLoaded(report: LoadReport, sample: SampleOptions | null = null): void {
		const cell = newDataCell(
			report.table.name,
			report.table.source,
			report.table.columns.map((c) => c.name),
			sample
		);
		this.doc = addCell(this.doc, cell);
		this.#setRun(cell.id, { status: 'running', report });
		this.#pendingProfiles.push(cell.id);
	}

	/** Profile the new Data cells (after the pipeline's SQL, so both share DuckDB well). */
	#startProfiles(): void {
		for (const id of this.#pendingProfiles.splice(0)) {
			const cell = this.doc.cells.find((c) => c.id === id);
			if (cell?.kind === 'data') void this.#profile(id, cell.table);
		}
	}

	/** A first SQL cell to start from, once there is data. */
	#ensureSqlCell(): void {
		const first = this.doc.cells.find((c) => c.kind === 'data');
		if (first?.kind === 'data' && !this.doc.cells.some((c) => c.kind === 'sql')) {
			this.doc = addCell(this.doc, newSqlCell(starterSql(first.table)));
		}
	}

	async #profile(id: CellId, table: string): Promise<void> {
		try {
			const profile = await this.#engine.profile(table);
			this.#setRun(id, { status: 'done', profile, error: null });
		} catch (e) {
			this.#setRun(id, { status: 'error', error: asEngineError(e).message });
		}
	}

	async setColumnType(id: CellId, table: string, column: string, type: ColumnType): Promise<void> {
		this.#setRun(id, { status: 'running', notice: null });
		try {
			const change = await this.#engine.setColumnType(table, column, type);
			this.#setRun(id, {
				status: 'done',
				profile: change.profile,
				error: null,
				notice:
					change.lost > 0
						? `${change.lost.toLocaleString('en')} values of ${column} could not be read as ${type} and are now empty.`
						: `${column} is now ${type}.`
			});
			await this.#refreshTables();
			await this.#rerunDependents(id);
		} catch (e) {
			this.#setRun(id, { status: 'error', error: asEngineError(e).message });
		}
	}

	addCell(kind: CellKind, after?: CellId): CellId {
		const firstTable = this.tables[0]?.name;
		const cell: Cell =
			kind === 'notes'
				? newNotesCell('Write a note here.')
				: kind === 'features'
					? newFeaturesCell(firstTable ?? '')
					: kind === 'segments'
						? newSegmentsCell()
						: kind === 'chart'
							? newChartCell(firstTable ?? '')
							: kind === 'personas'
								? newPersonasCell()
								: kind === 'customer'
									? newCustomerCell()
									: kind === 'compare'
										? newCompareCell()
										: kind === 'stepper'
											? newStepperCell()
											: kind === 'answer'
												? newAnswerCell()
												: kind === 'data'
													? newSqlCell('SELECT 42 AS answer')
													: newSqlCell(firstTable ? starterSql(firstTable) : 'SELECT 42 AS answer');
		const index = after
			? this.doc.cells.findIndex((c) => c.id === after) + 1
			: this.doc.cells.length;
		this.doc = addCell(this.doc, cell, index);
		return cell.id;
	}

	/** Undo brings a deleted cell back, so its results are kept until the notebook closes. */
	removeCell(id: CellId): void {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (!cell) return;
		this.#step(removeCell(this.doc, id));
		this.status = `Deleted a ${KIND_LABELS[cell.kind]} cell. Undo (Ctrl+Z) brings it back.`;
	}

	moveCell(id: CellId, delta: number): void {
		this.#step(moveCell(this.doc, id, delta));
	}

	/** A change that is one step of undo on its own, never grouped with typing around it. */
	#step(next: Notebook): void {
		this.#lastHistoryAt = 0;
		this.doc = next;
		this.#lastHistoryAt = 0;
	}

	updateSql(id: CellId, patch: Partial<Pick<SqlCell, 'sql' | 'resultName'>>): void {
		this.doc = updateCell<SqlCell>(this.doc, id, patch);
		if (this.run(id).status === 'done') this.#setRun(id, { status: 'stale' });
		this.#markDownstreamStale(id);
	}

	updateNotes(id: CellId, markdown: string): void {
		this.doc = updateCell(this.doc, id, { markdown });
	}

	/** The cells that read what cell `id` writes, directly or not (src/notebook/dependencies). */
	#dependents(id: CellId): CellId[] {
		return dependents(
			this.doc.cells,
			id,
			this.tables.map((t) => t.name)
		);
	}

	/** Show every cell depending on `id` as stale until it is re-run. */
	#markDownstreamStale(id: CellId): void {
		for (const dep of this.#dependents(id)) {
			if (this.run(dep).status === 'done') this.#setRun(dep, { status: 'stale' });
		}
	}

	/**
	 * Run one cell, then re-run exactly the cells that depend on it and had run before (they
	 * are stale now), in document order; a failure stops the chain. Run all passes
	 * `cascade: false` since it runs everything in order anyway.
	 */
	async runCell(id: CellId, options: { cascade?: boolean } = {}): Promise<void> {
		await this.#runOne(id);
		if (options.cascade === false || this.run(id).status !== 'done') return;
		await this.#rerunDependents(id);
	}

	async #rerunDependents(id: CellId): Promise<void> {
		this.#markDownstreamStale(id);
		for (const dep of this.#dependents(id)) {
			if (this.run(dep).status !== 'stale') continue;
			await this.#runOne(dep);
			if (this.run(dep).status === 'error') break;
		}
	}

	async #runOne(id: CellId): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (!cell) return;
		if (cell.kind === 'data') {
			this.#setRun(id, { status: 'running' });
			await this.#profile(id, cell.table);
			return;
		}
		if (cell.kind === 'features') return this.#runFeatures(cell);
		if (cell.kind === 'segments') return this.#runSegments(cell);
		if (cell.kind === 'personas') return this.#runPersonas(cell);
		if (cell.kind === 'customer') return this.#runCustomer(cell);
		if (cell.kind === 'compare') return this.#runCompare(cell);
		if (cell.kind === 'answer') return this.#runAnswer(cell);
		if (cell.kind !== 'sql') return;
		this.#setRun(id, { status: 'running', error: null });
		await this.#task('Running SQL…', async () => {
			try {
				const result = await this.#engine.query(cell.sql, {
					resultName: cell.resultName || undefined
				});
				const { ipc, ...rest } = result;
				this.#setRun(id, {
					status: 'done',
					result: { ...rest, table: tableFromIPC(ipc) },
					error: null
				});
				this.status = `Query returned ${result.rowCount.toLocaleString('en')} rows in ${Math.round(result.ms)} ms.`;
				if (result.resultName) {
					this.#markDownstreamStale(id);
					await this.#refreshTables();
				}
			} catch (e) {
				const error = asEngineError(e);
				this.#setRun(id, { status: 'error', error: error.message, result: null });
				this.status = error.code === 'cancelled' ? 'Cancelled.' : 'The query failed.';
			}
		});
	}

	async #runFeatures(cell: FeaturesCell): Promise<void> {
		this.#setRun(cell.id, { status: 'running', error: null });
		await this.#task('Building features…', async () => {
			try {
				let suggestion = this.run(cell.id).suggestion;
				if (!suggestion) {
					// The suggestion lists the candidates; a recipe the user already has is kept.
					suggestion = await this.#engine.suggestRecipe(cell.table);
					if (!cell.recipe) {
						this.doc = updateCell<FeaturesCell>(this.doc, cell.id, { recipe: suggestion.recipe });
					}
					this.#setRun(cell.id, { suggestion });
				}
				const recipe = (this.doc.cells.find((c) => c.id === cell.id) as FeaturesCell).recipe!;
				const report = await this.#engine.buildFeatures(recipe, defaultRefs(recipe));
				this.#setRun(cell.id, { status: 'done', features: report, error: null });
				this.status = `Features ready: ${report.customers.toLocaleString('en')} customers × ${recipe.selected.length} features in ${Math.round(report.ms)} ms.`;
				this.#markDownstreamStale(cell.id);
				await this.#refreshTables();
			} catch (e) {
				this.#setRun(cell.id, { status: 'error', error: asEngineError(e).message });
			}
		});
	}

	async #runSegments(cell: SegmentsCell): Promise<void> {
		this.#setRun(cell.id, { status: 'running', error: null });
		await this.#task('Segmenting…', async () => {
			try {
				let k = cell.k;
				let sweep = this.run(cell.id).sweep;
				if (k === null) {
					sweep = await this.#engine.sweep(this.#ref(), cell.seed);
					k = sweep.recommendedK;
					this.#setRun(cell.id, { sweep });
				}
				const segments = await this.#engine.segment(this.#ref(), { k, seed: cell.seed });
				let rfm: RfmReport | null = null;
				try {
					rfm = await this.#engine.rfm(this.#ref(), cell.rfmRules ?? undefined);
				} catch {
					// Customer-level data has no recency or spend: no rule-based RFM then.
				}
				this.#setRun(cell.id, { status: 'done', segments, rfm, error: null });
				this.status = `${segments.k} segments of ${segments.customers.toLocaleString('en')} customers in ${Math.round(segments.ms)} ms.`;
				await this.#refreshTables();
			} catch (e) {
				this.#setRun(cell.id, { status: 'error', error: asEngineError(e).message });
			}
		});
	}

	async #runPersonas(cell: PersonasCell): Promise<void> {
		this.#setRun(cell.id, { status: 'running', error: null });
		await this.#task('Profiling the segments…', async () => {
			try {
				const personas = await this.#engine.personas(this.#ref());
				this.#setRun(cell.id, { status: 'done', personas, error: null });
				this.status = `${personas.personas.length} personas ready.`;
			} catch (e) {
				this.#setRun(cell.id, { status: 'error', error: asEngineError(e).message });
			}
		});
	}

	async #runCompare(cell: CompareCell): Promise<void> {
		this.#setRun(cell.id, { status: 'running', error: null });
		await this.#task('Comparing the two periods…', async () => {
			try {
				const compare = await this.#engine.compare(this.#ref(), {
					output: CHANGES_TABLE,
					split: cell.split,
					quarter: cell.quarter ?? null
				});
				this.#setRun(cell.id, { status: 'done', compare, error: null });
				this.status = `Compared ${compare.customers.toLocaleString('en')} customers before and after ${compare.split.slice(0, 10)} in ${Math.round(compare.ms)} ms.`;
				await this.#refreshTables();
			} catch (e) {
				this.#setRun(cell.id, { status: 'error', compare: null, error: asEngineError(e).message });
			}
		});
	}

	/** New periods (split date, null = halfway; or a quarter): stale until it runs again. */
	updateCompare(id: CellId, patch: Partial<Pick<CompareCell, 'split' | 'quarter'>>): void {
		this.doc = updateCell<CompareCell>(this.doc, id, patch);
		if (this.run(id).status === 'done') this.#setRun(id, { status: 'stale' });
	}

	async #runCustomer(cell: CustomerCell): Promise<void> {
		if (cell.key.trim() === '') {
			this.#setRun(cell.id, { status: 'idle', customer: null, error: null });
			return;
		}
		this.#setRun(cell.id, { status: 'running', error: null });
		try {
			const customer = await this.#engine.customer(this.#ref(), cell.key.trim());
			this.#setRun(cell.id, { status: 'done', customer, error: null });
		} catch (e) {
			this.#setRun(cell.id, { status: 'error', customer: null, error: asEngineError(e).message });
		}
	}

	/** Reveal the sample's planted personas against the segments found. */
	async #runAnswer(cell: AnswerCell): Promise<void> {
		this.#setRun(cell.id, { status: 'running', error: null });
		await this.#task('Comparing with the answer key…', async () => {
			try {
				const seed =
					this.doc.cells.find((c): c is SegmentsCell => c.kind === 'segments')?.seed ??
					DEFAULT_SEED;
				const answer = await this.#engine.answerKey(this.#ref(), seed);
				this.#setRun(cell.id, { status: 'done', answer, error: null });
				this.status = `Answer key revealed: adjusted Rand index ${answer.ari.toFixed(2)}.`;
			} catch (e) {
				this.#setRun(cell.id, { status: 'error', answer: null, error: asEngineError(e).message });
			}
		});
	}

	customerKeys(prefix: string): Promise<string[]> {
		try {
			return this.#engine.customerKeys(this.#ref(), prefix).catch(() => []);
		} catch {
			return Promise.resolve([]);
		}
	}

	lookUpCustomer(id: CellId, key: string): void {
		this.doc = updateCell<CustomerCell>(this.doc, id, { key });
		void this.runCell(id);
	}

	/** The persona names in force: the user's edits over the generated names. */
	personaNames(): Map<number, { name: string; description: string }> {
		const names = new Map<number, { name: string; description: string }>();
		for (const cell of this.doc.cells) {
			if (cell.kind !== 'personas') continue;
			for (const p of this.run(cell.id).personas?.personas ?? []) {
				names.set(p.segment, { name: p.name, description: p.description });
			}
			for (const e of cell.edits)
				names.set(e.segment, { name: e.name, description: e.description });
		}
		return names;
	}

	editPersona(id: CellId, edit: PersonaEdit): void {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'personas') return;
		const edits = [...cell.edits.filter((e) => e.segment !== edit.segment), edit];
		this.doc = updateCell<PersonasCell>(this.doc, id, { edits });
	}

	setMinShare(id: CellId, minShare: number): void {
		this.doc = updateCell<PersonasCell>(this.doc, id, { minShare });
	}

	updateRecipe(id: CellId, recipe: FeatureRecipe): void {
		this.doc = updateCell<FeaturesCell>(this.doc, id, { recipe });
		if (this.run(id).status === 'done') this.#setRun(id, { status: 'stale' });
		this.#markDownstreamStale(id);
	}

	/** Change the R × FM map and regroup at once (no need to re-run k-means). */
	async setRfmRules(id: CellId, rules: RfmRule[] | null): Promise<void> {
		this.doc = updateCell<SegmentsCell>(this.doc, id, { rfmRules: rules });
		try {
			const rfm = await this.#engine.rfm(this.#ref(), rules ?? undefined);
			this.#setRun(id, { rfm });
		} catch (e) {
			this.alert(`Could not regroup: ${asEngineError(e).message}`);
		}
	}

	updateSegments(id: CellId, patch: Partial<Pick<SegmentsCell, 'k' | 'seed'>>): void {
		this.doc = updateCell<SegmentsCell>(this.doc, id, patch);
		if (this.run(id).status === 'done') this.#setRun(id, { status: 'stale' });
		this.#markDownstreamStale(id);
	}

	/**
	 * Exports carry no personal data unless the user ticks “Include personal data in exports”
	 * (for this session only: a notebook, or a link, never turns it on). The salt is the one
	 * protectColumn uses, so a hashed key joins back to the owner's data.
	 */
	includePersonalInExports = $state(false);
	/** Segments with fewer customers are held back from segment exports. */
	minExportSegmentSize = $state(10);

	#exportPrivacy(): ExportPrivacy {
		return {
			includePersonal: this.includePersonalInExports,
			salt: this.id,
			minSegmentSize: this.minExportSegmentSize
		};
	}

	/** Download a SQL cell's whole result (the grid shows at most 100,000 rows). */
	async exportResult(id: CellId, format: 'csv' | 'parquet'): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'sql') return;
		try {
			const file = await this.#engine.exportQuery(cell.sql, format, this.#exportPrivacy());
			const name = cell.resultName.trim() || 'result';
			download(
				new Blob([file.bytes as BlobPart], { type: file.mime }),
				file.name.replace('result', name)
			);
			this.status = [
				`Exported ${file.rows.toLocaleString('en')} rows to ${file.name.replace('result', name)}.`,
				...(file.notes ?? [])
			].join(' ');
		} catch (e) {
			this.alert(`Could not export: ${asEngineError(e).message}`);
		}
	}

	/** Download the segments as a file (CSV per the user contract, or Parquet). */
	async exportSegments(format: 'csv' | 'parquet'): Promise<void> {
		try {
			const names = new Map([...this.personaNames()].map(([segment, p]) => [segment, p.name]));
			const file = await this.#engine.exportSegments(
				this.#ref(),
				format,
				names,
				this.#exportPrivacy()
			);
			download(new Blob([file.bytes as BlobPart], { type: file.mime }), file.name);
			this.status = [
				`Exported ${file.rows.toLocaleString('en')} customers to ${file.name}.`,
				...(file.notes ?? [])
			].join(' ');
		} catch (e) {
			this.alert(`Could not export: ${asEngineError(e).message}`);
		}
	}

	// Export model, Export pipeline, Score new customers: src/notebook/model-exports.ts.
	#modelContext(id: CellId): ModelContext | null {
		const ref = this.#ref();
		return modelContextOf(this.doc, id, this.run(id).segments, this.personaNames(), {
			features: ref.features,
			segments: ref.segments
		});
	}

	async exportModel(id: CellId): Promise<void> {
		const ctx = this.#modelContext(id);
		if (!ctx) return this.alert('Run the Segments cell first: the model is its segments.');
		try {
			const file = modelDownload(await buildModel(this.#engine, ctx));
			download(new Blob([file.text], { type: file.mime }), file.name);
			this.status = `Exported the model to ${file.name}: open it in Score new customers.`;
		} catch (e) {
			this.alert(`Could not export the model: ${asEngineError(e).message}`);
		}
	}

	async exportPipeline(id: CellId, dialect: PipelineDialect): Promise<void> {
		const ctx = this.#modelContext(id);
		if (!ctx) return this.alert('Run the Segments cell first: the pipeline applies its segments.');
		try {
			const file = pipelineDownload(dialect, await buildModel(this.#engine, ctx), ctx);
			download(new Blob([file.text], { type: file.mime }), file.name);
			this.status = `Exported ${file.name}: its first lines say how to run it.`;
		} catch (e) {
			this.alert(`Could not export the pipeline: ${asEngineError(e).message}`);
		}
	}

	async scoreCustomers(
		id: CellId,
		source: string,
		model: SegmentModel | null
	): Promise<ScoreReport> {
		const report = await scoreTable(this.#engine, source, model, this.#modelContext(id));
		await this.#refreshTables();
		return report;
	}

	async exportScored(report: ScoreReport): Promise<void> {
		try {
			const file = await exportScored(this.#engine, report, this.#exportPrivacy());
			download(new Blob([file.bytes as BlobPart], { type: file.mime }), file.name);
			this.status = [
				`Exported ${file.rows.toLocaleString('en')} customers to ${file.name}.`,
				...(file.notes ?? [])
			].join(' ');
		} catch (e) {
			this.alert(`Could not export: ${asEngineError(e).message}`);
		}
	}

	async runAll(): Promise<void> {
		// Run all pressed while a link's sample is still being generated: wait for it.
		await this.#samplesLoading;
		// Column profiles last, and only where none is there or on its way: no other cell reads
		// them, and on two cores they would take turns with the pipeline's queries.
		const cells = this.doc.cells;
		const unprofiled = cells.filter(
			(c) =>
				c.kind === 'data' && this.run(c.id).profile === null && this.run(c.id).status !== 'running'
		);
		for (const cell of [...cells.filter((c) => c.kind !== 'data'), ...unprofiled]) {
			if (cell.kind === 'notes') continue;
			// The answer key is revealed when the teacher says so, not by Run all.
			if (cell.kind === 'answer' && this.run(cell.id).answer === null) continue;
			await this.runCell(cell.id, { cascade: false });
			if (this.run(cell.id).status === 'error') break;
		}
	}

	async cancel(): Promise<void> {
		this.status = 'Cancelling…';
		await this.#engine.cancel();
	}
}
