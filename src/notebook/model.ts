/**
 * The notebook document: an ordered list of cells, plain JSON, no data. Each kind is one arm
 * of a discriminated union; runtime state (results, errors) lives beside it, not in it.
 */
import type { FeatureRecipe } from '../sql/features.sql';
import type { RfmRule } from '../segment/rfm';
import type { RfmCutoffs } from '../segment/rfm-scores';
import type { ColumnType, Protection, ReadOptions, SampleOptions } from '../engine/api';

export type { ReadOptions };
import type { CustomMark } from '../charts/specs';

export type CellId = string & { readonly __brand: 'CellId' };

export interface DataCell {
	id: CellId;
	kind: 'data';
	/** The table the file or sample became. */
	table: string;
	/** The file name, or the sample description. */
	source: string;
	/** Column names as loaded, so a re-attached file can be checked before anything runs. */
	columns: string[];
	/** Generated sample data comes back from its options; null for a user's file. */
	sample: SampleOptions | null;
	/** Personal-data columns excluded, masked or hashed: re-applied whenever the data loads. */
	protect?: { column: string; action: Protection }[];
	/** Column types the user switched, in order: re-applied whenever the data loads. */
	types?: { column: string; type: ColumnType }[];
	/** How the file is read (the `Read as` panel); absent or null = as detected. */
	read?: ReadOptions | null;
}

export interface SqlCell {
	id: CellId;
	kind: 'sql';
	sql: string;
	/** Store the result under this name for later cells; empty for none. */
	resultName: string;
	/** Stop the query after this many seconds (the watchdog); absent = the default budget. */
	budgetSeconds?: number | null;
}

export interface NotesCell {
	id: CellId;
	kind: 'notes';
	markdown: string;
}

export interface FeaturesCell {
	id: CellId;
	kind: 'features';
	/** The table the features come from. */
	table: string;
	/** Null until the engine proposes one; then the user's edits live here. */
	recipe: FeatureRecipe | null;
	/** The table it writes (its model matrix is named after it); absent = `customer_features`. */
	output?: string;
}

export interface SegmentsCell {
	id: CellId;
	kind: 'segments';
	/** Number of segments; null = chosen automatically by the k sweep. */
	k: number | null;
	seed: number;
	/** The rule-based RFM map (R × FM → group); null = the classic default. */
	rfmRules: RfmRule[] | null;
	/** The RFM scores' cut-offs, four per measure in days, orders and money; absent = quintiles. */
	rfmCutoffs?: RfmCutoffs | null;
	/** The table it writes (its RFM groups are named after it); absent = `segments`. */
	output?: string;
}

/** A user's own name and description for a segment, kept over the generated ones. */
export interface PersonaEdit {
	segment: number;
	name: string;
	description: string;
}

export interface PersonasCell {
	id: CellId;
	kind: 'personas';
	edits: PersonaEdit[];
	/** Segments under this share of customers are flagged as too small to act on (0..1). */
	minShare: number;
}

export interface CustomerCell {
	id: CellId;
	kind: 'customer';
	/** The customer key looked up; empty until the user picks one. */
	key: string;
}

export interface ChartCell {
	id: CellId;
	kind: 'chart';
	/** A table or named result to draw. */
	source: string;
	mark: CustomMark;
	x: string;
	y: string | null;
	colour: string | null;
	/** The Vega-Lite spec as the user edited it, or null to use the form. */
	spec: string | null;
}

/**
 * K-means step by step, for teaching: Lloyd iterations on two features of a customer sample,
 * one at a time. Nothing is stored but the choices; the picture is recomputed on the page.
 */
export interface StepperCell {
	id: CellId;
	kind: 'stepper';
	/**
	 * Model-matrix columns on the axes; null = the first selected feature across and `monetary`
	 * (else the second selected feature) up.
	 */
	x: string | null;
	y: string | null;
	/** Number of clusters, 1..STEPPER_MAX_K (one palette colour each). */
	k: number;
	/** The k-means++ start; "New seed" draws another. */
	seed: number;
}

/** As many clusters as the Okabe-Ito palette has colours, so no two share one on screen. */
export const STEPPER_MAX_K = 8;

/** The generated sample's planted personas against the segments found (the classroom reveal). */
export interface AnswerCell {
	id: CellId;
	kind: 'answer';
}

/** Customers' segments in two periods of the history, split at a date. */
export interface CompareCell {
	id: CellId;
	kind: 'compare';
	/** The first day of the second period (YYYY-MM-DD); null = halfway through the history. */
	split: string | null;
	/** Instead of a split: this quarter (`2025-Q4`) against the one before it. */
	quarter?: string | null;
	/** The per-customer table it writes; absent = `segment_changes`. */
	output?: string;
}

export type Cell =
	| DataCell
	| SqlCell
	| NotesCell
	| FeaturesCell
	| SegmentsCell
	| PersonasCell
	| CustomerCell
	| ChartCell
	| CompareCell
	| StepperCell
	| AnswerCell;
export type CellKind = Cell['kind'];

export interface Notebook {
	version: typeof NOTEBOOK_VERSION;
	title: string;
	cells: Cell[];
}

/** The label a cell's region starts with (the user contract). */
export const KIND_LABELS: Record<CellKind, string> = {
	data: 'Data',
	sql: 'SQL',
	notes: 'Notes',
	features: 'Features',
	segments: 'Segments',
	personas: 'Personas',
	customer: 'Customer',
	chart: 'Chart',
	compare: 'Compare',
	stepper: 'K-means step by step',
	answer: 'Answer key'
};

export const DEFAULT_SEED = 42;

/**
 * The document version this app writes and reads. Version 2: a Data cell keeps its column type
 * changes (`types`) and import settings (`read`); Features, Segments and Compare cells name the
 * table they write (`output`).
 */
export const NOTEBOOK_VERSION = 2;

let counter = 0;
export function newCellId(): CellId {
	counter++;
	const random = globalThis.crypto?.randomUUID?.().slice(0, 8) ?? String(Date.now());
	return `c${counter.toString(36)}${random}` as CellId;
}

export function emptyNotebook(): Notebook {
	return { version: NOTEBOOK_VERSION, title: 'Untitled notebook', cells: [] };
}

export function newSqlCell(sql: string, resultName = ''): SqlCell {
	return { id: newCellId(), kind: 'sql', sql, resultName };
}

export function newNotesCell(markdown = ''): NotesCell {
	return { id: newCellId(), kind: 'notes', markdown };
}

export function newFeaturesCell(table: string, recipe: FeatureRecipe | null = null): FeaturesCell {
	return { id: newCellId(), kind: 'features', table, recipe };
}

export function newSegmentsCell(seed = DEFAULT_SEED): SegmentsCell {
	return { id: newCellId(), kind: 'segments', k: null, seed, rfmRules: null };
}

export function newChartCell(source = '', x = ''): ChartCell {
	return {
		id: newCellId(),
		kind: 'chart',
		source,
		mark: 'bar',
		x,
		y: null,
		colour: null,
		spec: null
	};
}

export function newCustomerCell(key = ''): CustomerCell {
	return { id: newCellId(), kind: 'customer', key };
}

export function newStepperCell(seed = DEFAULT_SEED, k = 4): StepperCell {
	return { id: newCellId(), kind: 'stepper', x: null, y: null, k, seed };
}

export function newAnswerCell(): AnswerCell {
	return { id: newCellId(), kind: 'answer' };
}

export function newCompareCell(split: string | null = null): CompareCell {
	return { id: newCellId(), kind: 'compare', split };
}

export function newPersonasCell(): PersonasCell {
	return { id: newCellId(), kind: 'personas', edits: [], minShare: 0.05 };
}

export function newDataCell(
	table: string,
	source: string,
	columns: string[],
	sample: SampleOptions | null
): DataCell {
	return { id: newCellId(), kind: 'data', table, source, columns, sample };
}

/** Pure transitions: Notebook → Notebook. */
export function addCell(nb: Notebook, cell: Cell, index = nb.cells.length): Notebook {
	const cells = [...nb.cells];
	cells.splice(index, 0, cell);
	return { ...nb, cells };
}

export function updateCell<C extends Cell>(
	nb: Notebook,
	id: CellId,
	patch: Partial<Omit<C, 'id' | 'kind'>>
): Notebook {
	return { ...nb, cells: nb.cells.map((c) => (c.id === id ? ({ ...c, ...patch } as Cell) : c)) };
}

export function removeCell(nb: Notebook, id: CellId): Notebook {
	return { ...nb, cells: nb.cells.filter((c) => c.id !== id) };
}

export function moveCell(nb: Notebook, id: CellId, delta: number): Notebook {
	const from = nb.cells.findIndex((c) => c.id === id);
	const to = from + delta;
	if (from < 0 || to < 0 || to >= nb.cells.length) return nb;
	const cells = [...nb.cells];
	const [cell] = cells.splice(from, 1);
	cells.splice(to, 0, cell!);
	return { ...nb, cells };
}

/** A suggested first query for a freshly loaded table. */
export function starterSql(table: string): string {
	return `SELECT *\nFROM "${table.replaceAll('"', '""')}"\nLIMIT 100`;
}
