/**
 * What every cell kind is, in one shape (its label is KIND_LABELS in model.ts): a factory, the tables it reads and writes, and how it runs. One module per kind implements it
 * (src/notebook/kinds/<kind>.ts); the registry (./index.ts) lists them, checked exhaustive by
 * TypeScript. The kind's component is listed in src/ui/cells/registry.ts (the UI side).
 */
import type { FeatureRef, SegmentRef, TableInfo } from '../../engine/api';
import type { EnginePort } from '../ports';
import type { Cell, CellId, CellKind, Notebook } from '../model';
import type { CellRun } from '../run-state';

export type CellOf<K extends CellKind> = Extract<Cell, { kind: K }>;

/** What a factory may look at to make a sensible new cell. */
export interface NewCellContext {
	cells: readonly Cell[];
	tables: readonly TableInfo[];
	/** Every table name that exists or that a cell of the document writes. */
	taken: readonly string[];
}

/** What a kind's tables are resolved against: the document and the tables that exist. */
export interface GraphContext {
	cells: readonly Cell[];
	tables: readonly string[];
}

/** What a running cell may use. Everything it returns lands in its CellRun. */
export interface RunContext {
	engine: EnginePort;
	doc(): Notebook;
	run(id: CellId): CellRun;
	/** A partial result shown while the cell still runs (e.g. the sweep before the fit). */
	show(id: CellId, patch: Partial<CellRun>): void;
	/** Change the cell in the document from its own run (a proposed recipe filled in). */
	update(id: CellId, patch: Record<string, unknown>): void;
	/** The tables of the Features / Segments cell this cell builds on; null when none. */
	featureRef(id: CellId): FeatureRef | null;
	segmentRef(id: CellId): SegmentRef | null;
	/** The persona names in force (generated, then the user's edits). */
	personaNames(): Map<number, { name: string; description: string }>;
	/** The notebook's own id: the salt of hashed columns. */
	salt(): string;
	/** Read the engine's list of tables again (after a cell made or replaced one). */
	refreshTables(): Promise<void>;
}

/** A run's result: the report fields, and the sentence the status line shows after it. */
export interface RunOutcome {
	patch: Partial<CellRun>;
	message: string;
}

export interface CellKindDef<K extends CellKind> {
	kind: K;
	/** What the status line says while it runs. */
	verb: string;
	create(ctx: NewCellContext): CellOf<K>;
	reads(cell: CellOf<K>, ctx: GraphContext): string[];
	writes(cell: CellOf<K>): string[];
	/** Null: this kind has nothing to run (Notes; charts and the stepper draw on the page). */
	run: ((cell: CellOf<K>, ctx: RunContext) => Promise<RunOutcome>) | null;
}

/** The error a kind throws when what it builds on is missing: shown as the cell's error. */
export class NeedsUpstream extends Error {}
