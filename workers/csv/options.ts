/** The read_csv / sniff_csv options a load passes to DuckDB, written once. */
import { literal } from '../../src/sql/sql';
import type { Dialect } from './parse';

export type Encoding = 'utf-8' | 'utf-16' | 'latin-1';

export interface CsvRead {
	dialect: Dialect;
	encoding: Encoding;
	decimalComma: boolean;
	/** Physical lines before the first data record. */
	skipLines: number;
	/** First data record's line holds the header (one header record, DuckDB names it). */
	header: boolean;
	dateFormat: string | null;
	timestampFormat: string | null;
	maxLineSize: number;
}

export function dialectOptions(r: CsvRead): string[] {
	const options = [
		`delim = ${literal(r.dialect.delimiter)}`,
		`quote = ${literal(r.dialect.quote)}`,
		`escape = ${literal(r.dialect.escape)}`,
		`encoding = ${literal(r.encoding)}`,
		`header = ${r.header ? 'true' : 'false'}`,
		`skip = ${r.skipLines}`,
		`max_line_size = ${r.maxLineSize}`
	];
	if (r.decimalComma) options.push(`decimal_separator = ','`);
	if (r.dateFormat) options.push(`dateformat = ${literal(r.dateFormat)}`);
	if (r.timestampFormat) options.push(`timestampformat = ${literal(r.timestampFormat)}`);
	return options;
}

/** Columns as read_csv's `columns` struct literal. */
export function columnsOption(columns: readonly { name: string; type: string }[]): string {
	return `columns = {${columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).join(', ')}}`;
}

export function rejectOptions(rejects: string): string[] {
	return [
		`store_rejects = true`,
		`rejects_table = ${literal(rejects)}`,
		`rejects_scan = ${literal(rejects + '_scan')}`
	];
}

/**
 * read_csv's and sniff_csv's buffer: DuckDB reads the file one buffer at a time, 16 ×
 * max_line_size (32 MB) by default, so a load's progress (the share of the file read) moved in
 * 32 MB steps, and the sniffer read 32 MB to sample 20,480 rows. 4 MB (at least twice the
 * longest line allowed, as DuckDB requires) gives the same columns and types, a little sooner.
 */
export function readBufferOption(maxLineSize: number): string {
	return `buffer_size = ${Math.max(4 * 1024 * 1024, 2 * maxLineSize)}`;
}
