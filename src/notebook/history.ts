/**
 * Undo and redo over whole documents (they are immutable, so a step is one reference).
 * Changes made within `groupMs` of each other are one step (keystrokes of one edit); `step()`
 * makes the next change a step of its own. Pure: the clock is passed in.
 */
export interface HistoryOptions {
	limit: number;
	groupMs: number;
	now: () => number;
}

export class History<T> {
	#past: T[] = [];
	#future: T[] = [];
	#lastAt = Number.NEGATIVE_INFINITY;
	#options: HistoryOptions;

	constructor(options: HistoryOptions) {
		this.#options = options;
	}

	get canUndo(): boolean {
		return this.#past.length > 0;
	}

	get canRedo(): boolean {
		return this.#future.length > 0;
	}

	/** `previous` is being replaced by a change: keep it unless this change joins the last step. */
	record(previous: T): void {
		const now = this.#options.now();
		if (now - this.#lastAt > this.#options.groupMs) {
			this.#past = [...this.#past.slice(-this.#options.limit + 1), previous];
			this.#future = [];
		}
		this.#lastAt = now;
	}

	/** The next change starts a step of its own, however soon it comes. */
	step(): void {
		this.#lastAt = Number.NEGATIVE_INFINITY;
	}

	/** The document before `current`, or null; `current` goes to redo. */
	undo(current: T): T | null {
		const previous = this.#past.at(-1);
		if (previous === undefined) return null;
		this.#past = this.#past.slice(0, -1);
		this.#future = [...this.#future, current];
		this.step();
		return previous;
	}

	redo(current: T): T | null {
		const next = this.#future.at(-1);
		if (next === undefined) return null;
		this.#future = this.#future.slice(0, -1);
		this.#past = [...this.#past, current];
		this.step();
		return next;
	}

	clear(): void {
		this.#past = [];
		this.#future = [];
		this.step();
	}
}
