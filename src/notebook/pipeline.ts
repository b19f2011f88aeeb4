/**
 * The standard pipeline, proposed when data arrives: a transaction-like table (or a
 * customer-level one) gets Features → Segments → Personas at once, run with the detected
 * settings and every step open to editing. Also the first SQL cell to start from.
 */
import type { RecipeSuggestion } from '../engine/api';
import { createCell } from './kinds';
import { addCell, newSqlCell, starterSql, type Cell, type Notebook } from './model';
import type { EnginePort } from './ports';
import type { Runner } from './runner';

export interface ProposalOptions {
	engine: EnginePort;
	runner: Runner;
	doc(): Notebook;
	setDoc(next: Notebook): void;
}

/** The best recipe any of `tables` offers: order lines over one row per customer. */
async function bestSuggestion(
	engine: EnginePort,
	tables: readonly string[]
): Promise<RecipeSuggestion | null> {
	let best: RecipeSuggestion | null = null;
	for (const table of tables) {
		try {
			const suggestion = await engine.suggestRecipe(table);
			const better =
				!best || (best.recipe.grain === 'customers' && suggestion.recipe.grain === 'transactions');
			if (better) best = suggestion;
		} catch {
			// Not segmentable on its own (no key): the user can still add a Features cell.
		}
	}
	return best;
}

/**
 * Add and run the pipeline for newly loaded `tables`, unless the notebook already has one.
 * Returns whether it did.
 */
export async function proposePipeline(
	o: ProposalOptions,
	tables: readonly string[]
): Promise<boolean> {
	if (tables.length === 0 || o.doc().cells.some((c) => c.kind === 'features')) return false;
	const best = await bestSuggestion(o.engine, tables);
	if (!best) return false;
	const context = () => ({ cells: o.doc().cells, tables: [] });
	const features = {
		...createCell('features', context()),
		table: best.recipe.source,
		recipe: best.recipe
	} as Cell;
	o.setDoc(addCell(o.doc(), features));
	const segments = createCell('segments', context());
	o.setDoc(addCell(o.doc(), segments));
	const personas = createCell('personas', context());
	o.setDoc(addCell(o.doc(), personas));
	o.runner.set(features.id, { suggestion: best });
	await o.runner.runBatch([features.id, segments.id, personas.id]);
	return true;
}

/** A first SQL cell to start from, once there is data. */
export function withStarterSql(doc: Notebook): Notebook {
	const first = doc.cells.find((c) => c.kind === 'data');
	if (first?.kind !== 'data' || doc.cells.some((c) => c.kind === 'sql')) return doc;
	return addCell(doc, newSqlCell(starterSql(first.table)));
}
