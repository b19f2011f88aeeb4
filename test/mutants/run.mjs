/**
 * The mutation runner for RELIABILITY.md §3 (`npm run mutants`, not part of `npm test`): a test
 * counts only if it fails when the defence it guards is removed. For each entry of cases.mjs it
 * applies the edits to the product code, builds dist/ for an e2e entry, runs the entry's tests,
 * and always puts the files back (also on Ctrl-C or an error). A mutant is killed when a test
 * fails, SURVIVED when all pass. The table goes to stdout and to test/mutants/last-run.md; the
 * exit code is 1 when a mutant survived, went stale (its `find` no longer occurs exactly once)
 * or could not be judged (the build broke, no test ran or failed).
 *
 *   node test/mutants/run.mjs                 every entry
 *   node test/mutants/run.mjs 3 21            only the entries of cases 3 and 21
 *   node test/mutants/run.mjs --check         only check that every edit still applies
 *   node test/mutants/run.mjs --baseline 6    run the entries' tests unmutated (they must pass)
 *   --unit / --e2e                            only that project's entries
 *   --timeout=MIN                             per mutant (default 12); a timeout counts as killed
 *   --merge                                   put the rows run now into last-run.md's full table
 *
 * One vitest or vite at a time, on purpose: run it as `nice -n 15 npm run mutants` on a shared
 * machine. Logs of each run go to the OS temp directory (printed at the start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import entries from './cases.mjs';

/**
 * @typedef {{ file: string, find: string, replace: string }} Edit
 * @typedef {{ case: number, title: string, defence: string, edits: Edit[], tests: string[],
 *   filter?: string, project: string }} Entry
 * @typedef {{ entry: Entry, result: string, seconds: number }} Row
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const here = join(root, 'test/mutants');
const logs = join(tmpdir(), `mutants-${process.pid}`);

/** Product code an edit may touch: a mutant of a test would prove nothing. */
const PRODUCT = /^(src\/|workers\/|public\/|index\.html$|vite\.config\.ts$)/;

const args = process.argv.slice(2);
/** @param {string} name */
const flag = (name) => args.includes(name);
const timeoutArg = args.find((a) => a.startsWith('--timeout='));
const timeoutMs = (timeoutArg ? Number(timeoutArg.slice(10)) : 12) * 60_000;
const wanted = new Set(args.filter((a) => /^\d+$/.test(a)).map(Number));
const selected = entries.filter(
	(e) =>
		(wanted.size === 0 || wanted.has(e.case)) &&
		!(flag('--unit') && e.project !== 'unit') &&
		!(flag('--e2e') && e.project !== 'e2e')
);

// --------------------------------------------------------------------------- restoring files

/** Original text of every file an edit has touched, by path: written back whatever happens. */
/** @type {Map<string, string>} */
const originals = new Map();
/** @type {import('node:child_process').ChildProcess | null} */
let child = null;

function restore() {
	for (const [file, text] of originals) writeFileSync(join(root, file), text);
	originals.clear();
}

function killChild() {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-(child.pid ?? 0), 'SIGKILL');
	} catch {
		// Already gone.
	}
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		killChild();
		restore();
		console.error(`\n${signal}: files restored. dist/ may hold a mutant: run npx vite build.`);
		process.exit(130);
	});
}
process.on('uncaughtException', (e) => {
	killChild();
	restore();
	console.error(e);
	process.exit(2);
});
process.on('exit', () => restore());

// --------------------------------------------------------------------------- edits

/** @param {string} text @param {string} find */
const count = (text, find) => text.split(find).length - 1;

/**
 * Why an entry's edits cannot apply, or null when each `find` occurs exactly once.
 * @param {Entry} entry
 */
function staleReason(entry) {
	for (const edit of entry.edits) {
		if (!PRODUCT.test(edit.file)) return `${edit.file} is not product code`;
		let text;
		try {
			text = readFileSync(join(root, edit.file), 'utf8');
		} catch {
			return `${edit.file} does not exist`;
		}
		const n = count(text, edit.find);
		if (n !== 1) return `${edit.file}: find occurs ${n} times: ${JSON.stringify(edit.find)}`;
		if (edit.find === edit.replace) return `${edit.file}: replace equals find`;
	}
	return null;
}

/** @param {Entry} entry */
function apply(entry) {
	for (const edit of entry.edits) {
		const path = join(root, edit.file);
		const text = readFileSync(path, 'utf8');
		if (!originals.has(edit.file)) originals.set(edit.file, text);
		writeFileSync(
			path,
			text.replace(edit.find, () => edit.replace)
		);
	}
}

// --------------------------------------------------------------------------- processes

/**
 * Run `npx …` in its own process group, logging to `log`; kill the group on timeout.
 * @param {string[]} command @param {string} log @param {number} limitMs
 * @returns {Promise<{ code: number | null, timedOut: boolean }>}
 */
function run(command, log, limitMs) {
	return new Promise((done) => {
		/** @type {Buffer[]} */
		const out = [];
		child = spawn('npx', command, {
			cwd: root,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, FORCE_COLOR: '0' }
		});
		child.stdout?.on('data', (d) => out.push(d));
		child.stderr?.on('data', (d) => out.push(d));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killChild();
		}, limitMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			child = null;
			writeFileSync(log, Buffer.concat(out));
			done({ code, timedOut });
		});
	});
}

/** @param {string} log */
function build(log) {
	return run(['vite', 'build'], log, timeoutMs);
}

/** @param {string} path @returns {any} */
function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return null;
	}
}

/**
 * Run an entry's tests; the verdict from vitest's JSON report, not only its exit code.
 * @param {Entry} entry @param {string} name
 */
async function test(entry, name) {
	const report = join(logs, `${name}.json`);
	const command = ['vitest', 'run', '--project', entry.project, ...entry.tests];
	if (entry.filter) command.push('-t', entry.filter);
	command.push('--reporter=default', '--reporter=json', `--outputFile.json=${report}`);
	const { code, timedOut } = await run(command, join(logs, `${name}.log`), timeoutMs);
	if (timedOut) return { outcome: 'timeout', failed: 0, passed: 0 };
	const json = readJson(report);
	const failed = json?.numFailedTests ?? 0;
	const passed = json?.numPassedTests ?? 0;
	const suitesFailed = json?.numFailedTestSuites ?? 0;
	if (code === 0 && passed > 0) return { outcome: 'passed', failed, passed };
	if (code !== 0 && failed > 0) return { outcome: 'failed', failed, passed };
	// A file that failed to load, a filter that matched nothing: no verdict on the defence.
	return { outcome: 'unclear', failed, passed, suitesFailed, code };
}

// --------------------------------------------------------------------------- the run

/** @param {number} since */
const seconds = (since) => Math.round((Date.now() - since) / 1000);
/** @param {Entry} e */
const testsOf = (e) =>
	e.tests.map((t) => t.replace(/^test\//, '')).join(', ') + (e.filter ? ` -t "${e.filter}"` : '');

function productDirty() {
	const r = spawnSync(
		'git',
		['status', '--porcelain', '--', 'src', 'workers', 'public', 'index.html', 'vite.config.ts'],
		{ cwd: root, encoding: 'utf8' }
	);
	return r.status === 0 ? r.stdout.trim() : '';
}

/**
 * --merge: the last full run's table with the rows of the entries run now replaced, so a fix
 * re-run on a few entries keeps one table of every case. Null when last-run.md is not a full run.
 * @param {string} file @param {string[]} lines @param {string} note
 */
function merge(file, lines, note) {
	let previous;
	try {
		previous = readFileSync(file, 'utf8').split('\n');
	} catch {
		return null;
	}
	const at = previous.findIndex((l) => l.startsWith('|'));
	const old = previous.filter((l) => l.startsWith('|')).slice(2);
	if (at < 0 || old.length !== entries.length) return null;
	selected.forEach((entry, i) => (old[entries.indexOf(entry)] = lines[i] ?? ''));
	const intro = previous.slice(0, at).join('\n').trimEnd();
	const table = previous
		.slice(at, at + 2)
		.concat(old)
		.join('\n');
	return `${intro}\nRows re-run with --merge: ${note}.\n\n${table}\n`;
}

async function main() {
	if (selected.length === 0) {
		console.error('No entry matches the arguments.');
		process.exit(1);
	}
	const baseline = flag('--baseline');
	const checkOnly = flag('--check');
	const dirty = productDirty();
	if (dirty && !checkOnly && !flag('--dirty')) {
		// A run killed hard (SIGKILL) cannot restore: never take its mutant for the original.
		console.error(`Product files have changes; commit, stash or pass --dirty:\n${dirty}`);
		process.exit(1);
	}
	if (!checkOnly) {
		mkdirSync(logs, { recursive: true });
		console.log(`Logs: ${logs}`);
	}
	const started = Date.now();
	const rows = [];
	let bad = 0;
	let built = false;
	for (const [i, entry] of selected.entries()) {
		const name = `${String(i + 1).padStart(2, '0')}-case${entry.case}`;
		const t0 = Date.now();
		const row = { entry, result: '', seconds: 0 };
		rows.push(row);
		const stale = staleReason(entry);
		if (stale) {
			row.result = `stale (${stale})`;
			bad++;
			console.log(`case ${entry.case}: ${row.result}`);
			continue;
		}
		if (checkOnly) {
			row.result = 'applies';
			continue;
		}
		process.stdout.write(`case ${entry.case} (${entry.title}): `);
		try {
			if (!baseline) apply(entry);
			if (entry.project === 'e2e') {
				built = true;
				const b = await build(join(logs, `${name}.build.log`));
				if (b.code !== 0 || b.timedOut) {
					row.result = 'error (build failed)';
					bad++;
					continue;
				}
			}
			const r = await test(entry, name);
			const counts = `${r.failed} failed, ${r.passed} passed`;
			if (baseline) {
				if (r.outcome === 'passed') row.result = `baseline passes (${r.passed} passed)`;
				else {
					row.result = `BASELINE FAILS (${r.outcome}, ${counts})`;
					bad++;
				}
			} else if (r.outcome === 'timeout') row.result = 'killed (timeout)';
			else if (r.outcome === 'failed') row.result = `killed (${counts})`;
			else if (r.outcome === 'passed') {
				row.result = `SURVIVED (${r.passed} passed)`;
				bad++;
			} else {
				row.result = `error (no verdict: exit ${r.code}, ${counts}; see ${name}.log)`;
				bad++;
			}
		} finally {
			restore();
			row.seconds = seconds(t0);
			if (!checkOnly) console.log(`${row.result} (${row.seconds} s)`);
		}
	}
	if (!checkOnly && built) {
		// dist/ was last built from a mutant: build it again from the restored files.
		process.stdout.write('Rebuilding dist/ from the restored files: ');
		const b = await build(join(logs, 'final.build.log'));
		console.log(b.code === 0 ? 'done' : 'FAILED');
		if (b.code !== 0) bad++;
	}
	const total = seconds(started);
	// A `|` in a cell (a -t alternation) would split it: markdown escapes it as `\\|`.
	/** @param {unknown} v */
	const cell = (v) => String(v).replaceAll('|', '\\|');
	/** @param {Row} row */
	const line = ({ entry, result, seconds: s }) =>
		`| ${[entry.case, entry.defence, testsOf(entry), result, s].map(cell).join(' | ')} |`;
	const head = [
		'| case | defence removed | test | result | seconds |',
		'| ---: | --- | --- | --- | ---: |'
	];
	const table = [...head, ...rows.map(line)].join('\n');
	console.log(`\n${table}\n\nTotal: ${total} s. ${bad === 0 ? 'All good.' : `${bad} not good.`}`);
	if (!checkOnly) {
		const file = join(here, 'last-run.md');
		const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
			cwd: root,
			encoding: 'utf8'
		}).stdout.trim();
		const what = baseline ? 'Baseline (no mutation)' : 'Mutation run';
		const when = `${new Date().toISOString()}, commit ${commit}, node ${process.version}`;
		let text =
			`# ${what} of RELIABILITY.md §3\n\n` +
			`${when}, arguments: ${args.join(' ') || '(all)'}. Total ${total} s.\n` +
			'"killed" = the tests failed with the defence removed (good); "SURVIVED" = they passed.\n' +
			`\n${table}\n`;
		const merged = flag('--merge')
			? merge(file, rows.map(line), `${when}, ${args.join(' ')}`)
			: null;
		if (flag('--merge') && !merged) console.error('--merge: last-run.md is not a full run.');
		text = merged ?? text;
		writeFileSync(file, text);
		// Padded as the repository's prettier check wants it (best effort: the text is the same).
		spawnSync('npx', ['prettier', '--write', file], { cwd: root, stdio: 'ignore' });
	}
	process.exitCode = bad === 0 ? 0 : 1;
}

await main();
