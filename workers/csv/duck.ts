/** The DuckDB queries of a text load: the type sniff, rejects, and checks on the loaded table. */
import type { ColumnInfo } from '../../src/engine/api';
import { ident, literal } from '../../src/sql/sql';
import { queryRows, queryValue, type Db } from '../db';
import { describeTable } from '../tables';
import { dialectOptions, readBufferOption, type CsvRead } from './options';
import { MAX_RECOVERED, type RejectedRecord } from './recover';

export async function sniffColumns(
	db: Db,
	path: string,
	r: CsvRead
): Promise<{ columns: ColumnInfo[]; dateFormat: string | null; timestampFormat: string | null }> {
	const rows = await queryRows(
		db,
		`SELECT array_to_string(list_transform(Columns, x -> x.name), chr(1)),
		        array_to_string(list_transform(Columns, x -> x.type), chr(1)), DateFormat, TimestampFormat
		 FROM sniff_csv(${literal(path)}, ${dialectOptions(r).join(', ')}, strict_mode = false, ignore_errors = true, sample_size = 20480, ${readBufferOption(r.maxLineSize)})`
	);
	const [names, types, dateFormat, timestampFormat] = rows[0] ?? [];
	const n = String(names ?? '').split('\u0001');
	const t = String(types ?? '').split('\u0001');
	const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
	return {
		columns: n.map((name, i) => ({ name, type: t[i] ?? 'VARCHAR' })),
		dateFormat: r.dateFormat ?? text(dateFormat),
		timestampFormat: r.timestampFormat ?? text(timestampFormat)
	};
}

export interface RawRejects {
	records: (RejectedRecord & { errorType: string; message: string; column: string | null })[];
	lineTooLong: boolean;
}

export async function readRejects(db: Db, rejects: string): Promise<RawRejects> {
	try {
		const rows = await queryRows(
			db,
			`SELECT line, line_byte_position, first(csv_line ORDER BY byte_position), first(error_type::VARCHAR ORDER BY byte_position),
			        first(error_message ORDER BY byte_position), first(column_name ORDER BY byte_position),
			        bool_or(error_type::VARCHAR = 'LINE SIZE OVER MAXIMUM')
			 FROM ${ident(rejects)} GROUP BY line, line_byte_position ORDER BY line LIMIT ${MAX_RECOVERED * 4}`
		);
		let long = false;
		const records = rows.map(([line, offset, text, errorType, message, column, tooLong]) => {
			if (tooLong === true) long = true;
			return {
				line: Number(line),
				// DuckDB counts byte positions from 1.
				offset: Math.max(0, Number(offset) - 1),
				text: String(text ?? ''),
				errorType: String(errorType),
				message: String(message).split('\n')[0] ?? '',
				column: typeof column === 'string' ? column : null
			};
		});
		return { records, lineTooLong: long };
	} catch {
		return { records: [], lineTooLong: false };
	}
}

export async function hasEncodingRejects(db: Db, rejects: string): Promise<boolean> {
	try {
		const n = await queryValue(
			db,
			`SELECT count(*) FROM ${ident(rejects)} WHERE error_type::VARCHAR ILIKE '%unicode%' OR error_message ILIKE '%unicode%'`
		);
		return Number(n) > 0;
	} catch {
		return false;
	}
}

export async function decimalCommaColumns(db: Db, table: string): Promise<string[]> {
	const columns = await describeTable(db, table);
	const text = columns.filter((c) => c.type === 'VARCHAR');
	if (text.length === 0) return [];
	const checks = text
		.map(
			(c) =>
				`count(${ident(c.name)}) > 0
				 AND bool_and(regexp_full_match(trim(${ident(c.name)}), '-?[0-9]+(,[0-9]+)?') OR ${ident(c.name)} IS NULL OR trim(${ident(c.name)}) = '')
				 AND bool_or(contains(${ident(c.name)}, ','))`
		)
		.join(', ');
	const rows = await queryRows(db, `SELECT ${checks} FROM (FROM ${ident(table)} LIMIT 20000)`);
	return text.filter((_, i) => rows[0]?.[i] === true).map((c) => c.name);
}

/** Text columns (by index) where some loaded value holds the delimiter (inside quotes). */
export async function delimiterColumns(
	db: Db,
	table: string,
	columns: readonly ColumnInfo[],
	delimiter: string
): Promise<Set<number>> {
	const text = columns.map((c, i) => [c, i] as const).filter(([c]) => c.type === 'VARCHAR');
	if (text.length === 0) return new Set();
	const row =
		(
			await queryRows(
				db,
				`SELECT ${text.map(([c]) => `coalesce(bool_or(contains(${ident(c.name)}, ${literal(delimiter)})), false)`).join(', ')} FROM ${ident(table)}`
			)
		)[0] ?? [];
	return new Set(text.filter((_, k) => row[k] === true).map(([, i]) => i));
}
