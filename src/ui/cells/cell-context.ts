/**
 * What a cell's frame needs to know about its place in the notebook, handed down by CellSlot
 * (App's list) through Svelte context, so every cell kind gets the same tools (move, duplicate,
 * delete, keyboard shortcuts) without each cell component wiring them up.
 */
import { getContext, setContext } from 'svelte';
import type { CellId, CellKind } from '../../notebook/model';

export interface CellPlace {
	readonly id: CellId;
	readonly kind: CellKind;
	/** What the status line calls the cell, e.g. "SQL 2". */
	readonly name: string;
	readonly first: boolean;
	readonly last: boolean;
	/** The cell that takes the focus when this one is deleted: the next, else the previous. */
	readonly neighbour: CellId | null;
	move(delta: -1 | 1): void;
	/** The copy's id, or null for kinds that cannot be copied (a Data cell loads its table once). */
	duplicate(): CellId | null;
	remove(): void;
}

const KEY = Symbol('segbook-cell-place');

export function setCellPlace(place: CellPlace): void {
	setContext(KEY, place);
}

/** Undefined outside the notebook's list (a frame shown on its own has no tools). */
export function getCellPlace(): CellPlace | undefined {
	return getContext<CellPlace | undefined>(KEY);
}
