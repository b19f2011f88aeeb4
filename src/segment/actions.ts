/**
 * A suggested action per persona that uses its own numbers: repeat-purchase rate, cohort
 * retention at 1, 3 and 6 months, days since the last order, revenue share and stability. Rules a
 * marketer can read, in order; the first that fits wins:
 *
 *   unstable (Jaccard < 0.6)               → check the segment before spending on it
 *   few repeat (< ½ of the base's rate)     → win the second order, soon after the first
 *   long gone (last order > 180 days)       → win back regulars; a low-cost try, or let go, else
 *   keeps buying (6-month ≥ 60%)            → reward and protect, no discounts needed
 *   fades (6-month < ½ of 1-month)          → a reminder before the gap grows (month 3)
 *   otherwise                               → nurture: the next order at the base's pace
 *
 * Pure: numbers in, a sentence out; nothing looks at the answer key.
 */

export interface ActionInput {
	/** Share of the segment's customers with at least two orders. */
	repeatRate: number | null;
	/** Share still buying 1, 3 and 6 months after the first purchase (null where unseen). */
	retention: { m1: number | null; m3: number | null; m6: number | null };
	/** The same over all customers. */
	baseRepeatRate: number | null;
	daysSinceLastOrder: number | null;
	revenueShare: number | null;
	share: number;
	/** Mean Jaccard from the stability check, when it ran. */
	stability: number | null;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

export function actionFromKpis(p: ActionInput): string {
	const { m1, m3, m6 } = p.retention;
	if (p.stability !== null && p.stability < 0.6) {
		return `Check before acting: this segment comes out differently when customers are resampled (stability ${p.stability.toFixed(2)}), so test any campaign on a small share first.`;
	}
	if (p.repeatRate !== null && p.baseRepeatRate !== null && p.repeatRate < p.baseRepeatRate / 2) {
		return `Win the second order: only ${pct(p.repeatRate)} ordered twice (all customers: ${pct(p.baseRepeatRate)})${m1 !== null ? ` and ${pct(m1)} buy again in the month after their first` : ''}; send a second-purchase offer within 30 days of the first.`;
	}
	if (p.daysSinceLastOrder !== null && p.daysSinceLastOrder > 180) {
		const days = Math.round(p.daysSinceLastOrder);
		if (p.repeatRate !== null && p.baseRepeatRate !== null && p.repeatRate >= p.baseRepeatRate) {
			return `Win them back: they were regulars (${pct(p.repeatRate)} ordered more than once) but the last order was ${days} days ago on average; a personal reactivation offer is worth it.`;
		}
		return `Win back cheaply or let go: the last order was ${days} days ago on average; one low-cost reactivation message, then stop spending on them.`;
	}
	if (m6 !== null && m6 >= 0.6) {
		const revenue = p.revenueShare !== null ? ` and bring ${pct(p.revenueShare)} of revenue` : '';
		return `Reward and protect: ${pct(m6)} still buy six months after their first order${revenue}; offer early access or a loyalty tier rather than discounts.`;
	}
	if (m1 !== null && m6 !== null && m1 > 0 && m6 < m1 / 2) {
		return `Catch them before they fade: ${pct(m1)} buy in the first month after joining but ${pct(m6)} at six months${m3 !== null ? ` (${pct(m3)} at three)` : ''}; send a reminder or replenishment offer around month three.`;
	}
	const repeat = p.repeatRate !== null ? `${pct(p.repeatRate)} order again` : 'they order again';
	return `Nurture: ${repeat}${m3 !== null ? `, ${pct(m3)} in their third month` : ''}; keep them in the regular programme and suggest the next order at their usual pace.`;
}
