/** The schema's issues (schema.ts) as one plain sentence each, naming the cell and the field. */
import type * as v from 'valibot';
import { isRecord } from './migrations';
import { KIND_LABELS } from './model';

const SHOWN_CHARS = 40;

/** Hostile input can put a megabyte into a key or value: messages quote only the start. */
function shorten(s: string): string {
	return s.length > SHOWN_CHARS ? `${s.slice(0, SHOWN_CHARS)}…` : s;
}

export function quoted(value: unknown): string {
	return typeof value === 'string' ? `"${shorten(value)}"` : shorten(String(value));
}

/** A valibot `expected` such as `("a" | "b")` as `"a", "b"`. */
function choices(expected: string | null): string {
	return (expected ?? '')
		.replace(/^\((.*)\)$/s, '$1')
		.split(' | ')
		.join(', ');
}

const KNOWN_KINDS: ReadonlySet<unknown> = new Set(Object.keys(KIND_LABELS));

/** `recipe.transforms.log1p #3` from path keys (list positions counted from 1, like cells). */
function fieldName(keys: readonly unknown[]): string {
	let out = '';
	for (const key of keys) {
		if (typeof key === 'number') out += ` #${key + 1}`;
		else out += out === '' ? String(key) : `.${String(key)}`;
	}
	return out.trim();
}

/** What went wrong with the value `subject` names, as a sentence without its cell prefix. */
function problem(issue: v.BaseIssue<unknown>, subject: string): string {
	const got = issue.received === 'undefined' ? 'nothing' : shorten(issue.received);
	if (issue.kind === 'validation') return `${subject} ${issue.message}`;
	switch (issue.type) {
		case 'string':
			return `${subject} must be text (got ${got})`;
		case 'number':
			return `${subject} must be a number (got ${got})`;
		case 'array':
			return `${subject} must be a list (got ${got})`;
		case 'strict_object':
			return `${subject} must be an object (got ${got})`;
		case 'variant':
			// Either the cell is not an object, or its kind is not one of ours.
			return issue.expected === 'Object'
				? `${subject} must be an object (got ${got})`
				: `${subject} must be one of ${choices(issue.expected)} (got ${quoted(issue.input)})`;
		case 'strict_tuple':
			return `${subject} must be a pair [low, high]`;
		case 'picklist':
		case 'literal':
			return `${subject} must be one of ${choices(issue.expected)} (got ${quoted(issue.input)})`;
		default:
			return `${subject}: expected ${issue.expected ?? 'something else'}, got ${got}`;
	}
}

/** The first issue as one plain sentence, prefixed with the cell it is in. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
	const path = issue.path ?? [];
	const keys = path.map((item) => item.key);
	let where = '';
	let whole = 'the notebook';
	let rest = keys;
	if (keys[0] === 'cells' && typeof keys[1] === 'number') {
		const cell = path[1]?.value;
		const kind = isRecord(cell) ? cell['kind'] : undefined;
		where = `cell ${keys[1] + 1}${KNOWN_KINDS.has(kind) ? ` (${String(kind)})` : ''}: `;
		whole = 'the cell';
		rest = keys.slice(2);
	}
	if (issue.type === 'strict_object' && issue.kind === 'schema' && path.length > 0) {
		// Key issues carry the offending key as the last path item.
		const key = keys[keys.length - 1];
		if (issue.expected === 'never') {
			const owner = fieldName(rest.slice(0, -1));
			return `${where}${owner === '' ? whole : owner} has an unknown field ${quoted(key)}`;
		}
		if (issue.received === 'undefined') return `${where}${fieldName(rest)} is missing`;
	}
	// A tuple's extra item is reported at that item; the problem is the tuple's length.
	if (issue.type === 'strict_tuple' && issue.expected === 'never') rest = rest.slice(0, -1);
	const field = fieldName(rest);
	return `${where}${problem(issue, field === '' ? whole : field)}`;
}
