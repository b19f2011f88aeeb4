/**
 * What one persona card shows from the insights: its rule, its stability, its repeat and
 * retention figures, and the suggested action those numbers lead to. Pure.
 */
import type { PersonaProfile } from '../../engine/api';
import type {
	RetentionReport,
	RulesReport,
	SegmentRule,
	StabilityReport
} from '../../engine/insight-api';
import { actionFromKpis } from '../../segment/actions';

export interface CardInsights {
	rule: SegmentRule | null;
	stability: StabilityReport['segments'][number] | null;
	repeatRate: number | null;
	retention: { m1: number | null; m3: number | null; m6: number | null };
	action: string | null;
}

export function cardInsights(
	p: PersonaProfile,
	rules: RulesReport | null,
	stability: StabilityReport | null,
	retention: RetentionReport | null
): CardInsights {
	const segment = String(p.segment);
	const at = (m: number): number | null =>
		retention?.curves.find((c) => c.segment === segment && c.months === m)?.share ?? null;
	const repeat = retention?.repeat.find((r) => r.segment === segment) ?? null;
	const all = retention?.repeat ?? [];
	const customers = all.reduce((n, r) => n + r.customers, 0);
	const baseRepeatRate =
		customers > 0 ? all.reduce((n, r) => n + r.repeaters, 0) / customers : null;
	const entry = stability?.segments.find((s) => s.segment === p.segment) ?? null;
	const figures = { m1: at(1), m3: at(3), m6: at(6) };
	return {
		rule: rules?.rules.find((r) => r.segment === p.segment) ?? null,
		stability: entry,
		repeatRate: repeat?.rate ?? null,
		retention: figures,
		action: retention
			? actionFromKpis({
					repeatRate: repeat?.rate ?? null,
					retention: figures,
					baseRepeatRate,
					daysSinceLastOrder: p.kpis.daysSinceLastOrder,
					revenueShare: p.revenueShare,
					share: p.share,
					stability: entry?.jaccard ?? null
				})
			: null
	};
}
