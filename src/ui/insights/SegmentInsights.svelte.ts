/**
 * The insights of one Personas cell, fetched from the engine after each personas run: rules,
 * diagnostics and retention first (fast), then the stability check (resampling, with progress in
 * the status bar and its own Cancel), then the k-means × RFM overlap. A newer refresh supersedes
 * an older one (latest wins); every failure is kept per insight, so one failing leaves the rest.
 */
import type {
	DiagnosticsReport,
	InsightCalls,
	InsightKind,
	OverlapReport,
	RetentionReport,
	RulesReport,
	SegmentationRef,
	StabilityReport
} from '../../engine/insight-api';
import { asEngineError } from '../../engine/errors';
import { latestStability } from './latest.svelte';
import type { InsightSources } from './sources';

/** The slice of the engine client the insights use. */
export interface InsightEngine {
	insight<K extends InsightKind>(
		kind: K,
		input: InsightCalls[K]['input']
	): Promise<InsightCalls[K]['output']>;
	cancel(): Promise<void>;
}

export class SegmentInsights {
	rules: RulesReport | null = $state.raw(null);
	stability: StabilityReport | null = $state.raw(null);
	diagnostics: DiagnosticsReport | null = $state.raw(null);
	retention: RetentionReport | null = $state.raw(null);
	overlap: OverlapReport | null = $state.raw(null);
	errors: Partial<Record<InsightKind, string>> = $state.raw({});
	/** What is being computed now, or null. */
	running: InsightKind | null = $state(null);
	#engine: () => InsightEngine;
	#generation = 0;
	#sources: InsightSources | null = $state.raw(null);

	/** `engine` is read at each call: the notebook may swap its client. */
	constructor(engine: () => InsightEngine) {
		this.#engine = engine;
	}

	get sources(): InsightSources | null {
		return this.#sources;
	}

	async #one<K extends InsightKind>(
		generation: number,
		kind: K,
		input: InsightCalls[K]['input']
	): Promise<InsightCalls[K]['output'] | null> {
		if (generation !== this.#generation) return null;
		this.running = kind;
		try {
			const out = await this.#engine().insight(kind, input);
			return generation === this.#generation ? out : null;
		} catch (e) {
			if (generation === this.#generation) {
				const error = asEngineError(e);
				this.errors = {
					...this.errors,
					[kind]: error.code === 'cancelled' ? 'Cancelled.' : error.message
				};
			}
			return null;
		} finally {
			if (generation === this.#generation) this.running = null;
		}
	}

	/** Everything again, for the segments as they are now. */
	async refresh(sources: InsightSources): Promise<void> {
		const generation = ++this.#generation;
		this.#sources = sources;
		this.rules = this.stability = this.diagnostics = this.retention = this.overlap = null;
		this.errors = {};
		latestStability.report = null;
		const { tables, seed } = sources;
		this.rules = await this.#one(generation, 'rules', { ...tables, seed });
		this.diagnostics = await this.#one(generation, 'diagnostics', { ...tables, seed });
		if (sources.retention) {
			this.retention = await this.#one(generation, 'retention', sources.retention);
		} else if (generation === this.#generation) {
			this.errors = {
				...this.errors,
				retention: 'Retention needs order lines with dates: this data has one row per customer.'
			};
		}
		if (sources.rfm) await this.compare(sources.kmeans, sources.rfm, generation);
		await this.checkStability(generation);
	}

	/** The stability check alone (again after a Cancel). */
	async checkStability(generation = this.#generation): Promise<void> {
		const sources = this.#sources;
		if (!sources || generation !== this.#generation) return;
		const { stability: _, ...rest } = this.errors;
		this.errors = rest;
		this.stability = await this.#one(generation, 'stability', {
			...sources.tables,
			seed: sources.seed
		});
		if (generation === this.#generation) latestStability.report = this.stability;
	}

	/** The overlap matrix of any two segmentations. */
	async compare(
		a: SegmentationRef,
		b: SegmentationRef,
		generation = this.#generation
	): Promise<void> {
		const { overlap: _, ...rest } = this.errors;
		this.errors = rest;
		this.overlap = await this.#one(generation, 'overlap', { a, b });
	}

	cancel(): Promise<void> {
		return this.#engine().cancel();
	}

	/** Forget everything (the personas are gone or stale). */
	clear(): void {
		this.#generation++;
		this.#sources = null;
		this.rules = this.stability = this.diagnostics = this.retention = this.overlap = null;
		this.errors = {};
		this.running = null;
		latestStability.report = null;
	}
}
