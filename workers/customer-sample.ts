/**
 * A sample of a file's customers, for a file the tab cannot hold whole (the memory pre-flight,
 * src/notebook/memory-preflight.ts): DuckDB streams the file once and keeps the order lines of 1 in
 * `every` customers, chosen by a hash of the customer key (so each kept customer has all of
 * their lines). A customer-level file keeps 1 in `every` lines. The model fitted on the sample
 * then runs on the whole file natively (Export pipeline → DuckDB SQL).
 */
import type { LoadReport } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { keyText } from '../src/sql/keys.sql';
import { ident, literal, tableNameFor } from '../src/sql/sql';
import { queryValue, type FileSource } from './db';
import { detectFormat, registrationPath, type IngestContext } from './ingest';
import { suggestRecipe, type PipelineContext } from './segment';
import { describeTable } from './tables';

/** Lines read to find the customer key before the sampled read. */
const HEAD_LINES = 20_000;

export async function loadCustomerSample(
	ctx: IngestContext,
	source: FileSource,
	every: number
): Promise<LoadReport> {
	const started = performance.now();
	if (!Number.isInteger(every) || every < 2) {
		throw new EngineError('internal', 'A customer sample keeps 1 in 2 or more customers.');
	}
	const head = await source.slice(0, Math.min(source.size, 65536));
	if (detectFormat(source.name, head) !== 'csv') {
		throw new EngineError(
			'file-format',
			`${source.name}: only CSV files can be sampled while loading. Export a CSV, or filter the file with DuckDB first.`
		);
	}
	const { db } = ctx;
	const table = ctx.table ?? tableNameFor(source.name, ctx.taken);
	// Where SQL cannot write (ingest's rule), so no query can swap the file's contents.
	const path = registrationPath(ctx.seq, table, 'csv');
	const probe = `segbook_sample_head_${ctx.seq}`;
	await db.registerFile(path, source);
	ctx.onRegistered?.(path);
	ctx.onPhase?.(`Finding the customer key of ${source.name}`);
	await db.run(
		`CREATE OR REPLACE TABLE ${ident(probe)} AS FROM read_csv(${literal(path)}) LIMIT ${HEAD_LINES}`
	);
	// The key as the Features cell would find it (fresh caches: the probe table is temporary).
	const state: PipelineContext = {
		categories: new Map(),
		sweepFits: new Map(),
		made: new Set(),
		cancelled: false
	};
	let key: string | null = null;
	let grain: 'transactions' | 'customers' = 'customers';
	try {
		const s = await suggestRecipe(db, state, probe);
		key = s.recipe.roles.key;
		grain = s.recipe.grain;
	} catch {
		// No key found: the file is sampled by line, as a customer-level file.
	} finally {
		await db.run(`DROP TABLE IF EXISTS ${ident(probe)}`);
	}
	ctx.onPhase?.(`Reading 1 in ${every} customers of ${source.name}`, true);
	const keep =
		key && grain === 'transactions'
			? `WHERE hash(${keyText(ident(key))}) % ${every} = 0`
			: `USING SAMPLE ${(100 / every).toFixed(6)}% (bernoulli, 7)`;
	await db.run(
		`CREATE OR REPLACE TABLE ${ident(table)} AS FROM read_csv(${literal(path)}) ${keep}`
	);
	const rows = Number(await queryValue(db, `SELECT count(*) FROM ${ident(table)}`));
	const columns = await describeTable(db, table);
	const how =
		key && grain === 'transactions'
			? `the order lines of 1 in ${every} customers (chosen by a hash of ${key}, so each keeps all of their orders)`
			: `1 in ${every} lines, drawn at random with a fixed seed`;
	return {
		table: { name: table, source: source.name, rowCount: rows, columns },
		format: 'csv',
		dataLines: null,
		rowsLoaded: rows,
		rowsRejected: 0,
		rejected: [],
		notes: [
			`A sample: ${how}, ${rows.toLocaleString('en')} lines. Segment it here, then Export pipeline → DuckDB SQL and run that script on the whole file with DuckDB.`
		],
		dialect: null,
		ms: performance.now() - started
	};
}
