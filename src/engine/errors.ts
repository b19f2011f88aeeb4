/**
 * EngineError: the one error type the engine throws, with a `code` the UI turns into advice.
 *
 * Comlink sends a thrown Error across the boundary as {name, message, stack} only, so the
 * code rides in the name (`EngineError:sql`) and `fromWire` restores it on the UI side.
 */
import type { EngineErrorCode } from './api';

const PREFIX = 'EngineError:';

const CODES: ReadonlySet<string> = new Set<EngineErrorCode>([
	'sql',
	'file-empty',
	'no-data-rows',
	'file-format',
	'encoding',
	'line-too-long',
	'locked',
	'cancelled',
	'crashed',
	'timeout',
	'internal'
]);

export class EngineError extends Error {
	readonly code: EngineErrorCode;
	constructor(code: EngineErrorCode, message: string) {
		super(message);
		this.name = PREFIX + code;
		this.code = code;
	}
}

/** Wrap anything thrown into an EngineError, keeping an existing code. */
export function asEngineError(value: unknown, fallback: EngineErrorCode = 'internal'): EngineError {
	if (value instanceof EngineError) return value;
	if (value instanceof Error && value.name.startsWith(PREFIX)) {
		const code = value.name.slice(PREFIX.length);
		return new EngineError(CODES.has(code) ? (code as EngineErrorCode) : fallback, value.message);
	}
	const message = value instanceof Error ? value.message : String(value);
	return new EngineError(fallback, message);
}
