/**
 * The classroom journey in headless Chromium, without typing: Load sample data → Segmentation
 * 101 → every step runs → present it one cell at a time with the keyboard → reveal the answer
 * key → send a read-only student link that opens presenting, as the student's own copy.
 * Each slide is saved as a screenshot (test-results/lesson/) so a person can read the lesson.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, foreignRequests, openSession } from '../helpers/browser';
import { openApp, startLesson, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const SHOTS = join('test-results', 'lesson');

/** The lesson's steps, in order, by the start of their region names. */
const STEPS = [
	'Notes',
	'Notes',
	'Data: customers',
	'Data: transactions',
	'Notes',
	'SQL',
	'Chart',
	'Notes', // checkpoint
	'Notes',
	'Features: transactions',
	'Notes',
	'Segments',
	'Notes', // checkpoint
	'Notes',
	'K-means step by step',
	'Notes', // checkpoint
	'Notes',
	'Personas',
	'Notes', // checkpoint
	'Notes',
	'Customer',
	'Notes',
	'Answer key',
	'Notes'
];

describe.skipIf(!browser)('Segmentation 101 in Chromium', () => {
	let app: App;
	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	it('opens the guided lesson from Load sample data and runs every step', async () => {
		const { page } = app;
		await startLesson(page);
		expect(await page.getByRole('textbox', { name: 'Notebook title' }).inputValue()).toBe(
			'Segmentation 101'
		);
		const names = await page
			.locator('main section[data-cell-id]')
			.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
		expect(names).toHaveLength(STEPS.length);
		STEPS.forEach((step, i) => expect(names[i]).toMatch(new RegExp(`^${step}`)));
		// Every step that computes something has run, and nothing failed.
		const statuses = await page
			.locator('main section[data-cell-id]')
			.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
		expect(statuses.filter((s) => s === 'error')).toEqual([]);
		expect(await textOf(page.getByRole('region', { name: 'Segments', exact: true }))).toMatch(
			/segments of 1,000 customers/
		);
		expect(
			await page.getByRole('region', { name: 'Personas' }).getByRole('article').count()
		).toBeGreaterThanOrEqual(3);
		// The revenue chart draws months on a time axis, not epoch milliseconds.
		const axis = await textOf(
			page
				.getByRole('region', { name: /^Chart/ })
				.locator('.vega-chart svg')
				.first()
		);
		expect(axis).toMatch(/2024/);
		expect(axis).not.toMatch(/1,7\d\d,\d{3},\d{3}|1\.7e\+12/);
		// A checkpoint: the question shows, its answer waits until the teacher opens it.
		const checkpoint = page.getByRole('region', { name: /^Notes/ }).filter({
			hasText: 'Checkpoint · Fewer segments'
		});
		const answer = checkpoint.getByText(/at least two pairs of types must share/);
		expect(await answer.isVisible()).toBe(false);
		await checkpoint.getByText('Show the answer').click();
		expect(await answer.isVisible()).toBe(true);
		await checkpoint.getByText('Show the answer').click();
		expect(await answer.isVisible()).toBe(false);
		// The features' SQL is there to read.
		expect(await textOf(page.getByRole('region', { name: /^Features/ }))).toMatch(/Show the SQL/);
	});

	/**
	 * Every slide at one screen size: it fits without scrolling, nothing covers it, its type is
	 * at least as large as in the notebook, and each change is announced. Returns the slides'
	 * names (a long cell gives several parts).
	 */
	async function walk(width: number, height: number): Promise<string[]> {
		const { page } = app;
		await page.setViewportSize({ width, height });
		const bar = page.getByRole('navigation', { name: 'Presentation' });
		await page.keyboard.press('Home');
		const seen: string[] = [];
		for (let n = 0; n < 80; n++) {
			const measure = () =>
				page.evaluate(() => {
					const canvas = document.querySelector<HTMLElement>('.presenter .canvas');
					const stage = document.querySelector<HTMLElement>('.presenter .stage');
					const r = canvas?.getBoundingClientRect();
					const s = stage?.getBoundingClientRect();
					return {
						bottom: r?.bottom ?? 0,
						right: r?.right ?? 0,
						stageBottom: s?.bottom ?? 0,
						scale: r && canvas ? r.width / canvas.offsetWidth : 0,
						scrollH: document.documentElement.scrollHeight,
						scrollW: document.documentElement.scrollWidth
					};
				});
			// The layout settles a frame after the content does (charts draw after they mount).
			let box = await measure();
			for (let t = 0; t < 20; t++) {
				await page.waitForTimeout(100);
				const again = await measure();
				const same = JSON.stringify(again) === JSON.stringify(box);
				box = again;
				if (same && t > 0) break;
			}
			const counter = (await textOf(bar.locator('.counter'))).trim();
			const name = `${width}/${String(seen.length + 1).padStart(2, '0')}`;
			await page.screenshot({ path: join(SHOTS, `${name}.png`) });
			expect(box.bottom, `${counter} fits`).toBeLessThanOrEqual(box.stageBottom + 1);
			expect(box.right, `${counter} fits`).toBeLessThanOrEqual(width + 1);
			expect(box.scrollH, `${counter} does not scroll`).toBeLessThanOrEqual(height);
			expect(box.scrollW, `${counter} does not scroll`).toBeLessThanOrEqual(width);
			expect(box.scale, `${counter} type is not shrunk`).toBeGreaterThanOrEqual(
				width >= 1920 ? 1.3 : 0.9
			);
			await expect
				.poll(() => textOf(page.getByRole('status').filter({ hasText: /^\s*Slide / })))
				.toContain(`Slide ${counter.split(' / ')[0]}`);
			seen.push(counter);
			if (await bar.getByRole('button', { name: 'Next' }).isDisabled()) break;
			await page.keyboard.press('ArrowRight');
		}
		return seen;
	}

	it('presents slides that fit at 1280×720 and 1920×1080, moved with the keyboard', async () => {
		const { page } = app;
		await page.getByRole('button', { name: 'Present' }).click();
		const bar = page.getByRole('navigation', { name: 'Presentation' });
		expect(await page.locator('main section[data-cell-id]').count()).toBe(1);
		const small = await walk(1280, 720);
		expect(small.at(-1)).toMatch(new RegExp(`^${STEPS.length} / ${STEPS.length}`));
		const big = await walk(1920, 1080);
		expect(big.at(-1)).toMatch(new RegExp(`^${STEPS.length} / ${STEPS.length}`));
		// The editing chrome is gone: no Run cell, no Delete cell on a slide.
		expect(await page.getByRole('button', { name: 'Delete cell' }).count()).toBe(0);
		// Speaker notes: the Notes cells become the notes of the step after them.
		await page.keyboard.press('n');
		const notes = page.getByRole('complementary', { name: 'Speaker notes' });
		await page.keyboard.press('Home');
		expect(await textOf(notes)).toMatch(/Segmentation 101/);
		await page.keyboard.press('n');
		await page.keyboard.press('Home');
		expect(await textOf(bar)).toContain(`1 / ${STEPS.length}`);
	});

	it('reveals the answer key on its slide', async () => {
		const { page } = app;
		await page.setViewportSize({ width: 1280, height: 720 });
		const bar = page.getByRole('navigation', { name: 'Presentation' });
		await page.keyboard.press('End');
		while (!(await page.getByRole('region', { name: 'Answer key' }).count())) {
			await bar.getByRole('button', { name: 'Previous' }).click();
		}
		const answer = page.getByRole('region', { name: 'Answer key' });
		await answer.getByRole('button', { name: 'Reveal the answer key' }).click();
		await expect.poll(() => textOf(answer), { timeout: 60_000 }).toMatch(/adjusted Rand index/);
		const ari = Number(
			(await answer.getByLabel('Adjusted Rand index').textContent())?.match(/-?\d\.\d+/)?.[0]
		);
		expect(ari).toBeGreaterThan(0.8);
		await page.screenshot({ path: join(SHOTS, 'answer-key.png') });
		await page.keyboard.press('Escape');
		expect(await page.locator('main section[data-cell-id]').count()).toBe(STEPS.length);
		const table = page.getByRole('table', { name: 'Planted type by segment found' });
		expect(await table.getByRole('row').count()).toBe(7);
	});

	it('sends a student link that opens presenting, read-only, as the student’s own copy', async () => {
		const { page, site } = app;
		await page.getByRole('button', { name: 'Notebook', exact: true }).click();
		await page.getByRole('menuitem', { name: /Copy student link/ }).click();
		// By reference: the lesson, its sample and the teacher's changes, not the whole notebook.
		await expect.poll(() => page.url()).toMatch(/\?present#lesson=1\.s101\./);
		const link = page.url();
		// Running the lesson changed nothing of the teacher's: the link is just the reference.
		expect(link.length).toBeLessThan(120);

		const student = await openSession();
		try {
			await student.page.goto(link);
			const bar = student.page.getByRole('navigation', { name: 'Presentation' });
			await bar.waitFor({ timeout: 60_000 });
			expect(await textOf(bar)).toContain(`1 / ${STEPS.length}`);
			// What the student is told matches what they see: nothing has run, nothing to attach.
			await expect
				.poll(() => textOf(student.page.getByRole('status').first()), { timeout: 30_000 })
				.toMatch(/no step has run yet\. Press Run all/);
			await expect
				.poll(() => textOf(student.page.getByRole('status').first()), { timeout: 30_000 })
				.toMatch(/no step has run yet/);
			const status = await textOf(student.page.getByRole('status').first());
			expect(status).not.toMatch(/attach/i);
			expect(await textOf(student.page.locator('.presenter'))).not.toMatch(/already run/);
			// Read-only: the cells cannot be edited or run from inside.
			expect(
				await student.page.locator('.presenter .content').getAttribute('inert')
			).not.toBeNull();
			await bar.getByRole('button', { name: 'Run all' }).click();
			await student.page.keyboard.press('End');
			await bar.getByRole('button', { name: 'Make it my own copy' }).click();
			await expect
				.poll(() => textOf(student.page.getByRole('region', { name: 'Segments', exact: true })), {
					timeout: 120_000
				})
				.toMatch(/segments of 1,000 customers/);
			expect(await student.page.locator('main .cells').getAttribute('inert')).toBeNull();
			expect(student.pageErrors).toEqual([]);
			expect(foreignRequests(student.requests, site.url)).toEqual([]);
		} finally {
			await student.close();
		}
	});

	it('sent no request to any origin but its own', () => {
		expect(app.session.pageErrors).toEqual([]);
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
	});
});
