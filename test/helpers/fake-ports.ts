/**
 * Fakes for the notebook's ports (src/notebook/ports.ts): a manual clock, in-memory storage,
 * kept files, location and locks, and an engine whose calls the test answers. The rooms of
 * src/notebook run on these in node exactly as on the browser's.
 */
import type { KeptFile } from '../../src/storage/kept-files';
import type { Notebook } from '../../src/notebook/model';
import type {
	ClockPort,
	EnginePort,
	KeptFilesPort,
	LocationPort,
	LocksPort,
	NotebookPorts,
	StoragePort
} from '../../src/notebook/ports';

export class ManualClock implements ClockPort {
	time = 1_000_000;
	#timers = new Map<number, { at: number; fn: () => void }>();
	#seq = 0;
	now(): number {
		return this.time;
	}
	setTimeout(fn: () => void, ms: number): unknown {
		const id = ++this.#seq;
		this.#timers.set(id, { at: this.time + ms, fn });
		return id;
	}
	clearTimeout(handle: unknown): void {
		this.#timers.delete(handle as number);
	}
	/** Move time on, firing what falls due in order. */
	advance(ms: number): void {
		const end = this.time + ms;
		for (;;) {
			const due = [...this.#timers.entries()]
				.filter(([, t]) => t.at <= end)
				.sort((a, b) => a[1].at - b[1].at)[0];
			if (!due) break;
			this.#timers.delete(due[0]);
			this.time = due[1].at;
			due[1].fn();
		}
		this.time = end;
	}
	get pending(): number {
		return this.#timers.size;
	}
}

export class MemoryStorage implements StoragePort {
	saved = new Map<string, Notebook>();
	writes: { id: string; at: number; doc: Notebook }[] = [];
	/** Make the next saves fail (a full disk). */
	failing = false;
	/** Hold every save until `release()` (a slow disk). */
	#held: (() => void)[] = [];
	holding = false;
	#ids = 0;
	constructor(private clock: ClockPort = { now: () => 0, setTimeout, clearTimeout } as ClockPort) {}
	async save(id: string, doc: Notebook): Promise<void> {
		if (this.holding) await new Promise<void>((r) => this.#held.push(r));
		if (this.failing) throw new Error('QuotaExceededError');
		this.saved.set(id, doc);
		this.writes.push({ id, at: this.clock.now(), doc });
	}
	release(): void {
		for (const r of this.#held.splice(0)) r();
	}
	async load(id: string) {
		const doc = this.saved.get(id);
		return doc ? { id, doc } : null;
	}
	async lastId() {
		return [...this.saved.keys()].at(-1) ?? null;
	}
	newId() {
		return `nb-${++this.#ids}`;
	}
	async persist() {
		return true;
	}
	async forgetEverything() {
		this.saved.clear();
	}
	async keepDataSetting() {
		return false;
	}
	async setKeepDataSetting() {}
}

export class MemoryKept implements KeptFilesPort {
	files = new Map<string, File>();
	async keep(id: string, table: string, file: File) {
		this.files.set(`${id}/${table}`, file);
	}
	async get(id: string, table: string): Promise<KeptFile> {
		const file = this.files.get(`${id}/${table}`);
		return file ? ({ ok: true, file } as KeptFile) : ({ ok: false, reason: 'none' } as KeptFile);
	}
	async prune() {}
	async forget() {
		this.files.clear();
	}
}

export function fakeLocation(): LocationPort & {
	downloads: { name: string; blob: Blob }[];
	url: string;
} {
	const state = { own: '' };
	return {
		url: '',
		downloads: [],
		origin: () => 'http://segbook.test',
		pathname: () => '/',
		replace(url) {
			this.url = url;
		},
		ownLink: () => state.own,
		setOwnLink: (link) => {
			state.own = link;
		},
		copy: async () => undefined,
		download(blob, name) {
			this.downloads.push({ name, blob });
		}
	};
}

export function fakeLocks(): LocksPort & { held: Set<string> } {
	const held = new Set<string>();
	return {
		held,
		async claim(name) {
			if (held.has(name)) return { held: false, release: () => undefined };
			held.add(name);
			return { held: true, release: () => held.delete(name) };
		}
	};
}

/** An engine whose methods the test sets one by one; any other call fails loudly. */
export function fakeEngine(methods: Partial<EnginePort>): EnginePort {
	return new Proxy(methods as EnginePort, {
		get(target, name: string) {
			const method = (target as unknown as Record<string, unknown>)[name];
			if (method) return method;
			return () => Promise.reject(new Error(`The fake engine has no ${name}.`));
		}
	});
}

export function fakePorts(
	engine: Partial<EnginePort>,
	clock = new ManualClock()
): NotebookPorts & {
	clock: ManualClock;
	storage: MemoryStorage;
	kept: MemoryKept;
} {
	return {
		engine: fakeEngine(engine),
		memory: () => ({ deviceMemoryGb: 8, jsHeapLimit: undefined, override: undefined }),
		storage: new MemoryStorage(clock),
		kept: new MemoryKept(),
		clock,
		location: fakeLocation(),
		locks: fakeLocks()
	};
}

/** A promise the test resolves by hand: a call still running. */
export function deferred<T>(): {
	promise: Promise<T>;
	resolve: (v: T) => void;
	reject: (e: unknown) => void;
} {
	let resolve!: (v: T) => void;
	let reject!: (e: unknown) => void;
	const promise = new Promise<T>((ok, fail) => {
		resolve = ok;
		reject = fail;
	});
	return { promise, resolve, reject };
}
