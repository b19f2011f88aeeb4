/** How a text load describes itself: the dialect line, renamed headers, and plain errors. */
import { EngineError } from '../../src/engine/errors';
import type { CsvRead } from './options';
import type { Dialect } from './parse';

const DELIMITER_NAMES: Record<string, string> = {
	',': 'comma-separated',
	';': 'semicolon-separated',
	'\t': 'tab-separated',
	'|': 'pipe-separated'
};

export function delimiterLabel(d: string): string {
	return DELIMITER_NAMES[d] ?? `separated by ${JSON.stringify(d)}`;
}

export function describeRead(d: Dialect, headerRows: number, r: CsvRead, preamble: number): string {
	const parts = [
		delimiterLabel(d.delimiter),
		headerRows === 0
			? 'no header row'
			: headerRows === 1
				? 'header row'
				: `${headerRows} header rows merged`,
		r.encoding.toUpperCase()
	];
	if (d.quote !== '"') parts.push(d.quote === '' ? 'no quoting' : `quoted with ${d.quote}`);
	if (d.escape !== '' && d.escape !== d.quote) parts.push(`${d.escape} escapes quotes`);
	if (r.decimalComma) parts.push('decimal comma');
	if (r.dateFormat) parts.push(`dates ${r.dateFormat}`);
	if (r.timestampFormat) parts.push(`timestamps ${r.timestampFormat}`);
	if (preamble > 0) parts.push(`${preamble} preamble line${preamble === 1 ? '' : 's'} skipped`);
	return parts.join(', ');
}

/** Column names as DuckDB would make them: empty → column<i>, repeats → name_1, name_2. */
export function uniqueNames(names: readonly string[]): string[] {
	const seen = new Set<string>();
	return names.map((raw, i) => {
		let name = raw.trim() === '' ? `column${i}` : raw.trim();
		if (seen.has(name.toLowerCase())) {
			let k = 1;
			while (seen.has(`${name}_${k}`.toLowerCase())) k++;
			name = `${name}_${k}`;
		}
		seen.add(name.toLowerCase());
		return name;
	});
}

/** Headers DuckDB renamed (empty or duplicate names), so the user can find their columns. */
export function headerRenames(raw: readonly string[], names: readonly string[]): string[] {
	if (raw.length !== names.length) return [];
	const renamed: string[] = [];
	raw.forEach((original, i) => {
		const o = original.trim();
		if (o !== names[i]) renamed.push(`${o === '' ? '(empty)' : `“${o}”`} → ${names[i]}`);
	});
	return renamed.length > 0 ? [`Renamed headers: ${renamed.join(', ')}.`] : [];
}

function megabytes(bytes: number): string {
	return `${Math.round(bytes / 100_000) / 10} MB`;
}

/**
 * A line over DuckDB's max_line_size, named as such (DuckDB's message can read like an
 * encoding error once the Latin-1 retry has run), with the setting that raises it.
 */
export function lineTooLong(
	name: string,
	message: string,
	limit = 2_000_000,
	line?: number,
	bytes?: number
): EngineError | null {
	const m = /Maximum line size of (\d+) bytes exceeded(?:\.\s*Actual Size:\s*(\d+))?/i.exec(
		message
	);
	if (!m && !/LINE SIZE OVER MAXIMUM/.test(message)) return null;
	const actual = m?.[2] !== undefined ? Number(m[2]) : (bytes ?? null);
	const used = m ? Number(m[1]) : limit;
	const at =
		line !== undefined ? `Line ${line.toLocaleString('en')} of ${name}` : `A line of ${name}`;
	const size = actual !== null ? ` (${megabytes(actual)})` : '';
	const higher = Math.min(
		512_000_000,
		Math.ceil(Math.max((actual ?? 0) * 1.25, used * 10) / 1_000_000) * 1_000_000
	);
	return new EngineError(
		'line-too-long',
		`${at} is longer${size} than ${megabytes(used)}, the longest line the reader takes. This is not an encoding problem. Raise “Longest line” in Read as to ${megabytes(higher)} and load it again; a line that long often means line breaks are missing or a quote was never closed.`
	);
}
