/**
 * The registry of cell kinds: one entry per kind, checked exhaustive by TypeScript. Adding a
 * kind touches its module, this list, model.ts and schema.ts (and its component in
 * src/ui/cells/registry.ts).
 */
import type { Cell, CellKind } from '../model';
import type { CellKindDef, CellOf, GraphContext, NewCellContext } from './kind';
import { answer } from './answer';
import { compare } from './compare';
import { customer } from './customer';
import { data } from './data';
import { chart, notes, stepper } from './drawn';
import { features } from './features';
import { personas } from './personas';
import { segments } from './segments';
import { sql } from './sql';

export const KINDS: { readonly [K in CellKind]: CellKindDef<K> } = {
	data,
	sql,
	notes,
	features,
	segments,
	personas,
	customer,
	chart,
	compare,
	stepper,
	answer
};

/** A kind's definition for a cell of that kind (one cast, here, instead of a switch per use). */
export function kindOf<K extends CellKind>(cell: CellOf<K>): CellKindDef<K> {
	return KINDS[cell.kind as K];
}

export function cellWrites(cell: Cell): string[] {
	return (kindOf(cell) as CellKindDef<CellKind>).writes(cell as never);
}

export function cellReads(cell: Cell, ctx: GraphContext): string[] {
	return (kindOf(cell) as CellKindDef<CellKind>).reads(cell as never, ctx);
}

/** Every table name the document's cells write. */
export function writtenNames(cells: readonly Cell[]): string[] {
	return cells.flatMap(cellWrites);
}

export function createCell(kind: CellKind, ctx: Omit<NewCellContext, 'taken'>): Cell {
	const taken = [...ctx.tables.map((t) => t.name), ...writtenNames(ctx.cells)];
	return KINDS[kind].create({ ...ctx, taken });
}

export type { CellKindDef, RunContext, RunOutcome } from './kind';
