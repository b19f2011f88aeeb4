/**
 * The notebook document's schema: the one gate every notebook passes on its way in, whether it
 * comes from a share link, an imported `.segbook.json` file or autosave.
 *
 * A link is written by whoever sent it (RELIABILITY.md T7, T9, test cases 12 and 30), so the
 * schema is strict rather than forgiving:
 * - objects are strict: an unknown key is an error, never carried along into the app;
 * - every string and array has a cap, so a link cannot make the UI lay out a million cells;
 * - numbers are finite and in range (a NaN seed would silently act as 0 in the RNG);
 * - cell ids match a safe pattern and are unique (they become DOM ids and Map keys).
 *
 * JSON text goes through `safeJsonParse` (drops `__proto__`, `constructor`, `prototype` keys) and
 * objects through a plain-data copy, so neither a hostile key nor an inherited property reaches
 * the schema, and the parsed notebook shares no object with its input.
 *
 * Older documents are brought forward by `migrate`, one version step at a time (`MIGRATIONS`).
 *
 * Pure: no DOM, no Svelte.
 */
import * as v from 'valibot';
import { NOTEBOOK_VERSION, STEPPER_MAX_K, type CellId, type Notebook } from './model';
import { RFM_GROUPS } from '../segment/rfm';
import { COLUMN_TYPES } from '../engine/api';
import { RETAIL_MAX_CUSTOMERS } from '../sample/retail';

import { isRecord, NotebookVersionError } from './migrations';
import { NotPlainData, toPlain } from './plain-data';
import { describeIssue, quoted } from './schema-messages';

export { NOTEBOOK_VERSION };
export {
	MIGRATIONS,
	NotebookVersionError,
	migrate,
	runMigrations,
	type Migration
} from './migrations';
export { safeJsonParse } from './plain-data';

/**
 * Caps on what a notebook may hold. Generous for real work, small enough that a hostile link
 * cannot exhaust memory or the layout engine. Column names get more room than other names:
 * survey exports use whole questions as headers.
 */
export const SCHEMA_LIMITS = Object.freeze({
	titleChars: 200,
	nameChars: 200,
	columnChars: 1_000,
	sourceChars: 1_000,
	sqlChars: 100_000,
	markdownChars: 100_000,
	descriptionChars: 5_000,
	/** A persona's name goes into every row of its segment in segments.csv: one short line. */
	personaNameChars: 80,
	cells: 500,
	columns: 10_000,
	features: 1_000,
	rfmRules: 100,
	personaEdits: 100,
	maxK: 100
});

/** Cell ids become DOM ids and map keys: letters, digits, `_` and `-` only. */
export const CELL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

// ---------------------------------------------------------------- schema

/** 100000 → "100,000", without depending on the runtime's locale data. */
function thousands(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const text = (max: number) =>
	v.pipe(v.string(), v.maxLength(max, `is longer than ${thousands(max)} characters`));

/**
 * An array capped BEFORE its items are checked: an oversized list is reported as such, and a
 * hostile one costs no per-item work.
 */
const list = <TItem extends v.GenericSchema>(item: TItem, max: number) =>
	v.pipe(
		v.array(v.unknown()),
		v.maxLength(max, `has more than ${thousands(max)} items`),
		v.array(item)
	);

const wholeNumber = (min: number, max: number) =>
	v.pipe(
		v.number(),
		v.integer(`must be a whole number from ${thousands(min)} to ${thousands(max)}`),
		v.minValue(min, `must be a whole number from ${thousands(min)} to ${thousands(max)}`),
		v.maxValue(max, `must be a whole number from ${thousands(min)} to ${thousands(max)}`)
	);

/** Seeds feed createRng, which accepts any safe integer. */
const seed = v.pipe(
	v.number(),
	v.safeInteger('must be a whole number between -(2^53 - 1) and 2^53 - 1')
);

const fraction = v.pipe(
	v.number(),
	v.minValue(0, 'must be a number from 0 to 1'),
	v.maxValue(1, 'must be a number from 0 to 1')
);

const finite = v.pipe(v.number(), v.finite('must be a finite number'));

const column = text(SCHEMA_LIMITS.columnChars);
const name = text(SCHEMA_LIMITS.nameChars);
const columnList = list(column, SCHEMA_LIMITS.columns);
const featureList = list(column, SCHEMA_LIMITS.features);

const cellId = v.pipe(
	v.string(),
	v.regex(CELL_ID_PATTERN, 'must be 1 to 64 letters, digits, "_" or "-"'),
	v.transform((id) => id as CellId)
);

const SampleOptionsSchema = v.strictObject({
	customers: wholeNumber(1, RETAIL_MAX_CUSTOMERS),
	seed,
	// Optional: notebooks saved before the planted shift existed stay valid.
	shift: v.optional(v.boolean())
});

const RolesSchema = v.strictObject({
	key: v.nullable(column),
	orderId: v.nullable(column),
	timestamp: v.nullable(column),
	amount: v.nullable(column),
	quantity: v.nullable(column),
	unitPrice: v.nullable(column),
	discount: v.nullable(column),
	categoricals: columnList,
	numerics: columnList
});

const CustomersSchema = v.strictObject({
	table: name,
	key: column,
	numerics: columnList,
	categoricals: columnList
});

const WinsoriseSchema = v.pipe(
	v.strictObject({ lower: fraction, upper: fraction }),
	v.check((w) => w.lower < w.upper, 'must have lower below upper')
);

const TransformsSchema = v.strictObject({
	log1p: featureList,
	winsorise: v.nullable(WinsoriseSchema),
	scale: v.picklist(['zscore', 'robust', 'none'])
});

/** What `<input type="date">` gives, optionally with a time: it is quoted into SQL as TIMESTAMP. */
const AS_OF_PATTERN = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$/;

const FeatureRecipeSchema = v.strictObject({
	source: name,
	grain: v.picklist(['transactions', 'customers']),
	roles: RolesSchema,
	asOf: v.nullable(v.pipe(v.string(), v.regex(AS_OF_PATTERN, 'must be a date like 2024-12-31'))),
	customers: v.nullable(CustomersSchema),
	selected: featureList,
	transforms: TransformsSchema,
	missing: v.picklist(['median', 'drop']),
	recency: v.optional(v.picklist(['days', 'exact'])),
	returns: v.optional(v.picklist(['drop', 'net'])),
	dateOrder: v.optional(v.nullable(v.picklist(['dmy', 'mdy'])))
});

const score = wholeNumber(1, 5);
const scoreRange = v.pipe(
	v.strictTuple([score, score]),
	v.check(([lo, hi]) => lo <= hi, 'must be a range [low, high] with low ≤ high')
);

const RfmRuleSchema = v.strictObject({
	group: v.picklist(RFM_GROUPS),
	r: scoreRange,
	fm: scoreRange
});

/** A persona name or note as the schema accepts it: control characters gone, cut to its cap. */
export function plainPersonaText(s: string, kind: 'name' | 'description'): string {
	const cleaned =
		kind === 'name'
			? // eslint-disable-next-line no-control-regex
				s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
			: // eslint-disable-next-line no-control-regex
				s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]+/g, ' ');
	const max = kind === 'name' ? SCHEMA_LIMITS.personaNameChars : SCHEMA_LIMITS.descriptionChars;
	return cleaned.slice(0, max);
}

/**
 * Persona names and notes can come from a link and end up in exports (T12): they are made plain
 * text here, on the way in, whatever their source: a name becomes one line of at most
 * personaNameChars, a note keeps its line breaks; other control characters become spaces. They
 * are cleaned rather than refused, so a notebook saved before the cap still opens. (Formula-like
 * starts are neutralised by the CSV writer, src/lib/csv.ts.)
 */
const PersonaEditSchema = v.strictObject({
	// Segments are numbered from 1 (workers/segment.ts), at most maxK of them.
	segment: wholeNumber(1, SCHEMA_LIMITS.maxK),
	name: v.pipe(
		name,
		v.transform((s) => plainPersonaText(s, 'name'))
	),
	description: v.pipe(
		text(SCHEMA_LIMITS.descriptionChars),
		v.transform((s) => plainPersonaText(s, 'description'))
	)
});

/** One character, as a delimiter, quote or escape; TAB included. */
const oneChar = v.pipe(v.string(), v.minLength(1), v.maxLength(1));

const ReadOptionsSchema = v.strictObject({
	header: v.optional(v.picklist(['auto', 'yes', 'no'])),
	headerRows: v.optional(wholeNumber(1, 10)),
	delimiter: v.optional(oneChar),
	quote: v.optional(v.pipe(v.string(), v.maxLength(1))),
	escape: v.optional(oneChar),
	decimal: v.optional(v.picklist(['.', ','])),
	encoding: v.optional(v.picklist(['utf-8', 'latin-1', 'utf-16'])),
	skip: v.optional(wholeNumber(0, 1_000_000)),
	dateFormat: v.optional(v.pipe(v.string(), v.maxLength(64))),
	fixedWidth: v.optional(list(wholeNumber(1, 100_000), SCHEMA_LIMITS.columns)),
	maxLineSize: v.optional(wholeNumber(1, 512_000_000)),
	// Excel caps a sheet's name at 31 characters.
	sheet: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100)))
});

const DataCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('data'),
	table: name,
	source: text(SCHEMA_LIMITS.sourceChars),
	columns: columnList,
	sample: v.nullable(SampleOptionsSchema),
	protect: v.optional(
		list(
			v.strictObject({ column, action: v.picklist(['exclude', 'mask', 'hash']) }),
			SCHEMA_LIMITS.columns
		)
	),
	types: v.optional(
		list(v.strictObject({ column, type: v.picklist(COLUMN_TYPES) }), SCHEMA_LIMITS.columns)
	),
	read: v.optional(v.nullable(ReadOptionsSchema))
});

const SqlCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('sql'),
	sql: text(SCHEMA_LIMITS.sqlChars),
	resultName: name,
	budgetSeconds: v.optional(v.nullable(wholeNumber(1, 24 * 3600)))
});

const NotesCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('notes'),
	markdown: text(SCHEMA_LIMITS.markdownChars)
});

const FeaturesCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('features'),
	table: name,
	recipe: v.nullable(FeatureRecipeSchema),
	output: v.optional(name)
});

/** Four ascending cut-offs per measure (days, orders, money), as the Segments cell edits them. */
const fourCuts = v.pipe(
	v.array(finite),
	v.length(4, 'four cut-offs'),
	v.check((c) => c.every((x, i) => i === 0 || c[i - 1]! <= x), 'cut-offs in ascending order')
);
const RfmCutoffsSchema = v.strictObject({
	recency: fourCuts,
	frequency: fourCuts,
	monetary: fourCuts
});

const SegmentsCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('segments'),
	k: v.nullable(wholeNumber(1, SCHEMA_LIMITS.maxK)),
	seed,
	rfmRules: v.nullable(list(RfmRuleSchema, SCHEMA_LIMITS.rfmRules)),
	rfmCutoffs: v.optional(v.nullable(RfmCutoffsSchema)),
	output: v.optional(name)
});

const PersonasCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('personas'),
	edits: list(PersonaEditSchema, SCHEMA_LIMITS.personaEdits),
	minShare: fraction
});

const CustomerCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('customer'),
	// A key value, not a column name, but the same cap: ids are short, e-mails under 320.
	key: column
});

const ChartCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('chart'),
	source: name,
	mark: v.picklist(['bar', 'line', 'point', 'area', 'tick', 'boxplot']),
	x: column,
	y: v.nullable(column),
	colour: v.nullable(column),
	// A user-edited Vega-Lite spec as text; validated again (validateSpec) before it is drawn.
	spec: v.nullable(text(SCHEMA_LIMITS.sqlChars))
});

const StepperCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('stepper'),
	x: v.nullable(column),
	y: v.nullable(column),
	k: wholeNumber(1, STEPPER_MAX_K),
	seed
});

const AnswerCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('answer')
});

/** A split date as `<input type="date">` gives it; quoted into SQL as TIMESTAMP. */
const SPLIT_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const CompareCellSchema = v.strictObject({
	id: cellId,
	kind: v.literal('compare'),
	split: v.nullable(v.pipe(v.string(), v.regex(SPLIT_PATTERN, 'must be a date like 2025-01-01'))),
	quarter: v.optional(
		v.nullable(v.pipe(v.string(), v.regex(/^\d{4}-Q[1-4]$/, 'must be a quarter like 2025-Q4')))
	),
	output: v.optional(name)
});

const CellSchema = v.variant('kind', [
	DataCellSchema,
	SqlCellSchema,
	NotesCellSchema,
	FeaturesCellSchema,
	SegmentsCellSchema,
	PersonasCellSchema,
	CustomerCellSchema,
	ChartCellSchema,
	CompareCellSchema,
	StepperCellSchema,
	AnswerCellSchema
]);

/** The whole document. `version` is checked before the schema runs, for a clearer message. */
export const NotebookSchema = v.strictObject({
	version: v.literal(NOTEBOOK_VERSION),
	title: text(SCHEMA_LIMITS.titleChars),
	cells: list(CellSchema, SCHEMA_LIMITS.cells)
});

/*
 * The schema and the model must describe the same document. Output → model catches a field the
 * schema forgot or typed differently; model → output catches a field the model gained.
 */
type SchemaNotebook = v.InferOutput<typeof NotebookSchema>;
type Assignable<A, B> = [A] extends [B] ? true : false;
const _schemaMatchesModel: [
	Assignable<SchemaNotebook, Notebook>,
	Assignable<Notebook, SchemaNotebook>
] = [true, true];
void _schemaMatchesModel;

// ---------------------------------------------------------------- parse

export type ParseResult = { ok: true; notebook: Notebook } | { ok: false; error: string };

/**
 * Validates a parsed document of the current version (run `migrate` first) and returns a fresh
 * copy, or a plain message naming the first problem, such as
 * "cell 3 (sql): sql is longer than 100,000 characters".
 */
export function parseNotebook(input: unknown): ParseResult {
	let plain: unknown;
	try {
		plain = toPlain(input, 0);
	} catch (e) {
		if (e instanceof NotPlainData) return { ok: false, error: `The notebook ${e.message}.` };
		// A getter that throws, a revoked proxy: not something a notebook is made of.
		return { ok: false, error: 'The notebook is not plain data.' };
	}
	if (!isRecord(plain)) {
		return { ok: false, error: 'A notebook must be an object with version, title and cells.' };
	}
	const version = plain['version'];
	if (typeof version === 'number' && Number.isSafeInteger(version) && version > NOTEBOOK_VERSION) {
		return { ok: false, error: new NotebookVersionError(version).message };
	}
	if (version !== NOTEBOOK_VERSION) {
		const got = version === undefined ? 'nothing' : quoted(version);
		return { ok: false, error: `version must be ${NOTEBOOK_VERSION} (got ${got})` };
	}
	const result = v.safeParse(NotebookSchema, plain, { abortEarly: true });
	if (!result.success) {
		const first = result.issues[0];
		return { ok: false, error: first ? describeIssue(first) : 'The notebook is not valid.' };
	}
	const notebook: Notebook = result.output;
	const seen = new Map<string, number>();
	for (const [i, cell] of notebook.cells.entries()) {
		const earlier = seen.get(cell.id);
		if (earlier !== undefined) {
			return {
				ok: false,
				error: `cell ${i + 1} (${cell.kind}): id "${cell.id}" is already used by cell ${earlier + 1}`
			};
		}
		seen.set(cell.id, i);
	}
	return { ok: true, notebook };
}
