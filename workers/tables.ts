/** What tables exist and what their columns are, read from DuckDB's catalogue. */
import type { ColumnInfo, TableInfo } from '../src/engine/api';
import { literal } from '../src/sql/sql';
import { queryRows, type Db } from './db';

export async function describeTable(db: Db, table: string): Promise<ColumnInfo[]> {
	const rows = await queryRows(
		db,
		`SELECT column_name, data_type FROM information_schema.columns
		 WHERE table_name = ${literal(table)} AND table_schema = 'main' ORDER BY ordinal_position`
	);
	return rows.map(([name, type]) => ({ name: String(name), type: String(type) }));
}

/** Whether a table (hidden ones included) exists in the session. */
export async function tableExists(db: Db, table: string): Promise<boolean> {
	const rows = await queryRows(
		db,
		`SELECT 1 FROM information_schema.tables WHERE table_name = ${literal(table)} LIMIT 1`
	);
	return rows.length > 0;
}

/** User-visible tables (scratch tables start with `segbook_`, hidden ones with `_`). */
export async function listTables(db: Db): Promise<TableInfo[]> {
	const rows = await queryRows(
		db,
		`SELECT t.table_name, c.column_name, c.data_type
		 FROM information_schema.tables t JOIN information_schema.columns c
		   ON c.table_name = t.table_name AND c.table_schema = t.table_schema
		 WHERE t.table_schema = 'main' AND NOT starts_with(t.table_name, 'segbook_')
		   AND NOT starts_with(t.table_name, '_')
		 ORDER BY t.table_name, c.ordinal_position`
	);
	const byName = new Map<string, TableInfo>();
	for (const [table, column, type] of rows) {
		const name = String(table);
		let info = byName.get(name);
		if (!info) {
			info = { name, source: '', rowCount: 0, columns: [] };
			byName.set(name, info);
		}
		info.columns.push({ name: String(column), type: String(type) });
	}
	return [...byName.values()];
}
