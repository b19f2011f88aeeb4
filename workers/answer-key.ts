/**
 * The classroom reveal, in the worker: the generated sample's planted personas (hidden table
 * `_answer_key`) against the segments found, and the same k and seed re-run on other feature
 * choices, so a class sees what log, scaling and the choice of features do to the result.
 */
import type { AnswerKeyReport, SegmentRef } from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { kmeans } from '../src/cluster/kmeans';
import { CancelledError, ClusterInputError } from '../src/cluster/matrix';
import { confusion } from '../src/segment/answer-key';
import { matrixSql, type FeatureRecipe } from '../src/sql/features.sql';
import { ident } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';
import { tableExists } from './tables';
import { keyOf, loadMatrix, type PipelineContext } from './segment';
import { loadKernel } from './kernel';

export const ANSWER_KEY_TABLE = '_answer_key';

/** The variations a class compares, each as a change to the recipe the notebook uses. */
function variations(recipe: FeatureRecipe): { label: string; recipe: FeatureRecipe }[] {
	const t = recipe.transforms;
	const out = [{ label: 'As in the Features cell', recipe }];
	if (t.log1p.length > 0 || t.scale !== 'none' || t.winsorise) {
		out.push({
			label: 'Raw units: no log, no clipping, no scaling',
			recipe: { ...recipe, transforms: { log1p: [], winsorise: null, scale: 'none' } }
		});
	}
	if (t.log1p.length > 0) {
		out.push({
			label: 'Scaled, but without the log',
			recipe: {
				...recipe,
				transforms: { ...t, log1p: [], scale: t.scale === 'none' ? 'zscore' : t.scale }
			}
		});
	}
	const rf = recipe.selected.filter((f) => f === 'recency_days' || f === 'frequency');
	if (rf.length === 2 && recipe.selected.length > 2) {
		out.push({ label: 'Recency and frequency only', recipe: { ...recipe, selected: rf } });
	}
	if (recipe.selected.includes('monetary') && recipe.selected.length > 1) {
		out.push({ label: 'Spend only', recipe: { ...recipe, selected: ['monetary'] } });
	}
	return out;
}

export async function answerKey(
	db: Db,
	ctx: PipelineContext,
	ref: SegmentRef,
	seed: number
): Promise<AnswerKeyReport> {
	const started = performance.now();
	if (!(await tableExists(db, ANSWER_KEY_TABLE))) {
		throw new EngineError(
			'sql',
			'There is no answer key: only the generated sample (Load sample data) has planted personas to compare with.'
		);
	}
	if (!(await tableExists(db, ref.segments))) {
		throw new EngineError('sql', 'Segment the customers first (run the Segments cell).');
	}
	const keyColumn = keyOf(ref.recipe);
	const key = ident(keyColumn);
	const segmentsTable = ident(ref.segments);
	const scratch = `segbook_variant_${ref.segments}`;
	const k = Number(await queryValue(db, `SELECT count(DISTINCT segment) FROM ${segmentsTable}`));
	const truth = new Map<string, string>();
	for (const [customer, persona] of await queryRows(
		db,
		`SELECT customer_id::VARCHAR, persona::VARCHAR FROM ${ANSWER_KEY_TABLE}`
	)) {
		truth.set(String(customer), String(persona));
	}
	const found = await queryRows(db, `SELECT ${key}::VARCHAR, segment FROM ${segmentsTable}`);
	const personas: string[] = [];
	const segments: number[] = [];
	for (const [customer, segment] of found) {
		const persona = truth.get(String(customer));
		if (persona === undefined) continue;
		personas.push(persona);
		segments.push(Number(segment));
	}
	if (personas.length === 0) {
		throw new EngineError(
			'sql',
			'None of the segmented customers are in the answer key: the segments were not made from the sample’s customer ids.'
		);
	}
	const table = confusion(personas, segments);

	const experiments: AnswerKeyReport['experiments'] = [];
	for (const variation of variations(ref.recipe)) {
		if (variation.recipe === ref.recipe) {
			// The segments already found, not a re-fit: the headline figure and this row agree.
			experiments.push({
				label: variation.label,
				features: variation.recipe.selected,
				transforms: variation.recipe.transforms,
				ari: table.ari
			});
			continue;
		}
		await db.run(matrixSql(variation.recipe, keyColumn, scratch, ref.features));
		try {
			const loaded = await loadMatrix(db, scratch);
			const { matrix } = loaded;
			const fit = kmeans(matrix, {
				k: Math.min(k, matrix.n),
				seed,
				restarts: 4,
				shouldStop: () => ctx.cancelled,
				kernel: await loadKernel()
			});
			const planted: string[] = [];
			const labels: number[] = [];
			loaded.keys().forEach((customer, i) => {
				const persona = truth.get(customer);
				if (persona === undefined) return;
				planted.push(persona);
				labels.push(fit.labels[i]!);
			});
			experiments.push({
				label: variation.label,
				features: variation.recipe.selected,
				transforms: variation.recipe.transforms,
				ari: confusion(planted, labels).ari
			});
		} catch (e) {
			if (e instanceof CancelledError) throw new EngineError('cancelled', 'Cancelled.');
			if (!(e instanceof ClusterInputError)) throw e;
		} finally {
			await db.run(`DROP TABLE IF EXISTS ${ident(scratch)}`);
		}
	}
	return {
		...table,
		k,
		seed,
		experiments,
		ms: performance.now() - started
	};
}
