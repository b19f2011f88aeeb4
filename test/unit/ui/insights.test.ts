/**
 * Guards what a Personas cell's insights read and what a persona card shows: the tables and
 * seed from the Features and Segments cells above it (no retention without order dates), and
 * one card's rule, stability, repeat and retention figures and action from the reports.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureRecipe, FeatureReport, PersonaProfile } from '../../../src/engine/api';
import type {
	RetentionReport,
	RulesReport,
	StabilityReport
} from '../../../src/engine/insight-api';
import {
	newFeaturesCell,
	newPersonasCell,
	newSegmentsCell,
	type Cell
} from '../../../src/notebook/model';
import { cardInsights } from '../../../src/ui/insights/card';
import { insightSources } from '../../../src/ui/insights/sources';

const recipe = {
	source: 'orders',
	grain: 'transactions',
	roles: { key: 'cust', timestamp: 'at', orderId: null },
	selected: ['recency_days']
} as unknown as FeatureRecipe;
const report = { keyColumn: 'cust' } as FeatureReport;

describe('insightSources', () => {
	it('reads the Features and Segments cells above the Personas cell', () => {
		const features = newFeaturesCell('orders', recipe);
		const segments = newSegmentsCell(7);
		const personas = newPersonasCell();
		const cells: Cell[] = [features, segments, personas];
		const s = insightSources(cells, personas.id, () => report, [
			{ name: 'rfm_segments', source: '', rowCount: 0, columns: [] }
		]);
		expect(s).toEqual({
			tables: {
				features: 'customer_features',
				matrix: 'model_matrix',
				segments: 'segments',
				key: 'cust'
			},
			seed: 7,
			retention: {
				source: 'orders',
				key: 'cust',
				timestamp: 'at',
				orderId: null,
				segments: { table: 'segments', key: 'cust', label: 'segment' }
			},
			kmeans: { table: 'segments', key: 'cust', label: 'segment' },
			rfm: { table: 'rfm_segments', key: 'cust', label: 'rfm_group' }
		});
		// Nothing to read before the features ran, or with the cells below.
		expect(insightSources(cells, personas.id, () => null, [])).toBeNull();
		expect(
			insightSources([personas, features, segments], personas.id, () => report, [])
		).toBeNull();
	});

	it('reads the tables the cells name as their output', () => {
		const features = { ...newFeaturesCell('orders', recipe), output: 'feats' };
		const segments = { ...newSegmentsCell(3), output: 'groups' };
		const personas = newPersonasCell();
		const s = insightSources([features, segments, personas], personas.id, () => report, [
			{ name: 'groups_rfm', source: '', rowCount: 0, columns: [] }
		]);
		expect(s?.tables).toEqual({
			features: 'feats',
			matrix: 'feats_matrix',
			segments: 'groups',
			key: 'cust'
		});
		expect(s?.rfm).toEqual({ table: 'groups_rfm', key: 'cust', label: 'rfm_group' });
		expect(s?.retention?.segments.table).toBe('groups');
	});

	it('has no retention for one row per customer', () => {
		const features = newFeaturesCell('people', { ...recipe, grain: 'customers' });
		const personas = newPersonasCell();
		const s = insightSources(
			[features, newSegmentsCell(), personas],
			personas.id,
			() => report,
			[]
		);
		expect(s?.retention).toBeNull();
		expect(s?.rfm).toBeNull();
	});
});

describe('cardInsights', () => {
	const persona = {
		segment: 2,
		share: 0.2,
		revenueShare: 0.4,
		kpis: { daysSinceLastOrder: 12 }
	} as unknown as PersonaProfile;
	const rules = {
		rules: [
			{ segment: 1, text: 'a', conditions: [], fidelity: 1, size: 1 },
			{ segment: 2, text: 'more than 10 orders', conditions: [], fidelity: 0.97, size: 5 }
		]
	} as unknown as RulesReport;
	const stability = {
		segments: [{ segment: 2, jaccard: 0.91, band: 'highly stable', dissolved: 0 }],
		resamples: 20
	} as unknown as StabilityReport;
	const retention: RetentionReport = {
		curves: [1, 3, 6].flatMap((m) => [
			{ segment: '1', months: m, customers: 10, retained: 1, share: 0.1 },
			{ segment: '2', months: m, customers: 10, retained: 9, share: 0.9 }
		]),
		repeat: [
			{ segment: '1', customers: 10, repeaters: 2, rate: 0.2 },
			{ segment: '2', customers: 10, repeaters: 10, rate: 1 }
		],
		ms: 1
	};

	it('picks this segment’s rule, stability and KPIs, and an action from them', () => {
		const c = cardInsights(persona, rules, stability, retention);
		expect(c.rule?.text).toBe('more than 10 orders');
		expect(c.stability?.jaccard).toBe(0.91);
		expect(c.repeatRate).toBe(1);
		expect(c.retention).toEqual({ m1: 0.9, m3: 0.9, m6: 0.9 });
		expect(c.action).toMatch(/^Reward and protect: 90% still buy six months/);
	});

	it('shows nothing it does not have yet', () => {
		expect(cardInsights(persona, null, null, null)).toEqual({
			rule: null,
			stability: null,
			repeatRate: null,
			retention: { m1: null, m3: null, m6: null },
			action: null
		});
	});
});
