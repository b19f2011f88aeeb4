/**
 * Autosave: a pause in editing saves at once (debounce), steady typing still saves at least
 * every `maxWaitMs` after the first unsaved change (max-wait), and saves run one at a time so a
 * read-back never sees a later write. A refused save is reported once, until one succeeds.
 */
import type { ClockPort } from './ports';

export interface AutosaveOptions {
	clock: ClockPort;
	/** Writes the current document; throws when storage refuses. */
	save: () => Promise<void>;
	/** The save failed (true) or works again (false). */
	onError: (failed: boolean) => void;
	/** After the first successful save (ask the browser to persist our storage). */
	onFirstSave?: () => void;
	delayMs: number;
	maxWaitMs: number;
}

export class Autosave {
	#o: AutosaveOptions;
	#timer: unknown = null;
	/** When the oldest change not yet handed to storage was made; 0 when none. */
	#dirtySince = 0;
	#saving: Promise<void> | null = null;
	#failed = false;
	#saved = false;

	constructor(options: AutosaveOptions) {
		this.#o = options;
	}

	/** A change was made: save after a pause, or at the max-wait at the latest. */
	changed(): void {
		const now = this.#o.clock.now();
		if (this.#dirtySince === 0) this.#dirtySince = now;
		const wait = Math.min(this.#o.delayMs, this.#dirtySince + this.#o.maxWaitMs - now);
		if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
		this.#timer = this.#o.clock.setTimeout(() => void this.flush(), Math.max(0, wait));
	}

	get pending(): boolean {
		return this.#dirtySince !== 0 || this.#saving !== null;
	}

	/** Save now (on the timer, and when the page is hidden or closed). Serialised. */
	async flush(): Promise<void> {
		if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
		this.#timer = null;
		const previous = this.#saving;
		const current = (async () => {
			await previous;
			// Changes made from here on belong to the next save.
			this.#dirtySince = 0;
			try {
				await this.#o.save();
				if (this.#failed) {
					this.#failed = false;
					this.#o.onError(false);
				}
				if (!this.#saved) {
					this.#saved = true;
					this.#o.onFirstSave?.();
				}
			} catch {
				if (!this.#failed) {
					this.#failed = true;
					this.#o.onError(true);
				}
			}
		})();
		this.#saving = current;
		try {
			await current;
		} finally {
			if (this.#saving === current) this.#saving = null;
		}
	}
}
