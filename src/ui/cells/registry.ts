/**
 * Each cell kind's component, checked exhaustive by TypeScript: the UI side of the kinds
 * registry (src/notebook/kinds/). Adding a kind adds its component here.
 */
import type { Component } from 'svelte';
import type { CellOf } from '../../notebook/kinds/kind';
import type { CellKind } from '../../notebook/model';
import type { NotebookState } from '../../notebook/Notebook.svelte';
import AnswerCell from './AnswerCell.svelte';
import ChartCell from './ChartCell.svelte';
import CompareCell from './CompareCell.svelte';
import CustomerCell from './CustomerCell.svelte';
import DataCell from './DataCell.svelte';
import FeaturesCell from './FeaturesCell.svelte';
import NotesCell from './NotesCell.svelte';
import PersonasCell from './PersonasCell.svelte';
import SegmentsCell from './SegmentsCell.svelte';
import SqlCell from './SqlCell.svelte';
import StepperCell from './StepperCell.svelte';

export type CellProps<K extends CellKind> = { cell: CellOf<K>; nb: NotebookState; index: number };

export const CELL_COMPONENTS: { readonly [K in CellKind]: Component<CellProps<K>> } = {
	data: DataCell,
	sql: SqlCell,
	notes: NotesCell,
	features: FeaturesCell,
	segments: SegmentsCell,
	personas: PersonasCell,
	customer: CustomerCell,
	chart: ChartCell,
	compare: CompareCell,
	stepper: StepperCell,
	answer: AnswerCell
};
