/**
 * The contract for segment insights (types only): rules, stability, diagnostics, repeat and
 * retention KPIs, and the overlap of any two segmentations. One engine method, `insight(kind,
 * input)`, carries them all, so adding one touches api.ts, the client and the worker once.
 *
 * Every input names the tables it reads (the document knows them); the worker keeps no state.
 */
import type { RuleCondition } from '../segment/rules';
import type { SegmentationRef } from '../sql/retention.sql';

export type { RuleCondition, SegmentationRef };

/** The tables a segmentation was made from. */
export interface SegmentTables {
	/** One row per customer in plain units (customer_features). */
	features: string;
	/** What k-means clustered (model_matrix): the key, then the features, transformed. */
	matrix: string;
	/** The key and `segment` (1..k) per customer. */
	segments: string;
	/** The customer key column, the same name in all three. */
	key: string;
}

export interface SegmentRule {
	segment: number;
	conditions: RuleCondition[];
	/** "last order within 35 days and more than 4 orders" */
	text: string;
	/** Share of the segment's customers the rule assigns to it, as k-means does. */
	fidelity: number;
	size: number;
}

export interface RulesReport {
	rules: SegmentRule[];
	/** Share of all customers the rules assign as k-means does. */
	fidelity: number;
	/** The rules as one SQL CASE expression over the feature columns. */
	sql: string;
	/** Customers the tree was fitted on (the sweep's sample of large data). */
	fittedOn: number;
	customers: number;
	ms: number;
}

export type StabilityBand = 'highly stable' | 'stable' | 'weak' | 'unstable';

export interface StabilityReport {
	segments: {
		segment: number;
		/** Mean best Jaccard similarity over the resamples (Hennig's clusterboot). */
		jaccard: number;
		band: StabilityBand;
		/** Resamples in which the segment dissolved (best Jaccard below 0.5). */
		dissolved: number;
	}[];
	k: number;
	seed: number;
	resamples: number;
	method: 'bootstrap' | 'subsample';
	/** Customers resampled (the sweep's sample). */
	sampled: number;
	customers: number;
	/** One or two sentences for the advice on the number of segments. */
	advice: string;
	ms: number;
}

export interface VariableDifference {
	feature: string;
	f: number;
	p: number;
	etaSquared: number;
	/** Mean per segment in plain units. */
	means: { segment: number; mean: number | null }[];
}

export interface DiagnosticsReport {
	/** Per feature of the features table, largest F first (Tableau's Describe Clusters). */
	variables: VariableDifference[];
	dfBetween: number;
	dfWithin: number;
	/** Per-customer silhouette values of a seeded sample, by segment (Orange's plot). */
	silhouette: { segment: number; value: number }[];
	/** Mean silhouette per segment, over the sample. */
	silhouetteBySegment: { segment: number; mean: number; customers: number }[];
	sampled: number;
	customers: number;
	ms: number;
}

export interface RetentionInput {
	/** The order lines. */
	source: string;
	key: string;
	timestamp: string;
	orderId: string | null;
	segments: SegmentationRef;
}

export interface RetentionReport {
	/** Per segment and month after the first purchase (0..6): who could be seen, who bought. */
	curves: { segment: string; months: number; customers: number; retained: number; share: number }[];
	repeat: { segment: string; customers: number; repeaters: number; rate: number }[];
	ms: number;
}

export interface OverlapReport {
	a: SegmentationRef;
	b: SegmentationRef;
	/** Customers per pair of labels (both matched). */
	cells: { a: string; b: string; customers: number }[];
	/** Keys found in only one of the two tables. */
	onlyA: number;
	onlyB: number;
	matched: number;
	/** Adjusted Rand index of the two labellings over the matched customers. */
	ari: number;
	ms: number;
}

/** Each insight's input and result. */
export interface InsightCalls {
	rules: { input: SegmentTables & { seed: number }; output: RulesReport };
	stability: {
		input: SegmentTables & { seed: number; resamples?: number | undefined };
		output: StabilityReport;
	};
	diagnostics: { input: SegmentTables & { seed: number }; output: DiagnosticsReport };
	retention: { input: RetentionInput; output: RetentionReport };
	overlap: { input: { a: SegmentationRef; b: SegmentationRef }; output: OverlapReport };
}

export type InsightKind = keyof InsightCalls;
