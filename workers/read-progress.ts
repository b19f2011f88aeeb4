/**
 * How far a phase of a load has got: the share of its file DuckDB has read in that phase, from
 * the slices it reads (db.watchFileReads). A CSV is read front to back; a Parquet file from its
 * footer, then column chunk by column chunk. Either way the bytes covered at least once, over
 * the file's size, only grow, and reach 1 when the whole file has been read. Each phase starts
 * again from nothing: the sniffer's read of a CSV's first 32 MB is not the read of the file.
 */
import type { FileRead } from './db';

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
