/**
 * Autosave: every notebook lives in IndexedDB (through `idb`), written with strict durability
 * and read back to check the write landed. Only the document is stored (cells, parameters,
 * names), never the user's data rows.
 *
 * Where each piece of state persists:
 *   notebook document   IndexedDB `notebooks` (autosave, ≤ 1 s after a change) + file export
 *   last open notebook  IndexedDB `meta`
 *   share link          URL fragment, only when the user asks (Copy share link)
 *   loaded data         the engine worker's memory; and, only when the user turns on
 *                       "Keep loaded data in this browser" (IndexedDB `meta` keepData), a copy
 *                       of each loaded file in OPFS (kept-data.ts)
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { forgetKept } from './kept-files';
import type { Notebook } from '../notebook/model';
import { parseNotebook } from '../notebook/schema';

export interface StoredNotebook {
	id: string;
	title: string;
	savedAt: number;
	doc: Notebook;
}

interface SegbookDb extends DBSchema {
	notebooks: { key: string; value: StoredNotebook; indexes: { savedAt: number } };
	meta: { key: string; value: string };
}

const DB_NAME = 'segbook';
const DB_VERSION = 1;

let opening: Promise<IDBPDatabase<SegbookDb>> | null = null;

function db(): Promise<IDBPDatabase<SegbookDb>> {
	opening ??= openDB<SegbookDb>(DB_NAME, DB_VERSION, {
		upgrade(database) {
			const notebooks = database.createObjectStore('notebooks', { keyPath: 'id' });
			notebooks.createIndex('savedAt', 'savedAt');
			database.createObjectStore('meta');
		}
	});
	return opening;
}

export function newNotebookId(): string {
	return globalThis.crypto.randomUUID();
}

/** Save and read back; throws when the browser refused or lost the write (quota, eviction). */
export async function saveNotebook(id: string, doc: Notebook, markLast = true): Promise<void> {
	const database = await db();
	const record: StoredNotebook = { id, title: doc.title, savedAt: Date.now(), doc };
	const tx = database.transaction(['notebooks', 'meta'], 'readwrite', { durability: 'strict' });
	await Promise.all([
		tx.objectStore('notebooks').put(record),
		markLast ? tx.objectStore('meta').put(id, 'last') : Promise.resolve(),
		tx.done
	]);
	const back = await database.get('notebooks', id);
	if (!back || JSON.stringify(back.doc) !== JSON.stringify(doc)) {
		throw new Error('The browser did not keep the saved notebook.');
	}
}

/** The stored notebook, validated like any outside input; null when absent or damaged. */
export async function loadNotebook(id: string): Promise<StoredNotebook | null> {
	const record = await (await db()).get('notebooks', id);
	if (!record) return null;
	const parsed = parseNotebook(record.doc);
	return parsed.ok ? { ...record, doc: parsed.notebook } : null;
}

export async function lastNotebookId(): Promise<string | null> {
	return (await (await db()).get('meta', 'last')) ?? null;
}

export async function listNotebooks(): Promise<Omit<StoredNotebook, 'doc'>[]> {
	const all = await (await db()).getAllFromIndex('notebooks', 'savedAt');
	return all.reverse().map(({ id, title, savedAt }) => ({ id, title, savedAt }));
}

export async function deleteNotebook(id: string): Promise<void> {
	await (await db()).delete('notebooks', id);
	await forgetKept(id);
}

/** `Forget all data`: every stored notebook, setting and kept data file of this origin. */
export async function forgetEverything(): Promise<void> {
	const database = await db();
	const tx = database.transaction(['notebooks', 'meta'], 'readwrite', { durability: 'strict' });
	await Promise.all([tx.objectStore('notebooks').clear(), tx.objectStore('meta').clear(), tx.done]);
	await forgetKept();
}

/** "Keep loaded data in this browser": off unless the user turned it on. */
export async function keepDataSetting(): Promise<boolean> {
	return (await (await db()).get('meta', 'keepData')) === 'on';
}

export async function setKeepDataSetting(on: boolean): Promise<void> {
	const database = await db();
	if (on) await database.put('meta', 'on', 'keepData');
	else await database.delete('meta', 'keepData');
}

/** Ask the browser not to evict our storage under pressure (after the first real save). */
export async function requestPersistence(): Promise<boolean> {
	try {
		return (await navigator.storage?.persist?.()) ?? false;
	} catch {
		return false;
	}
}

export async function storageUse(): Promise<{ usage: number; quota: number } | null> {
	try {
		const e = await navigator.storage?.estimate?.();
		return e ? { usage: e.usage ?? 0, quota: e.quota ?? 0 } : null;
	} catch {
		return null;
	}
}

export async function renameNotebook(id: string, title: string): Promise<void> {
	const stored = await loadNotebook(id);
	if (stored) await saveNotebook(id, { ...stored.doc, title }, false);
}

export async function duplicateNotebook(id: string): Promise<string | null> {
	const stored = await loadNotebook(id);
	if (!stored) return null;
	const copy = newNotebookId();
	await saveNotebook(copy, { ...stored.doc, title: `${stored.doc.title} (copy)` }, false);
	return copy;
}
