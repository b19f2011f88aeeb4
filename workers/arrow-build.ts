/**
 * Columns of JavaScript values (from the Parquet and JSON readers, or the sample generator)
 * to an Arrow table with explicit types, so DuckDB gets TIMESTAMP for dates, BIGINT for
 * 64-bit integers and plain VARCHAR (never a dictionary/ENUM) for text.
 */
import {
	Bool,
	Float64,
	Int32,
	Int64,
	Table,
	TimestampMillisecond,
	Utf8,
	makeVector,
	tableToIPC,
	vectorFromArray,
	type DataType,
	type Vector
} from 'apache-arrow';

export type ColumnValues = ArrayLike<unknown>;

function firstDefined(values: ColumnValues): unknown {
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v !== null && v !== undefined) return v;
	}
	return null;
}

function allIntegers(values: ColumnValues): boolean {
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v === null || v === undefined) continue;
		if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2147483647) return false;
	}
	return true;
}

function homogeneous(values: ColumnValues, type: string): boolean {
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v !== null && v !== undefined && typeof v !== type) return false;
	}
	return true;
}

/** Build one Arrow vector, choosing the type from the values; mixed columns become text. */
export function toVector(values: ColumnValues): Vector {
	const sample = firstDefined(values);
	const n = values.length;
	const mapped = (fn: (v: unknown) => unknown, type: DataType): Vector => {
		const out = new Array<unknown>(n);
		for (let i = 0; i < n; i++) {
			const v = values[i];
			out[i] = v === null || v === undefined ? null : fn(v);
		}
		return vectorFromArray(out, type);
	};
	if (values instanceof Float64Array || values instanceof Int32Array) return makeVector(values);
	if (typeof sample === 'number' && homogeneous(values, 'number')) {
		return allIntegers(values)
			? mapped((v) => v, new Int32())
			: mapped((v) => v, new Float64());
	}
	if (typeof sample === 'bigint' && homogeneous(values, 'bigint')) return mapped((v) => v, new Int64());
	if (typeof sample === 'boolean' && homogeneous(values, 'boolean')) return mapped((v) => v, new Bool());
	if (sample instanceof Date) {
		let allDates = true;
		for (let i = 0; i < n && allDates; i++) {
			const v = values[i];
			if (v !== null && v !== undefined && !(v instanceof Date)) allDates = false;
		}
		if (allDates) return mapped((v) => (v as Date).getTime(), new TimestampMillisecond());
	}
	return mapped(textOf, new Utf8());
}

function textOf(v: unknown): string {
	if (typeof v === 'string') return v;
	if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (v instanceof Date) return v.toISOString();
	if (v instanceof Uint8Array) return new TextDecoder().decode(v);
	return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/** Named columns (a Map, so `__proto__` is just a name) to Arrow IPC stream bytes. */
export function columnsToIPC(columns: Map<string, ColumnValues>): Uint8Array {
	const vectors: Record<string, Vector> = Object.create(null) as Record<string, Vector>;
	for (const [name, values] of columns) vectors[name] = toVector(values);
	return tableToIPC(new Table(vectors), 'stream');
}
