import { describe, expect, it } from 'vitest';
import { DataSession } from '../../../src/notebook/data-session';
import { Runner } from '../../../src/notebook/runner';
import { emptyNotebook, type DataCell, type Notebook } from '../../../src/notebook/model';
import type { LoadReport } from '../../../src/engine/api';
import { fakePorts } from '../../helpers/fake-ports';

const loaded = (table: string): LoadReport =>
	({
		table: {
			name: table,
			source: `${table}.csv`,
			rowCount: 3,
			columns: [
				{ name: 'email', type: 'VARCHAR' },
				{ name: 'amount', type: 'VARCHAR' }
			]
		},
		format: 'csv',
		dataLines: 3,
		rowsLoaded: 3,
		rowsRejected: 0,
		rejected: [],
		notes: [],
		dialect: null,
		ms: 1
	}) as LoadReport;

function session() {
	const calls: string[] = [];
	const engine = {
		loadFile: async (file: File, table?: string, _progress?: unknown, read?: unknown) => {
			calls.push(`load ${file.name} as ${table ?? '(new)'} read=${JSON.stringify(read ?? null)}`);
			return loaded(table ?? 'customers');
		},
		setColumnType: async (table: string, column: string, type: string) => {
			calls.push(`type ${table}.${column} ${type}`);
			return { profile: { table, rowCount: 3, columns: [], ms: 1 }, lost: 0 };
		},
		protectColumn: async (table: string, column: string, action: string, salt: string) => {
			calls.push(`protect ${table}.${column} ${action} salt=${salt}`);
			return { table, rowCount: 3, columns: [], ms: 1 };
		},
		schema: async () => [],
		profile: async (table: string) => ({ table, rowCount: 3, columns: [], ms: 1 })
	};
	const ports = fakePorts(engine as never);
	let doc: Notebook = emptyNotebook();
	const alerts: string[] = [];
	const runner = new Runner({
		engine: ports.engine,
		doc: () => doc,
		setDoc: (d) => (doc = d),
		tables: () => [],
		refreshTables: async () => undefined,
		salt: () => 'nb-1',
		personaNames: () => new Map(),
		onChange: () => undefined
	});
	const data = new DataSession({
		ports,
		runner,
		doc: () => doc,
		setDoc: (d) => (doc = d),
		notebookId: () => 'nb-1',
		alert: (m) => alerts.push(m),
		refreshTables: async () => undefined
	});
	return { data, runner, calls, engine, alerts, doc: () => doc };
}

describe('DataSession', () => {
	it('remembers protections, type changes and import settings in the document', async () => {
		const s = session();
		await s.data.loadFile(new File(['x'], 'customers.csv'));
		const cell = s.doc().cells[0] as DataCell;
		await s.data.setColumnType(cell.id, 'amount', 'DOUBLE');
		await s.data.protect(cell.id, 'email', 'hash');
		const saved = s.doc().cells[0] as DataCell;
		expect(saved.types).toEqual([{ column: 'amount', type: 'DOUBLE' }]);
		expect(saved.protect).toEqual([{ column: 'email', action: 'hash' }]);
		expect(s.runner.run(cell.id).notice).toBe(
			'email is replaced by salted hashes everywhere in this notebook.'
		);
	});

	it('replays the whole session after a restart: file with its settings, types, then protections', async () => {
		const s = session();
		await s.data.loadFile(new File(['x'], 'customers.csv'));
		const cell = s.doc().cells[0] as DataCell;
		await s.data.setColumnType(cell.id, 'amount', 'DOUBLE');
		await s.data.protect(cell.id, 'email', 'hash');
		s.calls.length = 0;
		const lost = await s.data.replay(s.engine as never);
		expect(lost).toEqual([]);
		expect(s.calls).toEqual([
			'load customers.csv as customers read=null',
			'type customers.amount DOUBLE',
			'protect customers.email hash salt=nb-1'
		]);
		expect(s.runner.run(cell.id).report?.table.name).toBe('customers');
	});

	it('a file that cannot be replayed is named on its cell, never claimed back', async () => {
		const s = session();
		await s.data.loadFile(new File(['x'], 'customers.csv'));
		const cell = s.doc().cells[0] as DataCell;
		const broken = { ...s.engine, loadFile: async () => Promise.reject(new Error('gone')) };
		const lost = await s.data.replay(broken as never);
		expect(lost.map((c) => c.id)).toEqual([cell.id]);
		expect(s.runner.run(cell.id).status).toBe('error');
		expect(s.runner.run(cell.id).error).toMatch(/could not be loaded again after the restart/);
		expect(s.data.missingData().map((c) => c.id)).toEqual([cell.id]);
	});

	it('reading a file again with new settings stores them and drops type changes made for the old reading', async () => {
		const s = session();
		await s.data.loadFile(new File(['x'], 'customers.csv'));
		const cell = s.doc().cells[0] as DataCell;
		await s.data.setColumnType(cell.id, 'amount', 'DOUBLE');
		s.calls.length = 0;
		await s.data.setReadOptions(cell.id, { header: 'no', delimiter: '\t' });
		expect(s.calls[0]).toBe(
			'load customers.csv as customers read={"header":"no","delimiter":"\\t"}'
		);
		const saved = s.doc().cells[0] as DataCell;
		expect(saved.read).toEqual({ header: 'no', delimiter: '\t' });
		expect(saved.types).toEqual([]);
	});
});
