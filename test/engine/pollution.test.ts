/**
 * Guards issue 17: polluted CSV files are recovered or flagged, never a silent ✓ over a wrong
 * table. The corpus (pollution/) is six families of pollution over three clean files, several
 * positions each; every variant is loaded by Segbook and by native DuckDB (@duckdb/node-api,
 * with strict_mode=false, null_padding and ignore_errors) and scored against its clean file:
 * right, flagged (the load says so: rejected or suspect lines, a failing line check, an
 * error) or silently wrong. The per-family figures are printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../src/engine/api';
import type { Engine } from '../../workers/engine';
import { createEngine, textFile } from '../helpers/engine';
import { CLEAN_FILES } from './pollution/clean-files';
import { FAMILIES, pollute, type Family, type Variant } from './pollution/pollute';
import { firstDifference, score, type Outcome } from './pollution/score';

let engine: Engine;
let native: DuckDBConnection;
let dir: string;
beforeAll(async () => {
	engine = await createEngine();
	native = await (await DuckDBInstance.create(':memory:')).connect();
	dir = mkdtempSync(join(tmpdir(), 'segbook-corpus-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const corpus: Variant[] = CLEAN_FILES.flatMap((make) => pollute(make()));

type Text = (string | null)[][];

async function ours(
	v: Variant
): Promise<{ rows: Text; report: LoadReport | null; flagged: boolean }> {
	try {
		const report = await engine.loadSource(textFile(v.name, v.text));
		const cols = report.table.columns.map((c) => `"${c.name.replaceAll('"', '""')}"::VARCHAR`);
		const result = await engine.query(`SELECT ${cols.join(', ')} FROM "${report.table.name}"`, {});
		const table = tableFromIPC(result.ipc);
		const vectors = table.schema.fields.map((_, j) => table.getChildAt(j));
		const rows: Text = [];
		for (let r = 0; r < table.numRows; r++) {
			rows.push(
				vectors.map((vec) => {
					const x: unknown = vec?.get(r);
					return x === null || x === undefined ? null : String(x);
				})
			);
		}
		await engine.dropTable(report.table.name);
		const flagged =
			report.rowsRejected > 0 ||
			(report.suspectCount ?? 0) > 0 ||
			report.rowsLoaded + report.rowsRejected !== report.dataLines;
		return { rows, report, flagged };
	} catch {
		return { rows: [], report: null, flagged: true };
	}
}

async function nativeRows(v: Variant): Promise<Text> {
	const path = join(dir, v.name);
	writeFileSync(path, v.text);
	try {
		const result = await native.runAndReadAll(
			`SELECT COLUMNS(*)::VARCHAR FROM read_csv('${path}', strict_mode = false, null_padding = true, ignore_errors = true)`
		);
		return result.getRowsJS().map((r) => r.map((x) => (x === null ? null : String(x))));
	} catch {
		return [];
	}
}

interface Scored {
	variant: Variant;
	outcome: Outcome;
	difference: string | null;
	nativeRight: boolean;
	report: LoadReport | null;
}

const scored: Scored[] = [];

describe('pollution corpus', () => {
	it.each(CLEAN_FILES.map((make) => make().name))(
		'scores the polluted variants of %s against the clean file',
		async (name) => {
			for (const variant of corpus.filter((v) => v.clean.name === name)) {
				const mine = await ours(variant);
				const difference = firstDifference(variant.clean, mine.rows);
				scored.push({
					variant,
					outcome: score(difference, mine.flagged),
					difference,
					nativeRight: firstDifference(variant.clean, await nativeRows(variant)) === null,
					report: mine.report
				});
			}
			const silent = scored.filter(
				(s) => s.variant.clean.name === name && s.outcome === 'silently wrong'
			);
			expect(silent.map((s) => `${s.variant.name}: ${s.difference}`)).toEqual([]);
		},
		300_000
	);

	it('gets at least as many files right as native DuckDB, and prints the figures', () => {
		expect(scored.length).toBe(corpus.length);
		const summary = FAMILIES.map((family: Family) => {
			const of = scored.filter((s) => s.variant.family === family);
			const n = (o: Outcome): number => of.filter((s) => s.outcome === o).length;
			return {
				family,
				files: of.length,
				right: n('right'),
				flagged: n('flagged'),
				silent: n('silently wrong'),
				native: of.filter((s) => s.nativeRight).length
			};
		});
		const total = (k: 'files' | 'right' | 'flagged' | 'silent' | 'native'): number =>
			summary.reduce((a, s) => a + s[k], 0);
		console.log(
			[
				'Pollution corpus (Segbook vs native DuckDB with strict_mode=false, null_padding, ignore_errors):',
				...summary.map(
					(s) =>
						`  ${s.family.padEnd(18)} ${String(s.files).padStart(3)} files: ${s.right} right, ${s.flagged} flagged, ${s.silent} silently wrong; native ${s.native} right`
				),
				`  ${'all'.padEnd(18)} ${String(total('files')).padStart(3)} files: ${total('right')} right, ${total('flagged')} flagged, ${total('silent')} silently wrong; native ${total('native')} right`
			].join('\n')
		);
		expect(total('silent')).toBe(0);
		expect(total('right')).toBeGreaterThanOrEqual(total('native'));
	});

	it('lists the polluted line of every row-level variant (recovered, suspect or rejected)', () => {
		const rowLevel = scored.filter(
			(s) => s.variant.family !== 'table' && s.variant.family !== 'structure'
		);
		const unlisted = rowLevel.filter((s) => {
			const r = s.report;
			if (!r) return false; // an error is a plain message, not a silent load
			const lines = [...r.rejected, ...(r.suspect ?? []), ...(r.recovered ?? [])].map(
				(l) => l.line
			);
			return !lines.includes(s.variant.line!);
		});
		expect(unlisted.map((s) => s.variant.name)).toEqual([]);
	});

	it('counts the clean number of records for every line end and escape style', () => {
		const structure = scored.filter((s) => s.variant.family === 'structure');
		expect(structure.length).toBeGreaterThan(0);
		for (const s of structure) {
			expect({ file: s.variant.name, dataLines: s.report?.dataLines }).toEqual({
				file: s.variant.name,
				dataLines: s.variant.clean.rows.length
			});
		}
	});

	it('skips preambles and merges header rows, and says so', () => {
		for (const s of scored.filter((x) => x.variant.family === 'table')) {
			const guesses = s.report?.read?.guesses.join(' ') ?? '';
			if (/preamble/.test(s.variant.name)) expect(guesses, s.variant.name).toMatch(/preamble line/);
			if (/header[23]/.test(s.variant.name))
				expect(guesses, s.variant.name).toMatch(/header rows merged/);
		}
	});
});
