/**
 * Guards persona names in words (issue 12): on customer-level files a segment is named from its
 * columns' words and units, never a raw column name; names are distinct; each gets an action.
 */
import { describe, expect, it } from 'vitest';
import { distinctNames, featureWords } from '../../../src/segment/persona-words';
import { namePersona, type PersonaInput, type Trait } from '../../../src/segment/personas';

const trait = (feature: string, difference: number): Trait => ({
	feature,
	segmentMean: 1,
	baseMean: 1,
	index: 100,
	difference
});

function input(traits: Trait[], tops: PersonaInput['tops'] = []): PersonaInput {
	return {
		traits,
		tops,
		kpis: {
			avgOrderValue: null,
			ordersPerCustomer: null,
			daysSinceLastOrder: null,
			activeShare90: null,
			tenureDays: null
		},
		share: 0.2,
		revenueShare: null
	};
}

describe('featureWords', () => {
	it.each([
		['NumCatalogPurchases', 'catalogue'],
		['MntWines', 'wine'],
		['Fresh', 'fresh-food'],
		['Detergents_Paper', 'detergents and paper'],
		['Delicassen', 'delicatessen'],
		['MntGoldProds', 'gold']
	])('%s is bought: %s', (feature, bought) => {
		expect(featureWords(feature).bought).toBe(bought);
	});

	it('attributes have their own words for high and low', () => {
		expect(featureWords('Income').high).toBe('high income');
		expect(featureWords('Annual Income (k$)').low).toBe('low income');
		expect(featureWords('Year_Birth').high).toBe('younger');
		expect(featureWords('Age').high).toBe('older');
	});
});

describe('names on customer-level files', () => {
	it('CRM: catalogue buyers with a high income, with an action', () => {
		const p = namePersona(
			input([trait('NumCatalogPurchases', 1.4), trait('Income', 0.9), trait('Year_Birth', -0.1)])
		);
		expect(p.name).toBe('Catalogue buyers, high income');
		expect(p.action).toMatch(/catalogue/);
	});

	it('wholesale: fresh-food buyers, channel 1 (a code named by its value)', () => {
		const p = namePersona(
			input(
				[trait('Fresh', 1.1), trait('Grocery', -0.4), trait('Channel_1', 0.7)],
				[{ attribute: 'Channel', value: '1', share: 0.95, baseShare: 0.68 }]
			)
		);
		expect(p.name).toBe('Fresh-food buyers, channel 1');
		expect(p.name).not.toMatch(/Channel_1|High/);
	});

	it('low on every purchase column: light buyers', () => {
		const p = namePersona(input([trait('Fresh', -0.5), trait('Milk', -0.6), trait('Age', -0.5)]));
		expect(p.name).toBe('Light buyers, younger');
	});

	it('no purchase columns: the most distinguishing attribute, in words', () => {
		const p = namePersona(
			input([trait('Annual Income (k$)', 1.2), trait('Spending Score (1-100)', -1)])
		);
		expect(p.name).toBe('High income customers, low spending score');
	});

	it('shared names become distinct with the next trait, then by group', () => {
		expect(
			distinctNames([
				{ name: 'Milk buyers', qualifiers: ['channel 2'], size: 10 },
				{ name: 'Milk buyers', qualifiers: ['region 1'], size: 20 },
				{ name: 'Light buyers', qualifiers: [], size: 5 },
				{ name: 'Light buyers', qualifiers: [], size: 7 }
			])
		).toEqual([
			'Milk buyers, channel 2',
			'Milk buyers, region 1',
			'Light buyers (group 2)',
			'Light buyers (group 1)'
		]);
	});
});
