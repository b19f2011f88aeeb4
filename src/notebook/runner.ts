/**
 * The runner: every cell's run state, the stale cascade and latest-wins.
 *
 * - One run at a time (the engine has one DuckDB): runs queue, and `idle()` resolves when the
 *   queue is empty, so exports and links can wait for the run in flight.
 * - Latest-wins: a cell edited while it runs is run again with the edit when the run ends; the
 *   superseded result is never shown. A batch (Run all, the proposed pipeline) runs again the
 *   cells edited while it went on.
 * - A change marks exactly its dependents stale (src/notebook/dependencies.ts); running a cell
 *   re-runs its stale dependents in document order, stopping at the first error.
 * - The status line is derived from here: the verb of the cell running, else the sentence the
 *   last run ended with (a failure says what failed), never a "…ing" left behind.
 */
import { asEngineError } from '../engine/errors';
import type { CellRun } from './run-state';
import { IDLE } from './run-state';
import { dependents, upstream } from './dependencies';
import { kindOf, type CellKindDef, type RunContext } from './kinds';
import { featureRefOf, segmentRefOf } from './kinds/outputs';
import {
	KIND_LABELS,
	updateCell,
	type Cell,
	type CellId,
	type CellKind,
	type Notebook
} from './model';
import type { EnginePort } from './ports';

export interface RunnerOptions {
	engine: EnginePort;
	doc(): Notebook;
	/** A change a run makes to its own cell (a proposed recipe filled in). */
	setDoc(next: Notebook): void;
	tables(): readonly string[];
	refreshTables(): Promise<void>;
	salt(): string;
	personaNames(): Map<number, { name: string; description: string }>;
	/** Runs or the status changed: the façade mirrors them into Svelte state. */
	onChange(): void;
	/** A sentence for the status line: how a run ended, or what a room said. */
	onMessage?(message: string): void;
}

/** A batch stops re-running cells edited while it ran after this many rounds. */
const MAX_ROUNDS = 3;

export class Runner {
	#o: RunnerOptions;
	#runs: Record<string, CellRun> = {};
	/** The cell version each running cell started with (latest-wins compares against it). */
	#running = new Map<CellId, Cell>();
	#queue: Promise<void> = Promise.resolve();
	#pending = 0;
	/** Cells edited while a batch ran: the batch runs them again. */
	#editedDuringBatch = new Set<CellId>();
	#batches = 0;
	#message = '';
	#latest = new Map<string, number>();
	/** The engine requests each running cell made (Cancel on a cell cancels those). */
	#requests = new Map<CellId, Set<number>>();

	constructor(options: RunnerOptions) {
		this.#o = options;
	}

	get runs(): Record<string, CellRun> {
		return this.#runs;
	}

	run(id: CellId): CellRun {
		return this.#runs[id] ?? IDLE;
	}

	set(id: CellId, patch: Partial<CellRun>): void {
		this.#runs = { ...this.#runs, [id]: { ...this.run(id), ...patch } };
		this.#o.onChange();
	}

	/** Forget every result (another notebook opened). */
	reset(): void {
		this.#runs = {};
		this.#message = '';
		this.#o.onChange();
	}

	/** True while a run is queued or going on. */
	get busy(): boolean {
		return this.#pending > 0;
	}

	/** Resolves when nothing is running or queued (including runs queued meanwhile). */
	async idle(): Promise<void> {
		while (this.#pending > 0) await this.#queue;
	}

	/** What the status line shows: the running cell's verb, else the last run's sentence. */
	get status(): string | null {
		return this.activity ?? (this.#message || null);
	}

	/** The verb of the cell running now ("Building features…"), or null. */
	get activity(): string | null {
		for (const [id] of this.#running) {
			const cell = this.#cell(id);
			if (cell) return this.#def(cell).verb || null;
		}
		return null;
	}

	say(message: string): void {
		this.#message = message;
		this.#o.onMessage?.(message);
		this.#o.onChange();
	}

	/** Request ids of the engine calls cell `id` has in flight. */
	requestsOf(id: CellId): number[] {
		return [...(this.#requests.get(id) ?? [])];
	}

	/**
	 * Latest-wins for what cells fetch from their own effects (a chart's rows, the stepper's
	 * sample, Compare's quarters): only the newest call under `key` delivers; an older one
	 * resolves undefined (its result, or its error, is never shown).
	 */
	async latest<T>(key: string, fetch: (engine: EnginePort) => Promise<T>): Promise<T | undefined> {
		const seq = (this.#latest.get(key) ?? 0) + 1;
		this.#latest.set(key, seq);
		try {
			const value = await fetch(this.#o.engine);
			return this.#latest.get(key) === seq ? value : undefined;
		} catch (e) {
			if (this.#latest.get(key) === seq) throw e;
			return undefined;
		}
	}

	/** A cell's parameters changed: it and its dependents are stale until run again. */
	edited(id: CellId): void {
		if (this.#batches > 0) this.#editedDuringBatch.add(id);
		if (this.run(id).status === 'done') this.set(id, { status: 'stale' });
		this.markDependentsStale(id);
	}

	markDependentsStale(id: CellId): void {
		for (const dep of this.dependents(id)) {
			if (this.run(dep).status === 'done') this.set(dep, { status: 'stale' });
		}
	}

	/** Results that may no longer match their cells (undo, redo): stale until re-run. */
	markAllStale(): void {
		for (const cell of this.#o.doc().cells) {
			if (cell.kind !== 'data' && cell.kind !== 'notes' && this.run(cell.id).status === 'done') {
				this.set(cell.id, { status: 'stale' });
			}
		}
	}

	dependents(id: CellId): CellId[] {
		return dependents(this.#o.doc().cells, id, this.#o.tables());
	}

	/**
	 * Run one cell, then re-run exactly the cells that depend on it and had run before (they are
	 * stale now), in document order; a failure stops the chain.
	 */
	runCell(id: CellId, options: { cascade?: boolean } = {}): Promise<void> {
		return this.#enqueue(async () => {
			// What it builds on first, where that has not run or is stale (after a restart, an
			// edit, a link): a cell never reads a table its producer has yet to make again.
			for (const up of upstream(this.#o.doc().cells, id, this.#o.tables())) {
				const status = this.run(up).status;
				if (status !== 'stale' && status !== 'idle') continue;
				const cell = this.#cell(up);
				if (!cell || cell.kind === 'data' || cell.kind === 'notes') continue;
				await this.#runOne(up);
				if (this.run(up).status === 'error') {
					const label = KIND_LABELS[cell.kind];
					return this.set(id, {
						status: 'error',
						error: `This cell reads what the ${label} cell above makes, and that cell failed: fix it, then run this one again.`
					});
				}
			}
			await this.#runOne(id);
			if (options.cascade === false || this.run(id).status !== 'done') return;
			await this.#rerunDependents(id);
		});
	}

	/** Re-run the stale dependents of a cell whose result changed outside a run (a protection). */
	rerunDependents(id: CellId): Promise<void> {
		return this.#enqueue(() => this.#rerunDependents(id));
	}

	/**
	 * Run `ids` in order as one batch (Run all, the proposed pipeline), stopping at the first
	 * error; cells edited meanwhile run again at the end, with their edits.
	 */
	runBatch(
		ids: readonly CellId[],
		options: { stopAtError?: boolean; onlyStale?: boolean } = {}
	): Promise<void> {
		return this.#enqueue(async () => {
			this.#batches++;
			try {
				let round = [...ids];
				for (let r = 0; r < MAX_ROUNDS && round.length > 0; r++) {
					this.#editedDuringBatch.clear();
					for (const id of round) {
						// A cell brought up to date meanwhile (run first by a cell that reads it).
						if (options.onlyStale && this.run(id).status !== 'stale') continue;
						await this.#runOne(id);
						if (options.stopAtError !== false && this.run(id).status === 'error') return;
					}
					const order = this.#o.doc().cells.map((c) => c.id);
					const again = new Set(
						[...this.#editedDuringBatch].flatMap((id) => [id, ...this.dependents(id)])
					);
					round = order.filter((id) => again.has(id) && this.run(id).status === 'stale');
				}
			} finally {
				this.#batches--;
			}
		});
	}

	async #enqueue(job: () => Promise<void>): Promise<void> {
		this.#pending++;
		this.#o.onChange();
		const next = this.#queue.then(job, job);
		this.#queue = next.catch(() => undefined);
		try {
			await next;
		} finally {
			this.#pending--;
			this.#o.onChange();
		}
	}

	async #rerunDependents(id: CellId): Promise<void> {
		this.markDependentsStale(id);
		for (const dep of this.dependents(id)) {
			if (this.run(dep).status !== 'stale') continue;
			await this.#runOne(dep);
			if (this.run(dep).status === 'error') break;
		}
	}

	#cell(id: CellId): Cell | undefined {
		return this.#o.doc().cells.find((c) => c.id === id);
	}

	#def(cell: Cell): CellKindDef<CellKind> {
		return kindOf(cell) as CellKindDef<CellKind>;
	}

	async #runOne(id: CellId): Promise<void> {
		// Latest-wins: a cell edited while it ran runs again (a few times at most).
		for (let attempt = 0; attempt < MAX_ROUNDS + 1; attempt++) {
			const cell = this.#cell(id);
			if (!cell) return;
			const def = this.#def(cell);
			if (!def.run) return;
			this.#running.set(id, cell);
			this.set(id, { status: 'running', error: null });
			try {
				const outcome = await def.run(cell, this.#context(id));
				if (this.#superseded(id)) continue;
				if (outcome.message) this.say(outcome.message);
				this.set(id, { status: 'done', error: null, ...outcome.patch });
				return;
			} catch (e) {
				if (this.#superseded(id)) continue;
				const error = asEngineError(e);
				const label = KIND_LABELS[cell.kind];
				this.#message =
					error.code === 'cancelled'
						? 'Cancelled.'
						: `${label} failed: ${firstLine(error.message)}`;
				this.set(id, { status: 'error', error: error.message });
				return;
			} finally {
				this.#running.delete(id);
				this.#o.onChange();
			}
		}
	}

	/** The engine as cell `id` sees it: each call's request id is kept while the call runs. */
	#tracked(id: CellId): EnginePort {
		const engine = this.#o.engine;
		return new Proxy(engine, {
			get: (target, name, receiver) => {
				const value: unknown = Reflect.get(target, name, receiver);
				if (typeof value !== 'function') return value;
				return (...args: unknown[]) => {
					const call = (value as (...a: unknown[]) => Tracked).apply(target, args);
					const request = call.requestId;
					if (request === undefined) return call;
					const mine = this.#requests.get(id) ?? new Set<number>();
					this.#requests.set(id, mine.add(request));
					void call.then(
						() => mine.delete(request),
						() => mine.delete(request)
					);
					return call;
				};
			}
		});
	}

	/** The cell changed (or went) since its run started. */
	#superseded(id: CellId): boolean {
		const now = this.#cell(id);
		return now !== undefined && now !== this.#running.get(id);
	}

	#context(id: CellId): RunContext {
		return {
			engine: this.#tracked(id),
			doc: () => this.#o.doc(),
			run: (cellId) => this.run(cellId),
			show: (cellId, patch) => {
				if (!this.#superseded(id)) this.set(cellId, patch);
			},
			update: (cellId, patch) => {
				const next = updateCell(this.#o.doc(), cellId, patch as never);
				this.#o.setDoc(next);
				// The run's own change is not an edit that supersedes it.
				const updated = next.cells.find((c) => c.id === cellId);
				if (cellId === id && updated) this.#running.set(id, updated);
			},
			featureRef: (cellId) => featureRefOf(this.#o.doc().cells, cellId),
			segmentRef: (cellId) => segmentRefOf(this.#o.doc().cells, cellId),
			personaNames: () => this.#o.personaNames(),
			salt: () => this.#o.salt(),
			refreshTables: () => this.#o.refreshTables()
		};
	}
}

/** A request id the engine client puts on the promises of its calls. */
type Tracked = Promise<unknown> & { requestId?: number };

function firstLine(text: string): string {
	return text.split('\n')[0] ?? text;
}
