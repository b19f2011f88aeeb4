/**
 * Guards "exports carry no personal data unless the user opts in": the JS mask matches
 * protectColumn's SQL mask, and the export check flags personal columns but not hashed ones.
 */
import { describe, expect, it } from 'vitest';
import { exportPii, maskValue, SALTED_HASH } from '../../../src/segment/pii';

describe('maskValue', () => {
	it('keeps the first letter and an e-mail domain, as protectColumn does', () => {
		expect(maskValue('ann@example.com')).toBe('a***@example.com');
		expect(maskValue('Jane Doe')).toBe('J*******');
		expect(maskValue('+44 20 7946 0958')).toBe('+***************');
		expect(maskValue('')).toBe('');
		expect(maskValue('Ö')).toBe('Ö');
	});

	it('changes nothing the second time', () => {
		for (const v of ['ann@example.com', 'Jane Doe', '0171 555']) {
			expect(maskValue(maskValue(v))).toBe(maskValue(v));
		}
	});
});

describe('exportPii', () => {
	it('flags e-mails, phones and names by value or name', () => {
		expect(exportPii('contact', ['a@x.com', 'b@y.org'], true)).toBe('e-mail');
		expect(exportPii('customer_name', ['Ann', 'Bob'], true)).toBe('name');
		expect(exportPii('mobile', [], false)).toBe('phone');
	});

	it('leaves ids, numbers and already-hashed columns alone', () => {
		expect(exportPii('customer_id', ['C001', 'C002'], true)).toBeNull();
		expect(exportPii('name', [], false)).toBeNull();
		expect(exportPii('email', ['h_0123456789abcdef', 'h_fedcba9876543210'], true)).toBeNull();
		expect(SALTED_HASH.test('h_0123456789abcdef')).toBe(true);
	});
});
