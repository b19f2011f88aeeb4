/**
 * Student links by reference (src/notebook/lesson-link.ts): a lesson's link names the lesson,
 * its sample's size and seed, and the teacher's changes only; it stays far under 500
 * characters, opens to exactly the teacher's notebook, and refuses links that were cut off,
 * mangled or made to smuggle in what the schema does not allow.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
	decodeLessonLink,
	encodeLessonLink,
	lessonNotebook,
	type LessonRef
} from '../../../src/notebook/lesson-link';
import { segmentation101, type LessonTable } from '../../../src/notebook/lessons';
import { newNotesCell, type Cell, type Notebook } from '../../../src/notebook/model';
import { base64UrlEncode, crc32 } from '../../../src/notebook/share-link';

const SAMPLE = { customers: 6000, seed: 7 };
const CUSTOMERS: LessonTable = {
	name: 'customers',
	source: 'sample: retail, 6000 customers, seed 7',
	columns: ['customer_id', 'signup_date', 'age', 'gender', 'city', 'country', 'income', 'email']
};
const TRANSACTIONS: LessonTable = {
	name: 'transactions',
	source: 'sample: retail, 6000 customers, seed 7',
	columns: ['invoice_id', 'customer_id', 'invoice_date', 'category', 'quantity', 'unit_price']
};

function lesson(): Notebook {
	return segmentation101(CUSTOMERS, TRANSACTIONS, SAMPLE);
}

/** A notebook's cells without their ids (every rebuild draws new ones). */
function shape(nb: Notebook): unknown[] {
	return nb.cells.map(({ id: _id, ...rest }: Cell) => rest);
}

function open(link: string): Notebook {
	const decoded = decodeLessonLink(link);
	if (!decoded.ok) throw new Error(decoded.error);
	const result = lessonNotebook(decoded.ref, CUSTOMERS, TRANSACTIONS);
	if (!result.ok) throw new Error(result.error);
	return result.notebook;
}

describe('lesson links', () => {
	it('names an unchanged lesson in a few dozen characters and opens it again', () => {
		const link = encodeLessonLink(lesson());
		expect(link).toMatch(/^#lesson=1\.s101\.4mo\.7\.0\.[0-9a-z]+\.$/);
		expect(link!.length).toBeLessThan(60);
		const back = open(link!);
		expect(shape(back)).toEqual(shape(lesson()));
		expect(back.title).toBe('Segmentation 101');
	});

	it('carries the teacher’s changes: k, a note, a moved and a deleted cell, the title', () => {
		const base = lesson();
		const cells = base.cells.map((c) =>
			c.kind === 'segments' ? { ...c, k: 4 } : c.kind === 'stepper' ? { ...c, seed: 99 } : c
		);
		cells.splice(5, 0, newNotesCell('## Checkpoint\n\nWhich month sold most?'));
		cells.splice(12, 1);
		const [moved] = cells.splice(1, 1);
		cells.push(moved!);
		const doc: Notebook = { ...base, title: 'Segmentation 101, class 3B', cells };
		const link = encodeLessonLink(doc)!;
		expect(link.length).toBeLessThan(500);
		const back = open(link);
		expect(back.title).toBe('Segmentation 101, class 3B');
		expect(shape(back)).toEqual(shape(doc));
	});

	it('keeps a planted shift and any size and seed', () => {
		const sample = { customers: 1000, seed: 123456, shift: true };
		const doc = segmentation101(CUSTOMERS, TRANSACTIONS, sample);
		const decoded = decodeLessonLink(encodeLessonLink(doc)!);
		expect(decoded.ok && decoded.ref.sample).toEqual(sample);
	});

	it('gives no lesson link for a notebook no lesson made', () => {
		expect(encodeLessonLink({ version: 1, title: 'Mine', cells: [newNotesCell('hi')] })).toBeNull();
		const others = lesson().cells.filter((c) => c.kind !== 'notes');
		expect(encodeLessonLink({ ...lesson(), cells: others.slice(0, 3) })).toBeNull();
	});

	it('refuses a link cut off or changed in transit', () => {
		const link = encodeLessonLink({ ...lesson(), title: 'Changed' })!;
		expect(decodeLessonLink(link.slice(0, -3)).ok).toBe(false);
		// Another seed with the old checksum: not silently another lesson.
		const other = link.replace('.7.0.', '.8.0.');
		const result = decodeLessonLink(other);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.error).toMatch(/damaged or was cut off/);
		expect(decodeLessonLink('#lesson=1.s101').ok).toBe(false);
		expect(decodeLessonLink(`#lesson=${'x'.repeat(20_000)}`).ok).toBe(false);
	});

	it('names an unknown lesson and a newer format for what they are', () => {
		const head = '1.zz99.4mo.7.0';
		const crc = crc32(new TextEncoder().encode(`${head}.`)).toString(36);
		const unknown = decodeLessonLink(`#lesson=${head}.${crc}.`);
		expect(!unknown.ok && unknown.error).toMatch(/lesson this Segbook does not have/);
		const newer = decodeLessonLink('#lesson=2.s101.4mo.7.0.0.');
		expect(!newer.ok && newer.error).toMatch(/newer Segbook/);
	});

	/** A link with these changes, checksummed as the app would. */
	function forged(changes: unknown): string {
		const head = '1.s101.4mo.7.0';
		const data = base64UrlEncode(deflateSync(new TextEncoder().encode(JSON.stringify(changes))));
		const crc = crc32(new TextEncoder().encode(`${head}.${data}`)).toString(36);
		return `#lesson=${head}.${crc}.${data}`;
	}

	it('runs smuggled cells through the strict schema', () => {
		const opened = (changes: unknown) => {
			const d = decodeLessonLink(forged(changes));
			if (!d.ok) return d;
			return lessonNotebook(d.ref as LessonRef, CUSTOMERS, TRANSACTIONS);
		};
		expect(opened({ c: [{ kind: 'notes', markdown: 'ok' }] }).ok).toBe(true);
		expect(opened({ c: [{ kind: 'notes', markdown: 'x', onload: 'steal()' }] }).ok).toBe(false);
		expect(opened({ c: [{ kind: 'teleport' }] }).ok).toBe(false);
		expect(opened({ c: [[0, 99]] }).ok).toBe(false);
		expect(opened({ c: [[3, 1]] }).ok).toBe(false);
		expect(opened({ c: 'all' }).ok).toBe(false);
		expect(opened({ t: 5, c: [] }).ok).toBe(false);
		const proto = opened(JSON.parse('{"c":[{"kind":"notes","markdown":"x","__proto__":{"a":1}}]}'));
		expect(proto.ok && Object.getPrototypeOf(proto.notebook.cells[0])).toBe(Object.prototype);
	});

	it('refuses changes that unpack into a bomb', () => {
		const bomb = forged({ t: 'a'.repeat(400_000), c: [] });
		const d = decodeLessonLink(bomb);
		expect(!d.ok && d.error).toMatch(/too large/);
	});
});

describe('a lesson that has run', () => {
	it('is not taken for a teacher’s change when its Features cell detected its recipe', async () => {
		const { asMade } = await import('../../../src/notebook/lesson-link');
		const base = lesson();
		const recipe = { pretend: 'detected' };
		const ran = {
			...base,
			cells: base.cells.map((c) => (c.kind === 'features' ? { ...c, recipe } : c))
		} as unknown as Notebook;
		const features = ran.cells.find((c) => c.kind === 'features')!;
		const detected = (id: string) => (id === features.id ? recipe : null);
		expect(encodeLessonLink(asMade(ran, detected))).toBe(encodeLessonLink(base));
		// A recipe the teacher edited is a change, and travels.
		const edited = asMade(ran, () => ({ other: true }));
		expect(edited.cells.find((c) => c.kind === 'features')).toHaveProperty('recipe', recipe);
	});
});
