/**
 * DuckDB lockdown (RELIABILITY.md T1): before any user SQL, file access is confined to /data/,
 * extensions cannot be loaded or installed, external access is off, and the configuration is
 * locked so no later SET or RESET can undo it. It does not survive a reset, so the engine
 * runs it after every start and reset, then checks it before the first user query.
 */
import { listLiteral } from '../src/sql/sql';
import { queryRows, type Db } from './db';
import { EngineError } from '../src/engine/errors';

export const DATA_DIR = '/data/';

export const LOCKDOWN_SQL: readonly string[] = [
	`SET allowed_directories = ${listLiteral([DATA_DIR])}`,
	`SET autoinstall_known_extensions = false`,
	`SET autoload_known_extensions = false`,
	`SET allow_community_extensions = false`,
	`SET memory_limit = '3GB'`,
	`SET enable_external_access = false`,
	`SET lock_configuration = true`
];

export async function lockDown(db: Db): Promise<void> {
	for (const statement of LOCKDOWN_SQL) await db.run(statement);
	await assertLockedDown(db);
}

/** The self-check: refuse to run user SQL unless the lockdown is in force. */
export async function assertLockedDown(db: Db): Promise<void> {
	const rows = await queryRows(
		db,
		`SELECT current_setting('enable_external_access')::VARCHAR,
		        current_setting('lock_configuration')::VARCHAR,
		        current_setting('autoload_known_extensions')::VARCHAR`
	);
	const [external, locked, autoload] = rows[0] ?? [];
	if (external !== 'false' || locked !== 'true' || autoload !== 'false') {
		throw new EngineError(
			'locked',
			'The engine could not lock down network and file access, so no SQL will run. Reload the page.'
		);
	}
}

/** Turn DuckDB's permission and lock errors into plain words; others pass through. */
export function explainLockdownError(message: string): string | null {
	if (/configuration has been locked/i.test(message)) {
		return 'Settings are locked in Segbook: SET and RESET of engine settings are not allowed.';
	}
	if (/disabled by configuration|Permission Error/i.test(message)) {
		return 'Network and file access are disabled in Segbook: SQL can only read the files you load. Your data never leaves this browser.';
	}
	if (/extension|INSTALL|LOAD/i.test(message) && /autoload|install|loading/i.test(message)) {
		return 'Extensions cannot be installed or loaded in Segbook.';
	}
	return null;
}
