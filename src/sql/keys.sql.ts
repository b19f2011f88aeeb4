/**
 * Keys compare as keys. Exports write the same customer id in different ways: `12347.0` (a
 * spreadsheet or pandas turned the column into floats), `12347`, `012347` (a fixed-width or
 * zero-padded id), ` 12347 ` (padding). Joined as text they never match, so every place that
 * compares or shows a customer key goes through the one rule here, in SQL (`keyText`) and in
 * TypeScript (`normaliseKey`), which agree:
 *
 *   - surrounding white space is dropped;
 *   - integer-like text (digits, optionally `.0…`) loses its leading zeros and its `.0`:
 *     `012347`, `12347.0` and `12347` are all `12347`; `0` and `000` are `0`;
 *   - anything else (`C-0012`, `12347.5`, `ab12`) is kept as written.
 *
 * A key of a numeric type (BIGINT, DOUBLE) goes through the same text form, so a DOUBLE key
 * `12347.0` and a BIGINT key `12347` meet on `'12347'`.
 */

const INTEGER_LIKE = /^[+-]?\d+(?:\.0*)?$/;

/** The canonical text of one key value, as `keyText` computes it in SQL. */
export function normaliseKey(value: string): string {
	const v = value.trim();
	if (!INTEGER_LIKE.test(v)) return v;
	const negative = v.startsWith('-');
	const digits = v
		.replace(/^[+-]/, '')
		.replace(/\.0*$/, '')
		.replace(/^0+(?=\d)/, '');
	return negative && digits !== '0' ? `-${digits}` : digits;
}

/**
 * SQL for `trim(CAST(expr AS VARCHAR))`, fast on the common case. DuckDB's trim allocates a new
 * string for every row, about a third of the feature query on a million order lines; a value
 * with no space at either end and only ASCII characters (so no other Unicode space, which trim
 * also removes) is returned as it is. Same result as trim on every value. Used where a query
 * reads every order line; `keyText` keeps the plain form, as it runs on one row per customer.
 */
export function trimmedText(expr: string): string {
	const v = `CAST(${expr} AS VARCHAR)`;
	return `(CASE WHEN starts_with(${v}, ' ') OR ends_with(${v}, ' ') OR strlen(${v}) <> length(${v}) THEN trim(${v}) ELSE ${v} END)`;
}

/**
 * SQL for the canonical text of a key expression (a quoted column, `t."Customer ID"`). NULL and
 * blank stay NULL, so a blank key counts as a missing key.
 */
export function keyText(expr: string): string {
	const t = `trim(CAST(${expr} AS VARCHAR))`;
	return `(CASE WHEN ${t} = '' THEN NULL WHEN regexp_full_match(${t}, '[+-]?[0-9]+(\\.0*)?') THEN (CASE WHEN starts_with(${t}, '-') AND regexp_replace(regexp_replace(${t}, '^[+-]|\\.0*$', '', 'g'), '^0+([0-9])', '\\1') <> '0' THEN '-' ELSE '' END) || regexp_replace(regexp_replace(${t}, '^[+-]|\\.0*$', '', 'g'), '^0+([0-9])', '\\1') ELSE ${t} END)`;
}

/**
 * SQL for the key as the features table keeps it: numbers in their canonical text (a DOUBLE
 * `12347.0` is `12347`), text as written without surrounding blanks (a zero-padded `0001` stays
 * `0001`, as the user's systems write it). Comparisons still go through `keyText` on both sides.
 */
export function keyValue(expr: string, type: string): string {
	switch (keyTypeOf(type)) {
		// A whole-number type's text is already canonical (no padding, leading zeros or ".0").
		case 'whole':
			return `CAST(${expr} AS VARCHAR)`;
		case 'number':
			return keyText(expr);
		case 'text':
			return `nullif(${trimmedText(expr)}, '')`;
	}
}

/** How a key column's type turns into its text: whole numbers, other numbers, or text. */
export function keyTypeOf(type: string): 'whole' | 'number' | 'text' {
	if (/^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT)/i.test(type)) return 'whole';
	if (/^(?:FLOAT|REAL|DOUBLE|DECIMAL)/i.test(type)) return 'number';
	return 'text';
}
