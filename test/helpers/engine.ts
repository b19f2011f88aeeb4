/** A locked-down Engine over real DuckDB-WASM (node bindings), and a file-source helper. */
import { Engine } from '../../workers/engine';
import { sourceFromBytes, type FileSource } from '../../workers/db';
import { createNodeDb } from './node-db';

export async function createEngine(): Promise<Engine> {
	const engine = new Engine(await createNodeDb());
	await engine.init();
	return engine;
}

export function textFile(name: string, text: string): FileSource {
	return sourceFromBytes(name, new TextEncoder().encode(text));
}

export function bytesFile(name: string, bytes: Uint8Array | number[]): FileSource {
	return sourceFromBytes(name, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
}
