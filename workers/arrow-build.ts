/**
 * Columns of JavaScript values (from the Parquet and JSON readers, or the sample generator)
 * to Arrow IPC bytes for DuckDB, with explicit types: DOUBLE/INTEGER for numbers, BIGINT for
 * 64-bit integers, BOOLEAN, VARCHAR (never a dictionary/ENUM) for text, and dates as epoch
 * milliseconds that the caller turns into TIMESTAMP in SQL.
 *
 * Vectors are assembled from typed arrays and bitmaps directly: apache-arrow's builders
 * compile code with `new Function`, which the page's CSP (no unsafe-eval) forbids.
 */
import {
	Bool,
	Float64,
	Int32,
	Int64,
	Table,
	Utf8,
	makeData,
	makeVector,
	tableToIPC,
	type DataType,
	type Vector
} from 'apache-arrow';

export type ColumnValues = ArrayLike<unknown>;

export interface EncodedColumns {
	ipc: Uint8Array;
	/** Columns holding epoch milliseconds that were dates in JavaScript. */
	temporal: string[];
}

type Kind = 'float' | 'int32' | 'int64' | 'bool' | 'date' | 'text';

function kindOf(values: ColumnValues): Kind {
	let kind: Kind | null = null;
	let integers = true;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v === null || v === undefined) continue;
		const k: Kind =
			typeof v === 'number'
				? 'float'
				: typeof v === 'bigint'
					? 'int64'
					: typeof v === 'boolean'
						? 'bool'
						: v instanceof Date
							? 'date'
							: 'text';
		if (k === 'float' && (!Number.isInteger(v) || Math.abs(v as number) > 2147483647)) {
			integers = false;
		}
		if (kind === null) kind = k;
		else if (kind !== k) return 'text';
	}
	if (kind === null) return 'text';
	return kind === 'float' && integers ? 'int32' : kind;
}

function nullBitmap(values: ColumnValues): { bitmap: Uint8Array; nulls: number } {
	const bitmap = new Uint8Array(Math.ceil(values.length / 8));
	let nulls = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v === null || v === undefined) nulls++;
		else bitmap[i >> 3]! |= 1 << (i & 7);
	}
	return { bitmap, nulls };
}

function fixedWidth<T extends DataType>(
	type: T,
	values: ColumnValues,
	data: Float64Array | Int32Array | BigInt64Array,
	toValue: (v: unknown) => number | bigint
): Vector<T> {
	const { bitmap, nulls } = nullBitmap(values);
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v !== null && v !== undefined) (data as unknown as (number | bigint)[])[i] = toValue(v);
	}
	return makeVector(
		makeData({
			type,
			length: values.length,
			nullCount: nulls,
			nullBitmap: nulls ? bitmap : null,
			data
		} as never)
	) as Vector<T>;
}

function boolVector(values: ColumnValues): Vector<Bool> {
	const { bitmap, nulls } = nullBitmap(values);
	const data = new Uint8Array(Math.ceil(values.length / 8));
	for (let i = 0; i < values.length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
	return makeVector(
		makeData({
			type: new Bool(),
			length: values.length,
			nullCount: nulls,
			nullBitmap: nulls ? bitmap : null,
			data
		})
	);
}

function textVector(values: ColumnValues): Vector<Utf8> {
	const { bitmap, nulls } = nullBitmap(values);
	const texts = new Array<string | null>(values.length);
	let chars = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		const t = v === null || v === undefined ? null : textOf(v);
		texts[i] = t;
		if (t !== null) chars += t.length;
	}
	// UTF-8 needs at most 3 bytes per UTF-16 code unit: encode straight into one buffer
	// (a Uint8Array per value made 1M-row samples spend seconds here).
	const encoder = new TextEncoder();
	const buffer = new Uint8Array(chars * 3);
	const offsets = new Int32Array(values.length + 1);
	// Categories repeat: their bytes are copied, not encoded again (up to a few thousand values).
	const seen = new Map<string, Uint8Array>();
	let at = 0;
	for (let i = 0; i < texts.length; i++) {
		const t = texts[i];
		if (t) {
			const known = seen.get(t);
			if (known) {
				buffer.set(known, at);
				at += known.length;
			} else {
				const written = encoder.encodeInto(t, buffer.subarray(at)).written;
				if (seen.size < 4096) seen.set(t, buffer.slice(at, at + written));
				at += written;
			}
		}
		offsets[i + 1] = at;
	}
	return makeVector(
		makeData({
			type: new Utf8(),
			length: values.length,
			nullCount: nulls,
			nullBitmap: nulls ? bitmap : null,
			valueOffsets: offsets,
			data: buffer.slice(0, at)
		})
	);
}

function textOf(v: unknown): string {
	if (typeof v === 'string') return v;
	if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (v instanceof Date) return v.toISOString();
	if (v instanceof Uint8Array) return new TextDecoder().decode(v);
	return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/** One Arrow vector, its type chosen from the values; mixed columns become text. */
export function toVector(values: ColumnValues): Vector {
	if (values instanceof Float64Array || values instanceof Int32Array) return makeVector(values);
	const n = values.length;
	switch (kindOf(values)) {
		case 'float':
			return fixedWidth(new Float64(), values, new Float64Array(n), (v) => v as number);
		case 'int32':
			return fixedWidth(new Int32(), values, new Int32Array(n), (v) => v as number);
		case 'int64':
			return fixedWidth(new Int64(), values, new BigInt64Array(n), (v) => v as bigint);
		case 'date':
			return fixedWidth(new Float64(), values, new Float64Array(n), (v) => (v as Date).getTime());
		case 'bool':
			return boolVector(values);
		case 'text':
			return textVector(values);
	}
}

/** Named columns (a Map, so `__proto__` is just a name) to Arrow IPC stream bytes. */
export function encodeColumns(columns: Map<string, ColumnValues>): EncodedColumns {
	const vectors: Record<string, Vector> = Object.create(null) as Record<string, Vector>;
	const temporal: string[] = [];
	for (const [name, values] of columns) {
		if (!(values instanceof Float64Array) && kindOf(values) === 'date') temporal.push(name);
		vectors[name] = toVector(values);
	}
	return { ipc: tableToIPC(new Table(vectors), 'stream'), temporal };
}
