/** Display text for Arrow values: always text (never HTML), dates in ISO, BigInt exact. */
import { DataType, type Table } from 'apache-arrow';

export type Formatter = (value: unknown) => string;

export function formatterFor(type: DataType): Formatter {
	if (DataType.isTimestamp(type)) {
		return (v) =>
			typeof v === 'number' ? new Date(v).toISOString().slice(0, 19).replace('T', ' ') : text(v);
	}
	if (DataType.isDate(type)) {
		return (v) => (typeof v === 'number' ? new Date(v).toISOString().slice(0, 10) : text(v));
	}
	return text;
}

export function text(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'number') {
		if (Number.isInteger(v)) return String(v);
		if (!Number.isFinite(v)) return String(v);
		return String(Math.round(v * 10000) / 10000);
	}
	if (typeof v === 'string') return v;
	if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
	if (v instanceof Date) return v.toISOString();
	try {
		return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
	} catch {
		return String(v);
	}
}

export function columnFormatters(table: Table): Formatter[] {
	return table.schema.fields.map((f) => formatterFor(f.type));
}

export function isNumericArrow(type: DataType): boolean {
	return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}

export function formatCount(n: number): string {
	return n.toLocaleString('en');
}

export function formatMs(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
