/**
 * Which cells depend on which: every cell reads and writes tables by name, so a change to one
 * cell makes stale, and then re-runs, exactly the cells that read what it writes (transitively).
 * Pure: the notebook's cells and the names of the tables that exist are all it needs.
 */
import { FEATURES_TABLE, MATRIX_TABLE, RFM_TABLE, SEGMENTS_TABLE } from '../sql/features.sql';
import type { Cell, CellId } from './model';

/** Tables a cell creates or replaces when it runs. */
export function cellWrites(cell: Cell): string[] {
	switch (cell.kind) {
		case 'data':
			return [cell.table];
		case 'sql':
			return cell.resultName.trim() ? [cell.resultName.trim()] : [];
		case 'features':
			return [FEATURES_TABLE, MATRIX_TABLE];
		case 'segments':
			return [SEGMENTS_TABLE, RFM_TABLE];
		default:
			return [];
	}
}

/** Whether `sql` names `table` as an identifier (bare, or in double quotes), ignoring case. */
export function mentions(sql: string, table: string): boolean {
	const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const quoted = `"${table.replaceAll('"', '""')}"`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return (
		new RegExp(`(^|[^A-Za-z0-9_"])${escaped}($|[^A-Za-z0-9_"])`, 'i').test(sql) ||
		new RegExp(quoted, 'i').test(sql)
	);
}

/** Tables a cell reads; SQL cells read whichever of `tables` their text names. */
export function cellReads(cell: Cell, tables: readonly string[]): string[] {
	switch (cell.kind) {
		case 'sql': {
			const own = new Set(cellWrites(cell).map((t) => t.toLowerCase()));
			return tables.filter((t) => !own.has(t.toLowerCase()) && mentions(cell.sql, t));
		}
		case 'features': {
			const recipe = cell.recipe;
			return [cell.table, ...(recipe?.customers ? [recipe.customers.table] : [])];
		}
		case 'segments':
		case 'stepper':
			return [MATRIX_TABLE];
		case 'personas':
		case 'customer':
		case 'compare':
			return [SEGMENTS_TABLE, FEATURES_TABLE, RFM_TABLE];
		case 'answer':
			return [SEGMENTS_TABLE];
		case 'chart':
			return cell.source ? [cell.source] : [];
		default:
			return [];
	}
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
	const reads = new Map(cells.map((c) => [c.id, new Set(cellReads(c, known).map(lower))]));
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
