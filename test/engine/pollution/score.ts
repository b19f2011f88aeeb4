/**
 * Scoring a loaded table against its clean file: right (same shape, every value the same),
 * flagged (not right, but the load said so: a line check that fails, rejected or suspect lines,
 * or an error), or silently wrong (not right, and nothing said).
 */
import type { CleanFile } from './clean-files';

export type Outcome = 'right' | 'flagged' | 'silently wrong';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** One value as the file wrote it against one as loaded (text of the typed value). */
export function sameValue(expected: string, got: string | null): boolean {
	const e = expected.trim();
	if (got === null) return e === '';
	const g = got.trim();
	if (e === g) return true;
	const dmy = DMY.exec(e);
	const iso = ISO_DATE.exec(g);
	if (dmy && iso) return dmy[1] === iso[3] && dmy[2] === iso[2] && dmy[3] === iso[1];
	if (/^-?\d+(\.\d+)?$/.test(e) && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(g)) {
		return Math.abs(Number(e) - Number(g)) < 1e-9;
	}
	return false;
}

/** Where the loaded rows first differ from the clean file, or null when they are the same. */
export function firstDifference(clean: CleanFile, rows: (string | null)[][]): string | null {
	if (rows.length !== clean.rows.length) {
		return `${rows.length} rows instead of ${clean.rows.length}`;
	}
	for (let r = 0; r < rows.length; r++) {
		const want = clean.rows[r]!;
		const got = rows[r]!;
		if (got.length !== want.length) return `${got.length} columns instead of ${want.length}`;
		for (let c = 0; c < want.length; c++) {
			if (!sameValue(want[c]!, got[c]!)) {
				return `row ${r + 1}, column ${c + 1}: ${JSON.stringify(got[c])} instead of ${JSON.stringify(want[c])}`;
			}
		}
	}
	return null;
}

export function score(difference: string | null, flagged: boolean): Outcome {
	if (difference === null) return 'right';
	return flagged ? 'flagged' : 'silently wrong';
}
