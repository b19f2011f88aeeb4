/**
 * "The next deploy" for tests of updates (issue 18 item 6): a copy of dist/ whose engine worker
 * changed (new content, so a new hashed file name; the old name is gone from the server), with
 * every reference, integrity attribute and pinned hash, the service worker's build id and
 * SHA256SUMS brought up to date, as a real build of a newer commit would have them. Building a second time would do
 * the same at the cost of a minute of CPU.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestOf, MANIFEST, sri } from '../../src/build/integrity';

/**
 * The main script's table of its workers' sha384 (base64 JSON, src/lib/pinned-worker.ts) with
 * the old worker's entry replaced by the new one's.
 */
function repinned(main: string, oldName: string, newName: string, hash: string): string {
	return main.replace(/[A-Za-z0-9+/]{40,}={0,2}/g, (literal) => {
		let table: Record<string, string>;
		try {
			table = JSON.parse(Buffer.from(literal, 'base64').toString('utf8')) as Record<string, string>;
		} catch {
			return literal;
		}
		if (!(oldName in table)) return literal;
		delete table[oldName];
		table[newName] = hash;
		return Buffer.from(JSON.stringify(table)).toString('base64');
	});
}

export function nextBuild(dist = 'dist'): { dir: string; build: string } {
	const dir = mkdtempSync(join(tmpdir(), 'segbook-next-'));
	cpSync(dist, dir, { recursive: true });
	const assets = join(dir, 'assets');
	const oldWorker = readdirSync(assets).find((f) => /^engine\.worker-.*\.js$/.test(f));
	if (!oldWorker) throw new Error('no engine worker in dist/assets');
	const body = readFileSync(join(assets, oldWorker), 'utf8') + '\n// the next build\n';
	const tag = createHash('sha256').update(body).digest('base64url').slice(0, 8);
	const newWorker = `engine.worker-${tag}.js`;
	writeFileSync(join(assets, oldWorker), body);
	renameSync(join(assets, oldWorker), join(assets, newWorker));
	// The main script names the worker: it changes too, and so does its integrity.
	const main = readdirSync(assets).find((f) => /^index-.*\.js$/.test(f))!;
	const mainBody = repinned(
		readFileSync(join(assets, main), 'utf8').replaceAll(oldWorker, newWorker),
		oldWorker,
		newWorker,
		sri(body)
	);
	const newMain = `index-${createHash('sha256').update(mainBody).digest('base64url').slice(0, 8)}.js`;
	writeFileSync(join(assets, newMain), mainBody);
	if (newMain !== main) renameSync(join(assets, main), join(assets, `${main}.old`));
	let html = readFileSync(join(dir, 'index.html'), 'utf8').replaceAll(main, newMain);
	html = html.replace(
		/integrity="[^"]*"(\s+src="\.\/assets\/index-)/,
		`integrity="${sri(mainBody)}"$1`
	);
	writeFileSync(join(dir, 'index.html'), html);
	for (const f of readdirSync(assets).filter((f) => f.endsWith('.old'))) {
		renameSync(join(assets, f), join(tmpdir(), `${f}-${Date.now()}`));
	}
	const build = createHash('sha256')
		.update(html + mainBody)
		.digest('hex')
		.slice(0, 16);
	const sw = readFileSync(join(dir, 'sw.js'), 'utf8')
		.replaceAll(oldWorker, newWorker)
		.replaceAll(main, newMain)
		.replace(/segbook-[0-9a-f]{16}/, `segbook-${build}`);
	writeFileSync(join(dir, 'sw.js'), sw);
	writeFileSync(join(dir, MANIFEST), manifestOf(dir));
	return { dir, build };
}
