/**
 * CodeMirror 6 set up for a SQL cell, in its own chunk: CodeEditor.svelte imports this module
 * only when an editor is shown, so CodeMirror stays out of the app's first download.
 */
import { basicSetup } from 'codemirror';
import { HighlightStyle, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView, keymap } from '@codemirror/view';
import { Compartment, EditorState } from '@codemirror/state';
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import type { TableInfo } from '../../engine/api';

export interface SqlEditor {
	/** Completion of these tables' and columns' names. */
	setTables(list: TableInfo[]): void;
	/** Replaces the text when it differs (a restored notebook); typing does not loop back. */
	setValue(value: string): void;
	destroy(): void;
}

/**
 * CodeMirror's default colours with the three that fail WCAG AA on white made darker
 * (escapes and regexes #e40 3.8:1, invalid #f00 4.0:1, types #085 4.5:1 on the active line).
 */
const DARKER: Record<string, string> = { '#e40': '#b83200', '#f00': '#c00', '#085': '#07693f' };
const READABLE = HighlightStyle.define(
	defaultHighlightStyle.specs.map((spec) => {
		const colour = typeof spec.color === 'string' ? DARKER[spec.color] : undefined;
		return colour ? { ...spec, color: colour } : spec;
	})
);

function languageFor(list: TableInfo[]) {
	const schema: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
	for (const t of list) schema[t.name] = t.columns.map((c) => c.name);
	return sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true });
}

export function createSqlEditor(
	parent: HTMLElement,
	doc: string,
	options: {
		label: string;
		onchange: (value: string) => void;
		onrun: () => void;
		/** The notebook's cap for this text: a longer edit is refused whole (onrefused). */
		maxLength: number;
		onrefused: () => void;
	}
): SqlEditor {
	const language = new Compartment();
	const view = new EditorView({
		parent,
		state: EditorState.create({
			doc,
			extensions: [
				keymap.of([
					{
						key: 'Shift-Enter',
						preventDefault: true,
						run: () => {
							options.onrun();
							return true;
						}
					}
				]),
				basicSetup,
				syntaxHighlighting(READABLE),
				language.of(languageFor([])),
				EditorView.contentAttributes.of({ 'aria-label': options.label }),
				// Typing or pasting past the cap is refused whole, and said so.
				EditorState.transactionFilter.of((tr) => {
					if (
						tr.docChanged &&
						tr.newDoc.length > options.maxLength &&
						tr.newDoc.length > tr.startState.doc.length
					) {
						options.onrefused();
						return [];
					}
					return tr;
				}),
				EditorView.updateListener.of((u) => {
					if (u.docChanged) options.onchange(u.state.doc.toString());
				})
			]
		})
	});
	return {
		setTables: (list) => view.dispatch({ effects: language.reconfigure(languageFor(list)) }),
		setValue: (value) => {
			const current = view.state.doc.toString();
			if (current !== value) {
				view.dispatch({ changes: { from: 0, to: current.length, insert: value } });
			}
		},
		destroy: () => view.destroy()
	};
}
