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
	if (
		/^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|REAL|DOUBLE|DECIMAL)/i.test(type)
	) {
		return keyText(expr);
	}
	return `nullif(trim(CAST(${expr} AS VARCHAR)), '')`;
}
