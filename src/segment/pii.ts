/**
 * Does a column look like personal data? From its name (in the usual spellings of a few
 * languages) and from a sample of its values. Deliberately cautious: a false alarm costs a
 * glance, a miss can leak a customer's e-mail into an export.
 */
export type PiiKind = 'e-mail' | 'phone' | 'name' | 'address';

const NAME_RULES: readonly [PiiKind, RegExp][] = [
	['e-mail', /(^|_|\b)(e_?mail|mail|courriel|correo)(_|\b|$)/i],
	[
		'phone',
		/(^|_|\b)(phone|mobile|cell|tel|telephone|telefon|telefono|t[ée]l[ée]phone|msisdn)(_|\b|$)/i
	],
	[
		'name',
		/(^|_|\b)((first|last|full|given|family|sur|middle|customer|client|contact)_?name|name|surname|forename|vorname|nachname|nom|pr[ée]nom|nombre|apellidos?)(_|\b|$)/i
	],
	[
		'address',
		/(^|_|\b)(address|addr|street|strasse|straße|rue|calle|postcode|post_?code|postal_?code|zip|zip_?code|plz|house_?number)(_|\b|$)/i
	]
];

// Column names that contain "name" but are not about a person.
const NOT_PERSONAL =
	/(product|item|category|city|country|store|shop|brand|file|table|column|sku|campaign|channel|segment|company|region|state)_?name/i;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
/** Dates and times written as text (`2024-01-05`, `05.01.2024 10:00`) are not phone numbers. */
const DATE_OR_TIME =
	/^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$|^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function normalise(name: string): string {
	return name
		.trim()
		.replace(/([a-z])([A-Z])/g, '$1_$2')
		.replace(/[\s\-.]+/g, '_')
		.toLowerCase();
}

export function detectPii(columnName: string, sample: readonly string[]): PiiKind | null {
	const name = normalise(columnName);
	const values = sample.filter((v) => v.trim() !== '');
	const share = (re: RegExp, extra: (v: string) => boolean = () => true): number =>
		values.length === 0
			? 0
			: values.filter((v) => re.test(v.trim()) && extra(v)).length / values.length;
	if (share(EMAIL) >= 0.5) return 'e-mail';
	// Phone-looking values need punctuation or a plus: bare digit runs are usually ids.
	if (
		share(
			PHONE,
			(v) =>
				/[+\s().-]/.test(v.trim()) &&
				(v.match(/\d/g)?.length ?? 0) >= 7 &&
				!DATE_OR_TIME.test(v.trim())
		) >= 0.5
	) {
		return 'phone';
	}
	if (NOT_PERSONAL.test(name)) return null;
	// Yes/No flags such as PhoneService name a service, not a person's number.
	if (values.length > 0 && values.every((v) => /^(yes|no|true|false|y|n|0|1)$/i.test(v.trim()))) {
		return null;
	}
	for (const [kind, re] of NAME_RULES) if (re.test(name)) return kind;
	return null;
}

/** A value protectColumn (or an export) already replaced by the notebook-salted hash. */
export const SALTED_HASH = /^h_[0-9a-f]{16}$/;

/**
 * Masked as protectColumn masks in SQL: an e-mail keeps its first letter and its domain
 * (`a***@example.com`), anything else its first letter (`J*******`). Masking twice changes
 * nothing.
 */
export function maskValue(value: string): string {
	const chars = [...value];
	const at = value.indexOf('@');
	if (at >= 0) return `${chars[0] ?? ''}***${value.slice(at)}`;
	return (chars[0] ?? '') + '*'.repeat(Math.max(chars.length - 1, 0));
}

/**
 * Does a column in an export carry personal data? `sample` holds some of its values as text
 * (none for numbers: then only the name counts, and a number is never an e-mail or a name).
 * Columns already hashed by the notebook are not personal any more.
 */
export function exportPii(
	columnName: string,
	sample: readonly string[],
	isText: boolean
): PiiKind | null {
	const values = sample.filter((v) => v.trim() !== '');
	if (values.length > 0 && values.every((v) => SALTED_HASH.test(v))) return null;
	const kind = detectPii(columnName, isText ? values : []);
	if (!isText && (kind === 'name' || kind === 'e-mail')) return null;
	return kind;
}
