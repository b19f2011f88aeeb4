/**
 * Untrusted input to plain data: JSON parsed without prototype keys, and any value copied to
 * fresh plain objects, arrays and primitives before the schema (schema.ts) reads it. A link or
 * a notebook file is written by whoever sent it (RELIABILITY.md T7, case 12).
 */

/** Keys that can reach an object's prototype when copied or merged (T7). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
	'__proto__',
	'constructor',
	'prototype'
]);

/**
 * JSON.parse that drops `__proto__`, `constructor` and `prototype` keys at every depth.
 *
 * JSON.parse itself does not pollute (it defines `__proto__` as an own key), but that own key
 * pollutes later, as soon as anything spreads, `Object.assign`s or deep-merges the result.
 * Returning undefined from the reviver deletes the key. Throws like JSON.parse (SyntaxError, or
 * RangeError for absurdly deep nesting): callers turn that into a message.
 */
export function safeJsonParse(text: string): unknown {
	return JSON.parse(text, (key: string, value: unknown) =>
		FORBIDDEN_KEYS.has(key) ? undefined : value
	);
}

/** Deeper than any valid notebook (root → cells → cell → recipe → transforms → winsorise). */
const MAX_DEPTH = 16;
/** More items than any capped list may hold, so a bigger array is never worth copying. */
const MAX_ARRAY_ITEMS = 100_000;

export class NotPlainData extends Error {}

/**
 * A fresh copy holding only JSON-like data: plain objects (own, enumerable data properties),
 * arrays and primitives. The schema reads keys with `in`, which would also see inherited
 * properties, and iterates with `for … in`; the copy leaves it nothing inherited to see.
 */
export function toPlain(value: unknown, depth: number): unknown {
	if (value === null || typeof value !== 'object') {
		if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
			throw new NotPlainData('contains a value that is not plain data');
		}
		return value;
	}
	if (depth > MAX_DEPTH) throw new NotPlainData('is nested too deeply');
	if (Array.isArray(value)) {
		if (value.length > MAX_ARRAY_ITEMS) throw new NotPlainData('contains a list that is too long');
		const out: unknown[] = [];
		for (let i = 0; i < value.length; i++) out.push(toPlain(value[i], depth + 1));
		return out;
	}
	const proto: unknown = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== null) {
		throw new NotPlainData('contains an object that is not plain data');
	}
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(value)) {
		if (FORBIDDEN_KEYS.has(key)) continue;
		const descriptor = Object.getOwnPropertyDescriptor(value, key);
		if (!descriptor || !('value' in descriptor)) {
			throw new NotPlainData('contains a computed property');
		}
		out[key] = toPlain(descriptor.value, depth + 1);
	}
	return out;
}
