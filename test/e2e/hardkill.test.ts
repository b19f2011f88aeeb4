/**
 * A killed browser loses at most a moment of work. The test types into a SQL cell and a Notes
 * cell, SIGKILLs the whole Chromium (no pagehide, no visibilitychange, no chance to flush) at a
 * random moment while typing or shortly after, relaunches on the same profile and checks that
 * every keystroke made two seconds or more before the kill came back, and that the notebook is
 * never empty or corrupt. It reports the longest stretch of typing lost (RELIABILITY.md case 10).
 *
 * HARDKILL_TRIALS sets the number of kills (default 6).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

const TRIALS = Number(process.env.HARDKILL_TRIALS ?? 6);
/** The promise: work typed this long before a kill is never lost. */
const KEPT_AFTER_MS = 2000;

/** Processes of the Chromium running on `profile` (browser, renderers, helpers): pid → args. */
function chromiumProcesses(profile: string): Map<number, string> {
	const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
	const found = new Map<number, string>();
	for (const line of out.split('\n')) {
		const m = /^\s*(\d+)\s+(.*)$/.exec(line);
		if (m && m[2]!.includes(`--user-data-dir=${profile}`)) found.set(Number(m[1]), m[2]!);
	}
	return found;
}

/** SIGKILL the browser process (the one without --type=), then whatever it leaves behind. */
async function hardKill(profile: string): Promise<void> {
	const processes = chromiumProcesses(profile);
	const main = [...processes].find(([, args]) => !args.includes('--type='));
	if (!main) throw new Error('The Chromium browser process was not found.');
	process.kill(main[0], 'SIGKILL');
	for (const pid of processes.keys()) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Already gone with its parent.
		}
	}
	const until = Date.now() + 10_000;
	while (chromiumProcesses(profile).size > 0 && Date.now() < until) {
		await new Promise((ok) => setTimeout(ok, 50));
	}
}

async function launch(profile: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: browser!,
		headless: true,
		args: [...CHROMIUM_FLAGS],
		viewport: { width: 1280, height: 900 }
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return { context, page };
}

interface Keystroke {
	token: string;
	at: number;
}

describe.skipIf(!browser)('hard kill of the browser', () => {
	let site: Awaited<ReturnType<typeof serve>>;
	const profile = mkdtempSync(join(tmpdir(), 'segbook-hardkill-'));
	beforeAll(async () => {
		site = await serve({ dir: 'dist' });
	});
	afterAll(async () => {
		await hardKill(profile).catch(() => undefined);
		await site?.close();
		rmSync(profile, { recursive: true, force: true });
	});

	it(`${TRIALS} kills while typing: no edit older than 2 s is lost, never a broken notebook`, async () => {
		/** Tokens a relaunch showed saved: they must stay, kill after kill. */
		const saved: string[] = [];
		/** Tokens typed since the last launch. */
		let typed: Keystroke[] = [];
		const lostMs: number[] = [];
		let killAt = 0;
		for (let trial = 0; trial <= TRIALS; trial++) {
			const { context, page } = await launch(profile);
			await page.goto(site.url);
			const sql = page.getByRole('region', { name: 'SQL cell 1' });
			const notes = page.getByRole('region', { name: /^Notes/ });
			if (trial === 0) {
				// A fresh profile: build the notebook.
				await page.getByRole('button', { name: 'Add cell' }).click();
				await page.getByRole('menuitem', { name: 'SQL' }).click();
				await page.getByRole('button', { name: 'Add cell' }).click();
				await page.getByRole('menuitem', { name: 'Notes' }).click();
				await sql.getByRole('textbox', { name: 'SQL' }).click();
				await page.keyboard.press('Control+A');
				await page.keyboard.type('SELECT 1 --');
				await notes.getByRole('button', { name: 'Edit notes' }).click();
				await notes.getByRole('textbox', { name: 'Notes text' }).fill('Typed:');
				await notes.getByRole('button', { name: 'Done' }).click();
				await page.waitForTimeout(1500);
			} else {
				// After a kill: the notebook is back, with everything typed until 2 s before.
				await sql.waitFor({ timeout: 30_000 });
				await notes.waitFor({ timeout: 30_000 });
				const sqlText = (await sql.getByRole('textbox', { name: 'SQL' }).textContent()) ?? '';
				const notesText = (await notes.textContent()) ?? '';
				expect(sqlText).toMatch(/^SELECT 1 --/);
				expect(notesText).toContain('Typed:');
				const kept = new Set(
					[...`${sqlText} ${notesText}`.matchAll(/[sn]\d+k\d+/g)].map((m) => m[0])
				);
				expect(saved.filter((t) => !kept.has(t))).toEqual([]);
				const firstLost = typed.find((k) => !kept.has(k.token));
				// Saves keep typing order: nothing typed after a lost keystroke survives.
				if (firstLost) {
					const after = typed.filter((k) => k.at > firstLost.at && kept.has(k.token));
					expect(after.map((k) => k.token)).toEqual([]);
				}
				saved.push(...typed.filter((k) => kept.has(k.token)).map((k) => k.token));
				typed = [];
				const lost = firstLost ? killAt - firstLost.at : 0;
				lostMs.push(lost);
				expect(lost, `lost typing from ${firstLost?.token}`).toBeLessThanOrEqual(KEPT_AFTER_MS);
			}
			if (trial === TRIALS) {
				await context.close();
				break;
			}

			// Type into both cells, then kill at a random moment: mid-typing or up to 1.5 s after.
			const editor = sql.getByRole('textbox', { name: 'SQL' });
			await editor.click();
			await page.keyboard.press('Control+End');
			const sqlUntil = Date.now() + 600 + Math.random() * 900;
			for (let k = 0; Date.now() < sqlUntil; k++) {
				const token = `s${trial}k${k}`;
				await page.keyboard.type(` ${token}`);
				typed.push({ token, at: Date.now() });
			}
			await notes.getByRole('button', { name: 'Edit notes' }).click();
			const box = notes.getByRole('textbox', { name: 'Notes text' });
			await box.click();
			await page.keyboard.press('Control+End');
			const notesUntil = Date.now() + 800 + Math.random() * 1700;
			for (let k = 0; Date.now() < notesUntil; k++) {
				const token = `n${trial}k${k}`;
				await page.keyboard.type(` ${token}`);
				typed.push({ token, at: Date.now() });
			}
			if (Math.random() < 0.5) await page.waitForTimeout(Math.random() * 1500);
			killAt = Date.now();
			await hardKill(profile);
			await context.close().catch(() => undefined);
		}
		lostMs.sort((a, b) => a - b);
		console.log(
			`hard kill: ${lostMs.length}/${TRIALS} recovered; typing lost per kill (ms): ${lostMs.join(', ')}; max ${lostMs.at(-1)} ms, median ${lostMs[Math.floor(lostMs.length / 2)]} ms`
		);
		expect(lostMs.length).toBe(TRIALS);
	});
});
