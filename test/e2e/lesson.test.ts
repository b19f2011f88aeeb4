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
	'Notes',
	'Features: transactions',
	'Notes',
	'Segments',
	'Notes',
	'K-means step by step',
	'Notes',
	'Personas',
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
			.locator('main section[aria-label]')
			.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
		expect(names).toHaveLength(STEPS.length);
		STEPS.forEach((step, i) => expect(names[i]).toMatch(new RegExp(`^${step}`)));
		// Every step that computes something has run, and nothing failed.
		const statuses = await page
			.locator('main section[aria-label]')
			.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
		expect(statuses.filter((s) => s === 'error')).toEqual([]);
		expect(await textOf(page.getByRole('region', { name: 'Segments' }))).toMatch(
			/segments of 1,000 customers/
		);
		expect(
			await page.getByRole('region', { name: 'Personas' }).getByRole('article').count()
		).toBeGreaterThanOrEqual(3);
		// The features' SQL is there to read.
		expect(await textOf(page.getByRole('region', { name: /^Features/ }))).toMatch(/Show the SQL/);
	});

	it('presents one cell at a time, moved with the keyboard, and reveals the answer key', async () => {
		const { page } = app;
		await page.getByRole('button', { name: 'Present' }).click();
		const bar = page.getByRole('navigation', { name: 'Presentation' });
		for (let i = 0; i < STEPS.length; i++) {
			expect(await textOf(bar)).toContain(`${i + 1} / ${STEPS.length}`);
			expect(await page.locator('main section[aria-label]').count()).toBe(1);
			await page.screenshot({ path: join(SHOTS, `${String(i + 1).padStart(2, '0')}.png`) });
			if (i < STEPS.length - 1) await page.keyboard.press('ArrowRight');
		}
		await page.keyboard.press('ArrowLeft');
		const answer = page.getByRole('region', { name: 'Answer key' });
		await answer.getByRole('button', { name: 'Reveal the answer key' }).click();
		await expect.poll(() => textOf(answer), { timeout: 60_000 }).toMatch(/adjusted Rand index/);
		const ari = Number(
			(await answer.getByLabel('Adjusted Rand index').textContent())?.match(/-?\d\.\d+/)?.[0]
		);
		expect(ari).toBeGreaterThan(0.8);
		const table = answer.getByRole('table', { name: 'Planted type by segment found' });
		expect(await table.getByRole('row').count()).toBe(7);
		await page.screenshot({ path: join(SHOTS, 'answer-key.png') });
		await page.keyboard.press('Home');
		expect(await textOf(bar)).toContain(`1 / ${STEPS.length}`);
		await page.keyboard.press('Escape');
		expect(await page.locator('main section[aria-label]').count()).toBe(STEPS.length);
	});

	it('sends a student link that opens presenting, read-only, as the student’s own copy', async () => {
		const { page, site } = app;
		await page.getByRole('button', { name: 'Notebook', exact: true }).click();
		await page.getByRole('menuitem', { name: /Copy student link/ }).click();
		await expect.poll(() => page.url()).toMatch(/\?present#nb=/);
		const link = page.url();

		const student = await openSession();
		try {
			await student.page.goto(link);
			const bar = student.page.getByRole('navigation', { name: 'Presentation' });
			await bar.waitFor({ timeout: 60_000 });
			expect(await textOf(bar)).toContain(`1 / ${STEPS.length}`);
			// Read-only: the cells cannot be edited or run from inside.
			expect(await student.page.locator('main .cells').getAttribute('inert')).not.toBeNull();
			await bar.getByRole('button', { name: 'Run all' }).click();
			await student.page.keyboard.press('End');
			await bar.getByRole('button', { name: 'Make it my own copy' }).click();
			await expect
				.poll(() => textOf(student.page.getByRole('region', { name: 'Segments' })), {
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
