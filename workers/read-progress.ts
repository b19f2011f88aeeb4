/**
 * How far a phase of a load has got: the share of its file DuckDB has read in that phase, from
 * the slices it reads (db.watchFileReads). A CSV is read front to back, one buffer at a time;
 * the bytes covered at least once, over the file's size, only grow (a slice read twice or out of
 * order counts once), and reach 1 when the whole file has been read. Each phase starts again
 * from nothing: the sniffer's read of a CSV's start is not the read of the file.
 */
import type { ProgressCallback } from '../src/engine/api';
import type { Db, FileRead, FileSource } from './db';

export class ReadProgress {
	readonly #name: string;
	readonly #size: number;
	/** Disjoint, sorted [start, end) ranges read so far. */
	#ranges: [number, number][] = [];
	#covered = 0;

	constructor(name: string, size: number) {
		this.#name = name;
		this.#size = size;
	}

	/** The share read after this slice (0…1), or null when the slice is of another file. */
	add(read: FileRead): number | null {
		if (read.name !== this.#name || read.size !== this.#size || this.#size === 0) return null;
		let start = read.start;
		let end = read.end;
		const kept: [number, number][] = [];
		for (const [s, e] of this.#ranges) {
			if (e < start || s > end) kept.push([s, e]);
			else {
				start = Math.min(start, s);
				end = Math.max(end, e);
			}
		}
		if (end > start) kept.push([start, end]);
		kept.sort((a, b) => a[0] - b[0]);
		this.#ranges = kept;
		this.#covered = kept.reduce((sum, [s, e]) => sum + (e - s), 0);
		return this.fraction;
	}

	/** The share read in this phase, or null before its first read. */
	get fraction(): number | null {
		if (this.#ranges.length === 0) return null;
		return this.#size === 0 ? 1 : Math.min(1, this.#covered / this.#size);
	}

	/** A new phase: what was read before does not count. */
	restart(): void {
		this.#ranges = [];
		this.#covered = 0;
	}
}

/**
 * A load's progress for the status line: the phase says what runs; in a phase that reads the
 * file through (`reading`), the fraction is the share of it DuckDB has read so far, where it
 * reads a browser File (db.watchFileReads), or the share the load reports itself when it reads
 * the file in JavaScript (`onFraction`: Parquet); else null. Call `stop` when the load ends.
 */
export function loadProgress(
	db: Db,
	source: FileSource,
	onProgress: ProgressCallback | undefined
): {
	onPhase: (phase: string, reading?: boolean) => void;
	onFraction: (fraction: number) => void;
	stop: () => void;
} {
	const reads =
		source.file && db.watchFileReads ? new ReadProgress(source.name, source.size) : null;
	let phase = '';
	let reading = false;
	/** Where the load reads the file itself (Parquet, in JavaScript): its own share. */
	let own: number | null = null;
	let shown = -1;
	const current = (): number | null => (reading ? (own ?? reads?.fraction ?? null) : null);
	const report = (): void => onProgress?.({ phase, fraction: current() });
	// A message per percent at most: a slice can be a few kilobytes.
	const changed = (): void => {
		const fraction = current();
		if (fraction === null || Math.floor(fraction * 100) === shown) return;
		shown = Math.floor(fraction * 100);
		report();
	};
	const stop = reads
		? db.watchFileReads?.((slice) => {
				if (reads.add(slice) !== null) changed();
			})
		: undefined;
	return {
		onPhase: (next, isReading = false) => {
			phase = next;
			reading = isReading;
			reads?.restart();
			own = null;
			shown = -1;
			report();
		},
		onFraction: (fraction) => {
			own = Math.min(1, Math.max(0, fraction));
			changed();
		},
		stop: () => stop?.()
	};
}
