/**
 * Guards the suggested action per persona: each rule fires on the numbers that call for it, and
 * the sentence quotes those numbers.
 */
import { describe, expect, it } from 'vitest';
import { actionFromKpis, type ActionInput } from '../../../src/segment/actions';

const base: ActionInput = {
	repeatRate: 0.8,
	retention: { m1: 0.5, m3: 0.4, m6: 0.35 },
	baseRepeatRate: 0.75,
	daysSinceLastOrder: 40,
	revenueShare: 0.2,
	share: 0.2,
	stability: 0.9
};

describe('actionFromKpis', () => {
	it('asks for a check first when the segment is unstable', () => {
		expect(actionFromKpis({ ...base, stability: 0.52 })).toMatch(/^Check before acting.*0\.52/);
	});

	it('wants the second order when few customers repeat', () => {
		const text = actionFromKpis({
			...base,
			repeatRate: 0.2,
			retention: { m1: 0.12, m3: 0, m6: 0 }
		});
		expect(text).toMatch(
			/^Win the second order: only 20% ordered twice \(all customers: 75%\) and 12%/
		);
	});

	it('rewards customers who keep buying', () => {
		expect(actionFromKpis({ ...base, retention: { m1: 0.9, m3: 0.9, m6: 0.91 } })).toBe(
			'Reward and protect: 91% still buy six months after their first order and bring 20% of revenue; offer early access or a loyalty tier rather than discounts.'
		);
	});

	it('catches fading customers, then long-gone ones, else nurtures', () => {
		expect(actionFromKpis({ ...base, retention: { m1: 0.6, m3: 0.3, m6: 0.2 } })).toMatch(
			/^Catch them before they fade: 60% .* 20% at six months \(30% at three\)/
		);
		expect(actionFromKpis({ ...base, daysSinceLastOrder: 300 })).toMatch(
			/^Win them back: they were regulars \(80% ordered more than once\).*300 days/
		);
		const gone = { ...base, daysSinceLastOrder: 500, repeatRate: 0.5 };
		expect(actionFromKpis({ ...gone, retention: { m1: 0.05, m3: 0, m6: 0 } })).toMatch(
			/^Win back cheaply or let go.*500 days/
		);
		expect(actionFromKpis(base)).toMatch(/^Nurture: 80% order again, 40% in their third month/);
	});
});
