/**
 * Which notebook is open: the last one saved here, a share link (a new notebook whose cells
 * wait for Run all), a `.segbook.json` file, or a saved one picked from the list. Pure logic over
 * the storage and location ports; the façade adopts what it returns.
 */
import { emptyNotebook, type Notebook } from './model';
import type { NotebookPorts } from './ports';
import { decodeNotebookFile, decodeShareLink } from './share-link';
import { LESSON_LINK_PREFIX, decodeLessonLink, type LessonRef } from './lesson-link';

/** Where the open notebook came from: the user's own (autosaved) or a link (untrusted). */
export type Origin = 'own' | 'link';

export interface Opened {
	doc: Notebook;
	id: string;
	origin: Origin;
	/** What the status line says about it. */
	said: string | null;
}

/**
 * What the page was opened with: a link in the fragment, a lesson by reference (made again
 * from its sample, with the teacher's changes), else the last notebook saved here.
 */
export async function openFromPage(
	ports: NotebookPorts,
	hash: string,
	isOwnLink: (hash: string) => boolean,
	alert: (message: string) => void
): Promise<Opened | { lesson: LessonRef } | null> {
	if (hash.startsWith('#nb=') && isOwnLink(hash)) {
		// This tab's own link (Copy share link, then reload): reopen the notebook, not a copy.
		ports.location.replace(ports.location.pathname());
	} else if (hash.startsWith(LESSON_LINK_PREFIX) && !isOwnLink(hash)) {
		const result = decodeLessonLink(hash);
		if (result.ok) return { lesson: result.ref };
		alert(`${result.error} Your own notebooks are untouched.`);
	} else if (hash.startsWith('#nb=')) {
		const result = decodeShareLink(hash);
		if (result.ok) {
			return {
				doc: result.notebook,
				id: ports.storage.newId(),
				origin: 'link',
				said: 'Opened from a link. Attach the data files it asks for, then press Run all.'
			};
		}
		alert(`${result.error} Your own notebooks are untouched.`);
	}
	const last = await ports.storage.lastId().catch(() => null);
	const stored = last ? await ports.storage.load(last).catch(() => null) : null;
	if (!stored || stored.doc.cells.length === 0) return null;
	return { doc: stored.doc, id: stored.id, origin: 'own', said: null };
}

export async function openSaved(ports: NotebookPorts, id: string): Promise<Opened | null> {
	const stored = await ports.storage.load(id).catch(() => null);
	return stored ? { doc: stored.doc, id: stored.id, origin: 'own', said: null } : null;
}

/** A `.segbook.json` file, opened like a link (untrusted, a new notebook). */
export async function openFile(
	ports: NotebookPorts,
	file: File
): Promise<{ ok: true; opened: Opened } | { ok: false; error: string }> {
	const result = decodeNotebookFile(await file.text());
	if (!result.ok) return { ok: false, error: `Could not open ${file.name}: ${result.error}` };
	return {
		ok: true,
		opened: {
			doc: result.notebook,
			id: ports.storage.newId(),
			origin: 'link',
			said: `Opened ${file.name}. Attach the data files it asks for, then press Run all.`
		}
	};
}

export function fresh(ports: NotebookPorts): Opened {
	return { doc: emptyNotebook(), id: ports.storage.newId(), origin: 'own', said: null };
}
