/**
 * The slice of DuckDB-WASM the engine needs, so the same engine code runs over the async
 * browser bindings in the worker and over the blocking node bindings in tests.
 */
import { tableFromIPC, type Table } from 'apache-arrow';

/** Bytes of a user's file, readable in slices without loading it whole. */
export interface FileSource {
	name: string;
	size: number;
	slice(start: number, end: number): Promise<Uint8Array>;
	/** The browser File behind it, when there is one (registered without copying). */
	file?: File;
}

export interface Db {
	readonly version: string;
	readonly bundle: string;
	/** Run SQL; the result comes back as Arrow IPC stream bytes. */
	run(sqlText: string): Promise<Uint8Array>;
	registerFile(path: string, source: FileSource): Promise<void>;
	registerBuffer(path: string, bytes: Uint8Array): Promise<void>;
	dropFile(path: string): Promise<void>;
	insertArrowIPC(bytes: Uint8Array, table: string): Promise<void>;
	/** Ask DuckDB to stop the running query; false when nothing could be cancelled. */
	cancel(): Promise<boolean>;
	/** Forget every table and file, as after a restart. */
	reset(): Promise<void>;
	/**
	 * Hear of every slice DuckDB reads from a registered browser File, until the returned
	 * function is called. Only the browser bindings have it: how far a load has got.
	 */
	watchFileReads?(listener: (read: FileRead) => void): () => void;
}

/** One read DuckDB made of a registered File: bytes `start` to `end` of `size`. */
export interface FileRead {
	name: string;
	size: number;
	start: number;
	end: number;
}

export async function queryTable(db: Db, sqlText: string): Promise<Table> {
	return tableFromIPC(await db.run(sqlText));
}

/** Rows of a small result as plain arrays (never objects: column names can be `__proto__`). */
export async function queryRows(db: Db, sqlText: string): Promise<unknown[][]> {
	const table = await queryTable(db, sqlText);
	const columns = table.schema.fields.map((_, i) => table.getChildAt(i));
	const rows: unknown[][] = [];
	for (let r = 0; r < table.numRows; r++) rows.push(columns.map((c) => c?.get(r) ?? null));
	return rows;
}

/** The single value of a one-row, one-column result. */
export async function queryValue(db: Db, sqlText: string): Promise<unknown> {
	const rows = await queryRows(db, sqlText);
	return rows[0]?.[0] ?? null;
}

export function sourceFromBytes(name: string, bytes: Uint8Array): FileSource {
	// A plain view: node's Buffer.slice() shares memory instead of copying.
	const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	return {
		name,
		size: view.byteLength,
		slice: (start, end) => Promise.resolve(view.subarray(start, end))
	};
}

export function sourceFromFile(file: File): FileSource {
	return {
		name: file.name,
		size: file.size,
		file,
		slice: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer())
	};
}
