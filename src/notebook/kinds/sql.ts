/** SQL: the user's query; its result can be stored under a name for later cells. */
import { tableFromIPC } from 'apache-arrow';
import { newSqlCell, starterSql } from '../model';
import type { CellKindDef } from './kind';

export const sql: CellKindDef<'sql'> = {
	kind: 'sql',
	verb: 'Running SQL…',
	create: ({ tables }) => {
		const first = tables[0]?.name;
		return newSqlCell(first ? starterSql(first) : 'SELECT 42 AS answer');
	},
	reads: (cell, { tables }) => {
		const own = cell.resultName.trim().toLowerCase();
		return tables.filter((t) => t.toLowerCase() !== own && mentions(cell.sql, t));
	},
	writes: (cell) => (cell.resultName.trim() ? [cell.resultName.trim()] : []),
	run: async (cell, ctx) => {
		const result = await ctx.engine.query(cell.sql, {
			resultName: cell.resultName || undefined,
			budgetMs: cell.budgetSeconds ? cell.budgetSeconds * 1000 : undefined
		});
		const { ipc, ...rest } = result;
		if (result.resultName) await ctx.refreshTables();
		return {
			patch: { result: { ...rest, table: tableFromIPC(ipc) } },
			message: `Query returned ${result.rowCount.toLocaleString('en')} rows in ${Math.round(result.ms)} ms.`
		};
	}
};

/** Whether `sql` names `table` as an identifier (bare, or in double quotes), ignoring case. */
export function mentions(sqlText: string, table: string): boolean {
	const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const quoted = `"${table.replaceAll('"', '""')}"`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return (
		new RegExp(`(^|[^A-Za-z0-9_"])${escaped}($|[^A-Za-z0-9_"])`, 'i').test(sqlText) ||
		new RegExp(quoted, 'i').test(sqlText)
	);
}
