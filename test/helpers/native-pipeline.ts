/**
 * Exported pipelines against native DuckDB, for the engine tests and the benchmark: write the
 * inputs and the script into a fresh folder, run the script there in a child node process
 * (test/helpers/native-duckdb.mjs over @duckdb/node-api), read segments.csv back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';

const RUNNER = resolve(import.meta.dirname, 'native-duckdb.mjs');

export function scratchFolder(files: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), 'segbook-pipeline-'));
	for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
	return dir;
}

/** Run `script` in `dir` on native DuckDB; returns its time and version. */
export function runNative(
	dir: string,
	script: string,
	name = 'pipeline.sql'
): { ms: number; version: string } {
	writeFileSync(join(dir, name), script);
	const out = execFileSync(process.execPath, [RUNNER, name], {
		cwd: dir,
		encoding: 'utf8',
		maxBuffer: 1 << 20
	});
	return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ms: number; version: string };
}

/** A CSV file (or text) as header + rows. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
	const parsed = Papa.parse<string[]>(text.trimEnd(), { header: false });
	const [header = [], ...rows] = parsed.data;
	return { header, rows };
}

export function readSegmentsCsv(
	dir: string,
	name = 'segments.csv'
): { header: string[]; rows: string[][] } {
	return parseCsv(readFileSync(join(dir, name), 'utf8'));
}
