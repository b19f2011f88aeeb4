/**
 * Subresource Integrity for what the engine fetches by URL (src/build/integrity.ts): DuckDB's
 * wasm and its worker script cannot carry an `integrity` attribute, so they are fetched here
 * with `fetch(url, { integrity })` against the sha384 the build wrote into this worker
 * (src/lib/pinned-worker.ts), and handed to DuckDB as a `blob:` URL of the checked bytes. A
 * changed file is refused by the browser before any of it runs.
 */
import { ownIntegrity } from '../src/lib/pinned-worker';

/** A `blob:` URL of `url`'s bytes, checked against the build's sha384 (dev builds: unchecked). */
export async function verifiedUrl(url: string, type: string): Promise<string> {
	const integrity = ownIntegrity(url);
	if (integrity === null) {
		if (import.meta.env.PROD) throw new Error(`No integrity hash was built in for ${url}.`);
		return url;
	}
	let response: Response;
	try {
		response = await fetch(url, { integrity });
	} catch (e) {
		throw new Error(
			`The engine file ${url.split('/').pop() ?? url} could not be loaded or does not match this build (${e instanceof Error ? e.message : String(e)}).`,
			{ cause: e }
		);
	}
	if (!response.ok) {
		throw new Error(
			`The engine file ${url.split('/').pop() ?? url} is not on the server (HTTP ${response.status}).`
		);
	}
	return URL.createObjectURL(new Blob([await response.blob()], { type }));
}
