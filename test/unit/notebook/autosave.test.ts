import { describe, expect, it } from 'vitest';
import { Autosave } from '../../../src/notebook/autosave';
import { ManualClock, MemoryStorage } from '../../helpers/fake-ports';
import { emptyNotebook, type Notebook } from '../../../src/notebook/model';

function setup() {
	const clock = new ManualClock();
	const storage = new MemoryStorage(clock);
	let doc: Notebook = emptyNotebook();
	const errors: boolean[] = [];
	const save = new Autosave({
		clock,
		delayMs: 300,
		maxWaitMs: 1000,
		save: () => storage.save('nb', doc),
		onError: (failed) => errors.push(failed)
	});
	const edit = (title: string) => {
		doc = { ...doc, title };
		save.changed();
	};
	return { clock, storage, save, edit, errors };
}

const flushMicrotasks = () => new Promise((r) => setTimeout(r, 0));

describe('Autosave', () => {
	it('saves once, 300 ms after a pause in editing', async () => {
		const { clock, storage, edit } = setup();
		edit('a');
		clock.advance(100);
		edit('ab');
		clock.advance(299);
		await flushMicrotasks();
		expect(storage.writes).toHaveLength(0);
		clock.advance(1);
		await flushMicrotasks();
		expect(storage.writes.map((w) => w.doc.title)).toEqual(['ab']);
	});

	it('saves at least every second while the user keeps typing (the max-wait)', async () => {
		const { clock, storage, edit } = setup();
		// A keystroke every 100 ms for 3.5 s: the debounce alone would never fire.
		for (let t = 0; t < 3500; t += 100) {
			edit(`t${t}`);
			clock.advance(100);
			await flushMicrotasks();
		}
		const times = storage.writes.map((w) => w.at - 1_000_000);
		expect(times.length).toBeGreaterThanOrEqual(3);
		// The first save at most a second after the first change, then at most a second apart.
		expect(times[0]).toBeLessThanOrEqual(1000);
		for (let i = 1; i < times.length; i++)
			expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(1100);
	});

	it('serialises saves: a second flush waits for the first write to finish', async () => {
		const { storage, save, edit } = setup();
		storage.holding = true;
		edit('one');
		const first = save.flush();
		edit('two');
		const second = save.flush();
		await flushMicrotasks();
		expect(storage.writes).toHaveLength(0);
		storage.release();
		await flushMicrotasks();
		storage.release();
		await Promise.all([first, second]);
		expect(storage.writes.map((w) => w.doc.title)).toEqual(['two', 'two']);
		expect(save.pending).toBe(false);
	});

	it('reports a refused save once, and again that it works when a save succeeds', async () => {
		const { storage, save, edit, errors } = setup();
		storage.failing = true;
		edit('x');
		await save.flush();
		edit('y');
		await save.flush();
		expect(errors).toEqual([true]);
		storage.failing = false;
		await save.flush();
		expect(errors).toEqual([true, false]);
		expect(storage.saved.get('nb')?.title).toBe('y');
	});
});
