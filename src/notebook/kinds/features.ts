/** Features: per-customer features from a table, by a recipe the user can read and change. */
import { FEATURES_TABLE } from '../../sql/features.sql';
import { newFeaturesCell } from '../model';
import { freeName, featuresTable, matrixTable } from './outputs';
import type { CellKindDef } from './kind';

export const features: CellKindDef<'features'> = {
	kind: 'features',
	verb: 'Building features…',
	create: ({ tables, taken }) => {
		const output = freeName(FEATURES_TABLE, taken);
		return { ...newFeaturesCell(tables[0]?.name ?? ''), output };
	},
	reads: (cell) => [cell.table, ...(cell.recipe?.customers ? [cell.recipe.customers.table] : [])],
	writes: (cell) => {
		const table = featuresTable(cell);
		return [table, matrixTable(table)];
	},
	run: async (cell, ctx) => {
		let suggestion = ctx.run(cell.id).suggestion;
		let recipe = cell.recipe;
		if (!suggestion || suggestion.recipe.source !== cell.table) {
			// The suggestion lists the candidates; a recipe the user already has is kept.
			suggestion = await ctx.engine.suggestRecipe(cell.table);
			ctx.show(cell.id, { suggestion });
			if (!recipe || recipe.source !== cell.table) {
				recipe = suggestion.recipe;
				ctx.update(cell.id, { recipe });
			}
		}
		if (!recipe) throw new Error('Choose the columns of the recipe first.');
		const table = featuresTable(cell);
		const report = await ctx.engine.buildFeatures(recipe, {
			features: table,
			matrix: matrixTable(table)
		});
		await ctx.refreshTables();
		return {
			patch: { features: report, suggestion },
			message: `Features ready: ${report.customers.toLocaleString('en')} customers × ${recipe.selected.length} features in ${Math.round(report.ms)} ms.`
		};
	}
};
