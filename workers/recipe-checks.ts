/**
 * The checks around a feature recipe that need the data (the rules are in src/segment/ and
 * src/sql/keys.sql.ts):
 *
 *   columnAdvice   default log1p for extreme skew, log suggested for heavy skew, extreme or
 *                  impossible values counted and flagged, integer codes pointed out
 *   assertUniqueKey  a customer-level file whose key repeats is refused, with the count
 *   joinReport     the match rate of a joined customers table, and why it is low
 *   noPurchase     customers left out because only returns or cancellations are left
 */
import type { ColumnFlag } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { outlierChecks, suggestsLog, wantsLog } from '../src/segment/column-kinds';
import type { ColumnStats } from '../src/segment/roles';
import type { FeatureRecipe } from '../src/sql/features.sql';
import { FEATURES_TABLE, sourceCustomersSql } from '../src/sql/features.sql';
import { keyText } from '../src/sql/keys.sql';
import { ident } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';

const quote = (name: string): string => `'${name}'`;
const count = (n: number, one: string, many = `${one}s`): string =>
	`${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export interface ColumnAdvice {
	/** Columns the default recipe logs (extreme skew). */
	log1p: string[];
	flags: ColumnFlag[];
	notes: string[];
}

/** Advice on a customer-level table's feature columns, from their measured shape. */
export async function columnAdvice(
	db: Db,
	table: string,
	stats: readonly ColumnStats[],
	features: readonly string[],
	codes: readonly string[],
	year = new Date().getUTCFullYear()
): Promise<ColumnAdvice> {
	const out: ColumnAdvice = { log1p: [], flags: [], notes: [] };
	const byName = new Map(stats.map((s) => [s.name, s]));
	const checks = features.flatMap((f) => {
		const s = byName.get(f);
		return s ? outlierChecks(s, ident(f), year) : [];
	});
	for (const f of features) {
		const s = byName.get(f);
		if (!s) continue;
		if (wantsLog(s)) out.log1p.push(f);
		else if (suggestsLog(s)) {
			out.flags.push({
				column: f,
				kind: 'skew',
				message: `${quote(f)} is skewed (a long tail of large values): log1p would keep its top values from dominating.`,
				count: null
			});
		}
	}
	if (out.log1p.length > 0) {
		out.notes.push(
			`${out.log1p.map(quote).join(', ')} ${out.log1p.length === 1 ? 'is' : 'are'} heavily skewed, so ${out.log1p.length === 1 ? 'it is' : 'they are'} taken as log1p (untick log1p to use the raw values).`
		);
	}
	if (checks.length > 0) {
		const row =
			(
				await queryRows(
					db,
					`SELECT ${checks.map((c) => `count(*) FILTER (WHERE ${c.condition})`).join(', ')} FROM ${ident(table)}`
				)
			)[0] ?? [];
		checks.forEach((c, i) => {
			const n = Number(row[i] ?? 0);
			if (n === 0) return;
			out.flags.push({
				column: c.column,
				kind: 'outliers',
				message: `${quote(c.column)} has ${count(n, 'extreme value')} (${c.reason}): clip them (winsorise) or leave the column out.`,
				count: n
			});
		});
	}
	for (const c of codes) {
		out.flags.push({
			column: c,
			kind: 'code',
			message: `${quote(c)} is read as a category (one column per value).`,
			count: null
		});
	}
	return out;
}

/**
 * A customer-level file needs one row per customer: a chosen key that repeats would merge
 * different people, so it is refused with the count, and the fix named.
 */
export async function assertUniqueKey(db: Db, recipe: FeatureRecipe): Promise<void> {
	if (recipe.grain !== 'customers' || !recipe.roles.key) return;
	const k = keyText(ident(recipe.roles.key));
	const [rows, keys] = (
		await queryRows(db, `SELECT count(${k}), count(DISTINCT ${k}) FROM ${ident(recipe.source)}`)
	)[0] ?? [0, 0];
	const repeats = Number(rows) - Number(keys);
	if (repeats <= 0) return;
	const repeated = Number(
		await queryValue(
			db,
			`SELECT count(*) FROM (SELECT ${k} FROM ${ident(recipe.source)} WHERE ${k} IS NOT NULL GROUP BY 1 HAVING count(*) > 1)`
		)
	);
	throw new EngineError(
		'sql',
		`${recipe.roles.key} is not unique: ${count(repeated, 'key')} appear${repeated === 1 ? 's' : ''} on more than one row (${count(repeats, 'duplicate row')}), and a file with one row per customer is never merged. Choose another Customer key, or “no key: one customer per row”, in the Features cell.`
	);
}

/** How many customers of the joined table were found, and why so few when they were not. */
export async function joinReport(
	db: Db,
	recipe: FeatureRecipe,
	key: string,
	customers: number,
	features: string = FEATURES_TABLE
): Promise<{ matchRate: number | null; matchNote: string | null }> {
	const c = recipe.customers;
	if (!c) return { matchRate: null, matchNote: null };
	if (customers === 0) return { matchRate: 0, matchNote: null };
	const f = `f.${ident(key)}`;
	const o = `o.${ident(c.key)}`;
	const asKeys = Number(
		await queryValue(
			db,
			`SELECT count(*) FILTER (WHERE ${keyText(f)} IN (SELECT ${keyText(o)} FROM ${ident(c.table)} o)) FROM ${ident(features)} f`
		)
	);
	// What a plain text join of the files as written would have found.
	// Over the distinct keys as written (cheap on order lines), then trimmed: the same counts.
	const s = 'trim(CAST(s.raw AS VARCHAR))';
	const [found, all] = (
		await queryRows(
			db,
			`SELECT count(DISTINCT ${s}) FILTER (WHERE ${s} IN (SELECT trim(CAST(${o} AS VARCHAR)) FROM ${ident(c.table)} o)), count(DISTINCT ${s})
			 FROM (SELECT DISTINCT ${ident(recipe.roles.key ?? key)} AS raw FROM ${ident(recipe.source)}) s`
		)
	)[0] ?? [0, 0];
	const matchRate = asKeys / customers;
	const textRate = Number(all) > 0 ? Number(found) / Number(all) : matchRate;
	const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
	if (matchRate > textRate + 0.001) {
		return {
			matchRate,
			matchNote: `Keys were compared as keys: ${pct(matchRate)} of customers found in ${c.table}, where comparing the text as written (12347.0 against 12347) finds ${pct(textRate)}.`
		};
	}
	if (matchRate >= 0.5) return { matchRate, matchNote: null };
	const example = async (sqlText: string): Promise<string> => String(await queryValue(db, sqlText));
	const ours = await example(
		`SELECT ${f} FROM ${ident(features)} f WHERE ${keyText(f)} NOT IN (SELECT ${keyText(o)} FROM ${ident(c.table)} o WHERE ${o} IS NOT NULL) LIMIT 1`
	);
	const theirs = await example(
		`SELECT ${o} FROM ${ident(c.table)} o WHERE ${o} IS NOT NULL LIMIT 1`
	);
	const digits = (v: string): string => v.replace(/\D+/g, '').replace(/^0+(?=\d)/, '');
	const formats =
		digits(ours) !== '' && digits(theirs) !== '' && /\D/.test(ours) !== /\D/.test(theirs)
			? " The two are written differently (one has letters or signs the other lacks): make them alike in a SQL cell, e.g. regexp_replace(key, '\\D', '', 'g')."
			: ' Check that the Customer key of both tables names the same customers.';
	return {
		matchRate,
		matchNote: `Only ${pct(matchRate)} of customers were found in ${c.table}: keys here look like “${ours}”, there like “${theirs}”.${formats}`
	};
}

/** Customers with a key in the source but no row in the features (nothing but returns). */
export async function noPurchase(
	db: Db,
	recipe: FeatureRecipe,
	columnTypes: Record<string, string>,
	customers: number
): Promise<number> {
	const sqlText = sourceCustomersSql(recipe, columnTypes);
	if (!sqlText) return 0;
	return Math.max(0, Number(await queryValue(db, sqlText)) - customers);
}
