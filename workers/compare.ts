/**
 * Compare: how customers move between segments over time.
 *
 *   1. split the order history at a date (default: the first midnight at or before halfway)
 *   2. each period's features with the current recipe, as of the period's end (featureSql)
 *   3. each period's model matrix with the fit's own statistics (periodMatrixSql)
 *   4. both periods assigned to the nearest centroid of the ref's segmentation (the means of
 *      the segments' members in its model matrix), so the segments are the same ones
 *   5. table `options.output` (default segment_changes: key, segment, segment_before,
 *      segment_after; NULL = no orders in that period), the migration matrix, per-period KPIs
 *      and each segment's drift
 *
 * Scratch tables start with `segbook_compare_`, carry the output's name, and are dropped at the end.
 */
import type {
	CompareFlow,
	CompareKpis,
	CompareOptions,
	ComparePeriod,
	CompareReport,
	MigrationCell,
	SegmentDrift,
	SegmentRef
} from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { periodLinesSql, periodMatrixSql } from '../src/sql/compare.sql';
import { featureSql, finiteExpr, keyColumnOf, timestampExpr } from '../src/sql/features.sql';
import { ident } from '../src/sql/sql';
import { queryRows, queryValue, type Db } from './db';
import { allCategories, type PipelineContext } from './segment';
import { describeTable, tableExists } from './tables';

const DAY_MS = 86_400_000;
const SPLIT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A Compare's scratch tables, named after its output so two Compare cells never share one. */
function scratchNames(output: string) {
	const base = `segbook_compare_${output}`;
	return {
		lines: `${base}_lines`,
		centroids: `${base}_centroids`,
		features: (i: number): string => `${base}_features_${i}`,
		matrix: (i: number): string => `${base}_matrix_${i}`,
		assigned: (i: number): string => `${base}_assigned_${i}`
	};
}
/** Flows listed in the report, largest first. */
const FLOWS = 5;

const num = (v: unknown): number | null => {
	const n = typeof v === 'bigint' ? Number(v) : v;
	return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** Epoch ms → `YYYY-MM-DD HH:MM:SS` (UTC, as DuckDB's TIMESTAMP reads it). */
export function stamp(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const day = (ms: number): string => stamp(ms).slice(0, 10);

/** `2025-01-01` → epoch ms of its midnight (UTC), or null for anything else. */
/**
 * `2025-Q4` → [start of the quarter before, start of the quarter, start of the next one] in
 * epoch ms (UTC), or null for anything else.
 */
export function parseQuarter(text: string): [number, number, number] | null {
	const m = /^(\d{4})-Q([1-4])$/.exec(text.trim());
	if (!m) return null;
	const year = Number(m[1]);
	const q = Number(m[2]) - 1;
	return [Date.UTC(year, q * 3 - 3, 1), Date.UTC(year, q * 3, 1), Date.UTC(year, q * 3 + 3, 1)];
}

export function parseSplit(text: string): number | null {
	const m = SPLIT_PATTERN.exec(text);
	if (!m) return null;
	const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
	// Date.UTC rolls 2025-02-30 over to March: refuse dates that do not exist.
	return stamp(ms).slice(0, 10) === text ? ms : null;
}

async function dropScratch(db: Db, names: ReturnType<typeof scratchNames>): Promise<void> {
	await db.run(`DROP VIEW IF EXISTS ${ident(names.lines)}`);
	const tables = [1, 2].flatMap((i) => [names.features(i), names.matrix(i), names.assigned(i)]);
	for (const t of [names.centroids, ...tables]) {
		await db.run(`DROP TABLE IF EXISTS ${ident(t)}`);
	}
}

export async function compare(
	db: Db,
	ctx: PipelineContext,
	ref: SegmentRef,
	options: CompareOptions & { output: string }
): Promise<CompareReport> {
	const started = performance.now();
	const recipe = ref.recipe;
	const keyColumn = keyColumnOf(recipe);
	const changes = options.output;
	const names = scratchNames(options.output);
	const lines = ident(names.lines);
	const centroids = ident(names.centroids);
	const features = (i: number): string => ident(names.features(i));
	const matrix = (i: number): string => ident(names.matrix(i));
	const assigned = (i: number): string => ident(names.assigned(i));
	const segmentsTable = ident(ref.segments);
	const matrixTable = ident(ref.matrix);
	if (!keyColumn || !(await tableExists(db, ref.segments))) {
		throw new EngineError(
			'sql',
			'There is no segmentation yet: run the Features and Segments cells first, then Compare.'
		);
	}
	const column = recipe.roles.timestamp;
	if (recipe.grain !== 'transactions' || !column) {
		throw new EngineError(
			'sql',
			`Compare needs order dates, and ${recipe.source} has no date column in the recipe. Choose the order date column in the Features cell${recipe.grain === 'customers' ? ' (a file with one row per customer has no history to split)' : ''}.`
		);
	}
	const key = ident(keyColumn);
	const model = Number(await queryValue(db, `SELECT count(*) FROM ${matrixTable}`));
	const segmented = Number(await queryValue(db, `SELECT count(*) FROM ${segmentsTable}`));
	const joined = Number(
		await queryValue(db, `SELECT count(*) FROM ${segmentsTable} JOIN ${matrixTable} USING (${key})`)
	);
	if (joined === 0 || joined !== segmented || joined !== model) {
		throw new EngineError(
			'sql',
			'The segments do not match the current features: run the Segments cell again, then Compare.'
		);
	}

	const types = Object.fromEntries(
		(await describeTable(db, recipe.source)).map((c) => [c.name, c.type])
	);
	if (!(column in types)) {
		throw new EngineError('sql', `${recipe.source} has no column “${column}” (the order date).`);
	}
	const ts = timestampExpr(column, types[column] ?? 'VARCHAR');
	const [lo, hi] =
		(
			await queryRows(
				db,
				`SELECT epoch_ms(min(${ts})), epoch_ms(max(${ts})) FROM ${ident(recipe.source)}`
			)
		)[0] ?? [];
	const first = num(lo);
	const last = num(hi);
	if (first === null || last === null) {
		throw new EngineError(
			'sql',
			`No order dates could be read in ${column}: set its type to TIMESTAMP or DATE in the Data cell.`
		);
	}

	let split: number;
	/** Quarter mode: where the first period starts and the second ends (else the data's ends). */
	let from1: number | null = null;
	let to2: number | null = null;
	const quarter = options.quarter ? parseQuarter(options.quarter) : null;
	if (options.quarter && !quarter) {
		throw new EngineError(
			'sql',
			`“${options.quarter}” is not a quarter: write it as YYYY-Qn, e.g. 2025-Q4.`
		);
	}
	if (quarter) {
		[from1, split, to2] = quarter;
		if (from1 < Math.floor(first / DAY_MS) * DAY_MS) {
			throw new EngineError(
				'sql',
				`The quarter before ${options.quarter} starts on ${day(from1)}, before the first order (${day(first)}): choose a later quarter.`
			);
		}
		if (split <= first || split > last) {
			throw new EngineError(
				'sql',
				`${options.quarter} is outside the data, whose orders run from ${day(first)} to ${day(last)}.`
			);
		}
	} else if (options.split === null) {
		const mid = first + (last - first) / 2;
		split = Math.floor(mid / DAY_MS) * DAY_MS;
		if (split <= first) split = Math.floor(mid / 1000) * 1000;
	} else {
		const parsed = parseSplit(options.split);
		if (parsed === null) {
			throw new EngineError(
				'sql',
				`“${options.split}” is not a date: write the split date as YYYY-MM-DD, e.g. 2025-01-01.`
			);
		}
		split = parsed;
	}
	if (split <= first || split > last) {
		throw new EngineError(
			'sql',
			`The split date ${day(split)} is outside the data, whose orders run from ${day(first)} to ${day(last)}. Choose a date after ${day(first)} and up to ${day(last)}.`
		);
	}
	const asOf = recipe.asOf ? parseSplit(recipe.asOf.slice(0, 10)) : null;
	// The second period ends at the reference date, or with the quarter (or the data) in quarter mode.
	const end = to2 !== null ? Math.min(to2, asOf ?? last) : (asOf ?? last);
	if (end <= split) {
		throw new EngineError(
			'sql',
			`The features are measured as of ${recipe.asOf ?? day(last)}, which is not after the split date ${day(split)}. Choose an earlier split date or a later reference date in the Features cell.`
		);
	}

	const splitText = stamp(split);
	// The whole history the segments were fitted on, for scaling a period's totals.
	const whole = (asOf ?? last) - first;
	const periods: ComparePeriod[] = [];
	const categories = await allCategories(db, ctx, recipe);
	try {
		// 1–3: each period's features and matrix.
		for (const i of [1, 2]) {
			await db.run(
				periodLinesSql(
					names.lines,
					recipe.source,
					ts,
					i === 1 ? (from1 === null ? null : stamp(from1)) : splitText,
					i === 1 ? splitText : to2 === null ? null : stamp(to2)
				)
			);
			const periodRecipe = {
				...recipe,
				source: names.lines,
				asOf: i === 1 ? splitText : to2 === null ? recipe.asOf : stamp(end)
			};
			await db.run(featureSql(periodRecipe, categories, types, names.features(i)));
			const [orders, active] =
				(
					await queryRows(
						db,
						`SELECT coalesce(sum(frequency), 0)::DOUBLE, count(*) FILTER (WHERE frequency > 0 AND ${key} IN (SELECT ${key} FROM ${segmentsTable}))
						 FROM ${features(i)}`
					)
				)[0] ?? [];
			if (!num(orders)) {
				throw new EngineError(
					'sql',
					i === 1
						? `There are no orders before ${day(split)}, so the first period is empty. Choose a later split date.`
						: `There are no orders from ${day(split)} on, so the second period is empty. Choose an earlier split date.`
				);
			}
			const length = i === 1 ? split - (from1 ?? first) : end - split;
			const factor = whole / length;
			await db.run(
				periodMatrixSql(recipe, keyColumn, {
					features: names.features(i),
					fit: ref.features,
					target: names.matrix(i),
					factor,
					where: `frequency > 0 AND ${key} IN (SELECT ${key} FROM ${segmentsTable})`
				})
			);
			const span = (
				await queryRows(db, `SELECT epoch_ms(min(${ts})), epoch_ms(max(${ts})) FROM ${lines}`)
			)[0];
			periods.push({
				label: i === 1 ? 'before' : 'after',
				from: stamp(num(span?.[0]) ?? (i === 1 ? first : split)),
				to: stamp(num(span?.[1]) ?? (i === 1 ? split : last)),
				days: length / DAY_MS,
				orders: num(orders) ?? 0,
				activeCustomers: num(active) ?? 0,
				scaleFactor: factor
			});
		}

		// 4: the centroids of the current fit, and each period's nearest one.
		const selected = recipe.selected;
		await db.run(
			`CREATE OR REPLACE TABLE ${centroids} AS
			 SELECT s.segment, ${selected.map((f) => `avg(m.${ident(f)}) AS ${ident(f)}`).join(', ')}
			 FROM ${segmentsTable} s JOIN ${matrixTable} m USING (${key})
			 GROUP BY s.segment`
		);
		const distance = selected.map((f) => `pow(p.${ident(f)} - c.${ident(f)}, 2)`).join(' + ');
		for (const i of [1, 2]) {
			// Ties (rare) go to the lower segment number, so the result is deterministic.
			await db.run(
				`CREATE OR REPLACE TABLE ${assigned(i)} AS
				 SELECT p.${key}, min([${distance}, c.segment::DOUBLE])[2]::INTEGER AS segment
				 FROM ${matrix(i)} p CROSS JOIN ${centroids} c
				 GROUP BY p.${key}`
			);
		}

		// 5: the per-customer result and the summaries.
		await db.run(
			`CREATE OR REPLACE TABLE ${ident(changes)} AS
			 SELECT s.${key}, s.segment, b.segment AS segment_before, a.segment AS segment_after
			 FROM ${segmentsTable} s
			 LEFT JOIN ${assigned(1)} b USING (${key})
			 LEFT JOIN ${assigned(2)} a USING (${key})
			 ORDER BY s.${key}`
		);
		ctx.made.add(changes);
		const cells: MigrationCell[] = (
			await queryRows(
				db,
				`SELECT segment_before, segment_after, count(*) FROM ${ident(changes)}
				 GROUP BY ALL ORDER BY 1 NULLS LAST, 2 NULLS LAST`
			)
		).map(([from, to, n]) => ({ from: num(from), to: num(to), customers: num(n) ?? 0 }));
		const segments = (
			await queryRows(db, `SELECT DISTINCT segment FROM ${segmentsTable} ORDER BY 1`)
		).map(([s]) => Number(s));
		const before = new Map<number | null, number>();
		for (const c of cells) before.set(c.from, (before.get(c.from) ?? 0) + c.customers);
		const flows: CompareFlow[] = cells
			.filter((c) => c.from !== null && c.to !== null && c.from !== c.to && c.customers > 0)
			.map((c) => ({ ...c, share: c.customers / Math.max(1, before.get(c.from) ?? 0) }))
			.sort((a, b) => b.customers - a.customers || (a.from ?? 0) - (b.from ?? 0))
			.slice(0, FLOWS);

		const periodColumns = new Set((await describeTable(db, names.features(1))).map((c) => c.name));
		const has = (f: string): boolean => periodColumns.has(f);
		const x = (f: string): string => finiteExpr(`f.${ident(f)}`);
		const kpis: CompareKpis[][] = [];
		const means: Map<number, (number | null)[]>[] = [];
		const centres: Map<number, (number | null)[]>[] = [];
		const shown = selected.filter(has);
		for (const i of [1, 2]) {
			const rows = await queryRows(
				db,
				`SELECT a.segment, count(*),
				        ${has('monetary') ? `sum(${x('monetary')})::DOUBLE` : 'NULL'},
				        ${has('frequency') ? `sum(${x('frequency')})::DOUBLE` : 'NULL'}
				        ${shown.map((f) => `, avg(${x(f)})`).join('')}
				 FROM ${assigned(i)} a JOIN ${features(i)} f USING (${key})
				 GROUP BY a.segment ORDER BY a.segment`
			);
			const bySegment = new Map(rows.map((r) => [Number(r[0]), r]));
			kpis.push(
				segments.map((segment) => {
					const r = bySegment.get(segment);
					const revenue = r ? num(r[2]) : null;
					const orders = r ? num(r[3]) : null;
					return {
						segment,
						customers: r ? (num(r[1]) ?? 0) : 0,
						revenue,
						orders,
						avgOrderValue: revenue !== null && orders ? revenue / orders : null
					};
				})
			);
			means.push(new Map(rows.map((r) => [Number(r[0]), shown.map((_, j) => num(r[4 + j]))])));
			const centre = await queryRows(
				db,
				`SELECT a.segment${selected.map((f) => `, avg(m.${ident(f)})`).join('')}
				 FROM ${assigned(i)} a JOIN ${matrix(i)} m USING (${key})
				 GROUP BY a.segment`
			);
			centres.push(
				new Map(centre.map((r) => [Number(r[0]), selected.map((_, j) => num(r[1 + j]))]))
			);
		}
		const drift: SegmentDrift[] = segments.map((segment) => {
			const b = centres[0]?.get(segment);
			const a = centres[1]?.get(segment);
			let distance: number | null = null;
			if (b && a && b.every((v) => v !== null) && a.every((v) => v !== null)) {
				distance = Math.sqrt(b.reduce<number>((s, v, j) => s + ((v ?? 0) - (a[j] ?? 0)) ** 2, 0));
			}
			return {
				segment,
				features: shown.map((feature, j) => ({
					feature,
					before: means[0]?.get(segment)?.[j] ?? null,
					after: means[1]?.get(segment)?.[j] ?? null
				})),
				distance
			};
		});

		const customers = cells.reduce((n, c) => n + c.customers, 0);
		const newcomers = cells.filter((c) => c.from === null).reduce((n, c) => n + c.customers, 0);
		const lapsed = cells.filter((c) => c.to === null).reduce((n, c) => n + c.customers, 0);
		const [p1, p2] = periods as [ComparePeriod, ComparePeriod];
		const notes = [
			quarter
				? `${options.quarter} (${Math.round(p2.days)} days from ${day(split)}) against the quarter before it (${Math.round(p1.days)} days from ${day(from1 ?? first)}).`
				: `Split at ${day(split)}: ${Math.round(p1.days)} days before, ${Math.round(p2.days)} days from then on.`,
			`${newcomers.toLocaleString('en')} customers had no orders before the split; ${lapsed.toLocaleString('en')} had none after it (“not active”).`
		];
		const totals = selected.filter((f) => f === 'frequency' || f === 'monetary');
		if (totals.length > 0) {
			notes.push(
				`The segments were fitted on the whole history, so each period's ${totals.join(' and ')} count × ${p1.scaleFactor.toFixed(2)} (before) and × ${p2.scaleFactor.toFixed(2)} (after) when customers are placed; the figures shown are the periods' own.`
			);
		}
		if (recipe.missing === 'drop') {
			notes.push("Missing feature values in a period are filled with the model's medians.");
		}
		return {
			split: splitText,
			periods: [p1, p2],
			segments,
			customers,
			matrix: cells,
			flows,
			kpis: [kpis[0] ?? [], kpis[1] ?? []],
			drift,
			table: changes,
			notes,
			ms: performance.now() - started
		};
	} finally {
		await dropScratch(db, names);
	}
}
