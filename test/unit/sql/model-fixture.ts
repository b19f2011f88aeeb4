/** A small hand-made model: every recipe feature the exports must translate (mix, join, clip). */
import type { SegmentModel } from '../../../src/segment/model-file';

export function fixtureModel(overrides: Partial<SegmentModel> = {}): SegmentModel {
	const selected = [
		'recency_days',
		'frequency',
		'monetary',
		'share_channel_web',
		'age',
		'gender_f'
	];
	return {
		format: 'segbook-model',
		version: 1,
		created: '2026-12-01T10:00:00.000Z',
		seed: 42,
		recipe: {
			source: 'transactions',
			grain: 'transactions',
			roles: {
				key: 'customer_id',
				orderId: 'invoice_id',
				timestamp: 'invoice_date',
				amount: null,
				quantity: 'quantity',
				unitPrice: 'unit_price',
				discount: 'discount',
				categoricals: ['channel'],
				numerics: []
			},
			asOf: null,
			customers: {
				table: 'customers',
				key: 'customer_id',
				numerics: ['age'],
				categoricals: ['gender']
			},
			selected,
			transforms: {
				log1p: ['frequency', 'monetary'],
				winsorise: { lower: 0.01, upper: 0.99 },
				scale: 'zscore'
			},
			missing: 'median'
		},
		categories: { channel: ['web', 'store', "o'brien's"], 'customers.gender': ['F', 'M'] },
		keyColumn: 'customer_id',
		types: { customer_id: 'BIGINT', invoice_date: 'TIMESTAMP' },
		features: selected.map((name, i) => ({
			name,
			log1p: name === 'frequency' || name === 'monetary',
			median: 0.1 * (i + 1),
			lower: -1 - i,
			upper: 10 + i,
			center: 0.3333333333333333 * i,
			scale: 1.0000000000000002 + i
		})),
		centroids: [
			[0.1, -0.2, 0.30000000000000004, 1e-7, -2.5, 0],
			[-1, 2, -3, 4, -5, 6],
			[1e-300, 0, 0, 0, 0, 1]
		],
		segments: [
			{ segment: 1, name: 'Loyal regulars', description: '', customers: 10, maxDistance: 2.5 },
			{ segment: 2, name: "Bargain hunters' club", description: '', customers: 5, maxDistance: 3 },
			{ segment: 3, name: '=1+1', description: '', customers: 1, maxDistance: 0 }
		],
		fit: { customers: 16, maxDistance: 3 },
		...overrides
	};
}
