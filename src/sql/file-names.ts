/**
 * Loaded files as SQL cells see them. A file is registered under a random path (so no SQL run
 * before the load can have written there), and a SQL cell names it as the Data cell shows it:
 * `read_csv('orders.csv')` or `FROM 'orders.csv'`. A string literal that is exactly a loaded
 * file's name is rewritten to its path; nothing else in the SQL changes.
 *
 * SQL never writes files: `COPY … TO`, `EXPORT DATABASE` and `ATTACH` are refused,
 * because a file written into /data/ could stand in for one the user loads later (T14).
 */

/** Walk SQL, calling `onString` for each single-quoted literal (its unescaped text). */
function mapStrings(sqlText: string, onString: (text: string) => string | null): string {
	let out = '';
	let i = 0;
	const n = sqlText.length;
	while (i < n) {
		const c = sqlText[i]!;
		const next = sqlText[i + 1];
		if (c === '-' && next === '-') {
			const end = sqlText.indexOf('\n', i);
			const stop = end === -1 ? n : end;
			out += sqlText.slice(i, stop);
			i = stop;
		} else if (c === '/' && next === '*') {
			const end = sqlText.indexOf('*/', i + 2);
			const stop = end === -1 ? n : end + 2;
			out += sqlText.slice(i, stop);
			i = stop;
		} else if (c === '"') {
			let j = i + 1;
			while (j < n && !(sqlText[j] === '"' && sqlText[j + 1] !== '"'))
				j += sqlText[j] === '"' ? 2 : 1;
			out += sqlText.slice(i, j + 1);
			i = j + 1;
		} else if (c === "'") {
			let j = i + 1;
			let text = '';
			while (j < n) {
				if (sqlText[j] === "'") {
					if (sqlText[j + 1] === "'") {
						text += "'";
						j += 2;
						continue;
					}
					break;
				}
				text += sqlText[j];
				j++;
			}
			const replaced = j < n ? onString(text) : null;
			out += replaced ?? sqlText.slice(i, j + 1);
			i = j + 1;
		} else {
			out += c;
			i++;
		}
	}
	return out;
}

/** Replace literals naming a loaded file (`'orders.csv'`) by the path it is registered at. */
export function rewriteFileNames(sqlText: string, files: ReadonlyMap<string, string>): string {
	if (files.size === 0) return sqlText;
	return mapStrings(sqlText, (text) => {
		const path = files.get(text);
		return path === undefined ? null : `'${path.replaceAll("'", "''")}'`;
	});
}

/** The SQL with comments removed and every string literal emptied (for keyword checks). */
function skeleton(sqlText: string): string {
	const noStrings = mapStrings(sqlText, () => "''");
	return noStrings
		.replace(/--[^\n]*/g, ' ')
		.replace(/\/\*[\s\S]*?(\*\/|$)/g, ' ')
		.replace(/"(?:[^"]|"")*"/g, '""');
}

/** A plain refusal when the SQL would write a file, else null. */
export function refusesFileWrite(sqlText: string): string | null {
	for (const raw of skeleton(sqlText).split(';')) {
		const statement = raw.trim().replace(/^PREPARE\s+\S+\s+AS\s+/i, '');
		const copyTo = /^COPY\b/i.test(statement) && /\bTO\b/i.test(statement);
		const exportDb = /^EXPORT\s+DATABASE\b/i.test(statement);
		const attach = /^ATTACH\b/i.test(statement);
		if (copyTo || exportDb || attach) {
			return 'SQL cannot write files in Segbook: COPY … TO, EXPORT DATABASE and ATTACH are turned off, so no query can replace a file you load. To save a result, use Download CSV on the SQL cell.';
		}
	}
	return null;
}

/**
 * DuckDB's error for a file SQL may not read, when the name is not one of the loaded files:
 * say which files are loaded instead of "file system operations are disabled".
 */
export function explainMissingFile(
	message: string,
	files: ReadonlyMap<string, string>
): string | null {
	const m =
		/Cannot access file "([^"]*)"/.exec(message) ??
		/No files found that match the pattern "([^"]*)"/.exec(message);
	if (!m) return null;
	const name = m[1]!;
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name) || [...files.values()].includes(name)) return null;
	const loaded = [...files.keys()];
	return `${name} is not a file loaded in this notebook, so SQL cannot read it. ${
		loaded.length > 0
			? `Loaded files: ${loaded.map((f) => `'${f}'`).join(', ')}; each is also a table (see its Data cell).`
			: 'Load it with Load data file; it then becomes a table too.'
	}`;
}
