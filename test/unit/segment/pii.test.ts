/** Guards the personal-data flag: by name in several languages, and by values. */
import { describe, expect, it } from 'vitest';
import { detectPii } from '../../../src/segment/pii';

describe('detectPii', () => {
	it.each([
		['email', 'e-mail'],
		['E-Mail Address', 'e-mail'],
		['customerEmail', 'e-mail'],
		['phone_number', 'phone'],
		['Telefon', 'phone'],
		['first_name', 'name'],
		['Nachname', 'name'],
		['customer_name', 'name'],
		['street', 'address'],
		['Postal Code', 'address']
	])('flags %s by its name', (name, kind) => {
		expect(detectPii(name, [])).toBe(kind);
	});

	it.each(['product_name', 'category', 'amount', 'city_name', 'channel', 'segment'])(
		'leaves %s alone',
		(name) => {
			expect(detectPii(name, ['x', 'y'])).toBeNull();
		}
	);

	it('finds e-mails and phones by their values under any name', () => {
		expect(detectPii('contact', ['a@b.com', 'c@d.org', ''])).toBe('e-mail');
		expect(detectPii('col7', ['+44 20 7946 0958', '(555) 123-4567'])).toBe('phone');
		expect(detectPii('order_ref', ['1234567', '7654321'])).toBeNull();
	});
});
