/**
 * The data session: the one owner of what is loaded in this tab — the user's files, generated
 * samples, kept copies (OPFS), and what the document says to do with them (column protections,
 * type changes, import settings). After any engine restart it replays all of it from the
 * document, in that order, so the worker holds what the UI says it holds: a hashed column is
 * hashed again before any other cell can see it.
 */
import type { ColumnType, EngineApi, LoadReport, Protection, SampleOptions } from '../engine/api';
import { asEngineError } from '../engine/errors';
import {
	addCell,
	newDataCell,
	updateCell,
	type CellId,
	type DataCell,
	type Notebook,
	type ReadOptions
} from './model';
import type { NotebookPorts } from './ports';
import type { Runner } from './runner';

export interface DataSessionOptions {
	ports: NotebookPorts;
	runner: Runner;
	doc(): Notebook;
	setDoc(next: Notebook): void;
	notebookId(): string;
	alert(message: string): void;
	refreshTables(): Promise<void>;
}

/** What a protection does, in the words the Data cell says it with. */
const PROTECTED = {
	exclude: 'left out',
	mask: 'masked',
	hash: 'replaced by salted hashes'
} as const;

/** The subset of the engine a replay needs (the client hands one straight to the new worker). */
type Replay = Pick<EngineApi, 'loadFile' | 'loadSample' | 'setColumnType' | 'protectColumn'>;

/** Load `file` as `table`, read with the Data cell's import settings. */
function load(
	engine: Pick<EngineApi, 'loadFile'>,
	file: File,
	table: string,
	read: ReadOptions | null | undefined
): Promise<LoadReport> {
	return engine.loadFile(file, table, undefined, read ?? undefined);
}

export class DataSession {
	#o: DataSessionOptions;
	/** The user's files loaded in this session, by table. */
	#files = new Map<string, File>();
	/** Samples being regenerated for an opened notebook (Run all waits for them). */
	samplesLoading: Promise<void> = Promise.resolve();
	keepData = false;

	constructor(options: DataSessionOptions) {
		this.#o = options;
	}

	#cell(id: CellId): DataCell | null {
		const cell = this.#o.doc().cells.find((c) => c.id === id);
		return cell?.kind === 'data' ? cell : null;
	}

	#cellFor(table: string): DataCell | null {
		return (
			this.#o.doc().cells.find((c): c is DataCell => c.kind === 'data' && c.table === table) ?? null
		);
	}

	/** Forget this session's files (another notebook opened). */
	clear(): void {
		this.#files.clear();
	}

	/** Data cells whose table is not loaded in this session. */
	missingData(): DataCell[] {
		return this.#o
			.doc()
			.cells.filter(
				(c): c is DataCell => c.kind === 'data' && this.#o.runner.run(c.id).report === null
			);
	}

	/** Load a new file as a new Data cell: its table name, or null when it failed. */
	async loadFile(file: File): Promise<{ table: string | null; cancelled: boolean }> {
		try {
			const report = await this.#o.ports.engine.loadFile(file);
			this.addCell(report, null);
			this.#files.set(report.table.name, file);
			if (this.keepData) void this.#keep(report.table.name, file);
			this.#o.runner.say(
				`Loaded ${file.name}: ${report.rowsLoaded.toLocaleString('en')} rows in ${(report.ms / 1000).toFixed(1)} s.`
			);
			return { table: report.table.name, cancelled: false };
		} catch (e) {
			const error = asEngineError(e);
			if (error.code === 'cancelled') {
				this.#o.runner.say(`Loading ${file.name} was cancelled.`);
				return { table: null, cancelled: true };
			}
			this.#o.alert(`Could not load ${file.name}: ${error.message}`);
			this.#o.runner.say(`${file.name} was not loaded.`);
			return { table: null, cancelled: false };
		}
	}

	/** Generate a sample as new Data cells: their tables. */
	async loadSample(options: SampleOptions): Promise<LoadReport[]> {
		try {
			const reports = await this.#o.ports.engine.loadSample(options);
			for (const report of reports) this.addCell(report, options);
			const rows = reports.reduce((n, r) => n + r.rowsLoaded, 0);
			this.#o.runner.say(
				`Sample loaded: ${rows.toLocaleString('en')} rows in ${((reports[0]?.ms ?? 0) / 1000).toFixed(1)} s.`
			);
			return reports;
		} catch (e) {
			this.#o.alert(`Could not generate the sample: ${asEngineError(e).message}`);
			return [];
		}
	}

	/** A new Data cell for a loaded table (not replayed after a restart unless its file is kept here). */
	addCell(report: LoadReport, sample: SampleOptions | null): void {
		const cell = newDataCell(
			report.table.name,
			report.table.source,
			report.table.columns.map((c) => c.name),
			sample
		);
		this.#o.setDoc(addCell(this.#o.doc(), cell));
		this.#o.runner.set(cell.id, { status: 'running', report });
	}

	/** A report for an existing Data cell (a restored notebook, a replay): shown, then profiled. */
	attached(report: LoadReport): void {
		const cell = this.#cellFor(report.table.name);
		if (cell) this.#o.runner.set(cell.id, { status: 'running', report, error: null });
	}

	/** Profile Data cells (their runs show the column profiles); failures stay on the cell. */
	async profile(ids: readonly CellId[]): Promise<void> {
		for (const id of ids) {
			const cell = this.#cell(id);
			if (!cell) continue;
			try {
				const profile = await this.#o.ports.engine.profile(cell.table);
				this.#o.runner.set(id, { status: 'done', profile, error: null });
			} catch (e) {
				this.#o.runner.set(id, { status: 'error', error: asEngineError(e).message });
			}
		}
	}

	/**
	 * Bring back an opened notebook's data: samples by their seed (links too: a sample holds no
	 * one's data), then kept copies of the user's files (own notebooks only), each with the
	 * document's type changes and protections applied.
	 */
	async restore(origin: 'own' | 'link'): Promise<void> {
		const engine = this.#o.ports.engine;
		const samples = new Map<string, SampleOptions>();
		for (const cell of this.#o.doc().cells) {
			if (cell.kind === 'data' && cell.sample)
				samples.set(JSON.stringify(cell.sample), cell.sample);
		}
		this.samplesLoading = (async () => {
			for (const options of samples.values()) {
				try {
					for (const report of await engine.loadSample(options))
						await this.#applied(report, engine);
				} catch (e) {
					this.#o.alert(`Could not regenerate the sample: ${asEngineError(e).message}`);
				}
			}
		})();
		await this.samplesLoading;
		if (!this.keepData || origin !== 'own') return;
		const files = this.#o.doc().cells.filter((c): c is DataCell => c.kind === 'data' && !c.sample);
		for (const cell of files) await this.#restoreKept(cell);
		void this.#o.ports.kept.prune(
			this.#o.notebookId(),
			files.map((c) => c.table)
		);
	}

	/** Re-attach a notebook's file: its columns must be the ones the notebook expects. */
	async reattach(id: CellId, file: File): Promise<string | null> {
		const cell = this.#cell(id);
		if (!cell) return null;
		const error = await this.#attachFile(cell, file);
		if (error) {
			this.#o.runner.set(id, { status: 'error', error });
			return error;
		}
		if (this.keepData) void this.#keep(cell.table, file);
		return null;
	}

	/** Load a Data cell's table from a file, if it has the columns the cell expects. */
	async #attachFile(cell: DataCell, file: File): Promise<string | null> {
		const engine = this.#o.ports.engine;
		try {
			const report = await load(engine, file, cell.table, cell.read);
			const got = new Set(report.table.columns.map((c) => c.name));
			const missing = cell.columns.filter((c) => !got.has(c));
			if (missing.length > 0) {
				await engine.dropTable(cell.table);
				return `${file.name} lacks the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that this notebook expects. Attach the file it was made with.`;
			}
			await this.#applied(report, engine);
			this.#files.set(cell.table, file);
			return null;
		} catch (e) {
			return asEngineError(e).message;
		}
	}

	/** After a table (re)loads: the cell's type changes, then its protections, then it shows. */
	async #applied(report: LoadReport, engine: Replay): Promise<void> {
		const cell = this.#cellFor(report.table.name);
		if (!cell) return;
		for (const change of cell.types ?? []) {
			await engine.setColumnType(cell.table, change.column, change.type).catch(() => null);
		}
		for (const p of cell.protect ?? []) {
			await engine.protectColumn(cell.table, p.column, p.action, this.#o.notebookId());
		}
		this.attached(report);
	}

	async #restoreKept(cell: DataCell): Promise<void> {
		const kept = await this.#o.ports.kept.get(this.#o.notebookId(), cell.table);
		if (kept.ok) {
			const error = await this.#attachFile(cell, kept.file);
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
		this.#o.runner.set(cell.id, {
			status: 'error',
			error: `The copy of ${cell.source} kept in this browser ${why}. Attach the file again to carry on.`
		});
	}

	/**
	 * After an engine restart: every file and sample again, with the same import settings, type
	 * changes and protections, through `replay` (straight to the new worker). Returns the Data
	 * cells that could not be brought back.
	 */
	async replay(replay: Replay): Promise<DataCell[]> {
		const lost: DataCell[] = [];
		const samples = new Set<string>();
		for (const cell of this.#o.doc().cells) {
			if (cell.kind !== 'data' || this.#o.runner.run(cell.id).report === null) continue;
			try {
				if (cell.sample) {
					const key = JSON.stringify(cell.sample);
					if (samples.has(key)) continue;
					samples.add(key);
					for (const report of await replay.loadSample(cell.sample))
						await this.#applied(report, replay);
					continue;
				}
				const file = this.#files.get(cell.table);
				if (!file) {
					lost.push(cell);
					continue;
				}
				const report = await load(replay, file, cell.table, cell.read);
				await this.#applied(report, replay);
			} catch {
				lost.push(cell);
			}
		}
		for (const cell of lost) {
			this.#o.runner.set(cell.id, {
				status: 'error',
				report: null,
				error: `${cell.source} could not be loaded again after the restart. Attach it again to carry on.`
			});
		}
		return lost;
	}

	/** Exclude, mask or hash a personal-data column, and remember it for every reload. */
	async protect(id: CellId, column: string, action: Protection): Promise<boolean> {
		const cell = this.#cell(id);
		if (!cell) return false;
		const runner = this.#o.runner;
		runner.set(id, { status: 'running' });
		try {
			const profile = await this.#o.ports.engine.protectColumn(
				cell.table,
				column,
				action,
				this.#o.notebookId()
			);
			const protect = [
				...(cell.protect ?? []).filter((p) => p.column !== column),
				{ column, action }
			];
			this.#o.setDoc(updateCell<DataCell>(this.#o.doc(), id, { protect }));
			runner.set(id, {
				status: 'done',
				profile,
				notice: `${column} is ${PROTECTED[action]} everywhere in this notebook.`
			});
			await this.#o.refreshTables();
			return true;
		} catch (e) {
			runner.set(id, { status: 'error', error: asEngineError(e).message });
			return false;
		}
	}

	/** Switch a column's type, and remember it for every reload and link. */
	async setColumnType(id: CellId, column: string, type: ColumnType): Promise<boolean> {
		const cell = this.#cell(id);
		if (!cell) return false;
		const runner = this.#o.runner;
		runner.set(id, { status: 'running', notice: null });
		try {
			const change = await this.#o.ports.engine.setColumnType(cell.table, column, type);
			const types = [...(cell.types ?? []).filter((t) => t.column !== column), { column, type }];
			this.#o.setDoc(updateCell<DataCell>(this.#o.doc(), id, { types }));
			runner.set(id, {
				status: 'done',
				profile: change.profile,
				error: null,
				notice:
					change.lost > 0
						? `${change.lost.toLocaleString('en')} values of ${column} could not be read as ${type} and are now empty.`
						: `${column} is now ${type}.`
			});
			await this.#o.refreshTables();
			return true;
		} catch (e) {
			runner.set(id, { status: 'error', error: asEngineError(e).message });
			return false;
		}
	}

	/**
	 * Read a Data cell's file again with other import settings (the `Read as` panel). Type
	 * changes made for the old reading no longer apply and are dropped; protections stay.
	 */
	async setReadOptions(id: CellId, read: ReadOptions | null): Promise<boolean> {
		const cell = this.#cell(id);
		const file = cell ? this.#files.get(cell.table) : undefined;
		if (!cell) return false;
		this.#o.setDoc(updateCell<DataCell>(this.#o.doc(), id, { read, types: [] }));
		if (!file) {
			this.#o.runner.set(id, {
				status: 'error',
				error: `Attach ${cell.source} to read it with these settings.`
			});
			return false;
		}
		const updated = this.#cell(id)!;
		const engine = this.#o.ports.engine;
		try {
			const report = await load(engine, file, cell.table, read);
			const columns = report.table.columns.map((c) => c.name);
			this.#o.setDoc(updateCell<DataCell>(this.#o.doc(), id, { columns }));
			await this.#applied(report, engine);
			await this.#o.refreshTables();
			await this.profile([updated.id]);
			return true;
		} catch (e) {
			this.#o.runner.set(id, { status: 'error', error: asEngineError(e).message });
			return false;
		}
	}

	/** Copy a loaded file into this browser's private storage (when keepData is on). */
	async #keep(table: string, file: File): Promise<void> {
		try {
			await this.#o.ports.kept.keep(this.#o.notebookId(), table, file);
		} catch (e) {
			this.#o.alert(
				`Could not keep a copy of ${file.name} in this browser (${e instanceof Error ? e.message : String(e)}). After a reload it will be asked for.`
			);
		}
	}

	/** "Keep loaded data in this browser": copy what is loaded now, or delete every copy. */
	async setKeepData(on: boolean): Promise<string> {
		this.keepData = on;
		await this.#o.ports.storage.setKeepDataSetting(on).catch(() => undefined);
		if (!on) {
			await this.#o.ports.kept.forget();
			return 'Kept data files are deleted from this browser.';
		}
		for (const [table, file] of this.#files) {
			if (this.#cellFor(table) && !this.#cellFor(table)?.sample) await this.#keep(table, file);
		}
		return 'Loaded data files are kept in this browser from now on.';
	}
}
