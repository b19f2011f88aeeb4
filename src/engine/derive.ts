/**
 * Objects derived from a method list (ENGINE_METHODS in ./api): one function per listed method,
 * so the client, the worker's exposure and the test adapter never list the methods again.
 *
 *   deriveApi   method(...args)             → invoke(method, args)         (client, adapter)
 *   deriveWire  method(requestId, ...args)  → serve(method, requestId, args) (worker exposure)
 *
 * The wire side marks a result's bytes (`transfer` in the call's spec) as transferable, so Arrow
 * IPC and file bytes move to the UI without a copy.
 */
import * as Comlink from 'comlink';
import type { CallSpec } from './api';

type AnyFn = (...args: never[]) => unknown;

/** An API's methods with the request id first, as they cross to the worker. */
export type Wire<Api> = {
	[K in keyof Api]: Api[K] extends (...args: infer A) => infer R
		? (requestId: number, ...args: A) => R
		: never;
};

/** `Api` from a list of its methods: each call becomes `invoke(method, args)`. */
export function deriveApi<Api extends Record<keyof Api, AnyFn>>(
	list: Readonly<Record<keyof Api & string, CallSpec>>,
	invoke: (method: keyof Api & string, args: unknown[]) => Promise<unknown>
): Api {
	const api: Record<string, (...args: unknown[]) => Promise<unknown>> = Object.create(null);
	for (const method of Object.keys(list) as (keyof Api & string)[]) {
		api[method] = (...args: unknown[]) => invoke(method, args);
	}
	return api as unknown as Api;
}

/** The worker's side of `Api`: each call `(requestId, ...args)` becomes `serve(method, id, args)`. */
export function deriveWire<Api extends Record<keyof Api, AnyFn>>(
	list: Readonly<Record<keyof Api & string, CallSpec>>,
	serve: (method: keyof Api & string, requestId: number, args: unknown[]) => Promise<unknown>
): Wire<Api> {
	const wire: Record<string, (id: number, ...args: unknown[]) => Promise<unknown>> =
		Object.create(null);
	for (const method of Object.keys(list) as (keyof Api & string)[]) {
		const spec: CallSpec = list[method];
		wire[method] = async (id: number, ...args: unknown[]) => {
			const result = await serve(method, id, args);
			const field = spec.transfer;
			if (!field || typeof result !== 'object' || result === null) return result;
			const bytes = (result as Record<string, unknown>)[field];
			return bytes instanceof Uint8Array
				? Comlink.transfer(result, [bytes.buffer as ArrayBuffer])
				: result;
		};
	}
	return wire as unknown as Wire<Api>;
}
