import { describe, expect, it } from 'vitest';
import { Runner } from '../../../src/notebook/runner';
import {
	addCell,
	emptyNotebook,
	newDataCell,
	newFeaturesCell,
	newPersonasCell,
	newSegmentsCell,
	updateCell,
	type Notebook,
	type SegmentsCell
} from '../../../src/notebook/model';
import type { FeatureRecipe, SegmentReport } from '../../../src/engine/api';
import type { EnginePort } from '../../../src/notebook/ports';
import { deferred, fakeEngine } from '../../helpers/fake-ports';

const recipe = {
	source: 'orders',
	grain: 'transactions',
	roles: {},
	asOf: null,
	customers: null,
	selected: ['recency', 'frequency'],
	transforms: { log1p: [], winsorise: null, scale: 'zscore' },
	missing: 'median'
} as unknown as FeatureRecipe;

const report = (k: number) =>
	({ k, seed: 1, customers: 100, segments: [], ms: 1 }) as unknown as SegmentReport;

function notebook() {
	const data = newDataCell('orders', 'orders.csv', ['id'], null);
	const features = newFeaturesCell('orders', recipe);
	const segments: SegmentsCell = { ...newSegmentsCell(), k: 3 };
	const personas = newPersonasCell();
	let doc: Notebook = [data, features, segments, personas].reduce(
		(nb, c) => addCell(nb, c),
		emptyNotebook()
	);
	return { data, features, segments, personas, get: () => doc, set: (d: Notebook) => (doc = d) };
}

function runner(nb: ReturnType<typeof notebook>, engine: Partial<EnginePort>) {
	return new Runner({
		engine: fakeEngine(engine),
		doc: nb.get,
		setDoc: nb.set,
		tables: () => ['orders'],
		refreshTables: async () => undefined,
		salt: () => 'salt',
		personaNames: () => new Map(),
		onChange: () => undefined
	});
}

const basic = (calls: string[]): Partial<EnginePort> => ({
	suggestRecipe: async () => ({ recipe, candidates: [], notes: [], columns: [] }),
	buildFeatures: async (_r, out) => {
		calls.push(`features→${out.features}`);
		return { customers: 100, ms: 1 } as never;
	},
	segment: async (ref, options) => {
		calls.push(`segment k=${options.k} on ${ref.matrix} → ${ref.segments}`);
		return report(options.k);
	},
	rfm: async () => {
		throw new Error('no rfm');
	},
	personas: async (ref) => {
		calls.push(`personas of ${ref.segments}`);
		return { personas: [] } as never;
	}
});

describe('Runner', () => {
	it('runs a cell, then exactly its stale dependents in document order', async () => {
		const nb = notebook();
		const calls: string[] = [];
		const r = runner(nb, basic(calls));
		await r.runBatch([nb.features.id, nb.segments.id, nb.personas.id]);
		expect(calls).toEqual([
			'features→customer_features',
			'segment k=3 on model_matrix → segments',
			'personas of segments'
		]);
		calls.length = 0;
		r.edited(nb.features.id);
		expect(r.run(nb.segments.id).status).toBe('stale');
		expect(r.run(nb.personas.id).status).toBe('stale');
		await r.runCell(nb.features.id);
		expect(calls).toEqual([
			'features→customer_features',
			'segment k=3 on model_matrix → segments',
			'personas of segments'
		]);
		expect(r.run(nb.personas.id).status).toBe('done');
	});

	it('latest-wins: an edit made while the cell runs runs it again; the old result never shows', async () => {
		const nb = notebook();
		const first = deferred<SegmentReport>();
		const seen: number[] = [];
		const r = runner(nb, {
			...basic([]),
			segment: async (_ref, options) => {
				seen.push(options.k);
				return options.k === 3 ? first.promise : report(options.k);
			}
		});
		const running = r.runCell(nb.segments.id);
		await new Promise((ok) => setTimeout(ok, 0));
		expect(r.run(nb.segments.id).status).toBe('running');
		nb.set(updateCell<SegmentsCell>(nb.get(), nb.segments.id, { k: 5 }));
		r.edited(nb.segments.id);
		first.resolve(report(3));
		await running;
		expect(seen).toEqual([3, 5]);
		expect(r.run(nb.segments.id).segments?.k).toBe(5);
		expect(r.run(nb.segments.id).status).toBe('done');
	});

	it('idle() waits for the run in flight and for runs queued behind it', async () => {
		const nb = notebook();
		const slow = deferred<SegmentReport>();
		const r = runner(nb, { ...basic([]), segment: () => slow.promise });
		const batch = r.runBatch([nb.features.id, nb.segments.id, nb.personas.id]);
		let idle = false;
		const waiting = r.idle().then(() => (idle = true));
		await new Promise((ok) => setTimeout(ok, 0));
		expect(r.busy).toBe(true);
		expect(idle).toBe(false);
		slow.resolve(report(3));
		await batch;
		await waiting;
		expect(idle).toBe(true);
		expect(r.busy).toBe(false);
		expect(r.run(nb.personas.id).status).toBe('done');
	});

	it('a batch runs again the cells edited while it went on, with the edit', async () => {
		const nb = notebook();
		const calls: string[] = [];
		const gate = deferred<void>();
		const engine = basic(calls);
		const r = runner(nb, {
			...engine,
			buildFeatures: async (rec, out) => {
				await gate.promise;
				return engine.buildFeatures!(rec, out);
			}
		});
		const batch = r.runBatch([nb.features.id, nb.segments.id, nb.personas.id]);
		await new Promise((ok) => setTimeout(ok, 0));
		// Personas finished earlier, say; the user sets k while Features still runs.
		nb.set(updateCell<SegmentsCell>(nb.get(), nb.segments.id, { k: 4 }));
		r.edited(nb.segments.id);
		gate.resolve();
		await batch;
		expect(calls.filter((c) => c.startsWith('segment'))).toEqual([
			'segment k=4 on model_matrix → segments'
		]);
		expect(r.run(nb.segments.id).segments?.k).toBe(4);
	});

	it('the status says what runs, and after a failure what failed — never a "…ing" left behind', async () => {
		const nb = notebook();
		const gate = deferred<void>();
		const r = runner(nb, {
			...basic([]),
			buildFeatures: async () => {
				await gate.promise;
				throw new Error('Binder Error: no column "amount"');
			}
		});
		const batch = r.runBatch([nb.features.id, nb.segments.id, nb.personas.id]);
		await new Promise((ok) => setTimeout(ok, 0));
		expect(r.status).toBe('Building features…');
		gate.resolve();
		await batch;
		expect(r.status).toBe('Features failed: Binder Error: no column "amount"');
		expect(r.run(nb.features.id).status).toBe('error');
		// Stopped at the error: the later cells never ran.
		expect(r.run(nb.segments.id).status).toBe('idle');
	});

	it('a cell without what it builds on says what to add', async () => {
		const nb = notebook();
		nb.set({ ...nb.get(), cells: nb.get().cells.filter((c) => c.kind !== 'features') });
		const r = runner(nb, basic([]));
		await r.runCell(nb.segments.id);
		expect(r.run(nb.segments.id).error).toBe(
			'Add a Features cell above this one and run it first.'
		);
	});

	it('Run cell first runs the stale or never-run cells it builds on, and names one that fails', async () => {
		const nb = notebook();
		const calls: string[] = [];
		const r = runner(nb, basic(calls));
		await r.runCell(nb.personas.id);
		expect(calls).toEqual([
			'features→customer_features',
			'segment k=3 on model_matrix → segments',
			'personas of segments'
		]);
		calls.length = 0;
		r.set(nb.segments.id, { status: 'stale' });
		await r.runCell(nb.personas.id);
		expect(calls).toEqual(['segment k=3 on model_matrix → segments', 'personas of segments']);
		calls.length = 0;
		const failing = runner(nb, {
			...basic(calls),
			segment: async () => {
				throw new Error('k-means failed');
			}
		});
		await failing.runCell(nb.personas.id);
		expect(calls).toEqual(['features→customer_features']);
		expect(failing.run(nb.personas.id).status).toBe('error');
		expect(failing.run(nb.personas.id).error).toMatch(/Segments cell above .* failed/);
	});

	it('latest(): only the newest fetch under a key delivers', async () => {
		const nb = notebook();
		const r = runner(nb, {});
		const a = deferred<string>();
		const b = deferred<string>();
		const first = r.latest('chart', () => a.promise);
		const second = r.latest('chart', () => b.promise);
		b.resolve('new');
		a.resolve('old');
		expect(await first).toBeUndefined();
		expect(await second).toBe('new');
	});

	it('knows the engine requests a running cell made, so Cancel on it cancels those only', async () => {
		const nb = notebook();
		const slow = deferred<SegmentReport>();
		const r = runner(nb, {
			...basic([]),
			segment: () => Object.assign(slow.promise, { requestId: 41 })
		});
		const running = r.runCell(nb.segments.id);
		await new Promise((ok) => setTimeout(ok, 0));
		expect(r.requestsOf(nb.segments.id)).toEqual([41]);
		expect(r.requestsOf(nb.personas.id)).toEqual([]);
		slow.resolve(report(3));
		await running;
		expect(r.requestsOf(nb.segments.id)).toEqual([]);
	});
});
