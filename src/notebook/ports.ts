/**
 * The notebook's ports: the only doors from src/notebook to the browser. Every room (history,
 * autosave, lock, data session, runner, sharing) takes what it needs from `NotebookPorts`, so
 * each runs in node tests with fakes. `browserPorts()` is the one place that reaches `window`,
 * `document`, `location`, `history`, `navigator` and `sessionStorage` (ESLint keeps them out of
 * every other file of this folder).
 */
import type { EngineApi } from '../engine/api';
import type { Notebook } from './model';
import type { KeptFile } from '../storage/kept-files';
import * as persistence from '../storage/notebooks';
import * as kept from '../storage/kept-files';
import { BUDGET_OVERRIDE_KEY, type MemoryEnvironment } from './memory-preflight';

/** The engine as the notebook uses it: its calls (src/engine/api.ts), nothing of the client's supervision. */
export type EnginePort = Pick<
	EngineApi,
	| 'loadFile'
	| 'loadSample'
	| 'profile'
	| 'setColumnType'
	| 'protectColumn'
	| 'query'
	| 'schema'
	| 'dropTable'
	| 'suggestRecipe'
	| 'buildFeatures'
	| 'sweep'
	| 'segment'
	| 'rfm'
	| 'personas'
	| 'compare'
	| 'answerKey'
	| 'customer'
	| 'customerKeys'
	| 'exportQuery'
	| 'exportSegments'
	| 'chartRows'
	| 'exportModel'
	| 'scoreCustomers'
	| 'loadCustomerSample'
>;

/** Where notebooks are saved (IndexedDB in the browser). */
export interface StoragePort {
	save(id: string, doc: Notebook): Promise<void>;
	load(id: string): Promise<{ id: string; doc: Notebook } | null>;
	lastId(): Promise<string | null>;
	newId(): string;
	/** Ask the browser not to evict our storage (once, after the first save). */
	persist(): Promise<boolean>;
	forgetEverything(): Promise<void>;
	keepDataSetting(): Promise<boolean>;
	setKeepDataSetting(on: boolean): Promise<void>;
}

/** Copies of the user's files kept in this browser (OPFS), when they ask for it. */
export interface KeptFilesPort {
	keep(notebookId: string, table: string, file: File): Promise<void>;
	get(notebookId: string, table: string): Promise<KeptFile>;
	prune(notebookId: string, tables: readonly string[]): Promise<void>;
	forget(notebookId?: string): Promise<void>;
}

export interface ClockPort {
	now(): number;
	setTimeout(fn: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

/** The address bar and this tab's memory of the link it wrote. */
export interface LocationPort {
	origin(): string;
	pathname(): string;
	replace(url: string): void;
	ownLink(): string;
	setOwnLink(link: string): void;
	copy(text: string): Promise<void>;
	download(blob: Blob, name: string): void;
}

/** One writer per notebook (Web Locks in the browser). */
export interface LocksPort {
	/**
	 * Try to hold the lock `name` until `release` is called; resolves with whether it was got.
	 * Resolves false at once when another holder has it.
	 */
	claim(name: string): Promise<{ held: boolean; release: () => void }>;
}

export interface NotebookPorts {
	engine: EnginePort;
	/** What the browser says of its memory (the pre-flight judges files by it). */
	memory(): MemoryEnvironment;
	storage: StoragePort;
	kept: KeptFilesPort;
	clock: ClockPort;
	location: LocationPort;
	locks: LocksPort;
}

/** sessionStorage key: the share link this tab last copied. */
const OWN_LINK_KEY = 'segbook-own-link';

function download(blob: Blob, name: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The real browser behind every port but the engine (the façade makes the client). */
export function browserPorts(engine: EnginePort): NotebookPorts {
	return {
		engine,
		memory: browserMemory,
		storage: {
			save: (id, doc) => persistence.saveNotebook(id, doc),
			load: (id) => persistence.loadNotebook(id),
			lastId: () => persistence.lastNotebookId(),
			newId: () => persistence.newNotebookId(),
			persist: () => persistence.requestPersistence(),
			forgetEverything: () => persistence.forgetEverything(),
			keepDataSetting: () => persistence.keepDataSetting(),
			setKeepDataSetting: (on) => persistence.setKeepDataSetting(on)
		},
		kept: {
			keep: (id, table, file) => kept.keepFile(id, table, file),
			get: (id, table) => kept.keptFile(id, table),
			prune: (id, tables) => kept.pruneKept(id, tables),
			forget: (id) => kept.forgetKept(id)
		},
		clock: {
			now: () => Date.now(),
			setTimeout: (fn, ms) => setTimeout(fn, ms),
			clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
		},
		location: {
			origin: () => location.origin,
			pathname: () => location.pathname,
			replace: (url) => history.replaceState(null, '', url),
			ownLink: () => {
				try {
					return sessionStorage.getItem(OWN_LINK_KEY) ?? '';
				} catch {
					return '';
				}
			},
			setOwnLink: (link) => {
				try {
					sessionStorage.setItem(OWN_LINK_KEY, link);
				} catch {
					// Storage blocked: a reload of this tab then opens the link as a copy, nothing worse.
				}
			},
			copy: (text) => navigator.clipboard.writeText(text),
			download
		},
		locks: {
			claim: (name) =>
				new Promise((resolve) => {
					const locks = globalThis.navigator?.locks;
					if (!locks) {
						resolve({ held: true, release: () => undefined });
						return;
					}
					void locks.request(name, { ifAvailable: true }, (lock) => {
						if (!lock) {
							resolve({ held: false, release: () => undefined });
							return undefined;
						}
						return new Promise<void>((release) => resolve({ held: true, release }));
					});
				})
		}
	};
}

/** The browser's memory figures, and the test's override of the budget (localStorage). */
function browserMemory(): MemoryEnvironment {
	const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
	const perf = globalThis.performance as
		(Performance & { memory?: { jsHeapSizeLimit?: number } }) | undefined;
	let override: number | undefined;
	try {
		const raw = globalThis.localStorage?.getItem(BUDGET_OVERRIDE_KEY);
		override = raw ? Number(raw) : undefined;
	} catch {
		override = undefined;
	}
	return {
		deviceMemoryGb: nav?.deviceMemory,
		jsHeapLimit: perf?.memory?.jsHeapSizeLimit,
		override
	};
}
