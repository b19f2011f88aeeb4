/**
 * K-means step by step (issue 7), as a teacher drives it in headless Chromium: after the sample's
 * pipeline, add the cell; it shows two scaled features of a customer sample with its starting
 * centres; Next step advances one half-step at a time (assign: the customers take their centre's
 * colour and a line joins each to it; move: the centres go to the means), each with its sentence;
 * Play runs to convergence at the chosen speed and stops by itself; Reset goes back to step 0;
 * New seed starts the centres elsewhere; Place centres takes them from clicks on the picture. No page error, and nothing requested from another origin.
 *
 * SEGBOOK_SCREENSHOTS=dir saves pictures of the cell there, for a look at how it reads.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { chromiumPath, foreignRequests } from '../helpers/browser';
import { openApp, textOf, type App } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const shots = process.env.SEGBOOK_SCREENSHOTS;

describe.skipIf(!browser)('k-means step by step in Chromium', () => {
	let app: App;
	let cell: Locator;
	let sentence: Locator;
	let picture: Locator;

	beforeAll(async () => {
		app = await openApp();
	});
	afterAll(async () => {
		await app?.close();
	});

	/** Where the crosses stand: the start of a run, as the page draws it. */
	async function centres(): Promise<string[]> {
		return cell
			.locator('g.centre')
			.evaluateAll((gs) => gs.map((g) => (g as SVGGElement).style.transform));
	}

	it('appears after the sample pipeline: recency across, spend up, the starting centres', async () => {
		const page = app.page;
		await page.getByRole('button', { name: 'Load sample data' }).click();
		const dialog = page.getByRole('dialog', { name: 'Load sample data' });
		await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
		await dialog.getByRole('button', { name: 'Generate sample' }).click();
		const segments = page.getByRole('region', { name: 'Segments' });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of 1,000 customers/);

		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'K-means step by step' }).click();
		cell = page.getByRole('region', { name: /^K-means step by step/ });
		sentence = cell.locator('[aria-live="polite"]');
		picture = cell.getByRole('img');
		await expect.poll(() => textOf(sentence), { timeout: 30_000 }).toMatch(/^Step 0: 4 starting/);

		expect(await cell.getByRole('combobox', { name: 'X feature' }).inputValue()).toBe(
			'recency_days'
		);
		// Spend goes up the side when it is a feature: recency against spend, the classic picture.
		expect(await cell.getByRole('combobox', { name: 'Y feature' }).inputValue()).toBe('monetary');
		expect(await cell.getByRole('spinbutton', { name: 'Clusters' }).inputValue()).toBe('4');
		expect(await picture.getAttribute('aria-label')).toMatch(
			/^K-means step by step: 600 customers by Days since last order \(across\) and Spend \(up\); 4 starting centres/
		);
		// Plain words on the axes, not column names.
		expect(await textOf(picture)).toContain('Days since last order');
		expect(await cell.locator('g.centre').count()).toBe(4);
		expect(await cell.locator('g.points circle').count()).toBe(600);
		if (shots) await cell.screenshot({ path: join(shots, 'stepper-0.png') });
	});

	it('Next step advances one half-step at a time: assign, then move', async () => {
		const next = cell.getByRole('button', { name: 'Next step' });
		const start = await centres();
		await next.click();
		await expect
			.poll(() => textOf(sentence))
			.toMatch(
				/^Step 1, assign: all 600 customers joined their nearest centre and took its colour/
			);
		expect(await picture.getAttribute('aria-label')).toMatch(
			/; after step 1, assign; cluster 1: \d+/
		);
		// Assigning recolours and joins each customer to its centre; the centres stay.
		expect(await cell.locator('g.links line').count()).toBe(600);
		expect(await centres()).toEqual(start);
		await next.click();
		await expect
			.poll(() => textOf(sentence))
			.toMatch(/^Step 1, move: every centre moved to the mean of its customers/);
		expect(await centres()).not.toEqual(start);
		let previous = await textOf(sentence);
		for (const half of ['2, assign', '2, move', '3, assign']) {
			await next.click();
			await expect.poll(() => textOf(sentence)).not.toBe(previous);
			previous = await textOf(sentence);
			expect(previous).toMatch(new RegExp(`^(Step ${half}: |Converged after)`));
		}
		if (shots) await cell.screenshot({ path: join(shots, 'stepper-3.png') });
		// One half-step back shows step 2's move again, exactly as it was.
		const atThree = await textOf(sentence);
		await cell.getByRole('button', { name: 'Previous step' }).click();
		await expect.poll(() => textOf(sentence)).toMatch(/^Step 2, move: /);
		await next.click();
		await expect.poll(() => textOf(sentence)).toBe(atThree);
	});

	it('Play runs to convergence and stops by itself', async () => {
		await cell.getByRole('button', { name: 'Play' }).click();
		await expect
			.poll(() => textOf(sentence), { timeout: 90_000 })
			.toMatch(/^Converged after \d+ steps: no customer changed cluster, so no centre moves/);
		const steps = Number(/after (\d+) steps/.exec(await textOf(sentence))?.[1]);
		expect(steps).toBeGreaterThan(3);
		await cell.getByRole('button', { name: 'Play' }).waitFor();
		expect(await cell.getByRole('button', { name: 'Next step' }).isDisabled()).toBe(true);
		expect(await picture.getAttribute('aria-label')).toMatch(
			new RegExp(`; converged after step ${steps}; cluster 1: \\d+`)
		);
		if (shots) await cell.screenshot({ path: join(shots, 'stepper-converged.png') });
	});

	it('Pause stops a run part-way, at the speed chosen', async () => {
		await cell.getByRole('button', { name: 'Reset' }).click();
		const speed = cell.getByRole('slider', { name: 'Speed' });
		await speed.focus();
		await speed.press('ArrowLeft');
		expect(await speed.getAttribute('aria-valuetext')).toBe('slow');
		await cell.getByRole('button', { name: 'Play' }).click();
		await expect.poll(() => textOf(sentence), { timeout: 10_000 }).toMatch(/^Step 2, /);
		await cell.getByRole('button', { name: 'Pause' }).click();
		const paused = await textOf(sentence);
		await new Promise((r) => setTimeout(r, 1_600));
		expect(await textOf(sentence)).toBe(paused);
	});

	it('Reset goes back to step 0, and New seed starts the centres elsewhere', async () => {
		await cell.getByRole('button', { name: 'Reset' }).click();
		await expect.poll(() => textOf(sentence)).toMatch(/^Step 0: 4 starting centres .*\(seed 42\)/);
		expect(await picture.getAttribute('aria-label')).toMatch(/no customer assigned yet/);
		const start = await centres();
		await cell.getByRole('button', { name: 'New seed' }).click();
		await expect.poll(() => textOf(sentence)).toMatch(/^Step 0: 4 starting centres .*\(seed \d+\)/);
		expect(await textOf(sentence)).not.toMatch(/\(seed 42\)/);
		await expect.poll(() => centres()).not.toEqual(start);

		const k = cell.getByRole('spinbutton', { name: 'Clusters' });
		await k.fill('3');
		await k.press('Tab');
		await expect.poll(() => textOf(sentence)).toMatch(/^Step 0: 3 starting centres/);
		expect(await cell.locator('g.centre').count()).toBe(3);
	});

	it('starts from centres the teacher clicks onto the picture', async () => {
		await cell.getByRole('button', { name: 'Place centres' }).click();
		await expect.poll(() => textOf(sentence)).toMatch(/^Click the picture to place 3 more/);
		const box = await picture.boundingBox();
		if (!box) throw new Error('no picture');
		for (const [fx, fy] of [
			[0.3, 0.3],
			[0.6, 0.5],
			[0.8, 0.8]
		] as const) {
			await picture.click({ position: { x: box.width * fx, y: box.height * fy } });
		}
		await expect.poll(() => textOf(sentence)).toMatch(/^Step 0: you placed 3 starting centres/);
		const placed = await centres();
		expect(placed).toHaveLength(3);
		await cell.getByRole('button', { name: 'Next step' }).click();
		await expect.poll(() => textOf(sentence)).toMatch(/^Step 1, assign: /);
		expect(await centres()).toEqual(placed);
		await cell.getByRole('button', { name: 'Reset' }).click();
	});

	it('draws another feature from step 0; picking the other axis swaps the two', async () => {
		const y = cell.getByRole('combobox', { name: 'Y feature' });
		await y.selectOption('frequency');
		await expect
			.poll(() => picture.getAttribute('aria-label'))
			.toMatch(/by Days since last order \(across\) and Orders \(up\); \d starting centres/);
		expect(await textOf(sentence)).toMatch(/^Step 0:/);
		await cell.getByRole('combobox', { name: 'X feature' }).selectOption('frequency');
		await expect
			.poll(() => picture.getAttribute('aria-label'))
			.toMatch(/by Orders \(across\) and Days since last order \(up\)/);
		if (shots) {
			const next = cell.getByRole('button', { name: 'Next step' });
			for (let i = 0; i < 3; i++) {
				await next.click();
				await expect.poll(() => textOf(sentence)).toMatch(/^(Step \d|Converged)/);
			}
			await new Promise((r) => setTimeout(r, 600)); // let the centres finish moving
			await cell.screenshot({ path: join(shots, 'stepper-swapped.png') });
		}
	});

	it('moves the centres smoothly, unless the viewer asks for reduced motion', async () => {
		const duration = () =>
			cell
				.locator('g.centre')
				.first()
				.evaluate((g) => getComputedStyle(g).transitionDuration);
		expect(await duration()).not.toBe('0s');
		await app.page.emulateMedia({ reducedMotion: 'reduce' });
		expect(await duration()).toBe('0s');
		await app.page.emulateMedia({ reducedMotion: null });
	});

	it('raised no page error and requested nothing from another origin', () => {
		expect(app.session.pageErrors).toEqual([]);
		expect(foreignRequests(app.session.requests, app.site.url)).toEqual([]);
	});
});
