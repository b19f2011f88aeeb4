/**
 * Any query result as a downloadable file: CSV (src/lib/csv.ts: RFC 4180, formulas neutralised,
 * dates in ISO) or Parquet
 * (hyparquet-writer; DuckDB's own Parquet writer is an extension we do not load).
 */
import { DataType, type Table } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ExportFile, ExportPrivacy } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { exportPii, maskValue } from '../src/segment/pii';
import { toCsv, type CsvValue } from '../src/lib/csv';
import { isQueryStatement } from '../src/sql/sql';
import { queryTable, type Db } from './db';
import { temporalAsText } from './export-temporal';

type Kind = 'number' | 'bigint' | 'boolean' | 'timestamp' | 'date' | 'text';

function kindOf(type: DataType): Kind {
	if (DataType.isTimestamp(type)) return 'timestamp';
	if (DataType.isDate(type)) return 'date';
	if (DataType.isInt(type)) return type.bitWidth === 64 ? 'bigint' : 'number';
	if (DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
	if (DataType.isBool(type)) return 'boolean';
	return 'text';
}

function textOf(v: unknown, kind: Kind): string | null {
	if (v === null || v === undefined) return null;
	if (kind === 'timestamp' && typeof v === 'number')
		return new Date(v).toISOString().replace('T', ' ').replace('Z', '');
	if (kind === 'date' && typeof v === 'number') return new Date(v).toISOString().slice(0, 10);
	if (typeof v === 'object')
		return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
	return String(v);
}

/** Sample this many values of each column to decide whether it holds personal data. */
const PII_SAMPLE = 200;

/** Indexes of the columns that look like personal data (pii.ts), from a sample of each. */
export function personalColumns(table: Table): number[] {
	const out: number[] = [];
	table.schema.fields.forEach((f, j) => {
		const vector = table.getChildAt(j);
		const isText = kindOf(f.type) === 'text';
		const sample: string[] = [];
		if (isText && vector) {
			for (let r = 0; r < table.numRows && sample.length < PII_SAMPLE; r++) {
				const v: unknown = vector.get(r);
				if (typeof v === 'string') sample.push(v);
			}
		}
		if (exportPii(f.name, sample, isText) !== null) out.push(j);
	});
	return out;
}

/** `masked` columns are written as text with each value masked (maskValue). */
export function tableToFile(
	table: Table,
	base: string,
	format: 'csv' | 'parquet',
	masked: ReadonlySet<number> = new Set()
): ExportFile {
	const fields = table.schema.fields;
	const kinds = fields.map((f, j) => (masked.has(j) ? 'text' : kindOf(f.type)));
	const vectors = fields.map((_, i) => table.getChildAt(i));
	const rawKinds = fields.map((f) => kindOf(f.type));
	const valueAt = (j: number, r: number): unknown => {
		const v: unknown = vectors[j]?.get(r);
		if (!masked.has(j) || v === null || v === undefined) return v;
		return maskValue(textOf(v, rawKinds[j]!) ?? '');
	};
	const n = table.numRows;
	if (format === 'csv') {
		// Numbers and booleans go as they are (never formula-escaped: -5 stays a number); the
		// rest as text, which toCsv neutralises when it starts like a formula.
		const cell = (j: number, r: number): CsvValue => {
			const v = valueAt(j, r);
			const kind = kinds[j]!;
			if (
				(kind === 'number' || kind === 'bigint') &&
				(typeof v === 'number' || typeof v === 'bigint')
			)
				return v;
			if (kind === 'boolean' && typeof v === 'boolean') return v;
			return textOf(v, kind);
		};
		const rows: CsvValue[][] = new Array<CsvValue[]>(n);
		for (let r = 0; r < n; r++) rows[r] = vectors.map((_, j) => cell(j, r));
		return {
			name: `${base}.csv`,
			mime: 'text/csv',
			bytes: new TextEncoder().encode(
				toCsv(
					fields.map((f) => f.name),
					rows
				)
			),
			rows: n
		};
	}
	const columnData = fields.map((f, j) => {
		const kind = kinds[j]!;
		const values: unknown[] = new Array<unknown>(n);
		for (let r = 0; r < n; r++) {
			const v: unknown = valueAt(j, r);
			values[r] =
				v === null || v === undefined
					? null
					: kind === 'number'
						? Number(v)
						: kind === 'bigint' || kind === 'boolean'
							? v
							: textOf(v, kind);
		}
		const type =
			kind === 'number'
				? 'DOUBLE'
				: kind === 'bigint'
					? 'INT64'
					: kind === 'boolean'
						? 'BOOLEAN'
						: 'STRING';
		return { name: f.name, data: values, type } as const;
	});
	const buffer = parquetWriteBuffer({ columnData });
	return {
		name: `${base}.parquet`,
		mime: 'application/vnd.apache.parquet',
		bytes: new Uint8Array(buffer),
		rows: n
	};
}

/**
 * Run a single query and return its whole result as a file. Columns that look like personal
 * data are masked unless `privacy.includePersonal` (no privacy given: masked too).
 */
export async function exportQuery(
	db: Db,
	sqlText: string,
	format: 'csv' | 'parquet',
	privacy?: ExportPrivacy
): Promise<ExportFile> {
	if (!isQueryStatement(sqlText)) {
		throw new EngineError('sql', 'Only a single query (SELECT, WITH, FROM …) can be exported.');
	}
	const table = await queryTable(db, await temporalAsText(db, sqlText.trim().replace(/;\s*$/, '')));
	const personal = privacy?.includePersonal ? [] : personalColumns(table);
	const file = tableToFile(table, 'result', format, new Set(personal));
	if (personal.length === 0) return file;
	const names = personal.map((j) => table.schema.fields[j]?.name ?? '').join(', ');
	return {
		...file,
		notes: [
			`${names} ${personal.length === 1 ? 'looks' : 'look'} like personal data and ${personal.length === 1 ? 'is' : 'are'} masked in the file. Tick “Include personal data in exports” to keep the values.`
		]
	};
}
