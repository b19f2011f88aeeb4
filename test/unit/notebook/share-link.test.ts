/**
 * Share links and notebook files (RELIABILITY.md T7–T9, test cases 8, 12 and 30): exact round
 * trips, a size budget for the reference notebook, and every hostile or mangled link refused
 * with the right reason, quickly, without throwing.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { deflateSync, inflateSync } from 'fflate';
import {
	crc32,
	decodeNotebookFile,
	decodeShareLink,
	DECODERS,
	encodeNotebookFile,
	encodeShareLink,
	FILE_LIMITS,
	LINK_LIMITS,
	LINK_MESSAGES,
	shareLinkLength
} from '../../../src/notebook/share-link';
import {
	migrate,
	parseNotebook,
	plainPersonaText,
	safeJsonParse,
	SCHEMA_LIMITS
} from '../../../src/notebook/schema';
import type { Cell, CellId, Notebook, PersonaEdit } from '../../../src/notebook/model';
import type { FeatureRecipe } from '../../../src/sql/features.sql';
import { RFM_GROUPS, type RfmRule } from '../../../src/segment/rfm';

const FIXTURE = new URL('../../fixtures/notebooks/v1.json', import.meta.url);
/** The reference notebook: the v1 fixture file as this version opens it. */
const fixture = (): Notebook => {
	const result = parseNotebook(migrate(JSON.parse(readFileSync(FIXTURE, 'utf8'))));
	if (!result.ok) throw new Error(result.error);
	return result.notebook;
};

/** A link in the documented v1 format, built by hand from JSON text (the format's spec test). */
function craftLink(json: string, size?: number): string {
	const bytes = new TextEncoder().encode(json);
	const compressed = deflateSync(bytes, { level: 9 });
	const crc = crc32(compressed).toString(36);
	const data = Buffer.from(compressed).toString('base64url');
	return `#nb=1.${(size ?? bytes.length).toString(36)}.${crc}.${data}`;
}

/** The JSON a link carries, read without the decoder. */
function payloadOf(link: string): unknown {
	const data = link.split('.')[3] ?? '';
	return JSON.parse(new TextDecoder().decode(inflateSync(Buffer.from(data, 'base64url'))));
}

function reasonOf(fragment: string): string {
	const result = decodeShareLink(fragment);
	return result.ok ? 'ok' : result.reason;
}

// ---------------------------------------------------------------- arbitraries

const SPECIAL_TEXT = [
	'',
	`SELECT 'it''s', "a ""quoted"" name" FROM t -- ; DROP TABLE x`,
	'emoji 😀🎉👩‍👩‍👧‍👦 and flags 🇩🇪🇯🇵',
	'ünïcödé, 中文, العربية, עברית',
	'"\\u0000 \\n \\\\ </script> <img src=x onerror=alert(1)>',
	'__proto__',
	'constructor',
	'\u0000\u001f\u2028\u2029\uFEFF'
];

/** Any text of at most `max` UTF-16 code units: printable graphemes, any code point, or nasties. */
const text = (max: number): fc.Arbitrary<string> =>
	fc
		.oneof(
			fc.string({ unit: 'grapheme', maxLength: Math.max(1, Math.floor(max / 12)) }),
			fc.string({ unit: 'binary', maxLength: Math.max(1, Math.floor(max / 2)) }),
			fc.constantFrom(...SPECIAL_TEXT)
		)
		.filter((s) => s.length <= max);

/** Long, compressible text (up to ~50 KB), as markdown really is. */
const longText: fc.Arbitrary<string> = fc
	.tuple(fc.oneof(text(60), fc.constantFrom(...SPECIAL_TEXT)), fc.integer({ min: 1, max: 1500 }))
	.map(([piece, times]) => `# Notes ✍️\n\n${piece.repeat(times)}`.slice(0, 50_000));

const cellId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map((s) => s as CellId);
const names = (maxItems: number): fc.Arbitrary<string[]> =>
	fc.array(text(40), { maxLength: maxItems });
const nullableName = fc.option(text(40), { nil: null });
/** JSON has no -0: the round trip would turn it into 0. */
const unit = (min: number, max: number): fc.Arbitrary<number> =>
	fc.double({ min, max, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const seed = fc.maxSafeInteger().map((x) => (Object.is(x, -0) ? 0 : x));
const score = fc.integer({ min: 1, max: 5 });
const range = fc.tuple(score, score).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

const recipe: fc.Arbitrary<FeatureRecipe> = fc.record({
	source: text(40),
	grain: fc.constantFrom('transactions' as const, 'customers' as const),
	roles: fc.record({
		key: nullableName,
		orderId: nullableName,
		timestamp: nullableName,
		amount: nullableName,
		quantity: nullableName,
		unitPrice: nullableName,
		discount: nullableName,
		categoricals: names(5),
		numerics: names(5)
	}),
	asOf: fc.option(
		fc
			.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
			.map((d) => d.toISOString().slice(0, 10)),
		{ nil: null }
	),
	customers: fc.option(
		fc.record({ table: text(40), key: text(40), numerics: names(4), categoricals: names(4) }),
		{ nil: null }
	),
	selected: names(10),
	transforms: fc.record({
		log1p: names(10),
		winsorise: fc.option(fc.record({ lower: unit(0, 0.49), upper: unit(0.51, 1) }), {
			nil: null
		}),
		scale: fc.constantFrom('zscore' as const, 'robust' as const, 'none' as const)
	}),
	missing: fc.constantFrom('median' as const, 'drop' as const)
});

const rfmRule: fc.Arbitrary<RfmRule> = fc.record({
	group: fc.constantFrom(...RFM_GROUPS),
	r: range,
	fm: range
});

// Persona text is plain (schema.ts cleans it on the way in): what the app itself would store.
const personaEdit: fc.Arbitrary<PersonaEdit> = fc.record({
	segment: fc.integer({ min: 1, max: 100 }),
	name: text(SCHEMA_LIMITS.personaNameChars).map((s) => plainPersonaText(s, 'name')),
	description: text(500).map((s) => plainPersonaText(s, 'description'))
});

const cell: fc.Arbitrary<Cell> = fc.oneof(
	fc.record({
		id: cellId,
		kind: fc.constant('data' as const),
		table: text(60),
		source: text(200),
		columns: names(20),
		sample: fc.option(
			fc.record(
				{ customers: fc.integer({ min: 1, max: 1_000_000 }), seed, shift: fc.boolean() },
				{ requiredKeys: ['customers', 'seed'] }
			),
			{ nil: null }
		)
	}),
	fc.record({
		id: cellId,
		kind: fc.constant('sql' as const),
		sql: fc.oneof(
			text(2000),
			longText.map((s) => s.slice(0, 5_000))
		),
		resultName: text(60)
	}),
	fc.record({
		id: cellId,
		kind: fc.constant('notes' as const),
		markdown: fc.oneof(text(2000), longText)
	}),
	fc.record({
		id: cellId,
		kind: fc.constant('features' as const),
		table: text(60),
		recipe: fc.option(recipe, { nil: null })
	}),
	fc.record({
		id: cellId,
		kind: fc.constant('segments' as const),
		k: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
		seed,
		rfmRules: fc.option(fc.array(rfmRule, { maxLength: 12 }), { nil: null })
	}),
	fc.record({
		id: cellId,
		kind: fc.constant('personas' as const),
		edits: fc.array(personaEdit, { maxLength: 6 }),
		minShare: unit(0, 1)
	}),
	fc.record({ id: cellId, kind: fc.constant('customer' as const), key: text(60) }),
	fc.record({
		id: cellId,
		kind: fc.constant('stepper' as const),
		x: fc.option(text(60), { nil: null }),
		y: fc.option(text(60), { nil: null }),
		k: fc.integer({ min: 1, max: 8 }),
		seed
	}),
	fc.record({
		id: cellId,
		kind: fc.constant('compare' as const),
		split: fc.option(
			fc
				.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
				.map((d) => d.toISOString().slice(0, 10)),
			{ nil: null }
		)
	})
);

const notebook: fc.Arbitrary<Notebook> = fc.record({
	version: fc.constant(2 as const),
	title: text(200),
	cells: fc.uniqueArray(cell, { maxLength: 8, selector: (c) => c.id })
});

// ---------------------------------------------------------------- tests

describe('share links: round trips (RELIABILITY.md case 30)', () => {
	it('decode(encode(nb)) equals nb for arbitrary notebooks of every cell kind', () => {
		fc.assert(
			fc.property(notebook, (nb) => {
				const link = encodeShareLink(nb);
				expect(link.startsWith('#nb=1.')).toBe(true);
				expect(link.length).toBe(shareLinkLength(nb));
				expect(decodeShareLink(link)).toEqual({ ok: true, notebook: nb });
			}),
			{ numRuns: 200 }
		);
	});

	it('the reference notebook (v1 fixture) makes a link of at most 2,000 characters', () => {
		const nb = fixture();
		const link = encodeShareLink(nb);
		expect(link.length).toBeLessThanOrEqual(LINK_LIMITS.warnChars);
		expect(decodeShareLink(link)).toEqual({ ok: true, notebook: nb });
		// The same notebook always gives the same link.
		expect(encodeShareLink(fixture())).toBe(link);
	});

	it('uses only URL-safe characters and the documented format', () => {
		const link = encodeShareLink(fixture());
		expect(link).toMatch(/^#nb=1\.[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]+$/);
		const json = JSON.stringify(fixture());
		// A hand-built link in the documented format decodes to the same notebook.
		expect(craftLink(json)).toBe(link);
	});

	it('reads a whole URL, or a fragment without the #', () => {
		const link = encodeShareLink(fixture());
		expect(decodeShareLink(`https://example.org/segbook/${link}`).ok).toBe(true);
		expect(decodeShareLink(link.slice(1)).ok).toBe(true);
		// A mail client that wrapped the link.
		expect(decodeShareLink(`${link.slice(0, 300)}\n  ${link.slice(300)}`).ok).toBe(true);
	});

	it('links never carry data rows: a data cell holds only table, source, columns and sample', () => {
		const nb = fixture();
		const payload = payloadOf(encodeShareLink(nb)) as { cells: Record<string, unknown>[] };
		const dataCells = payload.cells.filter((c) => c['kind'] === 'data');
		expect(dataCells.length).toBe(2);
		for (const c of dataCells) {
			expect(Object.keys(c)).toEqual(['id', 'kind', 'table', 'source', 'columns', 'sample']);
			expect(c['columns']).toSatisfy(
				(cols: unknown) => Array.isArray(cols) && cols.every((x) => typeof x === 'string')
			);
		}
		// Rows smuggled onto a cell are refused, not shipped.
		const withRows = structuredClone(nb) as unknown as { cells: Record<string, unknown>[] };
		const first = withRows.cells.find((c) => c['kind'] === 'data');
		if (first) first['rows'] = [['C0001', 'a@example.com']];
		expect(() => encodeShareLink(withRows as unknown as Notebook)).toThrow(
			/can't be exported: cell \d+ \(data\): the cell has an unknown field "rows"/
		);
	});

	it('refuses to make a link too large to open, but still reports its length', () => {
		const big: Notebook = {
			version: 2,
			title: 'big',
			cells: Array.from({ length: 30 }, (_, i) => ({
				id: `n${i}` as CellId,
				kind: 'notes' as const,
				// Incompressible text: random code points.
				markdown: Array.from({ length: 5_000 }, (_, j) =>
					String.fromCodePoint(0x4e00 + ((i * 7919 + j * 104729) % 20000))
				).join('')
			}))
		};
		expect(shareLinkLength(big)).toBeGreaterThan(LINK_LIMITS.maxEncodedChars);
		expect(() => encodeShareLink(big)).toThrow(RangeError);
		expect(() => encodeShareLink(big)).toThrow(/export it as a file/);
	});
});

describe('share links: damaged links (RELIABILITY.md case 8d)', () => {
	const link = encodeShareLink(fixture());

	it('a link cut off anywhere says so', () => {
		// Every cut from just after "#nb=" to one character short.
		for (let end = '#nb='.length; end < link.length; end++) {
			const result = decodeShareLink(link.slice(0, end));
			expect(result, `cut at ${end}`).toEqual({
				ok: false,
				reason: 'damaged',
				error: LINK_MESSAGES.damaged
			});
		}
		expect(LINK_MESSAGES.damaged).toBe(
			'This link is damaged or was cut off when it was copied. Ask for the link again, or for the notebook file.'
		);
	});

	it('one changed character is caught, never thrown', () => {
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
		// Every position after the version digit (changing that one asks for a newer app).
		for (let i = '#nb=1'.length; i < link.length; i++) {
			const old = link.charAt(i);
			const replacement = alphabet.charAt((alphabet.indexOf(old) + 1) % alphabet.length);
			const flipped = link.slice(0, i) + replacement + link.slice(i + 1);
			expect(['damaged', 'invalid'], `changed at ${i}`).toContain(reasonOf(flipped));
		}
		expect(reasonOf(`#nb=2${link.slice(5)}`)).toBe('version');
	});

	it('garbage, empty and unknown versions get the right reason', () => {
		expect(reasonOf('')).toBe('not-a-link');
		expect(reasonOf('#')).toBe('not-a-link');
		expect(reasonOf('hello world')).toBe('not-a-link');
		expect(reasonOf('#section-2')).toBe('not-a-link');
		expect(reasonOf('https://example.org/')).toBe('not-a-link');
		expect(reasonOf('#nb=')).toBe('damaged');
		expect(reasonOf('#nb=1')).toBe('damaged');
		expect(reasonOf('#nb=1.')).toBe('damaged');
		expect(reasonOf('#nb=abc')).toBe('damaged');
		expect(reasonOf('#nb=1.2s.3f.%%%')).toBe('damaged');
		expect(reasonOf('#nb=1.2s.3f.AAAA.extra')).toBe('damaged');
		expect(reasonOf('#nb=1.0.0.')).not.toBe('ok');
		// Bits past the last byte must be zero: "AB" and "AA" would otherwise mean the same byte.
		expect(reasonOf(`#nb=1.1.${crc32(new Uint8Array([0])).toString(36)}.AB`)).toBe('damaged');
		const newer = decodeShareLink('#nb=2.xxx');
		expect(newer).toEqual({
			ok: false,
			reason: 'version',
			error: 'This link was made by a newer Segbook (link format 2); update the app.'
		});
		expect(reasonOf('#nb=0.xxx')).toBe('version');
		expect(Object.keys(DECODERS)).toEqual(['1']);
	});

	it('a link whose JSON is fine but whose notebook is not says what is wrong', () => {
		const bad = craftLink(
			JSON.stringify({ version: 1, title: 't', cells: [{ id: 'x', kind: 'widget' }] })
		);
		const result = decodeShareLink(bad);
		expect(result).toMatchObject({ ok: false, reason: 'invalid' });
		if (!result.ok)
			expect(result.error).toMatch(/^This link can't be opened: cell 1: kind must be/);
		expect(reasonOf(craftLink('{"version":1,'))).toBe('invalid');
		expect(reasonOf(craftLink('not json at all'))).toBe('invalid');
		expect(reasonOf(craftLink(JSON.stringify({ ...fixture(), version: 7 })))).toBe('version');
		expect(reasonOf(craftLink('{"version":1}', 3))).toBe('damaged');
	});
});

describe('share links: hostile links (RELIABILITY.md T7, T8, cases 8 and 12)', () => {
	it('a 60 KB deflate bomb is refused as too large, fast', () => {
		// 45 MiB of zeros deflate to about 45 KB, about 61,000 characters of base64url. The
		// header claims a small size, so only the running output counter can stop it.
		const compressed = deflateSync(new Uint8Array(45 * 1024 * 1024), { level: 9 });
		const data = Buffer.from(compressed).toString('base64url');
		const bomb = `#nb=1.${(1000).toString(36)}.${crc32(compressed).toString(36)}.${data}`;
		expect(bomb.length).toBeGreaterThan(55_000);
		expect(bomb.length).toBeLessThan(LINK_LIMITS.maxEncodedChars);
		const started = performance.now();
		const result = decodeShareLink(bomb);
		const ms = performance.now() - started;
		expect(result).toEqual({ ok: false, reason: 'too-large', error: LINK_MESSAGES.tooLarge });
		expect(ms).toBeLessThan(500);
		// Claiming the true size, it is refused before anything is inflated.
		const honest = `#nb=1.${(45 * 1024 * 1024).toString(36)}.${crc32(compressed).toString(36)}.${data}`;
		expect(reasonOf(honest)).toBe('too-large');
	});

	it('a 3 MB fragment is refused unread', () => {
		const huge = `#nb=1.${'A'.repeat(3 * 1024 * 1024)}`;
		const started = performance.now();
		expect(decodeShareLink(huge)).toEqual({
			ok: false,
			reason: 'too-large',
			error: LINK_MESSAGES.tooLarge
		});
		// Garbage of that size would be 'damaged' if it were read at all.
		expect(performance.now() - started).toBeLessThan(50);
		expect(reasonOf(`#nb=1.${'A'.repeat(LINK_LIMITS.maxEncodedChars)}`)).toBe('too-large');
	});

	it('__proto__ and constructor in a link pollute nothing', () => {
		const json =
			'{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"version":1,' +
			'"title":"t","cells":[{"id":"a","kind":"notes","markdown":"x","__proto__":{"isAdmin":true}}]}';
		const result = decodeShareLink(craftLink(json));
		expect(result).toEqual({
			ok: true,
			notebook: { version: 2, title: 't', cells: [{ id: 'a', kind: 'notes', markdown: 'x' }] }
		});
		const probe: Record<string, unknown> = {};
		expect(probe['polluted']).toBeUndefined();
		expect(probe['isAdmin']).toBeUndefined();
		if (result.ok) {
			const merged: Record<string, unknown> = { ...result.notebook, ...result.notebook.cells[0] };
			expect(merged['isAdmin']).toBeUndefined();
		}
	});

	it('a notebook over the decoded cap is refused even when it compresses well', () => {
		const nb: Notebook = {
			version: 2,
			title: 'repetitive',
			cells: Array.from({ length: 12 }, (_, i) => ({
				id: `s${i}` as CellId,
				kind: 'sql' as const,
				sql: 'SELECT 1;\n'.repeat(10_000),
				resultName: ''
			}))
		};
		expect(shareLinkLength(nb)).toBeLessThan(LINK_LIMITS.maxEncodedChars);
		expect(() => encodeShareLink(nb)).toThrow(RangeError);
		expect(reasonOf(craftLink(JSON.stringify(nb)))).toBe('too-large');
	});
});

describe('notebook files (.segbook.json)', () => {
	it('round-trips, pretty-printed, with a segbook marker first', () => {
		const nb = fixture();
		const file = encodeNotebookFile(nb);
		expect(file.startsWith('{\n\t"segbook": 1,\n\t"version": 2,')).toBe(true);
		expect(file.endsWith('}\n')).toBe(true);
		expect(decodeNotebookFile(file)).toEqual({ ok: true, notebook: nb });
		expect(decodeNotebookFile(`\uFEFF${file}`)).toEqual({ ok: true, notebook: nb });
		fc.assert(
			fc.property(notebook, (n) => {
				expect(decodeNotebookFile(encodeNotebookFile(n))).toEqual({ ok: true, notebook: n });
			}),
			{ numRuns: 50 }
		);
	});

	it('refuses what is not a notebook file, with the right reason', () => {
		const file = encodeNotebookFile(fixture());
		const reason = (text: string): string => {
			const r = decodeNotebookFile(text);
			return r.ok ? 'ok' : r.reason;
		};
		expect(reason(' '.repeat(FILE_LIMITS.maxBytes + 1))).toBe('too-large');
		expect(reason(file.slice(0, file.length / 2))).toBe('damaged');
		expect(reason('')).toBe('damaged');
		expect(reason('[1, 2]')).toBe('not-a-link');
		expect(reason(JSON.stringify(fixture()))).toBe('not-a-link');
		expect(reason(file.replace('"segbook": 1', '"segbook": 2'))).toBe('version');
		expect(reason(file.replace('"segbook": 1', '"segbook": "yes"'))).toBe('not-a-link');
		expect(reason(file.replace('"version": 2', '"version": 3'))).toBe('version');
		expect(reason(file.replace('"kind": "sql"', '"kind": "python"'))).toBe('invalid');
		expect(reason(`${'['.repeat(500_000)}${']'.repeat(500_000)}`)).not.toBe('ok');
		const hostile = decodeNotebookFile(
			'{"segbook":1,"__proto__":{"polluted":1},"version":1,"title":"t","cells":[]}'
		);
		expect(hostile).toEqual({ ok: true, notebook: { version: 2, title: 't', cells: [] } });
		expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
	});

	it('the exported file parses with the safe parser to the same document', () => {
		const nb = fixture();
		const { segbook, ...doc } = safeJsonParse(encodeNotebookFile(nb)) as Record<string, unknown>;
		expect(segbook).toBe(1);
		expect(doc).toEqual(nb);
	});
});

describe('crc32', () => {
	it('matches the standard check value', () => {
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
	});
});
