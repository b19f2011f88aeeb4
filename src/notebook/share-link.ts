/**
 * Share links and notebook files: a notebook's text (never its data) in a URL fragment or in a
 * `.segbook.json` file, and the way back in through the strict schema.
 *
 * Link format, version 1:
 *
 *   #nb=1.<size>.<crc>.<data>
 *
 *   nb=    marks the fragment as a notebook. The fragment is never sent to a server, so a link
 *          leaks nothing to the host and has no server-side length limit (RELIABILITY.md T9).
 *   1      the link format version. DECODERS keeps one decoder per version, so a link made today
 *          still opens after the format changes, and a link from a newer app is told apart from
 *          a damaged one ("update the app", not "damaged"). This is the format of the link; the
 *          notebook inside carries its own document version, which `migrate` handles.
 *   size   the notebook JSON's length in UTF-8 bytes, base36. A notebook too large to unpack is
 *          refused before anything is inflated, and the inflated length must match it exactly.
 *   crc    CRC-32 (IEEE) of the compressed bytes, base36. A link cut off or mangled in a chat
 *          app is caught before inflating, even where the inflater would happily decode the
 *          damaged bytes (the pad bits after the last DEFLATE block are ignored by inflaters).
 *          It detects accidents only: an attacker computes it, so the caps and the schema, not
 *          the checksum, are the defence against hostile links.
 *   data   base64url (RFC 4648 §5, no padding) of raw DEFLATE (RFC 1951) of the JSON text.
 *          base64url uses only A–Z a–z 0–9 - _, which survive URLs, chat apps and e-mail without
 *          percent-encoding; DEFLATE shrinks notebook JSON about three-fold, which keeps a
 *          typical notebook under the 2,000 characters every browser and app accepts.
 *
 * Decoding untrusted links (T7, T8, T9): the encoded length is capped before anything else; the
 * inflate runs as a stream fed in small steps with a running output counter that stops above
 * LINK_LIMITS.maxDecodedBytes (fflate's fixed `out` buffer is not a cap: it truncates silently
 * and keeps inflating); JSON is parsed with `safeJsonParse`; the result goes through `migrate`
 * and the strict `parseNotebook`. fflate rather than CompressionStream: synchronous, the same
 * in Node and browsers, and stoppable mid-stream.
 *
 * Pure: no DOM, no Svelte.
 */
import { deflateSync, Inflate } from 'fflate';
import type { Notebook } from './model';
import { migrate, NotebookVersionError, parseNotebook, safeJsonParse } from './schema';

/** The link format this app writes. */
export const LINK_FORMAT_VERSION = 1;
/** The `.segbook.json` file format this app writes (the `segbook` marker field). */
export const FILE_FORMAT_VERSION = 1;

export const LINK_LIMITS = Object.freeze({
	/** Links up to this length work in every browser, chat app and mail client. */
	warnChars: 2000,
	/** Longer fragments are refused unread: offer the notebook file instead. */
	maxEncodedChars: 64 * 1024,
	/** A link's notebook may unpack to at most this many bytes of JSON. */
	maxDecodedBytes: 1024 * 1024
});

export const FILE_LIMITS = Object.freeze({
	/**
	 * Notebook files above this size are refused. decodeNotebookFile checks the text's length;
	 * every character is at least one byte, so a file within the byte cap always passes.
	 */
	maxBytes: 5 * 1024 * 1024
});

export type DecodeFailure = 'not-a-link' | 'version' | 'too-large' | 'damaged' | 'invalid';

export type DecodeResult =
	{ ok: true; notebook: Notebook } | { ok: false; error: string; reason: DecodeFailure };

export const LINK_MESSAGES = Object.freeze({
	notALink: 'This is not a Segbook notebook link.',
	damaged:
		'This link is damaged or was cut off when it was copied. Ask for the link again, or for the notebook file.',
	tooLarge:
		'This link is too large to open safely. Ask for the notebook file instead (Export in Segbook).',
	notAFile: 'This is not a Segbook notebook file.',
	damagedFile:
		'This file is damaged or incomplete: it is not valid JSON. Export the notebook again.',
	tooLargeFile: 'This file is too large to be a Segbook notebook (more than 5 MB).'
});

const fail = (reason: DecodeFailure, error: string): DecodeResult => ({ ok: false, reason, error });

// ---------------------------------------------------------------- bytes

const utf8Encoder = new TextEncoder();
// fatal: a byte sequence that is not UTF-8 is damage, not text to patch with U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const CRC_TABLE: Uint32Array = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (IEEE 802.3, as in zip and PNG) of `bytes`, as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUES: Int8Array = (() => {
	const values = new Int8Array(128).fill(-1);
	for (let i = 0; i < BASE64URL.length; i++) values[BASE64URL.charCodeAt(i)] = i;
	return values;
})();

export function base64UrlEncode(bytes: Uint8Array): string {
	const out: string[] = [];
	for (let i = 0; i < bytes.length; i += 3) {
		const rest = bytes.length - i;
		const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
		out.push(BASE64URL.charAt((n >> 18) & 63), BASE64URL.charAt((n >> 12) & 63));
		if (rest > 1) out.push(BASE64URL.charAt((n >> 6) & 63));
		if (rest > 2) out.push(BASE64URL.charAt(n & 63));
	}
	return out.join('');
}

/**
 * Strict base64url: only the 64 URL-safe characters, no padding, no impossible length, and the
 * unused low bits of the last character must be zero. Lenient decoders accept several spellings
 * of the same bytes, which would let a changed character pass unnoticed. Null when not valid.
 */
export function base64UrlDecode(text: string): Uint8Array | null {
	if (text.length % 4 === 1) return null;
	const out = new Uint8Array(Math.floor((text.length * 3) / 4));
	let buffer = 0;
	let bits = 0;
	let o = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		const value = code < 128 ? (BASE64URL_VALUES[code] ?? -1) : -1;
		if (value < 0) return null;
		buffer = (buffer << 6) | value;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (buffer >> bits) & 0xff;
			buffer &= (1 << bits) - 1;
		}
	}
	if (buffer !== 0) return null;
	return out;
}

/**
 * Input is fed to the inflater this many bytes at a time. DEFLATE expands at most about 1032:1,
 * so one step yields at most ~264 KB: the counter stops a bomb within that of the cap.
 */
const INFLATE_STEP = 256;

/** Raw-DEFLATE inflate that stops as soon as the output passes `maxBytes`. */
export function inflateCapped(
	compressed: Uint8Array,
	maxBytes: number
): Uint8Array | 'too-large' | 'damaged' {
	const chunks: Uint8Array[] = [];
	let total = 0;
	let over = false;
	const inflater = new Inflate((chunk) => {
		total += chunk.length;
		if (total > maxBytes) over = true;
		else chunks.push(chunk);
	});
	try {
		for (let i = 0; i < compressed.length && !over; i += INFLATE_STEP) {
			inflater.push(compressed.subarray(i, i + INFLATE_STEP), false);
		}
		if (!over) inflater.push(new Uint8Array(0), true);
	} catch {
		return over ? 'too-large' : 'damaged';
	}
	if (over) return 'too-large';
	const out = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.length;
	}
	return out;
}

// ---------------------------------------------------------------- documents

/** migrate + parseNotebook, with the reasons a link or file reports. */
export function checkDocument(value: unknown, what: 'link' | 'file'): DecodeResult {
	let current: unknown;
	try {
		current = migrate(value);
	} catch (e) {
		if (e instanceof NotebookVersionError) return fail('version', e.message);
		return fail('invalid', `This ${what} holds a notebook Segbook can't upgrade.`);
	}
	const parsed = parseNotebook(current);
	if (!parsed.ok) return fail('invalid', `This ${what} can't be opened: ${parsed.error}.`);
	return { ok: true, notebook: parsed.notebook };
}

/**
 * The notebook as it will be written: validated (so every link and file this app makes opens
 * again) and rebuilt by the schema (so stray runtime properties never travel, and keys come in
 * a fixed order).
 * @throws Error naming the first problem when the notebook is not valid.
 */
function checkedForExport(nb: Notebook): Notebook {
	const parsed = parseNotebook(nb);
	if (!parsed.ok) throw new Error(`This notebook can't be exported: ${parsed.error}.`);
	return parsed.notebook;
}

// ---------------------------------------------------------------- links

const LINK_PREFIX = 'nb=';

function buildLink(nb: Notebook): { link: string; jsonBytes: number } {
	const json = utf8Encoder.encode(JSON.stringify(checkedForExport(nb)));
	const compressed = deflateSync(json, { level: 9 });
	const size = json.length.toString(36);
	const crc = crc32(compressed).toString(36);
	return {
		link: `#${LINK_PREFIX}${LINK_FORMAT_VERSION}.${size}.${crc}.${base64UrlEncode(compressed)}`,
		jsonBytes: json.length
	};
}

/**
 * The share-link fragment for `nb` (starting with `#nb=`), to append to the app's URL.
 * @throws Error when the notebook is not valid, RangeError when the link would be too large to
 * open (over LINK_LIMITS): offer the notebook file instead.
 */
export function encodeShareLink(nb: Notebook): string {
	const { link, jsonBytes } = buildLink(nb);
	if (link.length > LINK_LIMITS.maxEncodedChars || jsonBytes > LINK_LIMITS.maxDecodedBytes) {
		throw new RangeError(
			`This notebook is too large for a link (${link.length} characters); export it as a file instead.`
		);
	}
	return link;
}

/**
 * The fragment's length in characters, for the size warning (above LINK_LIMITS.warnChars) and
 * the file-instead offer (above LINK_LIMITS.maxEncodedChars). Does not throw for size.
 * @throws Error when the notebook is not valid.
 */
export function shareLinkLength(nb: Notebook): number {
	return buildLink(nb).link.length;
}

type LinkDecoder = (body: string) => DecodeResult;

function decodeV1(body: string): DecodeResult {
	const parts = body.split('.');
	if (parts.length !== 3) return fail('damaged', LINK_MESSAGES.damaged);
	const [sizeText = '', crcText = '', data = ''] = parts;
	if (!/^[0-9a-z]{1,8}$/.test(sizeText) || !/^[0-9a-z]{1,7}$/.test(crcText)) {
		return fail('damaged', LINK_MESSAGES.damaged);
	}
	const size = parseInt(sizeText, 36);
	const crc = parseInt(crcText, 36);
	if (size > LINK_LIMITS.maxDecodedBytes) return fail('too-large', LINK_MESSAGES.tooLarge);
	const compressed = base64UrlDecode(data);
	if (!compressed || crc32(compressed) !== crc) return fail('damaged', LINK_MESSAGES.damaged);
	const inflated = inflateCapped(compressed, LINK_LIMITS.maxDecodedBytes);
	if (inflated === 'too-large') return fail('too-large', LINK_MESSAGES.tooLarge);
	if (inflated === 'damaged' || inflated.length !== size) {
		return fail('damaged', LINK_MESSAGES.damaged);
	}
	let json: string;
	try {
		json = utf8Decoder.decode(inflated);
	} catch {
		return fail('damaged', LINK_MESSAGES.damaged);
	}
	let value: unknown;
	try {
		value = safeJsonParse(json);
	} catch {
		// The checksum matched, so this is no accident of copying: the link was made wrong.
		return fail('invalid', "This link doesn't hold a readable notebook.");
	}
	return checkDocument(value, 'link');
}

/** One decoder per link format version; old ones stay so old links keep opening. */
export const DECODERS: Readonly<Record<number, LinkDecoder>> = Object.freeze({ 1: decodeV1 });

/**
 * Reads a share link: `location.hash` (with or without the `#`), or a whole URL. Never throws;
 * a failure says why, in words for the user, and as a reason for the UI.
 */
export function decodeShareLink(fragment: string): DecodeResult {
	if (typeof fragment !== 'string') return fail('not-a-link', LINK_MESSAGES.notALink);
	// The cap comes first: a huge fragment costs nothing but this comparison.
	if (fragment.length > LINK_LIMITS.maxEncodedChars) {
		return fail('too-large', LINK_MESSAGES.tooLarge);
	}
	const hash = fragment.indexOf('#');
	const text = hash >= 0 ? fragment.slice(hash + 1) : fragment;
	if (!text.startsWith(LINK_PREFIX)) return fail('not-a-link', LINK_MESSAGES.notALink);
	// Mail clients wrap long links; whitespace is never part of one.
	const body = text.slice(LINK_PREFIX.length).replace(/\s+/g, '');
	const match = /^(\d{1,6})\./.exec(body);
	if (!match?.[1]) return fail('damaged', LINK_MESSAGES.damaged);
	const version = Number(match[1]);
	const decoder = Object.hasOwn(DECODERS, version) ? DECODERS[version] : undefined;
	if (!decoder) {
		return fail(
			'version',
			version > LINK_FORMAT_VERSION
				? `This link was made by a newer Segbook (link format ${version}); update the app.`
				: `This link uses an old format (${version}) that Segbook no longer reads. Ask for the notebook file.`
		);
	}
	try {
		return decoder(body.slice(match[0].length));
	} catch {
		// Nothing above should throw; if something does, the link is still just unreadable.
		return fail('damaged', LINK_MESSAGES.damaged);
	}
}

// ---------------------------------------------------------------- files

/**
 * A `.segbook.json` file: the notebook as pretty JSON with a `segbook` marker first, so the file
 * says what it is, reads well in a diff, and opens in any text editor.
 * @throws Error when the notebook is not valid.
 */
export function encodeNotebookFile(nb: Notebook): string {
	const file = { segbook: FILE_FORMAT_VERSION, ...checkedForExport(nb) };
	return `${JSON.stringify(file, null, '\t')}\n`;
}

/** Reads a `.segbook.json` file's text. Never throws. */
export function decodeNotebookFile(text: string): DecodeResult {
	if (typeof text !== 'string') return fail('not-a-link', LINK_MESSAGES.notAFile);
	if (text.length > FILE_LIMITS.maxBytes) return fail('too-large', LINK_MESSAGES.tooLargeFile);
	// Editors on Windows like to add a byte-order mark.
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	let value: unknown;
	try {
		value = safeJsonParse(body);
	} catch {
		return fail('damaged', LINK_MESSAGES.damagedFile);
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return fail('not-a-link', LINK_MESSAGES.notAFile);
	}
	const { segbook: marker, ...doc } = value as Record<string, unknown>;
	if (marker === undefined) return fail('not-a-link', LINK_MESSAGES.notAFile);
	if (marker !== FILE_FORMAT_VERSION) {
		return typeof marker === 'number' &&
			Number.isSafeInteger(marker) &&
			marker > FILE_FORMAT_VERSION
			? fail(
					'version',
					`This file was made by a newer Segbook (file format ${marker}); update the app.`
				)
			: fail('not-a-link', LINK_MESSAGES.notAFile);
	}
	try {
		return checkDocument(doc, 'file');
	} catch {
		return fail('invalid', "This file can't be opened.");
	}
}
