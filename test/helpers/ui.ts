/** Small drivers for the app's user contract: find things by role and name, as a person would. */
import type { Locator, Page } from 'playwright-core';
import { serve } from './serve.mjs';
import { openSession, recordCspViolations, type Session } from './browser';

/** Visible text with whitespace collapsed, as a person reads it. */
export async function textOf(locator: Locator): Promise<string> {
	return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');
}

/**
 * Replace a cell's SQL and check the editor holds exactly that text. A fill on CodeMirror can
 * land before the editor has read the select-all from the page (a slow machine), and then
 * inserts at the cursor instead of replacing; such a fill is done again from the keyboard.
 */
export async function fillSql(cell: Locator, sqlText: string): Promise<void> {
	const box = cell.getByRole('textbox', { name: 'SQL' });
	const holds = async () =>
		((await box.textContent()) ?? '').replace(/\s+/g, '') === sqlText.replace(/\s+/g, '');
	await box.fill(sqlText);
	for (let attempt = 0; attempt < 3 && !(await holds()); attempt++) {
		await box.click();
		await box.press('ControlOrMeta+a');
		await box.press('Delete');
		await box.page().keyboard.insertText(sqlText);
	}
	if (!(await holds())) throw new Error(`The SQL editor did not take: ${sqlText}`);
}

export async function runSql(page: Page, cellName: string, sqlText: string): Promise<void> {
	const cell = page.getByRole('region', { name: cellName });
	await fillSql(cell, sqlText);
	await cell.getByRole('button', { name: 'Run cell' }).click();
}

/** Load sample data → Start Segmentation 101 (1,000 customers), and wait until it has run. */
export async function startLesson(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Load sample data' }).click();
	const dialog = page.getByRole('dialog', { name: 'Load sample data' });
	await dialog.getByRole('combobox', { name: 'Size' }).selectOption('1000');
	await dialog.getByRole('button', { name: 'Start Segmentation 101' }).click();
	await page
		.getByRole('status')
		.filter({ hasText: 'lesson is ready' })
		.waitFor({ timeout: 120_000 });
}

export interface App {
	site: Awaited<ReturnType<typeof serve>>;
	session: Session;
	page: Page;
	close(): Promise<void>;
}

/** The built site on a plain static server, opened in a fresh headless Chromium. */
export async function openApp(
	options: { bypassCSP?: boolean; recordViolations?: boolean } = {}
): Promise<App> {
	const site = await serve({ dir: 'dist' });
	const session = await openSession(options);
	if (options.recordViolations) await recordCspViolations(session);
	const page = session.page;
	await page.goto(site.url);
	await page
		.getByRole('status')
		.filter({ hasText: /Ready ·/ })
		.waitFor({ timeout: 60_000 });
	return {
		site,
		session,
		page,
		close: async () => {
			await session.close();
			await site.close();
		}
	};
}
