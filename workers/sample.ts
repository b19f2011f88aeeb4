/**
 * `Load sample data`: synthetic retail customers and transactions with planted personas,
 * generated here in the worker from a seed (nothing large ships with the app). The answer
 * key goes to a hidden table `_answer_key` for the classroom reveal, never into the pipeline;
 * with `shift`, the planted movers go to `_answer_key_moves`.
 */
import type { LoadReport, ProgressCallback, SampleOptions } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { generateRetail, RETAIL_MAX_CUSTOMERS } from '../src/sample/retail';
import { ident, tableNameFor } from '../src/sql/sql';
import { encodeColumns, type ColumnValues } from './arrow-build';
import type { Db } from './db';
import { describeTable } from './tables';

/** Hidden table: customer_id, persona_before, persona_after of the planted movers. */
export const ANSWER_KEY_MOVES = '_answer_key_moves';

async function insert(
	db: Db,
	table: string,
	columns: Record<string, ColumnValues>,
	select: string
): Promise<void> {
	const scratch = `segbook_sample_${table}`;
	await db.insertArrowIPC(encodeColumns(new Map(Object.entries(columns))).ipc, scratch);
	await db.run(
		`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT ${select} FROM ${ident(scratch)}`
	);
	await db.run(`DROP TABLE ${ident(scratch)}`);
}

export async function loadRetailSample(
	db: Db,
	options: SampleOptions,
	taken: ReadonlySet<string>,
	onProgress?: ProgressCallback
): Promise<LoadReport[]> {
	if (
		!Number.isInteger(options.customers) ||
		options.customers < 1 ||
		options.customers > RETAIL_MAX_CUSTOMERS
	) {
		throw new EngineError(
			'internal',
			`The sample size must be 1 to ${RETAIL_MAX_CUSTOMERS.toLocaleString('en')} customers.`
		);
	}
	const started = performance.now();
	onProgress?.({
		phase: `Generating ${options.customers.toLocaleString('en')} customers`,
		fraction: 0.1
	});
	const sample = generateRetail(options);
	const names = new Set(taken);
	const customers = tableNameFor('customers', names);
	names.add(customers);
	const transactions = tableNameFor('transactions', names);

	onProgress?.({ phase: 'Loading customers', fraction: 0.4 });
	await insert(
		db,
		customers,
		{ ...sample.customers },
		`* REPLACE (epoch_ms(signup_date::BIGINT)::DATE AS signup_date)`
	);
	onProgress?.({ phase: 'Loading transactions', fraction: 0.6 });
	await insert(
		db,
		transactions,
		{ ...sample.transactions },
		`* REPLACE (epoch_ms(invoice_date::BIGINT) AS invoice_date)`
	);
	await insert(db, '_answer_key', { ...sample.truth }, '*');
	// The planted shift's key: who moves from which persona to which (none without the shift).
	if (sample.moves) await insert(db, ANSWER_KEY_MOVES, { ...sample.moves }, '*');
	else await db.run(`DROP TABLE IF EXISTS ${ident(ANSWER_KEY_MOVES)}`);
	onProgress?.({ phase: 'Sample ready', fraction: 1 });

	const source = `sample: retail, ${options.customers} customers, seed ${options.seed}${options.shift ? ', with a shift in year 2' : ''}`;
	const ms = performance.now() - started;
	const report = async (table: string, rows: number): Promise<LoadReport> => ({
		table: { name: table, source, rowCount: rows, columns: await describeTable(db, table) },
		format: 'sample',
		dataLines: rows,
		rowsLoaded: rows,
		rowsRejected: 0,
		rejected: [],
		notes: [],
		dialect: null,
		ms
	});
	return [
		await report(customers, sample.customers.customer_id.length),
		await report(transactions, sample.transactions.invoice_id.length)
	];
}
