/**
 * Dates and times in exported files stay readable (issue 17): before a query's result is
 * written, its DATE, TIME, TIMESTAMP and INTERVAL columns become ISO text in SQL (`2024-01-05`,
 * `00:15:00`, `2024-01-05 10:00:00`, `P1DT2H`), instead of the numbers Arrow carries them as
 * (a TIME was written as microseconds: `900000000` for `00:15:00`). DECIMAL becomes DOUBLE.
 */
import { ident } from '../src/sql/sql';
import { queryRows, type Db } from './db';

/** ISO 8601 duration of an INTERVAL column, in SQL (`P1Y2M3DT4H5M6.5S`; `PT0S` when zero). */
export function isoDurationSql(col: string): string {
	const part = (p: string): string => `date_part('${p}', ${col})`;
	const seconds = `rtrim(rtrim(printf('%.6f', ${part('microseconds')} / 1000000.0), '0'), '.')`;
	const unit = (value: string, suffix: string): string =>
		`CASE WHEN ${value} <> 0 THEN ${value}::VARCHAR || '${suffix}' ELSE '' END`;
	const date = `${unit(part('year'), 'Y')} || ${unit(part('month'), 'M')} || ${unit(part('day'), 'D')}`;
	const time = `${unit(part('hour'), 'H')} || ${unit(part('minute'), 'M')} || CASE WHEN ${part('microseconds')} <> 0 THEN ${seconds} || 'S' ELSE '' END`;
	return `CASE WHEN ${col} IS NULL THEN NULL
		WHEN ${col} = INTERVAL 0 SECONDS THEN 'PT0S'
		ELSE 'P' || ${date} || CASE WHEN (${time}) <> '' THEN 'T' || ${time} ELSE '' END END`;
}

const TEXT_AS_IS = /^(DATE|TIME|TIME WITH TIME ZONE|TIMESTAMP.*)$/;

/** The query, wrapped so its temporal columns come out as ISO text (unchanged if it has none). */
export async function temporalAsText(db: Db, query: string): Promise<string> {
	const columns = await queryRows(db, `DESCRIBE ${query}`);
	const replace: string[] = [];
	for (const [name, type] of columns) {
		const col = ident(String(name));
		const t = String(type);
		if (t === 'INTERVAL') replace.push(`${isoDurationSql(col)} AS ${col}`);
		else if (TEXT_AS_IS.test(t)) replace.push(`CAST(${col} AS VARCHAR) AS ${col}`);
		// Arrow carries DECIMAL as raw words, which a file would show as nonsense.
		else if (t.startsWith('DECIMAL')) replace.push(`CAST(${col} AS DOUBLE) AS ${col}`);
	}
	if (replace.length === 0) return query;
	return `SELECT * REPLACE (${replace.join(', ')}) FROM (${query})`;
}
