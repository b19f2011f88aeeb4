/**
 * axe-core from npm, run inside the page: the serious and critical WCAG violations of what is on
 * screen. The page must come from `openApp({ bypassCSP: true })`: the app's Trusted Types policy
 * (rightly) refuses axe's injected script otherwise.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeProblem {
	id: string;
	impact: string;
	help: string;
	targets: string[];
}

/** Serious and critical violations on the page now, one line each for a readable failure. */
export async function axeProblems(page: Page): Promise<string[]> {
	const loaded = await page.evaluate(() => 'axe' in window);
	if (!loaded) await page.addScriptTag({ content: source });
	const found = await page.evaluate(async () => {
		const axe = (
			window as unknown as {
				axe: {
					run: (
						ctx: Document,
						o: object
					) => Promise<{
						violations: {
							id: string;
							impact: string | null;
							help: string;
							nodes: { target: unknown[]; failureSummary?: string }[];
						}[];
					}>;
				};
			}
		).axe;
		const result = await axe.run(document, {
			runOnly: {
				type: 'tag',
				values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
			},
			resultTypes: ['violations']
		});
		return result.violations.map((v) => ({
			id: v.id,
			impact: v.impact ?? '',
			help: v.help,
			targets: v.nodes
				.slice(0, 4)
				.map(
					(n) =>
						`${n.target.map(String).join(' ')} ${(n.failureSummary ?? '').split('\n')[1] ?? ''}`
				)
		}));
	});
	return found
		.filter((v: AxeProblem) => v.impact === 'serious' || v.impact === 'critical')
		.map((v: AxeProblem) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(' | ')}`);
}
