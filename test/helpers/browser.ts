/**
 * Headless Chromium for end-to-end tests and screenshots: Debian's chromium (or CHROMIUM_PATH)
 * driven by playwright-core. Every request any page or worker makes is logged, so tests can
 * assert that nothing left the page's origin.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from './chromium-flags.mjs';

export { CHROMIUM_FLAGS };

export function chromiumPath(): string | null {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
	return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

export interface Session {
	context: BrowserContext;
	page: Page;
	/** Every URL requested by the page and its workers. */
	requests: string[];
	pageErrors: string[];
	close(): Promise<void>;
}

export async function openSession(
	options: { offline?: boolean; bypassCSP?: boolean } = {}
): Promise<Session> {
	const executablePath = chromiumPath();
	if (!executablePath)
		throw new Error('No Chromium found: install Debian chromium or set CHROMIUM_PATH.');
	// A fresh profile (about 150 MB once the app has run), deleted on close: left behind, a CI run's
	// profiles fill the disk, and Chromium sizes an origin's storage quota by the free space.
	const profile = mkdtempSync(join(tmpdir(), 'segbook-e2e-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		args: [...CHROMIUM_FLAGS],
		viewport: { width: 1280, height: 900 },
		acceptDownloads: true,
		offline: options.offline ?? false,
		// Only for axe-core, whose injected script the page's Trusted Types policy would refuse.
		bypassCSP: options.bypassCSP ?? false
	});
	const requests: string[] = [];
	const pageErrors: string[] = [];
	context.on('request', (request) => requests.push(request.url()));
	const page = context.pages()[0] ?? (await context.newPage());
	page.on('pageerror', (error) => pageErrors.push(error.message));
	const close = async (): Promise<void> => {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	};
	return { context, page, requests, pageErrors, close };
}

/**
 * Record the Content-Security-Policy violations every page of the session sees (a blocked
 * attempt still shows up); read them with `cspViolations`. Call before the page loads.
 */
export async function recordCspViolations(session: Session): Promise<void> {
	await session.context.addInitScript(() => {
		const w = window as unknown as { __violations: string[] };
		w.__violations = [];
		document.addEventListener('securitypolicyviolation', (e) =>
			w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`)
		);
	});
}

/** "directive blocked-URI" for each violation recorded on `page` since it loaded. */
export function cspViolations(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

/** Requests to any origin but `origin` (blob: and data: URLs are local). */
export function foreignRequests(requests: readonly string[], origin: string): string[] {
	return requests.filter(
		(u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')
	);
}
