/**
 * Student links by reference: a guided lesson is rebuilt from its id and its sample's size and
 * seed, so the link carries only those and the teacher's changes, not the whole notebook. A
 * Segmentation 101 link without changes is about 60 characters; with k and a note changed, a
 * few hundred (the whole notebook as a `#nb=` link is over 4,000).
 *
 * Format, version 1:
 *
 *   #lesson=1.<id>.<customers>.<seed>.<flags>.<crc>.<changes>
 *
 *   id         the lesson (LESSONS below): `s101` is Segmentation 101.
 *   customers  the sample's size, base36; seed its seed, base36; flags `s` for a planted
 *              shift, else `0`.
 *   crc        CRC-32 (base36) of everything before it and the changes, so a link cut off in a
 *              chat app (a seed losing a digit) is told apart from another lesson.
 *   changes    empty when the teacher changed nothing, else base64url of raw DEFLATE of JSON
 *              `{ "t"?: title, "c": [entry…] }`, where an entry is `[a, b]` (the lesson's own
 *              cells a to b, unchanged) or a cell of the teacher's (without its id).
 *
 * Decoding validates like `#nb=` links (share-link.ts): the fragment's length is capped first,
 * the changes inflate under a byte cap, JSON goes through `safeJsonParse`, and the notebook
 * rebuilt from the lesson and the changes passes the strict schema before it opens.
 *
 * Pure: the lesson's tables come from the caller (the loaded sample), so node tests run it.
 */
import { deflateSync } from 'fflate';
import type { SampleOptions } from '../engine/api';
import { RETAIL_MAX_CUSTOMERS } from '../sample/retail';
import { segmentation101, type LessonTable } from './lessons';
import { newCellId, type Cell, type DataCell, type Notebook } from './model';
import { safeJsonParse } from './schema';
import {
	LINK_MESSAGES,
	base64UrlDecode,
	base64UrlEncode,
	checkDocument,
	crc32,
	inflateCapped,
	type DecodeResult
} from './share-link';

export const LESSON_LINK_PREFIX = '#lesson=';
const FORMAT = 1;

export const LESSON_LINK_LIMITS = Object.freeze({
	/** The whole fragment; anything longer is refused unread. */
	maxEncodedChars: 16 * 1024,
	/** The teacher's changes unpack to at most this many bytes of JSON. */
	maxDecodedBytes: 256 * 1024
});

/** The lessons a link can name, by id: the notebook each builds over its two sample tables. */
const LESSONS: Readonly<
	Record<string, (c: LessonTable, t: LessonTable, sample: SampleOptions) => Notebook>
> = Object.freeze({ s101: segmentation101 });

export interface LessonRef {
	lesson: string;
	sample: SampleOptions;
	/** The teacher's changes, still to apply to the rebuilt lesson (see `applyLessonChanges`). */
	changes: LessonChanges | null;
}

type Entry = [number, number] | Omit<Cell, 'id'>;
export interface LessonChanges {
	t?: string;
	c: Entry[];
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function sameCell(a: Cell, b: Cell): boolean {
	const { id: _a, ...ra } = a;
	const { id: _b, ...rb } = b;
	return JSON.stringify(ra) === JSON.stringify(rb);
}

function tableOf(cell: DataCell): LessonTable {
	return { name: cell.table, source: cell.source, columns: cell.columns };
}

/**
 * The lesson `doc` was made from, if it was made by one: rebuilt from its first two sample Data
 * cells (customers, then transactions) exactly as loadLesson built it.
 */
function rebuild(doc: Notebook): { lesson: string; sample: SampleOptions; base: Notebook } | null {
	const data = doc.cells.filter((c): c is DataCell => c.kind === 'data' && c.sample !== null);
	const [customers, transactions] = data;
	const sample = customers?.sample;
	if (!customers || !transactions || !sample) return null;
	if (JSON.stringify(transactions.sample) !== JSON.stringify(sample)) return null;
	for (const [lesson, build] of Object.entries(LESSONS)) {
		const base = build(tableOf(customers), tableOf(transactions), sample);
		// A lesson it is if most of its cells are still there as the lesson made them.
		const kept = doc.cells.filter((c) => base.cells.some((b) => sameCell(b, c))).length;
		if (kept >= Math.ceil(base.cells.length / 2)) return { lesson, sample, base };
	}
	return null;
}

/** The teacher's notebook as changes to the lesson: runs of unchanged cells, and the others. */
export function diffLesson(base: Notebook, doc: Notebook): LessonChanges | null {
	const entries: Entry[] = [];
	let from = 0;
	const used = new Set<number>();
	const find = (cell: Cell, start: number, end: number): number => {
		for (let j = start; j < end; j++) {
			if (!used.has(j) && sameCell(base.cells[j]!, cell)) return j;
		}
		return -1;
	};
	for (const cell of doc.cells) {
		// The lesson's cells in order; a cell moved by the teacher is found wherever it was.
		let at = find(cell, from, base.cells.length);
		if (at < 0) at = find(cell, 0, from);
		if (at >= 0) used.add(at);
		const last = entries.at(-1);
		if (at >= 0) {
			if (Array.isArray(last) && last[1] === at - 1) last[1] = at;
			else entries.push([at, at]);
			from = Math.max(from, at + 1);
		} else {
			const { id: _id, ...rest } = cell;
			entries.push(rest);
		}
	}
	const untouched =
		doc.title === base.title &&
		entries.length === 1 &&
		Array.isArray(entries[0]) &&
		entries[0][0] === 0 &&
		entries[0][1] === base.cells.length - 1;
	if (untouched) return null;
	return { ...(doc.title === base.title ? {} : { t: doc.title }), c: entries };
}

/**
 * A Features cell whose recipe is still the one detected when it ran reads as the lesson made
 * it (recipe null: detect again), so running the lesson is not taken for a teacher's change.
 * `detected` gives the recipe a cell's run detected, if any.
 */
export function asMade(doc: Notebook, detected: (id: Cell['id']) => unknown): Notebook {
	return {
		...doc,
		cells: doc.cells.map((c) =>
			c.kind === 'features' &&
			c.recipe !== null &&
			JSON.stringify(c.recipe) === JSON.stringify(detected(c.id) ?? null)
				? { ...c, recipe: null }
				: c
		)
	};
}

function checksum(head: string, changes: string): string {
	return crc32(utf8.encode(`${head}.${changes}`)).toString(36);
}

/**
 * The student-link fragment for a notebook made by a lesson, or null when it was not (or has
 * changed so much that the whole notebook is the shorter link).
 */
export function encodeLessonLink(doc: Notebook): string | null {
	const made = rebuild(doc);
	if (!made) return null;
	const changes = diffLesson(made.base, doc);
	const data = changes
		? base64UrlEncode(deflateSync(utf8.encode(JSON.stringify(changes)), { level: 9 }))
		: '';
	const { customers, seed, shift } = made.sample;
	const head = `${FORMAT}.${made.lesson}.${customers.toString(36)}.${seed.toString(36)}.${shift ? 's' : '0'}`;
	const link = `${LESSON_LINK_PREFIX}${head}.${checksum(head, data)}.${data}`;
	return link.length <= LESSON_LINK_LIMITS.maxEncodedChars ? link : null;
}

export type LessonDecode = { ok: true; ref: LessonRef } | { ok: false; error: string };

const damaged = (): LessonDecode => ({ ok: false, error: LINK_MESSAGES.damaged });

/** Reads a `#lesson=` fragment (with or without `#`). Never throws. */
export function decodeLessonLink(fragment: string): LessonDecode {
	if (typeof fragment !== 'string') return { ok: false, error: LINK_MESSAGES.notALink };
	if (fragment.length > LESSON_LINK_LIMITS.maxEncodedChars) {
		return { ok: false, error: LINK_MESSAGES.tooLarge };
	}
	const body = fragment.startsWith('#') ? fragment.slice(1) : fragment;
	if (!body.startsWith(LESSON_LINK_PREFIX.slice(1))) {
		return { ok: false, error: LINK_MESSAGES.notALink };
	}
	const parts = body.slice(LESSON_LINK_PREFIX.length - 1).split('.');
	if (parts.length !== 7) return damaged();
	const [format = '', lesson = '', size = '', seedText = '', flags = '', crc = '', data = ''] =
		parts;
	if (format !== String(FORMAT)) {
		return /^\d+$/.test(format)
			? { ok: false, error: 'This lesson link comes from a newer Segbook: update the app.' }
			: damaged();
	}
	const head = parts.slice(0, 5).join('.');
	if (!/^[0-9a-z]{1,7}$/.test(crc) || checksum(head, data) !== crc) return damaged();
	if (!Object.hasOwn(LESSONS, lesson)) {
		return { ok: false, error: `This link names a lesson this Segbook does not have (${lesson}).` };
	}
	const customers = /^[0-9a-z]{1,6}$/.test(size) ? parseInt(size, 36) : NaN;
	const seed = /^[0-9a-z]{1,11}$/.test(seedText) ? parseInt(seedText, 36) : NaN;
	if (!Number.isInteger(customers) || customers < 1 || customers > RETAIL_MAX_CUSTOMERS) {
		return damaged();
	}
	if (!Number.isSafeInteger(seed) || (flags !== '0' && flags !== 's')) return damaged();
	const sample: SampleOptions = { customers, seed, ...(flags === 's' ? { shift: true } : {}) };
	if (data === '') return { ok: true, ref: { lesson, sample, changes: null } };
	const compressed = base64UrlDecode(data);
	if (!compressed) return damaged();
	const inflated = inflateCapped(compressed, LESSON_LINK_LIMITS.maxDecodedBytes);
	if (inflated === 'too-large') return { ok: false, error: LINK_MESSAGES.tooLarge };
	if (inflated === 'damaged') return damaged();
	let value: unknown;
	try {
		value = safeJsonParse(utf8Strict.decode(inflated));
	} catch {
		return { ok: false, error: "This link doesn't hold a readable lesson." };
	}
	const changes = value as Partial<LessonChanges> | null;
	const okShape =
		changes !== null &&
		typeof changes === 'object' &&
		Array.isArray(changes.c) &&
		(changes.t === undefined || typeof changes.t === 'string');
	if (!okShape) return { ok: false, error: "This link doesn't hold a readable lesson." };
	return { ok: true, ref: { lesson, sample, changes: changes as LessonChanges } };
}

/**
 * The lesson rebuilt over the loaded sample's tables, with the teacher's changes applied and
 * the result checked by the strict schema, as any link's notebook is.
 */
export function lessonNotebook(
	ref: LessonRef,
	customers: LessonTable,
	transactions: LessonTable
): DecodeResult {
	const build = LESSONS[ref.lesson];
	if (!build) return { ok: false, reason: 'invalid', error: 'This lesson is not known.' };
	const base = build(customers, transactions, ref.sample);
	if (!ref.changes) return checkDocument(base, 'link');
	const cells: unknown[] = [];
	for (const entry of ref.changes.c) {
		if (Array.isArray(entry)) {
			const [a, b] = entry;
			const range =
				Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= a && b < base.cells.length;
			if (!range) return { ok: false, reason: 'invalid', error: "This link's lesson is damaged." };
			cells.push(...base.cells.slice(a, b + 1));
		} else if (entry !== null && typeof entry === 'object') {
			cells.push({ ...entry, id: newCellId() });
		} else {
			return { ok: false, reason: 'invalid', error: "This link's lesson is damaged." };
		}
	}
	return checkDocument({ ...base, title: ref.changes.t ?? base.title, cells }, 'link');
}
