/**
 * The notebook schema is the gate for everything a share link or file can carry
 * (RELIABILITY.md T7, T9, test case 12): valid documents of every kind pass unchanged, every
 * rejection names its problem in words, and hostile keys never reach a prototype.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
	migrate,
	MIGRATIONS,
	NOTEBOOK_VERSION,
	NotebookVersionError,
	parseNotebook,
	runMigrations,
	safeJsonParse,
	SCHEMA_LIMITS
} from '../../../src/notebook/schema';
import { KIND_LABELS, type Cell, type CellId, type Notebook } from '../../../src/notebook/model';
import { DEFAULT_RFM_RULES } from '../../../src/segment/rfm';

const FIXTURE = new URL('../../fixtures/notebooks/v1.json', import.meta.url);

const id = (s: string): CellId => s as CellId;

/** A notebook with every cell kind, and every optional part filled in somewhere. */
function everyKind(): Notebook {
	return {
		version: 2,
		title: 'Every kind — ünïcödé 🎉',
		cells: [
			{
				id: id('data-1'),
				kind: 'data',
				table: 'transactions',
				source: 'sample: retail, 1000 customers, seed 7',
				columns: ['invoice_id', 'customer_id', 'invoice_date'],
				sample: { customers: 1000, seed: 7 }
			},
			{
				id: id('data_2'),
				kind: 'data',
				table: 'my_file',
				source: 'My file (2024).csv',
				columns: [],
				sample: null
			},
			{
				id: id('sql'),
				kind: 'sql',
				sql: `SELECT 'it''s' AS "quoted ""name""", 1 -- 😀\nFROM transactions`,
				resultName: 'quotes'
			},
			{ id: id('notes'), kind: 'notes', markdown: '# Title\n\n<img src=x onerror=alert(1)>' },
			{
				id: id('features'),
				kind: 'features',
				table: 'transactions',
				recipe: {
					source: 'transactions',
					grain: 'transactions',
					roles: {
						key: 'customer_id',
						orderId: 'invoice_id',
						timestamp: 'invoice_date',
						amount: null,
						quantity: 'quantity',
						unitPrice: 'unit_price',
						discount: 'discount',
						categoricals: ['category', 'channel'],
						numerics: []
					},
					asOf: '2024-12-31',
					customers: {
						table: 'customers',
						key: 'customer_id',
						numerics: ['age', 'income'],
						categoricals: ['gender']
					},
					selected: ['recency_days', 'frequency', 'monetary'],
					transforms: {
						log1p: ['frequency', 'monetary'],
						winsorise: { lower: 0.01, upper: 0.99 },
						scale: 'robust'
					},
					missing: 'drop'
				}
			},
			{ id: id('features-empty'), kind: 'features', table: 'customers', recipe: null },
			{
				id: id('segments'),
				kind: 'segments',
				k: 5,
				seed: -12,
				rfmRules: DEFAULT_RFM_RULES.map((r) => ({ ...r, r: [...r.r], fm: [...r.fm] })),
				rfmCutoffs: {
					recency: [14, 30, 90, 180],
					frequency: [1, 1, 2, 4],
					monetary: [20.5, 60, 150, 400]
				}
			},
			{ id: id('segments-auto'), kind: 'segments', k: null, seed: 42, rfmRules: null },
			{
				id: id('personas'),
				kind: 'personas',
				edits: [{ segment: 2, name: 'Bargain hunters', description: 'Buy on discount.' }],
				minShare: 0.05
			},
			{ id: id('customer'), kind: 'customer', key: 'C000042' },
			{ id: id('answer'), kind: 'answer' },
			{
				id: id('chart'),
				kind: 'chart',
				source: 'customer_features',
				mark: 'point',
				x: 'recency_days',
				y: 'monetary',
				colour: null,
				spec: null
			},
			{ id: id('stepper'), kind: 'stepper', x: 'recency_days', y: null, k: 4, seed: 7 },
			{ id: id('compare'), kind: 'compare', split: '2025-01-01' },
			{ id: id('compare-halves'), kind: 'compare', split: null },
			{ id: id('compare-quarter'), kind: 'compare', split: null, quarter: '2025-Q4' },
			{
				id: id('data-shift'),
				kind: 'data',
				table: 'transactions_2',
				source: 'sample: retail, 1000 customers, seed 7, with a shift in year 2',
				columns: ['invoice_id'],
				sample: { customers: 1000, seed: 7, shift: true }
			}
		]
	};
}

/** A copy of `nb` with cell `index` replaced by `patch(cell)`, typed loosely on purpose. */
function withCell(index: number, patch: (cell: Record<string, unknown>) => unknown): unknown {
	const nb = structuredClone(everyKind()) as unknown as { cells: Record<string, unknown>[] };
	const cell = nb.cells[index];
	if (!cell) throw new Error(`no cell ${index}`);
	nb.cells[index] = patch(cell) as Record<string, unknown>;
	return nb;
}

function errorOf(input: unknown): string {
	const result = parseNotebook(input);
	if (result.ok) throw new Error('expected the notebook to be rejected');
	return result.error;
}

/** Every object and array reachable from `value`. */
function objectsIn(value: unknown, out = new Set<object>()): Set<object> {
	if (typeof value === 'object' && value !== null) {
		out.add(value);
		for (const child of Object.values(value)) objectsIn(child, out);
	}
	return out;
}

describe('parseNotebook: valid documents', () => {
	it('accepts a notebook with every cell kind and returns it unchanged', () => {
		const nb = everyKind();
		const result = parseNotebook(nb);
		expect(result).toEqual({ ok: true, notebook: nb });
		const kinds = new Set(nb.cells.map((c) => c.kind));
		const missing = Object.keys(KIND_LABELS).filter((k) => !kinds.has(k as Cell['kind']));
		expect(missing, 'kinds missing from everyKind()').toEqual([]);
	});

	it('round-trips through JSON text', () => {
		const nb = everyKind();
		const result = parseNotebook(safeJsonParse(JSON.stringify(nb)));
		expect(result).toEqual({ ok: true, notebook: nb });
	});

	it('returns a fresh object graph: nothing shared with the input', () => {
		const nb = everyKind();
		const result = parseNotebook(nb);
		if (!result.ok) throw new Error(result.error);
		const inputs = objectsIn(nb);
		for (const o of objectsIn(result.notebook)) expect(inputs.has(o)).toBe(false);
		// Editing the input afterwards leaves the parsed notebook alone.
		(nb.cells[0] as Extract<Cell, { kind: 'data' }>).columns.push('late');
		nb.title = 'changed';
		expect(result.notebook.title).toBe('Every kind — ünïcödé 🎉');
		expect(result.notebook.cells[0]).toMatchObject({
			columns: ['invoice_id', 'customer_id', 'invoice_date']
		});
	});

	it('accepts values at the edges of every range', () => {
		const edge = withCell(6, (c) => ({ ...c, k: 100, seed: Number.MAX_SAFE_INTEGER }));
		expect(parseNotebook(edge).ok).toBe(true);
		const low = withCell(6, (c) => ({ ...c, k: 1, seed: Number.MIN_SAFE_INTEGER }));
		expect(parseNotebook(low).ok).toBe(true);
		const shares = [0, 1].map((minShare) => withCell(8, (c) => ({ ...c, minShare })));
		for (const s of shares) expect(parseNotebook(s).ok).toBe(true);
		const sample = withCell(0, (c) => ({ ...c, sample: { customers: 1_000_000, seed: 0 } }));
		expect(parseNotebook(sample).ok).toBe(true);
		const longSql = withCell(2, (c) => ({ ...c, sql: 'x'.repeat(SCHEMA_LIMITS.sqlChars) }));
		expect(parseNotebook(longSql).ok).toBe(true);
		const empty = { version: 2, title: '', cells: [] };
		expect(parseNotebook(empty)).toEqual({ ok: true, notebook: empty });
	});

	it('opens the v1 fixture file as version 2: the same cells, the tables they write named', () => {
		const text = readFileSync(FIXTURE, 'utf8');
		const v1 = JSON.parse(text) as { version: number; cells: Record<string, unknown>[] };
		const result = parseNotebook(migrate(safeJsonParse(text)));
		if (!result.ok) throw new Error(result.error);
		expect(result.notebook.version).toBe(2);
		expect(new Set(result.notebook.cells.map((c) => c.kind))).toEqual(
			new Set(['notes', 'data', 'sql', 'features', 'segments', 'personas', 'customer', 'chart'])
		);
		// Every cell as it was, plus the name of the table it writes where it writes one.
		const outputs: Record<string, string> = { features: 'customer_features', segments: 'segments' };
		expect(result.notebook.cells).toEqual(
			v1.cells.map((c) => {
				const output = outputs[String(c['kind'])];
				return output ? { ...c, output } : c;
			})
		);
		// Saved again, it reads the same.
		const again = parseNotebook(JSON.parse(JSON.stringify(result.notebook)));
		expect(again).toEqual(result);
	});

	it('a second Features or Segments cell of a v1 notebook gets tables of its own', () => {
		const cells = [
			{ id: 'f1', kind: 'features', table: 'orders', recipe: null },
			{ id: 'f2', kind: 'features', table: 'orders', recipe: null },
			{ id: 's1', kind: 'segments', k: null, seed: 1, rfmRules: null },
			{ id: 's2', kind: 'segments', k: 3, seed: 1, rfmRules: null }
		];
		const result = parseNotebook(migrate({ version: 1, title: 't', cells }));
		if (!result.ok) throw new Error(result.error);
		expect(result.notebook.cells.map((c) => ('output' in c ? c.output : null))).toEqual([
			'customer_features',
			'customer_features_2',
			'segments',
			'segments_2'
		]);
	});
});

describe('parseNotebook: every rejection names the problem', () => {
	it('a compare cell whose split is not a date, or a sample shift that is not true/false', () => {
		const at = everyKind().cells.findIndex((c) => c.kind === 'compare');
		expect(errorOf(withCell(at, (c) => ({ ...c, split: '1/1/2025' })))).toBe(
			`cell ${at + 1} (compare): split must be a date like 2025-01-01`
		);
		expect(errorOf(withCell(at, (c) => ({ ...c, split: '2025-01-01; DROP TABLE x' })))).toBe(
			`cell ${at + 1} (compare): split must be a date like 2025-01-01`
		);
		expect(errorOf(withCell(at, (c) => ({ ...c, quarter: '2025-Q5' })))).toBe(
			`cell ${at + 1} (compare): quarter must be a quarter like 2025-Q4`
		);
		const data = everyKind().cells.findIndex((c) => c.kind === 'data');
		expect(
			errorOf(withCell(data, (c) => ({ ...c, sample: { customers: 10, seed: 1, shift: 'yes' } })))
		).toMatch(new RegExp(`^cell ${data + 1} \\(data\\): sample.shift`));
	});

	it('a step-through cell with more clusters than palette colours, or a bad seed', () => {
		const at = everyKind().cells.findIndex((c) => c.kind === 'stepper');
		for (const k of [1, 8]) expect(parseNotebook(withCell(at, (c) => ({ ...c, k }))).ok).toBe(true);
		expect(errorOf(withCell(at, (c) => ({ ...c, k: 9 })))).toBe(
			`cell ${at + 1} (stepper): k must be a whole number from 1 to 8`
		);
		expect(errorOf(withCell(at, (c) => ({ ...c, seed: 0.5 })))).toMatch(
			new RegExp(`^cell ${at + 1} \\(stepper\\): seed must be a whole number`)
		);
	});

	it('an unknown key, at the top, in a cell, or deep in a recipe', () => {
		expect(errorOf({ ...everyKind(), author: 'x' })).toBe(
			'the notebook has an unknown field "author"'
		);
		expect(errorOf(withCell(2, (c) => ({ ...c, rows: [[1, 2]] })))).toBe(
			'cell 3 (sql): the cell has an unknown field "rows"'
		);
		const deep = withCell(4, (c) => {
			const recipe = c['recipe'] as { roles: Record<string, unknown> };
			recipe.roles['evil'] = true;
			return c;
		});
		expect(errorOf(deep)).toBe('cell 5 (features): recipe.roles has an unknown field "evil"');
	});

	it('too-long SQL, markdown and names', () => {
		const sql = withCell(2, (c) => ({ ...c, sql: 'x'.repeat(100_001) }));
		expect(errorOf(sql)).toBe('cell 3 (sql): sql is longer than 100,000 characters');
		const md = withCell(3, (c) => ({ ...c, markdown: 'x'.repeat(100_001) }));
		expect(errorOf(md)).toBe('cell 4 (notes): markdown is longer than 100,000 characters');
		expect(errorOf({ ...everyKind(), title: 't'.repeat(201) })).toBe(
			'title is longer than 200 characters'
		);
		const col = withCell(0, (c) => ({ ...c, columns: ['a', 'b', 'c'.repeat(1001)] }));
		expect(errorOf(col)).toBe('cell 1 (data): columns #3 is longer than 1,000 characters');
	});

	it('too many cells or features, checked before the items', () => {
		const cells = Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, kind: 'nope' }));
		expect(errorOf({ version: 2, title: '', cells })).toBe('cells has more than 500 items');
		const features = withCell(4, (c) => {
			const recipe = c['recipe'] as Record<string, unknown>;
			recipe['selected'] = Array.from({ length: 1001 }, (_, i) => `f${i}`);
			return c;
		});
		expect(errorOf(features)).toBe('cell 5 (features): recipe.selected has more than 1,000 items');
	});

	it('duplicate and unsafe cell ids', () => {
		const dup = withCell(3, (c) => ({ ...c, id: 'data-1' }));
		expect(errorOf(dup)).toBe('cell 4 (notes): id "data-1" is already used by cell 1');
		const unsafe = withCell(3, (c) => ({ ...c, id: '"><img src=x>' }));
		expect(errorOf(unsafe)).toBe('cell 4 (notes): id must be 1 to 64 letters, digits, "_" or "-"');
		const long = withCell(3, (c) => ({ ...c, id: 'a'.repeat(65) }));
		expect(errorOf(long)).toBe('cell 4 (notes): id must be 1 to 64 letters, digits, "_" or "-"');
	});

	it('a kind that does not exist, or a cell that is not an object', () => {
		const widget = errorOf(withCell(1, (c) => ({ ...c, kind: 'widget' })));
		expect(widget).toMatch(
			/^cell 2: kind must be one of "data", "sql", "notes", .* \(got "widget"\)$/
		);
		// Every kind is offered, the newest too.
		for (const kind of Object.keys(KIND_LABELS)) expect(widget).toContain(`"${kind}"`);
		expect(errorOf(withCell(1, () => 'a cell'))).toBe(
			'cell 2: the cell must be an object (got "a cell")'
		);
		expect(errorOf(withCell(1, () => null))).toBe('cell 2: the cell must be an object (got null)');
	});

	it('numbers: NaN, infinite, fractional or out of range', () => {
		expect(errorOf(withCell(6, (c) => ({ ...c, seed: NaN })))).toBe(
			'cell 7 (segments): seed must be a number (got NaN)'
		);
		expect(errorOf(withCell(6, (c) => ({ ...c, seed: Infinity })))).toBe(
			'cell 7 (segments): seed must be a whole number between -(2^53 - 1) and 2^53 - 1'
		);
		expect(errorOf(withCell(6, (c) => ({ ...c, seed: 2 ** 53 })))).toBe(
			'cell 7 (segments): seed must be a whole number between -(2^53 - 1) and 2^53 - 1'
		);
		for (const k of [0, 101, 2.5, -1]) {
			expect(errorOf(withCell(6, (c) => ({ ...c, k })))).toBe(
				'cell 7 (segments): k must be a whole number from 1 to 100'
			);
		}
		expect(errorOf(withCell(6, (c) => ({ ...c, k: '3' })))).toBe(
			'cell 7 (segments): k must be a number (got "3")'
		);
		expect(errorOf(withCell(8, (c) => ({ ...c, minShare: 1.5 })))).toBe(
			'cell 9 (personas): minShare must be a number from 0 to 1'
		);
		expect(errorOf(withCell(8, (c) => ({ ...c, minShare: -Infinity })))).toBe(
			'cell 9 (personas): minShare must be a number from 0 to 1'
		);
		for (const customers of [0, 1_000_001]) {
			const cell = withCell(0, (c) => ({ ...c, sample: { customers, seed: 1 } }));
			expect(errorOf(cell)).toBe(
				'cell 1 (data): sample.customers must be a whole number from 1 to 1,000,000'
			);
		}
	});

	it('recipes, RFM rules and persona edits', () => {
		const recipe = (patch: (r: Record<string, unknown>) => void): unknown =>
			withCell(4, (c) => {
				patch(c['recipe'] as Record<string, unknown>);
				return c;
			});
		expect(errorOf(recipe((r) => (r['grain'] = 'orders')))).toBe(
			'cell 5 (features): recipe.grain must be one of "transactions", "customers" (got "orders")'
		);
		expect(errorOf(recipe((r) => (r['asOf'] = "2024-01-01'; DROP TABLE x; --")))).toBe(
			'cell 5 (features): recipe.asOf must be a date like 2024-12-31'
		);
		expect(
			errorOf(
				recipe(
					(r) =>
						(r['transforms'] = { log1p: [], winsorise: { lower: 0.9, upper: 0.1 }, scale: 'none' })
				)
			)
		).toBe('cell 5 (features): recipe.transforms.winsorise must have lower below upper');
		expect(errorOf(recipe((r) => delete r['missing']))).toBe(
			'cell 5 (features): recipe.missing is missing'
		);
		const rules = (rfmRules: unknown): unknown => withCell(6, (c) => ({ ...c, rfmRules }));
		expect(errorOf(rules([{ group: 'Champions', r: [5, 4], fm: [1, 5] }]))).toBe(
			'cell 7 (segments): rfmRules #1.r must be a range [low, high] with low ≤ high'
		);
		expect(errorOf(rules([{ group: 'Champions', r: [1, 6], fm: [1, 5] }]))).toBe(
			'cell 7 (segments): rfmRules #1.r #2 must be a whole number from 1 to 5'
		);
		expect(errorOf(rules([{ group: 'Champions', r: [1, 2, 3], fm: [1, 5] }]))).toBe(
			'cell 7 (segments): rfmRules #1.r must be a pair [low, high]'
		);
		const cuts = (rfmCutoffs: unknown): unknown => withCell(6, (c) => ({ ...c, rfmCutoffs }));
		const ok = { recency: [1, 2, 3, 4], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] };
		expect(errorOf(cuts({ ...ok, recency: [30, 14, 90, 180] }))).toMatch(
			/^cell 7 \(segments\): rfmCutoffs\.recency .*ascending order/
		);
		expect(errorOf(cuts({ ...ok, monetary: [1, 2, 3] }))).toMatch(
			/^cell 7 \(segments\): rfmCutoffs\.monetary .*four cut-offs/
		);
		expect(errorOf(cuts({ ...ok, frequency: [1, 2, 3, Number.POSITIVE_INFINITY] }))).toMatch(
			/finite/
		);
		expect(errorOf(rules([{ group: 'VIP', r: [1, 2], fm: [1, 5] }]))).toMatch(
			/^cell 7 \(segments\): rfmRules #1\.group must be one of "Champions", .* \(got "VIP"\)$/
		);
		const edits = withCell(8, (c) => ({
			...c,
			edits: [{ segment: 0, name: 'x', description: '' }]
		}));
		expect(errorOf(edits)).toBe(
			'cell 9 (personas): edits #1.segment must be a whole number from 1 to 100'
		);
	});

	it('missing fields and wrong types', () => {
		const { resultName: _, ...noName } = everyKind().cells[2] as Extract<Cell, { kind: 'sql' }>;
		expect(errorOf(withCell(2, () => noName))).toBe('cell 3 (sql): resultName is missing');
		expect(errorOf({ ...everyKind(), title: 5 })).toBe('title must be text (got 5)');
		expect(errorOf({ version: 2, title: '' })).toBe('cells is missing');
		expect(errorOf({ version: 2, title: '', cells: {} })).toBe('cells must be a list (got Object)');
		expect(errorOf(withCell(0, (c) => ({ ...c, sample: 'yes' })))).toBe(
			'cell 1 (data): sample must be an object (got "yes")'
		);
	});

	it('things that are not a notebook at all', () => {
		for (const input of [null, undefined, 'notebook', 42, [], [everyKind()]]) {
			expect(errorOf(input)).toBe('A notebook must be an object with version, title and cells.');
		}
		expect(errorOf({ title: '', cells: [] })).toBe('version must be 2 (got nothing)');
		expect(errorOf({ version: 0, title: '', cells: [] })).toBe('version must be 2 (got 0)');
		expect(errorOf({ version: '1', title: '', cells: [] })).toBe('version must be 2 (got "1")');
		class Fake {
			version = 1;
			title = '';
			cells = [];
		}
		expect(errorOf(new Fake())).toBe('The notebook contains an object that is not plain data.');
		const getter = {
			version: 2,
			cells: [],
			get title() {
				return 't';
			}
		};
		expect(errorOf(getter)).toBe('The notebook contains a computed property.');
		const cyclic: Record<string, unknown> = { version: 2, title: '', cells: [] };
		(cyclic['cells'] as unknown[]).push(cyclic);
		expect(errorOf(cyclic)).toBe('The notebook is nested too deeply.');
		// Inherited properties are not part of the document.
		const inherited = Object.create({ version: 2, title: '', cells: [] }) as object;
		expect(errorOf(inherited)).toBe('The notebook contains an object that is not plain data.');
	});

	it('quotes only the start of a huge hostile key or value', () => {
		const error = errorOf({ ...everyKind(), ['k'.repeat(100_000)]: 1 });
		expect(error.length).toBeLessThan(100);
		expect(error).toBe(`the notebook has an unknown field "${'k'.repeat(40)}…"`);
	});

	it('a notebook from a newer app is refused with what to do', () => {
		const newer = { version: 3, title: '', cells: [] };
		expect(errorOf(newer)).toBe(
			'This notebook was made by a newer Segbook (version 3); update the app.'
		);
		expect(() => migrate(newer)).toThrow(NotebookVersionError);
		expect(() => migrate(newer)).toThrow(
			'This notebook was made by a newer Segbook (version 3); update the app.'
		);
	});
});

describe('prototype pollution (RELIABILITY.md T7, case 12)', () => {
	const hostile =
		'{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"version":2,"title":"t",' +
		'"cells":[{"id":"a","kind":"notes","markdown":"x","__proto__":{"polluted":3},"prototype":{}}]}';

	it('safeJsonParse drops __proto__, constructor and prototype keys at every depth', () => {
		const value = safeJsonParse(hostile) as Record<string, unknown>;
		expect(Object.hasOwn(value, '__proto__')).toBe(false);
		expect(Object.hasOwn(value, 'constructor')).toBe(false);
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		const cell = (value['cells'] as Record<string, unknown>[])[0] ?? {};
		expect(Object.keys(cell)).toEqual(['id', 'kind', 'markdown']);
		// Strings that merely say "__proto__" are data, and stay.
		expect(safeJsonParse('["__proto__", {"a": "constructor"}]')).toEqual([
			'__proto__',
			{ a: 'constructor' }
		]);
	});

	it('parsing and then merging the result pollutes nothing', () => {
		const result = parseNotebook(safeJsonParse(hostile));
		expect(result).toEqual({
			ok: true,
			notebook: { version: 2, title: 't', cells: [{ id: 'a', kind: 'notes', markdown: 'x' }] }
		});
		if (!result.ok) return;
		// The usual ways a stray key turns into pollution.
		const merged = Object.assign({}, result.notebook, { ...result.notebook });
		expect(Object.hasOwn(merged, 'polluted')).toBe(false);
		expect('polluted' in merged).toBe(false);
		expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
		expect(Object.getPrototypeOf(result.notebook)).toBe(Object.prototype);
	});

	it('an own __proto__ key from plain JSON.parse is dropped too', () => {
		const raw: unknown = JSON.parse(hostile);
		expect(Object.hasOwn(raw as object, '__proto__')).toBe(true);
		const result = parseNotebook(raw);
		expect(result.ok).toBe(true);
		if (result.ok) expect(Object.hasOwn(result.notebook, '__proto__')).toBe(false);
		expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
	});

	it('deep nesting fails cleanly instead of overflowing the stack', () => {
		const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
		let value: unknown = null;
		try {
			value = safeJsonParse(deep);
		} catch (e) {
			// A RangeError from the engine is fine: callers catch it.
			expect(e).toBeInstanceOf(Error);
		}
		if (value !== null) expect(errorOf(value)).toMatch(/notebook/);
	});
});

describe('migrate', () => {
	it('is the identity on a current document, with one step per older version', () => {
		const nb = everyKind();
		expect(NOTEBOOK_VERSION).toBe(2);
		expect(Object.keys(MIGRATIONS)).toEqual(['1']);
		expect(migrate(nb)).toBe(nb);
	});

	it('leaves non-documents for parseNotebook to name', () => {
		for (const input of [null, 'x', [], { version: 'one' }, { version: 0 }, {}]) {
			expect(migrate(input)).toBe(input);
		}
	});

	it('walks the table one version at a time', () => {
		const table = {
			1: (doc: Readonly<Record<string, unknown>>) => ({ ...doc, version: 2, steps: ['1→2'] }),
			2: (doc: Readonly<Record<string, unknown>>) => ({
				...doc,
				version: 3,
				steps: [...((doc['steps'] as string[] | undefined) ?? []), '2→3']
			})
		};
		const v1 = { version: 1, title: 't', cells: [] };
		expect(runMigrations(v1, table, 3)).toEqual({ ...v1, version: 3, steps: ['1→2', '2→3'] });
		expect(v1).toEqual({ version: 1, title: 't', cells: [] });
		expect(runMigrations({ ...v1, version: 2 }, table, 3)).toMatchObject({ steps: ['2→3'] });
		expect(() => runMigrations({ ...v1, version: 4 }, table, 3)).toThrow(NotebookVersionError);
		expect(() => runMigrations(v1, { 1: table[1] }, 3)).toThrow(
			/no migration from notebook version 2/
		);
		const wrong = { 1: (doc: Readonly<Record<string, unknown>>) => ({ ...doc }) };
		expect(() => runMigrations(v1, wrong, 2)).toThrow(/did not reach 2/);
	});
});
