/**
 * A verifiable build (issue 18, "A verifiable build"):
 * - dist/SHA256SUMS lists every file with its sha256, and the privacy panel shows the sha256 of
 *   that list; a second build of the same tree gives the same list;
 * - served with the site's own `_headers` (CSP, Integrity-Policy) the app starts and runs SQL;
 * - Subresource Integrity holds: a tampered main script does not run, a tampered DuckDB wasm or
 *   engine worker script is refused with a message naming the file, not run, and a tampered
 *   clustering worker or k-means kernel is refused (the job runs on one thread, in TypeScript);
 * - Integrity-Policy is enforced: under the site's headers a script with no integrity attribute
 *   does not run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, openSession, type Session } from '../helpers/browser';
import { serve } from '../helpers/serve.mjs';
import { runSql, startLesson, textOf } from '../helpers/ui';

const browser = chromiumPath();
if (!browser && process.env.CI)
	throw new Error('CI=true but no Chromium: install Debian chromium.');

/** Copies of dist/ made here (each about 80 MB), removed when the file's tests end. */
const scratch: string[] = [];
function scratchDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	scratch.push(dir);
	return dir;
}

/** A copy of dist/ with `edit` applied to the first asset whose name matches. */
function tampered(match: RegExp, edit: (bytes: Buffer) => Buffer): string {
	const dir = scratchDir('segbook-tampered-');
	cpSync('dist', dir, { recursive: true });
	const names = readdirSync(join(dir, 'assets')).filter((f) => match.test(f));
	if (names.length === 0) throw new Error(`no asset matches ${match}`);
	for (const name of names) {
		const path = join(dir, 'assets', name);
		writeFileSync(path, edit(readFileSync(path)));
	}
	return dir;
}

const sriOf = (bytes: Buffer): string =>
	`sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/** A script with a line added at its end. */
const appended =
	(line: string) =>
	(bytes: Buffer): Buffer =>
		Buffer.concat([bytes, Buffer.from(`\n;${line}\n`)]);

/** A wasm file with its last byte flipped. */
function flipped(bytes: Buffer): Buffer {
	const copy = Buffer.from(bytes);
	copy[copy.length - 1]! ^= 1;
	return copy;
}

describe.skipIf(!browser)('a build a user can verify', () => {
	let session: Session;
	const closers: (() => Promise<void>)[] = [];
	beforeAll(async () => {
		session = await openSession();
	});
	/** The site in `dir` opened in a new tab: the text of its "engine could not start" alert. */
	async function engineAlert(dir: string): Promise<string> {
		const site = await serve({ dir });
		closers.push(site.close);
		const page = await session.context.newPage();
		await page.goto(site.url);
		const alert = page.getByRole('alert').filter({ hasText: /engine could not start/ });
		await alert.waitFor({ timeout: 60_000 });
		const text = await textOf(alert);
		await page.close();
		return text;
	}

	afterAll(async () => {
		await session?.close();
		for (const close of closers) await close();
		for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
	});

	it('lists every file of dist/ in SHA256SUMS with its sha256', () => {
		const sums = readFileSync('dist/SHA256SUMS', 'utf8').trim().split('\n');
		const listed = new Map(sums.map((l) => [l.slice(66), l.slice(0, 64)]));
		const files = (readdirSync('dist', { recursive: true }) as string[])
			.filter(
				(f) =>
					!readdirSync('dist', { withFileTypes: true }).some((d) => d.isDirectory() && d.name === f)
			)
			.filter((f) => f !== 'SHA256SUMS');
		expect([...listed.keys()].sort()).toEqual(files.sort());
		for (const [file, hex] of listed) {
			expect(
				createHash('sha256')
					.update(readFileSync(join('dist', file)))
					.digest('hex'),
				file
			).toBe(hex);
		}
		const html = readFileSync('dist/index.html', 'utf8');
		const tags = html.match(/<(script|link rel="stylesheet")[^>]*\s(src|href)=[^>]*>/g) ?? [];
		expect(tags.length).toBeGreaterThan(1);
		for (const tag of tags) expect(tag).toMatch(/integrity="sha384-[A-Za-z0-9+/=]{64}"/);
		// Chunks loaded by import() (Vega, CodeMirror) are pinned by the import map, which the CSP
		// allows by its own hash.
		const map = /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1] ?? '{}';
		const pinned = (JSON.parse(map) as { integrity?: Record<string, string> }).integrity ?? {};
		const chunks = (readdirSync('dist/assets') as string[]).filter((f) => f.endsWith('.js'));
		for (const chunk of chunks) {
			expect(pinned[`./assets/${chunk}`], chunk).toMatch(/^sha384-[A-Za-z0-9+/=]{64}$/);
		}
		const mapHash = createHash('sha256').update(map).digest('base64');
		expect(html).toContain(`'sha256-${mapHash}'`);
	});

	it('builds the same files twice: two builds of one commit give the same SHA256SUMS', () => {
		const out = scratchDir('segbook-rebuild-');
		execFileSync(
			'npx',
			['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'],
			{
				stdio: 'pipe',
				// vitest sets NODE_ENV=test, which would make a development build.
				env: { ...process.env, NODE_ENV: 'production' }
			}
		);
		expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8')).toBe(
			readFileSync('dist/SHA256SUMS', 'utf8')
		);
	}, 180_000);

	it('runs under the site’s own headers (CSP, Integrity-Policy) and shows the manifest’s hash', async () => {
		const site = await serve({ dir: 'dist', headers: true });
		closers.push(site.close);
		const page = session.page;
		const response = await page.goto(site.url);
		expect(response?.headers()['integrity-policy']).toMatch(/blocked-destinations=\(script\)/);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await page.getByRole('button', { name: 'Add cell' }).click();
		await page.getByRole('menuitem', { name: 'SQL' }).click();
		await runSql(page, 'SQL cell 1', 'SELECT 40 + 2 AS answer');
		const cell = page.getByRole('region', { name: 'SQL cell 1' });
		await expect.poll(() => textOf(cell), { timeout: 30_000 }).toContain('42');
		const expected = createHash('sha256').update(readFileSync('dist/SHA256SUMS')).digest('hex');
		await page
			.getByRole('button', { name: /privacy/i })
			.first()
			.click();
		const dialog = page.getByRole('dialog');
		await expect.poll(() => textOf(dialog), { timeout: 10_000 }).toContain(expected);
		expect(session.pageErrors).toEqual([]);
	});

	it('refuses a main script changed after the build', async () => {
		const dir = tampered(/^index-.*\.js$/, appended('window.__pwned=1;'));
		const site = await serve({ dir });
		closers.push(site.close);
		const page = await session.context.newPage();
		const errors: string[] = [];
		page.on('console', (m) => errors.push(m.text()));
		await page.goto(site.url);
		await page.waitForTimeout(1500);
		expect(
			await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)
		).toBeUndefined();
		expect(
			await page
				.getByRole('status')
				.filter({ hasText: /Ready ·/ })
				.count()
		).toBe(0);
		expect(errors.join('\n')).toMatch(/integrity/i);
		await page.close();
	});

	it('refuses a DuckDB wasm changed after the build, naming the file', async () => {
		const alert = await engineAlert(tampered(/^duckdb-eh-.*\.wasm$/, flipped));
		expect(alert).toMatch(/duckdb-eh-[\w-]+\.wasm.*does not match this build/);
	});

	it('refuses an engine worker script changed after the build, naming the file', async () => {
		const alert = await engineAlert(
			tampered(/^engine\.worker-.*\.js$/, appended('self.postMessage("pwned");'))
		);
		expect(alert).toMatch(/engine\.worker-[\w-]+\.js.*does not match this build/);
		// The page itself still works: the notebook is there, and says what to do.
		expect(alert).toMatch(/reload/i);
	});

	it('refuses a changed clustering worker and k-means kernel: one thread, the TypeScript kernel', async () => {
		// Both still work if run: only their hashes differ (a statement; a wasm custom section).
		const workers = tampered(/^cluster\.worker-.*\.js$/, appended('void 0;'));
		const dir = scratchDir('segbook-tampered-');
		cpSync(workers, dir, { recursive: true });
		const kernel = readdirSync(join(dir, 'assets')).find((f) => /^kmeans-.*\.wasm$/.test(f));
		if (!kernel) throw new Error('no kernel in dist/assets');
		const path = join(dir, 'assets', kernel);
		const section = Buffer.from([0, 5, 4, ...Buffer.from('pwnd')]);
		writeFileSync(path, Buffer.concat([readFileSync(path), section]));
		const site = await serve({ dir });
		closers.push(site.close);
		const page = await session.context.newPage();
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		await startLesson(page);
		const segments = page.getByRole('region', { name: 'Segments', exact: true });
		await expect
			.poll(() => textOf(segments), { timeout: 120_000 })
			.toMatch(/segments of 1,000 customers/);
		const text = await textOf(segments);
		expect(text).toMatch(/sweep took [\d.,]+ m?s on 1 thread\b/);
		expect(text).toContain('TypeScript kernel');
		await page.close();
	});

	it('enforces Integrity-Policy: a script with no integrity attribute does not run', async () => {
		const dir = scratchDir('segbook-policy-');
		cpSync('dist', dir, { recursive: true });
		writeFileSync(join(dir, 'assets', 'unpinned.js'), 'window.__unpinned = 1;\n');
		writeFileSync(join(dir, 'assets', 'pinned.js'), 'window.__pinned = 1;\n');
		const pin = sriOf(readFileSync(join(dir, 'assets', 'pinned.js')));
		const html = readFileSync(join(dir, 'index.html'), 'utf8').replace(
			'</head>',
			`<script src="./assets/unpinned.js"></script><script src="./assets/pinned.js" crossorigin integrity="${pin}"></script></head>`
		);
		writeFileSync(join(dir, 'index.html'), html);
		const site = await serve({ dir, headers: true });
		closers.push(site.close);
		const page = await session.context.newPage();
		await page.goto(site.url);
		await page
			.getByRole('status')
			.filter({ hasText: /Ready ·/ })
			.waitFor({ timeout: 60_000 });
		const ran = await page.evaluate(() => {
			const w = window as unknown as { __pinned?: number; __unpinned?: number };
			return { pinned: w.__pinned, unpinned: w.__unpinned };
		});
		// The control: the same tag with its hash runs, so it is not the CSP that refused the other.
		// (Integrity-Policy also refuses a no-cors script, hence `crossorigin` on the control.)
		expect(ran).toEqual({ pinned: 1, unpinned: undefined });
		await page.close();
	});
});
