/**
 * Column kinds on ordinary exports: what a numeric column *is* before it becomes a feature.
 *
 *   integer code  Channel 1–2, Region 1–3, Education 1–5: a category, one-hot encoded and
 *                 named by its values (a "switch back to number" moves it to the numerics);
 *   constant      the same value on every row (Z_CostContact = 3): left out with a note;
 *   record number 1, 2, 3 … n: an id, not a quantity;
 *   measure       decimals, spend-like names or skewed values: never a key;
 *   skewed        heavy right tail: log1p suggested, and applied by default where extreme;
 *   outliers      values far from the rest (robust z) or impossible (an age of 130, a birth
 *                 year of 1893, a date in 1900): flagged, with winsorise or leave-out offered.
 *
 * Pure: the worker measures (workers/column-stats.ts) and these rules decide.
 */
import type { ColumnStats } from './roles';

/** At most this many distinct whole numbers make a column a code (Channel, Region, Grade). */
export const MAX_CODE_VALUES = 12;
/** Skewness from which log1p is suggested, and from which the default recipe applies it. */
export const SKEW_SUGGEST = 1;
export const SKEW_EXTREME = 2;
/** A value this many robust standard deviations (1.4826 × MAD) from the median is extreme. */
export const ROBUST_Z = 8;
/** The same on the log scale, for columns logged by default (a long spend tail is no outlier). */
export const ROBUST_Z_LOG = 6;
/** Columns with at most this many values (small counts) are not checked by robust z. */
const ROBUST_MIN_DISTINCT = 30;

const words = (list: string): ReadonlySet<string> =>
	new Set(list.split(/\s+/).filter((w) => w !== ''));

/** Names of counts and ordinal scales: whole numbers worth averaging, never codes. */
const COUNT_WORDS = words(`
	num number count cnt n nb qty quantity age alter edad tenure months month years year days day
	weeks visits visit children child kids kid teens teen kidhome teenhome household size items
	orders purchases transactions times score rating stars satisfaction rank dependents members
	people persons nights rooms products sessions clicks calls logins recency frequency points
`);
/** Names of codes and classes: few whole numbers here are labels, whatever their count. */
const CODE_WORDS = words(`
	channel region type class category group segment status level tier kind area zone gender sex
	education marital cluster flag code grade plan branch store country state province district
`);
/** Money words: a measure, never a key; logged by default when the skew is extreme. */
const MONEY_WORDS = words(`
	amount amt sales revenue turnover spend spent spending income salary balance price cost value
	total paid payment payments charges charge mnt umsatz betrag monto montant importe wage earnings
	fee fees sum
`);

function tokens(name: string): string[] {
	return name
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1_$2')
		.replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1_$2')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((t) => t !== '');
}

const has = (name: string, set: ReadonlySet<string>): boolean =>
	tokens(name).some((t) => set.has(t));

export const isCountName = (name: string): boolean => has(name, COUNT_WORDS);
export const isCodeName = (name: string): boolean => has(name, CODE_WORDS);
export const isMoneyName = (name: string): boolean => has(name, MONEY_WORDS);

const INTEGER_TYPE = /^(?:TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|U\w*INT|VARINT)\b/i;

/** Whole numbers only: an integer type, or a numeric column every value of which is whole. */
export function isWhole(c: ColumnStats): boolean {
	if (INTEGER_TYPE.test(c.type.trim())) return true;
	return c.numbers?.integral === true;
}

/**
 * Few whole numbers that label rather than measure: Channel 1–2, Region 1–3. A count or a scale
 * (children 0–3, a rating 1–5, tenure 6–12 months) stays a number unless its name says it is a
 * code; so does a column with too few rows to tell.
 */
export function isIntegerCode(c: ColumnStats, rowCount: number): boolean {
	if (!c.numbers || !isWhole(c)) return false;
	if (c.distinct < 2 || c.distinct > MAX_CODE_VALUES || rowCount < 4 * c.distinct) return false;
	if (c.numbers.negatives > 0) return false;
	// "NumStorePurchases" counts, even though "store" can name a code.
	if (isCountName(c.name) || isMoneyName(c.name)) return false;
	if (isCodeName(c.name)) return true;
	// Unnamed small integers: codes when they are a short run like 1–3 or 0–4 (a count of
	// something would usually spread wider or start anywhere).
	return c.numbers.min >= 0 && c.numbers.min <= 1 && c.numbers.max - c.numbers.min < c.distinct + 1;
}

/** The same value on every row (with at least two rows to tell). */
export function isConstant(c: ColumnStats, rowCount: number): boolean {
	return rowCount >= 2 && c.distinct <= 1 && c.nullShare < 1;
}

/**
 * A measurement rather than an identifier: decimals, a money name, or values skewed like spend
 * (ids are spread evenly). A key is never chosen among these.
 */
export function isMeasure(c: ColumnStats): boolean {
	if (isMoneyName(c.name)) return true;
	if (!c.numbers) return false;
	if (!c.numbers.integral) return true;
	return Math.abs(c.numbers.skew) >= SKEW_SUGGEST;
}

/** 1, 2, 3 … n (or any evenly spread unique whole numbers): a record number or an id. */
export function isRecordNumber(c: ColumnStats, rowCount: number): boolean {
	if (!c.numbers || !isWhole(c) || rowCount < 2) return false;
	const { min, max, skew, negatives } = c.numbers;
	return (
		c.distinct >= rowCount &&
		negatives === 0 &&
		Math.abs(skew) < 0.5 &&
		!isMoneyName(c.name) &&
		!isCountName(c.name) &&
		max - min + 1 <= 20 * rowCount
	);
}

/** Extreme skew on non-negative values: log1p by default (spend, income, counts of purchases). */
export function wantsLog(c: ColumnStats): boolean {
	const n = c.numbers;
	if (!n || n.min < 0 || n.max <= n.min) return false;
	if (/\b(?:age|year|birth)\b/i.test(tokens(c.name).join(' '))) return false;
	return n.skew >= SKEW_EXTREME;
}

/** Heavy (not extreme) skew: log1p suggested in a note. */
export function suggestsLog(c: ColumnStats): boolean {
	const n = c.numbers;
	return !!n && n.min >= 0 && n.skew >= SKEW_SUGGEST && !wantsLog(c);
}

export interface OutlierCheck {
	column: string;
	/** SQL condition on the quoted column that marks the flagged rows. */
	condition: string;
	/** Why those values are flagged, in words ("born before 1900"). */
	reason: string;
}

const AGE = /^(?:age|alter|edad|eta|idade|leeftijd)$/;
const BIRTH_YEAR = /(?:birth|geburt|yob|born|nacimiento)/;

/**
 * The checks that flag extreme or impossible values of a column, as SQL the worker counts:
 * an age outside 0–110, a birth year before 1900 or after `year`, a date before 1900 or more than
 * a year ahead, a value beyond ROBUST_Z robust standard deviations from the median (on the log
 * scale where the column is logged by default, so a long spend tail is not an outlier).
 */
export function outlierChecks(c: ColumnStats, quoted: string, year: number): OutlierCheck[] {
	const n = c.numbers;
	if (!n) return [];
	const t = tokens(c.name);
	const joined = t.join('_');
	if (/^(?:DATE|TIMESTAMP)/i.test(c.type)) {
		return n.min < 1900 || n.max > year + 1
			? [
					{
						column: c.name,
						condition: `(year(${quoted}) < 1900 OR year(${quoted}) > ${year + 1})`,
						reason: `dated before 1900 or after ${year + 1}`
					}
				]
			: [];
	}
	if (t.some((w) => AGE.test(w)) && (n.min < 0 || n.max > 110)) {
		return [
			{
				column: c.name,
				condition: `(${quoted} < 0 OR ${quoted} > 110)`,
				reason: 'ages below 0 or above 110'
			}
		];
	}
	if (BIRTH_YEAR.test(joined) && t.some((w) => w === 'year' || w === 'jahr' || w === 'yob')) {
		const earliest = year - 110;
		return n.min < earliest || n.max > year
			? [
					{
						column: c.name,
						condition: `(${quoted} < ${earliest} OR ${quoted} > ${year})`,
						reason: `birth years before ${earliest} or after ${year}`
					}
				]
			: [];
	}
	if (n.mad <= 0 || c.distinct <= ROBUST_MIN_DISTINCT) return [];
	const logged = wantsLog(c);
	// The MAD of ln(1 + x) is not known here: use the median's log and the log of median + MAD.
	const centre = logged ? Math.log1p(n.median) : n.median;
	const spread = logged ? Math.log1p(n.median + n.mad) - Math.log1p(n.median) : n.mad;
	if (spread <= 0) return [];
	const limit = (logged ? ROBUST_Z_LOG : ROBUST_Z) * 1.4826 * spread;
	const x = logged ? `ln(1 + CASE WHEN ${quoted} < 0 THEN 0 ELSE ${quoted} END)` : `${quoted}`;
	const far = (v: number): boolean =>
		Math.abs((logged ? Math.log1p(Math.max(v, 0)) : v) - centre) > limit;
	if (!far(n.max) && !far(n.min)) return [];
	return [
		{
			column: c.name,
			condition: `abs(${x} - ${centre}) > ${limit}`,
			reason: `more than ${logged ? ROBUST_Z_LOG : ROBUST_Z} robust standard deviations from the median${logged ? ' on the log scale' : ''}`
		}
	];
}
