/**
 * Main-thread long tasks (the Long Tasks API: tasks over 50 ms) in the page, observed from before
 * the app's first script runs. `mark()` starts a window; `read()` gives the tasks since then.
 */

/** Installed with page.addInitScript: runs in the page before any of its scripts. */
export function observeLongTasks() {
	const w = /** @type {any} */ (globalThis);
	w.__segbookLongTasks = [];
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) w.__segbookLongTasks.push([e.startTime, e.duration]);
	}).observe({ type: 'longtask', buffered: true });
}

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number>} the page's clock now, to pass to `read`
 */
export function mark(page) {
	return page.evaluate(() => performance.now());
}

/**
 * @param {import('playwright-core').Page} page
 * @param {number} since
 * @returns {Promise<{ count: number, over100: number, longest: number }>}
 */
export async function read(page, since) {
	/** @type {[number, number][]} */
	const tasks = await page.evaluate(() => /** @type {any} */ (globalThis).__segbookLongTasks ?? []);
	const durations = tasks.filter(([start]) => start >= since).map(([, d]) => d);
	return {
		count: durations.length,
		over100: durations.filter((d) => d > 100).length,
		longest: Math.max(0, ...durations)
	};
}
