/**
 * The watchdog's words: what a call that ran past its time budget says. Pure, so the wording
 * is unit-tested; the budgets themselves are listed with the methods (BUDGET_MS in ./api).
 */
import type { BudgetKind } from './api';

const WHAT: Readonly<Record<BudgetKind, string>> = {
	instant: 'a lookup',
	query: 'a query',
	scan: 'a pass over a table',
	long: 'a load or a pipeline step'
};

const ADVICE: Readonly<Record<BudgetKind, string>> = {
	instant: 'Run the cell again; if it stops again, reload the page (your notebook is saved).',
	query:
		'Narrow the query (filter rows with WHERE, aggregate, join fewer tables) or give the SQL cell a longer Time limit, then run it again.',
	scan: 'Use fewer rows (filter by date in a SQL cell and work on that table), then run it again.',
	long: 'Use fewer rows or fewer features (filter by date in a SQL cell), then run it again.'
};

/** `60 s`, `2.5 s`, `10 min`, `1 h 30 min`. */
export function formatBudget(ms: number): string {
	const s = ms / 1000;
	if (s < 10) return `${Math.round(s * 10) / 10} s`;
	if (s < 120) return `${Math.round(s)} s`;
	const min = Math.round(s / 60);
	if (min < 60) return `${min} min`;
	return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

/** `Stopped after 60 s (the time budget for a query)`: the restart's reason. */
export function timeoutReason(kind: BudgetKind, ms: number): string {
	return `Stopped after ${formatBudget(ms)} (the time budget for ${WHAT[kind]})`;
}

/** `Stopped after 60 s (the time budget for a query). The engine restarted. …what to do…` */
export function timeoutMessage(kind: BudgetKind, ms: number): string {
	return `${timeoutReason(kind, ms)}. The engine restarted. ${ADVICE[kind]}`;
}
