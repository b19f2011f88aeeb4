/**
 * One writer per notebook: a lock named after the notebook, held while it is open in this tab.
 * A second tab on the same notebook gets none and becomes read-only (it saves nothing).
 */
import type { LocksPort } from './ports';

export class WriterLock {
	#locks: LocksPort;
	#release: (() => void) | null = null;
	#current = '';

	constructor(locks: LocksPort) {
		this.#locks = locks;
	}

	/** Hold the lock of notebook `id` (dropping the one held before): true if this tab may write. */
	async claim(id: string): Promise<boolean> {
		this.#release?.();
		this.#release = null;
		this.#current = id;
		const { held, release } = await this.#locks.claim(`segbook-notebook-${id}`);
		if (this.#current !== id) {
			release();
			return true;
		}
		this.#release = release;
		return held;
	}

	release(): void {
		this.#release?.();
		this.#release = null;
	}
}
