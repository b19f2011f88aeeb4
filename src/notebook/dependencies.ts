/**
 * Which cells depend on which: every cell reads and writes tables by name (its kind says
 * which, src/notebook/kinds/), so a change to one cell makes stale, and then re-runs, exactly
 * the cells that read what it writes (transitively). Pure.
 */
import { cellReads, cellWrites } from './kinds';
import type { Cell, CellId } from './model';

export { cellWrites };
export { mentions } from './kinds/sql';

/** Tables a cell reads, resolved against the document and the tables that exist. */
export function readsOf(cell: Cell, cells: readonly Cell[], tables: readonly string[]): string[] {
	return cellReads(cell, { cells, tables });
}

/**
 * The cells that depend on cell `id`, directly or through others, in document order. A cell
 * depends on another when it reads a table the other writes.
 */
export function dependents(
	cells: readonly Cell[],
	id: CellId,
	tables: readonly string[]
): CellId[] {
	const known = [...new Set([...tables, ...cells.flatMap(cellWrites)])];
	const reads = new Map(cells.map((c) => [c.id, new Set(readsOf(c, cells, known).map(lower))]));
	const found = new Set<CellId>();
	const queue: CellId[] = [id];
	while (queue.length > 0) {
		const next = queue.shift();
		const current = cells.find((c) => c.id === next);
		if (!current) continue;
		const written = cellWrites(current).map(lower);
		for (const cell of cells) {
			if (cell.id === id || found.has(cell.id)) continue;
			const r = reads.get(cell.id)!;
			if (written.some((t) => r.has(t))) {
				found.add(cell.id);
				queue.push(cell.id);
			}
		}
	}
	return cells.filter((c) => found.has(c.id)).map((c) => c.id);
}

function lower(s: string): string {
	return s.toLowerCase();
}

/**
 * The cells cell `id` builds on, directly or through others, in document order: those that
 * write a table it reads. Only cells above it count (a notebook reads down the page), so a
 * cell never waits on one below it.
 */
export function upstream(cells: readonly Cell[], id: CellId, tables: readonly string[]): CellId[] {
	const known = [...new Set([...tables, ...cells.flatMap(cellWrites)])];
	const found = new Set<CellId>();
	const queue: CellId[] = [id];
	while (queue.length > 0) {
		const next = queue.shift();
		const at = cells.findIndex((c) => c.id === next);
		if (at < 0) continue;
		const reads = new Set(readsOf(cells[at]!, cells, known).map(lower));
		for (const cell of cells.slice(0, at)) {
			if (found.has(cell.id)) continue;
			if (cellWrites(cell).some((t) => reads.has(lower(t)))) {
				found.add(cell.id);
				queue.push(cell.id);
			}
		}
	}
	return cells.filter((c) => found.has(c.id)).map((c) => c.id);
}
