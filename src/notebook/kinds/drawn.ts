/**
 * The kinds that run nothing in the engine on their own: Notes (markdown), Chart (draws a
 * table; its rows come through the notebook's latest-wins fetch) and the step-through k-means
 * (draws on the page from a sample of the model matrix).
 */
import { newChartCell, newNotesCell, newStepperCell } from '../model';
import { above, featuresTable, matrixTable } from './outputs';
import type { CellKindDef } from './kind';

export const notes: CellKindDef<'notes'> = {
	kind: 'notes',
	verb: '',
	create: () => newNotesCell('Write a note here.'),
	reads: () => [],
	writes: () => [],
	run: null
};

export const chart: CellKindDef<'chart'> = {
	kind: 'chart',
	verb: '',
	create: ({ tables }) => newChartCell(tables[0]?.name ?? ''),
	reads: (cell) => (cell.source ? [cell.source] : []),
	writes: () => [],
	run: null
};

export const stepper: CellKindDef<'stepper'> = {
	kind: 'stepper',
	verb: '',
	create: () => newStepperCell(),
	reads: (cell, { cells }) => {
		const features = above(cells, cell.id, 'features');
		return features ? [matrixTable(featuresTable(features))] : [];
	},
	writes: () => [],
	run: null
};
