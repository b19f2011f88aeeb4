/**
 * Long work shows progress in percent (issue 14, "Progress"): loading a file, building its
 * features and the k sweep each show a progress bar with a percentage in the status line while
 * they run. A load's percentage is the share of the file DuckDB has read (workers/read-progress.ts),
 * so it grows in steps as the file is read, never backwards, and ends at 100.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRetail, retailToCsv } from '../../src/sample/retail';
import { chromiumPath } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

type Seen = { phase: string; value: number; label: string | null; shown: string };

describe.skipIf(!browser)('progress in percent', () => {
	let app: App;
	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('shows the percentage of a load, of the features and of the k sweep while they run', async () => {
		const page = app.page;
		// About 15 MB: DuckDB reads it in 4 MB buffers, so a load has steps to show.
		const file = join(tmpdir(), 'progress-orders.csv');
		writeFileSync(file, retailToCsv(generateRetail({ customers: 15_000, seed: 3 })).transactions);
		await page.evaluate(() => {
			const seen: Seen[] = [];
			(window as unknown as { __seen: Seen[] }).__seen = seen;
			const status = document.querySelector('[role="status"]')!;
			new MutationObserver(() => {
				const bar = status.querySelector('progress');
				if (!bar) return;
				seen.push({
					phase: status.textContent?.split('…')[0]?.trim() ?? '',
					value: bar.value,
					label: bar.getAttribute('aria-label'),
					shown: status.querySelector('.percent')?.textContent ?? ''
				});
			}).observe(status, { subtree: true, childList: true, characterData: true, attributes: true });
		});
		await page.getByLabel('Load data file').setInputFiles(file);
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of 15,000 customers/);
		const seen = await page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);

		for (const s of seen) {
			expect(s.label).toBe('Progress');
			expect(s.shown).toBe(`${s.value}%`);
		}
		const during = (phase: RegExp): number[] =>
			seen.filter((s) => phase.test(s.phase)).map((s) => s.value);

		const reading = during(/^Reading progress-orders\.csv$/);
		expect(new Set(reading.filter((v) => v > 0 && v < 100)).size).toBeGreaterThanOrEqual(2);
		expect(reading.at(-1)).toBe(100);
		expect(reading).toEqual([...reading].sort((a, b) => a - b));

		expect(during(/^Computing the features/).length).toBeGreaterThan(0);
		const sweep = during(/^Trying 2 to \d+ segments/);
		expect(sweep).toContain(100);
		expect(sweep.some((v) => v > 0 && v < 100)).toBe(true);
	});
});
