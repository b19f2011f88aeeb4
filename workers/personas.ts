/**
 * Personas in the worker: per segment its size, revenue share, KPIs, every feature against the
 * whole base (index and standardised difference), over-represented categories and its mix of
 * RFM groups; then a generated name. Also the 2-D map (PCA of the model matrix), the overlap
 * with the RFM groups, and one customer's profile.
 */
import type {
	CustomerProfile,
	PersonaProfile,
	PersonasReport,
	SegmentRef
} from '../src/engine/api';
import { EngineError } from '../src/engine/errors';
import { pca2 } from '../src/cluster/pca';
import { namePersona, type Kpis, type TopValue, type Trait } from '../src/segment/personas';
import { distinctNames } from '../src/segment/persona-words';
import { amountExpr, finiteExpr, keyColumnOf, slug, timestampExpr } from '../src/sql/features.sql';
import { keyText, normaliseKey } from '../src/sql/keys.sql';
import { ident, literal } from '../src/sql/sql';
import { queryRows, queryTable, queryValue, type Db } from './db';
import { isNumericType } from './profile';
import { keyOf } from './segment';
import { describeTable, tableExists } from './tables';

const MAP_POINTS = 3000;
const BOX_POINTS = 2000;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function personas(db: Db, ref: SegmentRef): Promise<PersonasReport> {
	const started = performance.now();
	if (!(await tableExists(db, ref.segments))) {
		throw new EngineError('sql', 'There are no segments yet: run the Segments cell first.');
	}
	const key = keyOf(ref.recipe);
	const k = ident(key);
	const columns = (await describeTable(db, ref.features)).filter(
		(c) => c.name !== key && isNumericType(c.type)
	);
	const features = columns.map((c) => c.name);
	const has = (f: string): boolean => features.includes(f);
	const x = (f: string): string => finiteExpr(`f.${ident(f)}`);
	const kpiSql = [
		has('monetary') && has('frequency')
			? `sum(${x('monetary')}) / nullif(sum(${x('frequency')}), 0)`
			: 'NULL',
		has('frequency') ? `avg(${x('frequency')})` : 'NULL',
		has('recency_days') ? `avg(${x('recency_days')})` : 'NULL',
		has('recency_days') ? `avg(CASE WHEN f.recency_days <= 90 THEN 1.0 ELSE 0.0 END)` : 'NULL',
		has('tenure_days') ? `avg(${x('tenure_days')})` : 'NULL',
		has('monetary') ? `sum(greatest(${x('monetary')}, 0))` : 'NULL'
	];
	const from = `FROM ${ident(ref.segments)} s JOIN ${ident(ref.features)} f USING (${k})`;
	// On a customer-level file, a logged (skewed) feature differs on the log scale, as k-means
	// saw it: one huge spender alone does not make a segment "big buyers".
	const loggedOnes =
		ref.recipe.grain === 'customers' ? new Set(ref.recipe.transforms.log1p) : new Set<string>();
	const dx = (f: string): string =>
		loggedOnes.has(f) ? `ln(1 + CASE WHEN ${x(f)} < 0 THEN 0 ELSE ${x(f)} END)` : x(f);
	const perSegment = await queryRows(
		db,
		`SELECT s.segment, count(*), ${kpiSql.join(', ')}${features.map((f) => `, avg(${x(f)})`).join('')}${features.map((f) => `, avg(${dx(f)})`).join('')}
		 ${from} GROUP BY s.segment ORDER BY s.segment`
	);
	const baseRow =
		(
			await queryRows(
				db,
				`SELECT count(*), ${kpiSql.join(', ')}${features.map((f) => `, avg(${x(f)}), stddev_pop(${x(f)})`).join('')}${features.map((f) => `, avg(${dx(f)}), stddev_pop(${dx(f)})`).join('')} ${from}`
			)
		)[0] ?? [];
	const total = Number(baseRow[0]);
	const baseRevenue = num(baseRow[6]);
	const kpisOf = (row: unknown[], at: number): Kpis => ({
		avgOrderValue: num(row[at]),
		ordersPerCustomer: num(row[at + 1]),
		daysSinceLastOrder: num(row[at + 2]),
		activeShare90: num(row[at + 3]),
		tenureDays: num(row[at + 4])
	});
	const base = kpisOf(baseRow, 1);
	const baseMeans = features.map((_, j) => num(baseRow[7 + j * 2]));
	const at = 7 + features.length * 2;
	const baseScaled = features.map((_, j) => num(baseRow[at + j * 2]));
	const baseScaledSds = features.map((_, j) => num(baseRow[at + 1 + j * 2]));

	// Categorical attributes: their mix (share_) or one-hot columns, grouped by attribute.
	const recipe = ref.recipe;
	const attributes = [...recipe.roles.categoricals, ...(recipe.customers?.categoricals ?? [])].map(
		(c) => ({ name: c, prefixes: [`share_${slug(c)}_`, `${slug(c)}_`] })
	);

	let rfm: unknown[][] = [];
	if (await tableExists(db, ref.rfm)) {
		rfm = await queryRows(
			db,
			`SELECT s.segment, r.rfm_group, count(*) FROM ${ident(ref.segments)} s JOIN ${ident(ref.rfm)} r USING (${k}) GROUP BY ALL ORDER BY 1, 3 DESC`
		);
	}

	const qualifiersOf = new Map<number, string[]>();
	const profiles: PersonaProfile[] = perSegment.map((row) => {
		const segment = Number(row[0]);
		const size = Number(row[1]);
		const kpis = kpisOf(row, 2);
		const revenue = num(row[7]);
		const means = features.map((_, j) => num(row[8 + j]));
		const traits: Trait[] = features
			.map((feature, j) => {
				const mean = means[j] ?? null;
				const baseMean = baseMeans[j] ?? null;
				const scaled = num(row[8 + features.length + j]);
				const scaledBase = baseScaled[j] ?? null;
				const sd = baseScaledSds[j] ?? null;
				return {
					feature,
					segmentMean: mean,
					baseMean,
					index:
						mean !== null && baseMean !== null && baseMean !== 0 ? (mean / baseMean) * 100 : null,
					difference: scaled !== null && scaledBase !== null && sd ? (scaled - scaledBase) / sd : 0
				};
			})
			.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference));
		const tops: TopValue[] = [];
		for (const attribute of attributes) {
			const values = traits.filter((t) => attribute.prefixes.some((p) => t.feature.startsWith(p)));
			const best = values
				.filter((t) => t.segmentMean !== null)
				.sort((a, b) => (b.segmentMean ?? 0) - (a.segmentMean ?? 0))[0];
			if (!best) continue;
			const prefix = attribute.prefixes.find((p) => best.feature.startsWith(p)) ?? '';
			tops.push({
				attribute: attribute.name,
				value: best.feature.slice(prefix.length),
				share: best.segmentMean ?? 0,
				baseShare: best.baseMean ?? 0
			});
		}
		const share = size / Math.max(1, total);
		const revenueShare = revenue !== null && baseRevenue ? revenue / baseRevenue : null;
		const mix = rfm.filter((r) => Number(r[0]) === segment);
		const mixTotal = mix.reduce((n, r) => n + Number(r[2]), 0);
		const { name, description, action, qualifiers } = namePersona({
			traits,
			tops,
			kpis,
			share,
			revenueShare,
			logged: recipe?.transforms.log1p ?? []
		});
		qualifiersOf.set(segment, qualifiers);
		return {
			segment,
			size,
			share,
			revenueShare,
			kpis,
			traits,
			tops,
			rfmMix: mix.map((r) => ({
				group: String(r[1]),
				share: Number(r[2]) / Math.max(1, mixTotal)
			})),
			name,
			description,
			action
		};
	});
	// Names are distinct within the notebook: a shared name takes each segment's next trait.
	const distinct = distinctNames(
		profiles.map((p) => ({
			name: p.name,
			qualifiers: qualifiersOf.get(p.segment) ?? [],
			size: p.size
		}))
	);
	profiles.forEach((p, i) => {
		p.name = distinct[i] ?? p.name;
	});

	return {
		personas: profiles,
		base,
		customers: total,
		map: await segmentMap(db, ref, key),
		overlap: rfm.map((r) => ({
			segment: Number(r[0]),
			group: String(r[1]),
			customers: Number(r[2])
		})),
		distributions: await distributions(
			db,
			ref,
			key,
			features.filter((f) => !/^share_/.test(f)).slice(0, 6)
		),
		ms: performance.now() - started
	};
}

/** A seeded sample of customers on the first two principal components of the model matrix. */
async function segmentMap(db: Db, ref: SegmentRef, key: string): Promise<PersonasReport['map']> {
	const k = ident(key);
	const table = await queryTable(
		db,
		`SELECT m.*, s.segment FROM ${ident(ref.matrix)} m JOIN ${ident(ref.segments)} s USING (${k}) ORDER BY m.${k}`
	);
	const n = table.numRows;
	const d = table.numCols - 2;
	if (n === 0 || d < 1) return { points: [], explained: [0, 0] };
	const data = new Float64Array(n * d);
	for (let j = 0; j < d; j++) {
		const values = table.getChildAt(j + 1)?.toArray() as ArrayLike<number> | undefined;
		for (let i = 0; i < n; i++) data[i * d + j] = Number(values?.[i] ?? 0);
	}
	const { coords, explained } =
		d >= 2 ? pca2({ data, n, d }) : { coords: data, explained: [1, 0] as [number, number] };
	const keys = table.getChildAt(0);
	const segments = table.getChildAt(d + 1);
	// An even spread over the key order (keys carry no meaning, so this is a fair sample).
	const count = Math.min(n, MAP_POINTS);
	const points: PersonasReport['map']['points'] = [];
	for (let p = 0; p < count; p++) {
		const i = Math.floor((p * n) / count);
		points.push({
			x: coords[i * 2] ?? 0,
			y: d >= 2 ? (coords[i * 2 + 1] ?? 0) : 0,
			segment: Number(segments?.get(i)),
			key: String(keys?.get(i))
		});
	}
	return { points, explained };
}

async function distributions(
	db: Db,
	ref: SegmentRef,
	key: string,
	features: string[]
): Promise<PersonasReport['distributions']> {
	if (features.length === 0) return [];
	const rows = await queryRows(
		db,
		`SELECT s.segment, ${features.map((f) => finiteExpr(`f.${ident(f)}`)).join(', ')}
		 FROM ${ident(ref.segments)} s JOIN ${ident(ref.features)} f USING (${ident(key)})
		 USING SAMPLE ${BOX_POINTS} ROWS (reservoir, 7)`
	);
	const out: PersonasReport['distributions'] = [];
	for (const row of rows) {
		features.forEach((feature, j) => {
			const value = num(row[j + 1]);
			if (value !== null) out.push({ segment: Number(row[0]), feature, value });
		});
	}
	return out;
}

export async function customerKeys(db: Db, ref: SegmentRef, prefix: string): Promise<string[]> {
	const key = keyColumnOf(ref.recipe);
	if (!key || !(await tableExists(db, ref.features))) return [];
	const k = ident(key);
	const rows = await queryRows(
		db,
		`SELECT ${k} FROM ${ident(ref.features)} WHERE starts_with(${k}::VARCHAR, ${literal(prefix.trim())}) OR starts_with(${keyText(k)}, ${literal(normaliseKey(prefix))}) ORDER BY ${k} LIMIT 20`
	);
	return rows.map(([v]) => String(v));
}

export async function customer(
	db: Db,
	ref: SegmentRef,
	keyValue: string
): Promise<CustomerProfile> {
	const key = keyColumnOf(ref.recipe);
	if (!key || !(await tableExists(db, ref.features))) {
		throw new EngineError(
			'sql',
			'Build the features first: the Features cell makes one row per customer.'
		);
	}
	const k = ident(key);
	const columns = (await describeTable(db, ref.features)).filter(
		(c) => c.name !== key && isNumericType(c.type) && !c.name.startsWith('share_')
	);
	const features = columns.map((c) => c.name);
	const row = (
		await queryRows(
			db,
			`WITH ranked AS (
				SELECT ${k}, ${features
					.map(
						(f) =>
							`${finiteExpr(ident(f))} AS ${ident(f)}, percent_rank() OVER (ORDER BY ${finiteExpr(ident(f))}) AS ${ident(`${f}__pr`)}`
					)
					.join(', ')}
				FROM ${ident(ref.features)}
			)
			SELECT * FROM ranked WHERE ${keyText(k)} = ${literal(normaliseKey(keyValue))}`
		)
	)[0];
	if (!row)
		throw new EngineError(
			'sql',
			`No customer “${keyValue}” in ${ref.features}. Check the key and try again.`
		);
	let segment: number | null = null;
	let typicality: number | null = null;
	if (await tableExists(db, ref.segments)) {
		const s = (
			await queryRows(
				db,
				`WITH r AS (SELECT ${k}, segment, percent_rank() OVER (PARTITION BY segment ORDER BY distance) AS p FROM ${ident(ref.segments)})
				 SELECT segment, p FROM r WHERE ${keyText(k)} = ${literal(normaliseKey(keyValue))}`
			)
		)[0];
		segment = s ? Number(s[0]) : null;
		typicality = s ? num(s[1]) : null;
	}
	let rfmGroup: string | null = null;
	if (await tableExists(db, ref.rfm)) {
		const g = await queryValue(
			db,
			`SELECT rfm_group FROM ${ident(ref.rfm)} WHERE ${keyText(k)} = ${literal(normaliseKey(keyValue))}`
		);
		rfmGroup = typeof g === 'string' ? g : null;
	}
	let timeline: CustomerProfile['timeline'] = [];
	const recipe = ref.recipe;
	if (recipe.grain === 'transactions' && recipe.roles.key && recipe.roles.timestamp) {
		const amount = amountExpr(recipe.roles) ?? '1';
		const tsType =
			(await describeTable(db, recipe.source)).find((c) => c.name === recipe.roles.timestamp)
				?.type ?? 'VARCHAR';
		const rows = await queryRows(
			db,
			`SELECT strftime(${timestampExpr(recipe.roles.timestamp, tsType)}, '%Y-%m-%d') AS day, sum(${amount})
			 FROM ${ident(recipe.source)} WHERE ${keyText(ident(recipe.roles.key))} = ${literal(normaliseKey(keyValue))}
			 GROUP BY day ORDER BY day LIMIT 1000`
		);
		timeline = rows.map(([date, value]) => ({ date: String(date), amount: num(value) ?? 0 }));
	}
	return {
		key: keyValue,
		segment,
		typicality,
		rfmGroup,
		features: features.map((feature, j) => ({
			feature,
			value: num(row[1 + j * 2]),
			percentile: num(row[2 + j * 2])
		})),
		timeline
	};
}
