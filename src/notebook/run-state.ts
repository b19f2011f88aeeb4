/**
 * What a cell's last run left beside the document: its status, error, and the report its kind
 * produces. Runtime only: never saved, never in a link.
 */
import type { Table } from 'apache-arrow';
import type {
	AnswerKeyReport,
	CompareReport,
	CustomerProfile,
	FeatureReport,
	LoadReport,
	PersonasReport,
	QueryResult,
	RecipeSuggestion,
	RfmReport,
	SegmentReport,
	SweepReport,
	TableProfile
} from '../engine/api';

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'stale';

export interface CellRun {
	status: RunStatus;
	error: string | null;
	/** SQL cells: the result, decoded once. */
	result: (Omit<QueryResult, 'ipc'> & { table: Table }) | null;
	/** Data cells. */
	report: LoadReport | null;
	profile: TableProfile | null;
	notice: string | null;
	/** Features cells. */
	suggestion: RecipeSuggestion | null;
	features: FeatureReport | null;
	/** Segments cells. */
	sweep: SweepReport | null;
	segments: SegmentReport | null;
	rfm: RfmReport | null;
	/** Personas cells. */
	personas: PersonasReport | null;
	/** Customer cells. */
	customer: CustomerProfile | null;
	/** Compare cells. */
	compare: CompareReport | null;
	/** Answer-key cells. */
	answer: AnswerKeyReport | null;
}

export const IDLE: CellRun = Object.freeze({
	status: 'idle',
	error: null,
	result: null,
	report: null,
	profile: null,
	notice: null,
	suggestion: null,
	features: null,
	sweep: null,
	segments: null,
	rfm: null,
	personas: null,
	customer: null,
	compare: null,
	answer: null
});
