/**
 * The only two ways a value reaches generated SQL: `ident()` for names and `literal()` for
 * values. Every query Segbook writes goes through them, so a column called `a"; DROP` or a
 * value holding quotes stays data.
 */

/** Quote an identifier (table or column name) for DuckDB. */
export function ident(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

/** Quote a value as a DuckDB literal: strings single-quoted, numbers checked finite. */
export function literal(value: string | number | boolean | null): string {
	if (value === null) return 'NULL';
	if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
		return String(value);
	}
	return `'${value.replaceAll("'", "''")}'`;
}

/** A list literal of strings, e.g. for `allowed_directories`. */
export function listLiteral(values: readonly string[]): string {
	return `[${values.map((v) => literal(v)).join(', ')}]`;
}

/**
 * Turn a file name into a table name people can type: lower case, letters, digits and
 * underscores, not starting with a digit, unique among `taken`.
 */
export function tableNameFor(fileName: string, taken: ReadonlySet<string>): string {
	const base = fileName.replace(/\.[^.]*$/, '');
	let name = base
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9_]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.replace(/_+/g, '_');
	if (name === '') name = 'table';
	if (/^[0-9]/.test(name)) name = `t_${name}`;
	if (name.length > 60) name = name.slice(0, 60);
	const lowerTaken = new Set([...taken].map((t) => t.toLowerCase()));
	if (!lowerTaken.has(name)) return name;
	for (let i = 2; ; i++) {
		const candidate = `${name}_${i}`;
		if (!lowerTaken.has(candidate)) return candidate;
	}
}

/** Statements that produce a result set and can be stored under a name. */
export function isQueryStatement(sqlText: string): boolean {
	const stripped = stripComments(sqlText).trim().replace(/;\s*$/, '');
	if (stripped.includes(';')) return false;
	return /^(select|with|from|values|table|pivot|unpivot|\()/i.test(stripped);
}

/** Remove `--` and block comments, leaving string literals alone. */
export function stripComments(sqlText: string): string {
	let out = '';
	let i = 0;
	while (i < sqlText.length) {
		const c = sqlText[i]!;
		const next = sqlText[i + 1];
		if (c === "'" || c === '"') {
			const end = sqlText.indexOf(c, i + 1);
			const stop = end === -1 ? sqlText.length : end + 1;
			out += sqlText.slice(i, stop);
			i = stop;
		} else if (c === '-' && next === '-') {
			const end = sqlText.indexOf('\n', i);
			i = end === -1 ? sqlText.length : end;
		} else if (c === '/' && next === '*') {
			const end = sqlText.indexOf('*/', i + 2);
			i = end === -1 ? sqlText.length : end + 2;
		} else {
			out += c;
			i++;
		}
	}
	return out;
}
