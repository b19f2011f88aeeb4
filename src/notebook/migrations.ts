/**
 * Older notebook documents brought forward to this version, one version step at a time. Every
 * way in (links, notebook files, autosave) migrates before the schema (schema.ts) checks.
 */
import { NOTEBOOK_VERSION } from './model';

/** Turns a version-n document into a version-(n + 1) document. Must not mutate its input. */
export type Migration = (doc: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * MIGRATIONS[n] upgrades a version-n document to version n + 1; test/fixtures/notebooks/v1.json
 * is the proof that old notebooks still open. Adding version n + 1 means: change the model, bump
 * NOTEBOOK_VERSION, and add a step here.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = Object.freeze({
	/**
	 * 1 → 2: the tables cells write are named in the document. Version 1 had one of each, under
	 * the fixed names; a second Features or Segments cell overwrote the first's tables, so later
	 * ones get names of their own (`customer_features_2`…) as they would when added today.
	 */
	1: (doc) => {
		const seen = { features: 0, segments: 0, compare: 0 };
		const base = {
			features: 'customer_features',
			segments: 'segments',
			compare: 'segment_changes'
		};
		const cells = doc['cells'];
		if (!Array.isArray(cells)) return { ...doc, version: 2 };
		return {
			...doc,
			version: 2,
			cells: cells.map((cell: unknown) => {
				if (!isRecord(cell)) return cell;
				const kind = cell['kind'];
				if (kind !== 'features' && kind !== 'segments' && kind !== 'compare') return cell;
				const n = ++seen[kind];
				return { ...cell, output: n === 1 ? base[kind] : `${base[kind]}_${n}` };
			})
		};
	}
});

/** A document from a newer app: the message tells the user what to do. */
export class NotebookVersionError extends Error {
	constructor(readonly version: number) {
		super(`This notebook was made by a newer Segbook (version ${version}); update the app.`);
		this.name = 'NotebookVersionError';
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Brings a document of any older version to NOTEBOOK_VERSION. Anything that is not a document
 * with a whole-number version is returned unchanged, for parseNotebook to name the problem.
 * @throws NotebookVersionError for a version newer than this app.
 */
export function migrate(input: unknown): unknown {
	return runMigrations(input, MIGRATIONS, NOTEBOOK_VERSION);
}

/** migrate's loop over any table, so the mechanism is tested before there is a version 2. */
export function runMigrations(
	input: unknown,
	migrations: Readonly<Record<number, Migration>>,
	target: number
): unknown {
	if (!isRecord(input)) return input;
	const start = input['version'];
	if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 1) return input;
	if (start > target) throw new NotebookVersionError(start);
	let doc: Record<string, unknown> = input;
	for (let version = start; version < target; version++) {
		// Own keys only: a polluted Object.prototype must not supply a "migration".
		const step = Object.hasOwn(migrations, version) ? migrations[version] : undefined;
		if (!step) throw new Error(`Segbook has no migration from notebook version ${version}.`);
		doc = step(doc);
		if (doc['version'] !== version + 1) {
			throw new Error(
				`The migration from notebook version ${version} did not reach ${version + 1}.`
			);
		}
	}
	return doc;
}
