/**
 * The document's actions as the components call them: add, duplicate, move and delete cells,
 * edit each kind's parameters, undo and redo. Each edit is a pure transition (model.ts) and
 * tells the runner, so exactly its dependents go stale. The façade (Notebook.svelte.ts)
 * extends this class and holds the document as Svelte state.
 */
import type { FeatureRecipe, RfmCutoffs, RfmRule, TableInfo } from '../engine/api';
import { asEngineError } from '../engine/errors';
import { History } from './history';
import { createCell } from './kinds';
import { segmentRefOf } from './kinds/outputs';
import * as model from './model';
import type { Cell, CellId, CellKind, Notebook, PersonaEdit } from './model';
import type { NotebookPorts } from './ports';
import type { Runner } from './runner';

export const newHistory = (): History<Notebook> =>
	new History<Notebook>({ limit: 100, groupMs: 800, now: () => Date.now() });

export abstract class NotebookEditing {
	abstract get doc(): Notebook;
	abstract set doc(next: Notebook);
	abstract readonly ports: NotebookPorts;
	abstract readonly runner: Runner;
	abstract tables: TableInfo[];
	protected abstract history: History<Notebook>;
	abstract alert(message: string): void;
	protected abstract say(message: string): void;
	/** Put back a document from history (no new undo step). */
	protected abstract restore(doc: Notebook): void;

	get canUndo(): boolean {
		return this.history.canUndo;
	}

	get canRedo(): boolean {
		return this.history.canRedo;
	}

	undo(): void {
		this.#replace(this.history.undo(this.doc));
	}

	redo(): void {
		this.#replace(this.history.redo(this.doc));
	}

	#replace(doc: Notebook | null): void {
		if (!doc) return;
		this.restore(doc);
		// Results may no longer match the cells: stale until re-run.
		this.runner.markAllStale();
	}

	/** A change that is one step of undo on its own, never grouped with typing around it. */
	#step(next: Notebook): void {
		this.history.step();
		this.doc = next;
		this.history.step();
	}

	protected edit<C extends Cell>(
		id: CellId,
		patch: Partial<Omit<C, 'id' | 'kind'>>,
		stale = true
	): void {
		this.doc = model.updateCell<C>(this.doc, id, patch);
		if (stale) this.runner.edited(id);
	}

	addCell(kind: CellKind, after?: CellId): CellId {
		// A Data cell comes from loading data: "Add cell → Data" starts a SQL cell instead.
		const cell = createCell(kind === 'data' ? 'sql' : kind, {
			cells: this.doc.cells,
			tables: this.tables
		});
		const index = after
			? this.doc.cells.findIndex((c) => c.id === after) + 1
			: this.doc.cells.length;
		this.doc = model.addCell(this.doc, cell, index);
		return cell.id;
	}

	/** A copy right below; not for Data cells (a table is loaded once). The copy's id. */
	duplicateCell(id: CellId): CellId | null {
		const index = this.doc.cells.findIndex((c) => c.id === id);
		const cell = this.doc.cells[index];
		if (!cell || cell.kind === 'data') return null;
		const copy = { ...structuredClone(cell), id: model.newCellId() };
		this.#step(model.addCell(this.doc, copy, index + 1));
		return copy.id;
	}

	/** Undo brings a deleted cell back, so its results are kept until the notebook closes. */
	removeCell(id: CellId): void {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (!cell) return;
		this.#step(model.removeCell(this.doc, id));
		this.say(`Deleted a ${model.KIND_LABELS[cell.kind]} cell. Undo (Ctrl+Z) brings it back.`);
	}

	moveCell(id: CellId, delta: number): void {
		this.#step(model.moveCell(this.doc, id, delta));
	}

	setTitle(title: string): void {
		this.doc = { ...this.doc, title: title.slice(0, 200) || 'Untitled notebook' };
	}

	updateSql(
		id: CellId,
		patch: Partial<Pick<model.SqlCell, 'sql' | 'resultName' | 'budgetSeconds'>>
	): void {
		this.edit(id, patch);
	}

	updateNotes(id: CellId, markdown: string): void {
		this.edit(id, { markdown }, false);
	}

	updateStepper(id: CellId, patch: Partial<Omit<model.StepperCell, 'id' | 'kind'>>): void {
		this.edit(id, patch, false);
	}

	updateChart(id: CellId, patch: Partial<Omit<model.ChartCell, 'id' | 'kind'>>): void {
		this.edit(id, patch, false);
	}

	/** New periods (split date, null = halfway; or a quarter): stale until it runs again. */
	updateCompare(id: CellId, patch: Partial<Pick<model.CompareCell, 'split' | 'quarter'>>): void {
		this.edit(id, patch);
	}

	updateRecipe(id: CellId, recipe: FeatureRecipe): void {
		this.edit<model.FeaturesCell>(id, { recipe });
	}

	updateSegments(id: CellId, patch: Partial<Pick<model.SegmentsCell, 'k' | 'seed'>>): void {
		this.edit(id, patch);
	}

	editPersona(id: CellId, edit: PersonaEdit): void {
		const cell = this.doc.cells.find((c) => c.id === id);
		if (cell?.kind !== 'personas') return;
		const edits = [...cell.edits.filter((e) => e.segment !== edit.segment), edit];
		this.edit<model.PersonasCell>(id, { edits }, false);
	}

	setMinShare(id: CellId, minShare: number): void {
		this.edit<model.PersonasCell>(id, { minShare }, false);
	}

	/** Change the R × FM map and regroup at once (no need to re-run k-means). */
	setRfmRules(id: CellId, rules: RfmRule[] | null): Promise<void> {
		this.edit<model.SegmentsCell>(id, { rfmRules: rules }, false);
		return this.#regroup(id);
	}

	/** Set the RFM scores' cut-offs (null: back to quintiles) and regroup at once. */
	setRfmCutoffs(id: CellId, cutoffs: RfmCutoffs | null): Promise<void> {
		this.edit<model.SegmentsCell>(id, { rfmCutoffs: cutoffs }, false);
		return this.#regroup(id);
	}

	async #regroup(id: CellId): Promise<void> {
		const cell = this.doc.cells.find((c) => c.id === id);
		const ref = segmentRefOf(this.doc.cells, id);
		if (cell?.kind !== 'segments' || !ref || !this.runner.run(id).rfm) return;
		try {
			const rfm = await this.ports.engine.rfm(
				ref,
				cell.rfmRules ?? undefined,
				cell.rfmCutoffs ?? undefined
			);
			this.runner.set(id, { rfm });
		} catch (e) {
			this.alert(`Could not regroup: ${asEngineError(e).message}`);
		}
	}

	lookUpCustomer(id: CellId, key: string): void {
		this.edit<model.CustomerCell>(id, { key }, false);
		void this.runner.runCell(id);
	}

	/** Customer keys starting with `prefix`, from the segments the Customer cell builds on. */
	customerKeys(prefix: string, id?: CellId): Promise<string[]> {
		const customer = id ?? this.doc.cells.find((c) => c.kind === 'customer')?.id;
		const ref = customer ? segmentRefOf(this.doc.cells, customer) : null;
		return ref ? this.ports.engine.customerKeys(ref, prefix).catch(() => []) : Promise.resolve([]);
	}

	/** The persona names in force: the user's edits over the generated names. */
	personaNames(): Map<number, { name: string; description: string }> {
		const names = new Map<number, { name: string; description: string }>();
		for (const cell of this.doc.cells) {
			if (cell.kind !== 'personas') continue;
			for (const p of this.runner.run(cell.id).personas?.personas ?? []) {
				names.set(p.segment, { name: p.name, description: p.description });
			}
			for (const e of cell.edits)
				names.set(e.segment, { name: e.name, description: e.description });
		}
		return names;
	}
}
