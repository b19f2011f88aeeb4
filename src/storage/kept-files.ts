/**
 * Kept data (opt-in, "Keep loaded data in this browser"): copies of the user's loaded files in
 * the Origin Private File System, so a reload re-attaches them without asking.
 *
 *   /segbook-data/<notebook id>/<table>        the file's bytes, as loaded
 *   /segbook-data/<notebook id>/<table>.json   what they were: file name, size, type
 *
 * The copy streams `File.stream()` into a `FileSystemWritableFileStream`: the bytes go from the
 * file to storage in chunks, never through a JavaScript copy, so the main thread stays free.
 * A writable replaces its file only on close, so a crash mid-copy leaves the old state, never a
 * half file; the description is written last, and a copy without one (or of the wrong size) is
 * damaged. These copies are a cache the app can rebuild (RELIABILITY.md 2.3): when one is
 * missing or damaged the notebook asks for the file again. Notebook text stays in IndexedDB.
 */

const ROOT = 'segbook-data';

interface KeptDescription {
	name: string;
	size: number;
	type: string;
}

/** A kept copy, or why there is none: `none` = never kept (loaded before keeping was on). */
export type KeptFile =
	{ ok: true; file: File } | { ok: false; reason: 'none' | 'missing' | 'damaged' | 'unavailable' };

/** OPFS names may not hold `/`, `\` or be `.`/`..`: table names are encoded. */
function entryName(table: string): string {
	return encodeURIComponent(table).replaceAll('.', '%2E');
}

export function keptDataSupported(): boolean {
	return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

async function root(create: boolean): Promise<FileSystemDirectoryHandle | null> {
	if (!keptDataSupported()) return null;
	try {
		return await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create });
	} catch {
		return null;
	}
}

async function notebookDir(
	notebookId: string,
	create: boolean
): Promise<FileSystemDirectoryHandle | null> {
	const top = await root(create);
	if (!top) return null;
	try {
		return await top.getDirectoryHandle(entryName(notebookId), { create });
	} catch {
		return null;
	}
}

/** Copy a loaded file into this browser's private storage. Throws when storage refuses. */
export async function keepFile(notebookId: string, table: string, file: File): Promise<void> {
	const dir = await notebookDir(notebookId, true);
	if (!dir) throw new Error('this browser offers no private file storage');
	const name = entryName(table);
	// The old description goes first: a copy without one is never trusted.
	await dir.removeEntry(`${name}.json`).catch(() => undefined);
	const data = await dir.getFileHandle(name, { create: true });
	await file.stream().pipeTo(await data.createWritable());
	const description: KeptDescription = { name: file.name, size: file.size, type: file.type };
	const meta = await (await dir.getFileHandle(`${name}.json`, { create: true })).createWritable();
	await meta.write(JSON.stringify(description));
	await meta.close();
}

/** The kept copy of a table, as a File named like the original; or why there is none. */
export async function keptFile(notebookId: string, table: string): Promise<KeptFile> {
	if (!keptDataSupported()) return { ok: false, reason: 'unavailable' };
	const dir = await notebookDir(notebookId, false);
	if (!dir) return { ok: false, reason: 'none' };
	const name = entryName(table);
	const read = (entry: string): Promise<File | null> =>
		dir.getFileHandle(entry).then(
			(h) => h.getFile(),
			() => null
		);
	const [data, meta] = await Promise.all([read(name), read(`${name}.json`)]);
	if (!data && !meta) return { ok: false, reason: 'none' };
	if (!data) return { ok: false, reason: 'missing' };
	if (!meta) return { ok: false, reason: 'damaged' };
	try {
		const d = JSON.parse(await meta.text()) as Partial<KeptDescription>;
		if (typeof d.name !== 'string' || d.size !== data.size) return { ok: false, reason: 'damaged' };
		// A File over the stored one: the bytes stay on disk until DuckDB reads them.
		return {
			ok: true,
			file: new File([data], d.name, {
				type: typeof d.type === 'string' ? d.type : '',
				lastModified: data.lastModified
			})
		};
	} catch {
		return { ok: false, reason: 'damaged' };
	}
}

/** Remove the copies of one notebook, or of every notebook. */
export async function forgetKept(notebookId?: string): Promise<void> {
	const top = await root(false);
	if (!top) return;
	if (notebookId === undefined) {
		const opfs = await navigator.storage.getDirectory();
		await opfs.removeEntry(ROOT, { recursive: true }).catch(() => undefined);
		return;
	}
	await top.removeEntry(entryName(notebookId), { recursive: true }).catch(() => undefined);
}

/** Remove a notebook's copies of tables it no longer has a Data cell for. */
export async function pruneKept(notebookId: string, tables: readonly string[]): Promise<void> {
	const dir = await notebookDir(notebookId, false);
	if (!dir) return;
	const keep = new Set(tables.flatMap((t) => [entryName(t), `${entryName(t)}.json`]));
	for await (const name of dir.keys()) {
		if (!keep.has(name)) await dir.removeEntry(name).catch(() => undefined);
	}
}

/** How many files are kept, and their size in bytes (for the privacy panel). */
export async function keptUsage(): Promise<{ files: number; bytes: number }> {
	const top = await root(false);
	let files = 0;
	let bytes = 0;
	if (!top) return { files, bytes };
	for await (const [, notebook] of top.entries()) {
		if (!(notebook instanceof FileSystemDirectoryHandle)) continue;
		for await (const [name, entry] of notebook.entries()) {
			if (!(entry instanceof FileSystemFileHandle) || name.endsWith('.json')) continue;
			files++;
			bytes += (await entry.getFile()).size;
		}
	}
	return { files, bytes };
}
