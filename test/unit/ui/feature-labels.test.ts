/**
 * Plain words for feature columns on slides (src/ui/feature-labels.ts): no `gender_f` or
 * `city_amsterdam` in front of a class; unknown names still read as words.
 */
import { describe, expect, it } from 'vitest';
import { featureLabel, isOneHot } from '../../../src/ui/feature-labels';

describe('feature labels', () => {
	it('names the RFM features and one-hot columns in words', () => {
		expect(featureLabel('recency_days')).toBe('Days since last order');
		expect(featureLabel('monetary')).toBe('Spend');
		expect(featureLabel('gender_f')).toBe('Women');
		expect(featureLabel('gender_m')).toBe('Men');
		expect(featureLabel('city_amsterdam')).toBe('Amsterdam');
		expect(featureLabel('city_new_york')).toBe('New York');
		expect(featureLabel('country_de')).toBe('Germany');
		expect(featureLabel('country_zz')).toBe('ZZ');
		expect(featureLabel('share_category_home')).toBe('Share of spend: category home');
		expect(featureLabel('loyalty_points')).toBe('Loyalty points');
	});

	it('tells one-hot columns from measures', () => {
		expect(isOneHot('city_paris')).toBe(true);
		expect(isOneHot('gender_x')).toBe(true);
		expect(isOneHot('recency_days')).toBe(false);
		expect(isOneHot('share_channel_web')).toBe(false);
	});
});
