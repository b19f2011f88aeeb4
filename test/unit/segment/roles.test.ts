/**
 * Guards column-role detection on the headers people actually load: the generated retail sample,
 * the classic "Online Retail" and Superstore files, German and French exports, a customer-level
 * file, and files missing a role. The stats are shaped like the worker's (distinct counts that
 * fit the grain, samples as DuckDB prints them).
 */
import { describe, expect, it } from 'vitest';
import { detectRoles, normaliseName, type ColumnStats } from '../../../src/segment/roles';

function col(
	name: string,
	type: string,
	distinct: number,
	sample: string[],
	nullShare = 0
): ColumnStats {
	return { name, type, distinct, nullShare, sample };
}

/** n values cycling through `values`: samples are up to ~50 values. */
const cycle = (values: readonly string[], n = 50): string[] =>
	Array.from({ length: n }, (_, i) => values[i % values.length] ?? '');

const ids = (prefix: string, n = 50, start = 1): string[] =>
	Array.from({ length: n }, (_, i) => `${prefix}${start + Math.floor(i / 3)}`);

describe('normaliseName', () => {
	it.each([
		['Price (EUR)', 'price'],
		['Customer ID', 'customer_id'],
		['CustomerID', 'customer_id'],
		['InvoiceNo', 'invoice_no'],
		['Kunden-Nr.', 'kunden_nr'],
		['Unit Price £', 'unit_price'],
		['Order Date', 'order_date'],
		['Annual Income (k$)', 'annual_income'],
		['Spending Score (1-100)', 'spending_score'],
		['quantité', 'quantite'],
		['Umsatz in EUR', 'umsatz'],
		['Sub-Category', 'sub_category'],
		['IDCustomer', 'id_customer'],
		['(EUR)', 'eur']
	])('%s → %s', (name, expected) => {
		expect(normaliseName(name)).toBe(expected);
	});
});

describe('detectRoles', () => {
	it('a headerless order-line export (column0 …): the key, date and amount by their values', () => {
		const rows = 6_900;
		const money = { min: 0, max: 1286, mean: 35.9, median: 25.9, mad: 14, skew: 6.2 };
		const d = detectRoles(
			[
				{ ...col('column0', 'VARCHAR', 2_357, ids('0000', 50, 10)) },
				col('column1', 'DATE', 546, cycle(['1997-01-01', '1997-03-18'])),
				{
					...col('column2', 'BIGINT', 41, cycle(['1', '2', '5'])),
					numbers: {
						...money,
						max: 99,
						mean: 2.4,
						median: 2,
						mad: 1,
						integral: true,
						negatives: 0,
						sampled: false
					}
				},
				{
					...col('column3', 'DOUBLE', 3_600, cycle(['11.77', '89.00', '29.33'])),
					numbers: { ...money, integral: false, negatives: 0, sampled: false }
				}
			],
			rows
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles.key).toBe('column0');
		expect(d.roles.timestamp).toBe('column1');
		expect(d.roles.amount).toBe('column3');
		expect(d.notes.join(' ')).toMatch(/column0.*repeat the way customer ids do/);
	});

	it('does not take order lines by values without decimals money: a customer file stays one', () => {
		const d = detectRoles(
			[
				col('column0', 'VARCHAR', 300, ids('A', 50)),
				col('column1', 'DATE', 250, cycle(['2020-01-01', '2021-05-02'])),
				col('column2', 'BIGINT', 90, cycle(['3', '7', '12']))
			],
			900
		);
		expect(d.roles.key).toBeNull();
		expect(d.grain).toBe('customers');
	});
	it('the generated retail transactions: every role, q × p less discount', () => {
		const rows = 100_000;
		const d = detectRoles(
			[
				col('invoice_id', 'VARCHAR', 40_000, ids('INV1000')),
				col('customer_id', 'VARCHAR', 6_000, ids('C000000')),
				col(
					'invoice_date',
					'TIMESTAMP',
					39_500,
					cycle(['2024-03-01 10:15:00', '2025-11-30 18:02:41'])
				),
				col('category', 'VARCHAR', 8, cycle(['electronics', 'home', 'fashion', 'books'])),
				col('quantity', 'INTEGER', 5, cycle(['1', '2', '3', '1'])),
				col('unit_price', 'DOUBLE', 9_000, cycle(['12.5', '80.25', '19.99'])),
				col('discount', 'DOUBLE', 4, cycle(['0.0', '0.1', '0.0', '0.3'])),
				col('channel', 'VARCHAR', 3, cycle(['web', 'app', 'store']))
			],
			rows
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles).toEqual({
			key: 'customer_id',
			orderId: 'invoice_id',
			timestamp: 'invoice_date',
			amount: null,
			quantity: 'quantity',
			unitPrice: 'unit_price',
			discount: 'discount',
			categoricals: ['category', 'channel'],
			numerics: []
		});
		expect(d.confidence).toEqual({
			key: 'name',
			orderId: 'name',
			timestamp: 'name',
			amount: 'none',
			quantity: 'name',
			unitPrice: 'name',
			discount: 'name'
		});
		expect(d.notes).toContain('Amount is quantity × unit price less discount.');
		expect(d.notes.join(' ')).not.toMatch(/percentage/);
	});

	it('the generated customers table: one row per customer, e-mail left out', () => {
		const d = detectRoles(
			[
				col('customer_id', 'VARCHAR', 6_000, ids('C000000')),
				col('signup_date', 'DATE', 700, cycle(['2024-01-05', '2025-06-30'])),
				col('age', 'INTEGER', 70, cycle(['34', '51', '27'])),
				col('gender', 'VARCHAR', 3, cycle(['F', 'M', 'X'])),
				col('city', 'VARCHAR', 10, cycle(['London', 'Paris', 'Berlin'])),
				col('country', 'VARCHAR', 6, cycle(['UK', 'FR', 'DE'])),
				col('income', 'DOUBLE', 1_200, cycle(['45000.0', '71200.0'])),
				col('email', 'VARCHAR', 6_000, cycle(['user1@example.com', 'user2@example.com']))
			],
			6_000
		);
		expect(d.grain).toBe('customers');
		expect(d.roles.key).toBe('customer_id');
		expect(d.roles.timestamp).toBeNull();
		expect(d.roles.categoricals).toEqual(['gender', 'city', 'country']);
		expect(d.roles.numerics).toEqual(['age', 'income']);
		expect(d.notes.join(' ')).toMatch(/personal data: 'email' \(e-mail\)/);
	});

	it('the classic Online Retail file: text dates m/d/Y, q × p, missing customers noted', () => {
		const d = detectRoles(
			[
				col('InvoiceNo', 'VARCHAR', 25_900, ids('5363', 50, 65)),
				col('StockCode', 'VARCHAR', 4_070, cycle(['85123A', '71053', '84406B'])),
				col(
					'Description',
					'VARCHAR',
					4_223,
					cycle(['WHITE HANGING HEART T-LIGHT HOLDER', 'WHITE METAL LANTERN'])
				),
				col('Quantity', 'BIGINT', 722, cycle(['6', '8', '2', '32'])),
				col(
					'InvoiceDate',
					'VARCHAR',
					23_260,
					cycle(['12/1/2010 8:26', '12/1/2010 8:28', '12/13/2010 9:02'])
				),
				col('UnitPrice', 'DOUBLE', 1_630, cycle(['2.55', '3.39', '7.65'])),
				col('CustomerID', 'BIGINT', 4_372, cycle(['17850', '13047', '12583']), 0.249),
				col('Country', 'VARCHAR', 38, cycle(['United Kingdom', 'France']))
			],
			541_909
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles).toMatchObject({
			key: 'CustomerID',
			orderId: 'InvoiceNo',
			timestamp: 'InvoiceDate',
			amount: null,
			quantity: 'Quantity',
			unitPrice: 'UnitPrice',
			discount: null,
			categoricals: ['Country'],
			numerics: []
		});
		expect(d.notes).toContain('Amount is quantity × unit price.');
		expect(d.notes).toContain("Dates in 'InvoiceDate' are text (month/day/year).");
		expect(d.notes).toContain("'CustomerID' is empty on 25% of rows: those rows are left out.");
	});

	it('the Superstore file: Order Date not Ship Date, Sales as the amount', () => {
		const d = detectRoles(
			[
				col('Row ID', 'BIGINT', 9_994, cycle(['1', '2', '3'])),
				col('Order ID', 'VARCHAR', 5_009, cycle(['CA-2016-152156', 'US-2015-108966'])),
				col('Order Date', 'DATE', 1_237, cycle(['2016-11-08', '2015-10-11'])),
				col('Ship Date', 'DATE', 1_334, cycle(['2016-11-11', '2015-10-18'])),
				col('Ship Mode', 'VARCHAR', 4, cycle(['Second Class', 'Standard Class'])),
				col('Customer ID', 'VARCHAR', 793, cycle(['CG-12520', 'DV-13045'])),
				col('Customer Name', 'VARCHAR', 793, cycle(['Claire Gute', 'Darrin Van Huff'])),
				col('Segment', 'VARCHAR', 3, cycle(['Consumer', 'Corporate', 'Home Office'])),
				col('Country', 'VARCHAR', 1, cycle(['United States'])),
				col('City', 'VARCHAR', 531, cycle(['Henderson', 'Los Angeles'])),
				col('State', 'VARCHAR', 49, cycle(['Kentucky', 'California'])),
				col('Postal Code', 'BIGINT', 631, cycle(['42420', '90036'])),
				col('Region', 'VARCHAR', 4, cycle(['South', 'West'])),
				col('Product ID', 'VARCHAR', 1_862, cycle(['FUR-BO-10001798', 'OFF-LA-10000240'])),
				col('Category', 'VARCHAR', 3, cycle(['Furniture', 'Office Supplies'])),
				col('Sub-Category', 'VARCHAR', 17, cycle(['Bookcases', 'Chairs', 'Labels'])),
				col('Product Name', 'VARCHAR', 1_850, cycle(['Bush Somerset Collection Bookcase'])),
				col('Sales', 'DOUBLE', 5_825, cycle(['261.96', '731.94', '14.62'])),
				col('Quantity', 'BIGINT', 14, cycle(['2', '3', '5'])),
				col('Discount', 'DOUBLE', 12, cycle(['0.0', '0.45', '0.2'])),
				col('Profit', 'DOUBLE', 7_287, cycle(['41.9136', '-383.031']))
			],
			9_994
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles).toMatchObject({
			key: 'Customer ID',
			orderId: 'Order ID',
			timestamp: 'Order Date',
			amount: 'Sales',
			quantity: 'Quantity',
			unitPrice: null,
			discount: 'Discount'
		});
		expect(d.roles.categoricals).toEqual([
			'Ship Mode',
			'Segment',
			'State',
			'Region',
			'Category',
			'Sub-Category'
		]);
		expect(d.roles.numerics).toEqual(['Profit']);
		expect(d.notes).toContain(
			"'Sales' is taken as the net amount: the discount is not applied again."
		);
		expect(d.notes.join(' ')).toMatch(/'Customer Name' \(name\), 'Postal Code' \(address\)/);
	});

	it('a German export: Kunden-Nr., Rechnungsnummer, Datum as d.m.Y text, Menge × Einzelpreis', () => {
		const d = detectRoles(
			[
				col('Kunden-Nr.', 'BIGINT', 850, cycle(['10023', '10417', '10023'])),
				col('Rechnungsnummer', 'VARCHAR', 3_200, ids('RE-2024-')),
				col('Datum', 'VARCHAR', 360, cycle(['05.01.2024', '17.03.2024', '28.11.2024'])),
				col('Artikel', 'VARCHAR', 240, cycle(['Kaffeemühle', 'Teekanne'])),
				col('Menge', 'INTEGER', 12, cycle(['1', '2', '4'])),
				col('Einzelpreis (EUR)', 'DECIMAL(18,2)', 410, cycle(['12.50', '4.99']))
			],
			9_500
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles).toMatchObject({
			key: 'Kunden-Nr.',
			orderId: 'Rechnungsnummer',
			timestamp: 'Datum',
			amount: null,
			quantity: 'Menge',
			unitPrice: 'Einzelpreis (EUR)',
			discount: null,
			categoricals: [],
			numerics: []
		});
		expect(d.notes).toContain('Amount is quantity × unit price.');
		expect(d.notes).toContain("Dates in 'Datum' are text (day/month/year).");
	});

	it('an amount with decimal commas in text: noted, not assigned; Rabatt in percent', () => {
		const d = detectRoles(
			[
				col('Kundennummer', 'VARCHAR', 400, ids('K')),
				col('Bestellnummer', 'VARCHAR', 2_000, ids('B')),
				col('Bestelldatum', 'DATE', 300, cycle(['2024-01-05'])),
				col('Betrag', 'VARCHAR', 1_500, cycle(['12,50', '1.234,00', '7,99'])),
				col('Anzahl', 'INTEGER', 9, cycle(['1', '3'])),
				col('Preis', 'DOUBLE', 300, cycle(['12.5', '3.99'])),
				col('Rabatt (%)', 'INTEGER', 4, cycle(['0', '10', '25']))
			],
			5_000
		);
		expect(d.roles).toMatchObject({
			key: 'Kundennummer',
			orderId: 'Bestellnummer',
			timestamp: 'Bestelldatum',
			amount: null,
			quantity: 'Anzahl',
			unitPrice: 'Preis',
			discount: 'Rabatt (%)'
		});
		expect(d.notes).toContain(
			`'Betrag' holds numbers as text with decimal commas (e.g. "12,50"): convert it to a number to use it as the amount.`
		);
		expect(d.notes).toContain("Discount 'Rabatt (%)' is a percentage (0–100), not a rate (0–1).");
		expect(d.notes).toContain('Amount is quantity × unit price less discount.');
		expect(d.roles.categoricals).not.toContain('Betrag');
	});

	it('a French export: code_client, numero_commande, date_commande, montant', () => {
		const d = detectRoles(
			[
				col('code_client', 'VARCHAR', 1_200, ids('CL')),
				col('numero_commande', 'BIGINT', 4_800, cycle(['100231', '100232'])),
				col('date_commande', 'DATE', 700, cycle(['2024-02-14', '2024-02-15'])),
				col('canal', 'VARCHAR', 3, cycle(['web', 'magasin'])),
				col('montant', 'DOUBLE', 3_900, cycle(['45.9', '120.0']))
			],
			4_800
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles).toMatchObject({
			key: 'code_client',
			orderId: 'numero_commande',
			timestamp: 'date_commande',
			amount: 'montant',
			quantity: null,
			unitPrice: null,
			discount: null,
			categoricals: ['canal']
		});
		expect(d.notes.join(' ')).not.toMatch(/quantity × unit price/);
	});

	it.each(['Gender', 'Genre'])(
		'Mall_Customers with %s: one row per customer, attributes as numerics',
		(gender) => {
			const d = detectRoles(
				[
					col('CustomerID', 'BIGINT', 200, cycle(['1', '2', '3', '4'])),
					col(gender, 'VARCHAR', 2, cycle(['Male', 'Female'])),
					col('Age', 'BIGINT', 51, cycle(['19', '21', '20', '23'])),
					col('Annual Income (k$)', 'BIGINT', 64, cycle(['15', '16', '17'])),
					col('Spending Score (1-100)', 'BIGINT', 84, cycle(['39', '81', '6']))
				],
				200
			);
			expect(d.grain).toBe('customers');
			expect(d.roles).toEqual({
				key: 'CustomerID',
				orderId: null,
				timestamp: null,
				amount: null,
				quantity: null,
				unitPrice: null,
				discount: null,
				categoricals: [gender],
				numerics: ['Age', 'Annual Income (k$)', 'Spending Score (1-100)']
			});
			expect(d.confidence.key).toBe('name');
		}
	);

	it('a customer file with "spend": an attribute, not an order amount', () => {
		const d = detectRoles(
			[
				col('customer_id', 'VARCHAR', 6, cycle(['A', 'B', 'C', 'D', 'E', 'F'])),
				col('spend', 'DOUBLE', 5, cycle(['1.0', 'nan', '5.0'])),
				col('visits', 'BIGINT', 6, cycle(['1', '2', '3']))
			],
			6
		);
		expect(d.grain).toBe('customers');
		expect(d.roles.amount).toBeNull();
		expect(d.roles.numerics).toEqual(['spend', 'visits']);
	});

	it('a single customer still has a key and its attributes', () => {
		const d = detectRoles(
			[
				col('customer_id', 'VARCHAR', 1, ['C1']),
				col('age', 'BIGINT', 1, ['30']),
				col('income', 'BIGINT', 1, ['50000'])
			],
			1
		);
		expect(d.roles.key).toBe('customer_id');
		expect(d.roles.numerics).toEqual(['age', 'income']);
	});

	it('no key by name on a customer file: the first unique column, by values', () => {
		const d = detectRoles(
			[
				col('segment', 'VARCHAR', 3, cycle(['a', 'b', 'c'])),
				col('email', 'VARCHAR', 500, cycle(['a@x.com', 'b@y.org'])),
				col('tag', 'VARCHAR', 500, cycle(['R-1', 'R-2', 'R-3'])),
				col('row_number', 'BIGINT', 500, cycle(['1', '2', '3'])),
				col('age', 'INTEGER', 60, cycle(['33', '41']))
			],
			500
		);
		expect(d.grain).toBe('customers');
		expect(d.roles.key).toBe('tag');
		expect(d.confidence.key).toBe('values');
		expect(d.roles.numerics).toEqual(['age']);
		expect(d.roles.categoricals).toEqual(['segment']);
		expect(d.notes.join(' ')).toMatch(/'tag' is used because its values are all different/);
	});

	it('no date column: timestamp null and the note', () => {
		const d = detectRoles(
			[
				col('receipt_no', 'VARCHAR', 3_000, ids('R')),
				col('member_id', 'VARCHAR', 900, ids('M')),
				col('store', 'VARCHAR', 12, cycle(['North', 'South'])),
				col('total', 'DOUBLE', 2_500, cycle(['23.5', '-4.0', '18.2']))
			],
			3_000
		);
		expect(d.grain).toBe('transactions');
		expect(d.roles.timestamp).toBeNull();
		expect(d.confidence.timestamp).toBe('none');
		expect(d.roles).toMatchObject({ key: 'member_id', orderId: 'receipt_no', amount: 'total' });
		expect(d.notes).toContain("No date column: recency and tenure can't be computed.");
		expect(d.notes).toContain(
			"'total' has negative values: returns and cancellations reduce spend."
		);
	});

	it('a date found by its type when no column is named like one', () => {
		const d = detectRoles(
			[
				col('shopper', 'VARCHAR', 300, ids('S')),
				col('delivered', 'DATE', 200, cycle(['2024-05-01'])),
				col('sold_on', 'TIMESTAMP', 2_000, cycle(['2024-04-28 12:00:00'])),
				col('qty', 'INTEGER', 5, cycle(['1', '2'])),
				col('price', 'DOUBLE', 80, cycle(['9.99']))
			],
			2_000
		);
		expect(d.roles.key).toBe('shopper');
		expect(d.roles.timestamp).toBe('sold_on');
		expect(d.confidence.timestamp).toBe('name');
		const untyped = detectRoles(
			[
				col('customer', 'VARCHAR', 300, ids('S')),
				col('ship_date', 'DATE', 200, cycle(['2024-05-01'])),
				col('moment', 'TIMESTAMP', 2_000, cycle(['2024-04-28 12:00:00'])),
				col('amount', 'DOUBLE', 800, cycle(['9.99']))
			],
			2_000
		);
		expect(untyped.roles.timestamp).toBe('moment');
		expect(untyped.confidence.timestamp).toBe('values');
	});

	it('a column called "customer" holding names is not a key', () => {
		const d = detectRoles(
			[
				col('order_id', 'BIGINT', 6, cycle(['1001', '1002'])),
				col('customer', 'VARCHAR', 4, cycle(['Ann Lee', 'Bob Ray', 'Cy Dot'])),
				col('order_date', 'DATE', 6, cycle(['2024-01-05'])),
				col('amount', 'DOUBLE', 6, cycle(['25.5', '12.0']))
			],
			6
		);
		expect(d.roles.key).toBeNull();
		expect(d.grain).toBe('transactions');
		expect(d.notes.join(' ')).toMatch(/'customer' holds people's names/);
		expect(d.notes.join(' ')).toMatch(/No column looks like a customer key/);
	});

	it('ID-like numbers are not numerics, and discount amounts are not rates', () => {
		const d = detectRoles(
			[
				col('client_id', 'VARCHAR', 100, ids('C')),
				col('transaction_id', 'BIGINT', 1_000, cycle(['1', '2'])),
				col('purchase_date', 'TIMESTAMP', 990, cycle(['2024-01-01 00:00:00'])),
				col('store_code', 'INTEGER', 20, cycle(['101', '102'])),
				col('line_no', 'INTEGER', 8, cycle(['1', '2'])),
				col('net_amount', 'DOUBLE', 900, cycle(['10.5'])),
				col('gross_amount', 'DOUBLE', 900, cycle(['12.5'])),
				col('discount_amount', 'DOUBLE', 50, cycle(['2.0', '150.0'])),
				col('loyalty_points', 'INTEGER', 300, cycle(['10', '30']))
			],
			1_000
		);
		expect(d.roles.amount).toBe('net_amount');
		expect(d.roles.discount).toBeNull();
		expect(d.roles.numerics).toEqual(['gross_amount', 'discount_amount', 'loyalty_points']);
		expect(d.notes.join(' ')).toMatch(
			/'discount_amount' looks like a discount amount rather than a rate/
		);
	});
});
