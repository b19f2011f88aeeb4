/**
 * The mutants of RELIABILITY.md §3: for each adversarial case, the defence in product code that
 * its test guards, and an edit that takes that defence away. A test that still passes with its
 * defence gone does not guard it. test/mutants/run.mjs applies each edit, runs the tests, and
 * puts the files back.
 *
 * An entry: `case` (1–30), `title`, `defence` (what the edit removes, in words), `edits` (each
 * `find` must occur exactly once in `file`, else the entry is reported stale), `tests`, an
 * optional `filter` (vitest -t, a regular expression over the test's full name) and `project`
 * ('unit' runs in node; 'e2e' builds dist/ first and drives Chromium). Edits touch only product
 * code (src/, workers/, index.html, public/, vite.config.ts), never a test.
 */

const LOCKDOWN = 'workers/lockdown.ts';
const SELF_CHECK = "if (external !== 'false' || locked !== 'true' || autoload !== 'false') {";
const INGEST_CSV = 'workers/csv/ingest-csv.ts';
/** Cases 1 and 20 each have a node and a browser entry with the same mutant. */
const NO_EXTERNAL_ACCESS = [
	{ file: LOCKDOWN, find: '\t`SET enable_external_access = false`,\n', replace: '' },
	{ file: LOCKDOWN, find: SELF_CHECK, replace: "if (locked !== 'true' || autoload !== 'false') {" }
];
const NO_ZIP_CHECK = [
	{
		file: 'workers/ingest.ts',
		find: "if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';",
		replace: ''
	}
];
const INGEST = 'test/engine/ingest.test.ts';

export default [
	// ------------------------------------------------------------------ unit and engine (node)
	{
		case: 1,
		title: 'SQL exfil via getvariable URL',
		defence: 'SET enable_external_access = false, and its line in the self-check',
		edits: NO_EXTERNAL_ACCESS,
		tests: ['test/engine/lockdown.test.ts'],
		project: 'unit'
	},
	{
		case: 2,
		title: 'Lockdown cannot be undone',
		defence: 'SET lock_configuration = true, and its line in the self-check',
		edits: [
			{
				file: LOCKDOWN,
				find: '`SET enable_external_access = false`,\n\t`SET lock_configuration = true`\n',
				replace: '`SET enable_external_access = false`\n'
			},
			{
				file: LOCKDOWN,
				find: SELF_CHECK,
				replace: "if (external !== 'false' || autoload !== 'false') {"
			}
		],
		tests: ['test/engine/lockdown-connections.test.ts', 'test/engine/lockdown.test.ts'],
		project: 'unit'
	},
	{
		case: 5,
		title: 'Vega exfil (spec validator)',
		defence: 'validateSpec refusing `url` and `href` keys',
		edits: [
			{
				file: 'src/charts/specs.ts',
				find: "const ADDRESS_KEYS = new Set(['url', 'href']);",
				replace: 'const ADDRESS_KEYS = new Set<string>([]);'
			}
		],
		tests: ['test/unit/charts/specs.test.ts'],
		filter: 'validateSpec',
		project: 'unit'
	},
	{
		case: 5,
		title: 'Vega exfil (custom loader)',
		defence: 'SAFE_LOADER refusing load, sanitize, http and file',
		edits: [
			{
				file: 'src/charts/vega-runtime.ts',
				find: '{ load: refuse, sanitize: refuse, http: refuse, file: refuse }',
				replace: '{}'
			}
		],
		tests: ['test/unit/charts/specs.test.ts'],
		filter: 'SAFE_LOADER',
		project: 'unit'
	},
	{
		case: 7,
		title: 'Markdown / HTML injection (raw HTML)',
		defence: 'markdown-it html:false and the DOMPurify pass over its output (both layers)',
		edits: [
			{ file: 'src/notebook/markdown.ts', find: 'html: false', replace: 'html: true' },
			{
				file: 'src/notebook/markdown.ts',
				find: "return DOMPurify.sanitize(md.render(source), { ADD_ATTR: ['target', 'rel'] });",
				replace: 'return md.render(source);'
			}
		],
		tests: ['test/unit/notebook/markdown.test.ts'],
		project: 'unit'
	},
	{
		case: 7,
		title: 'Markdown / HTML injection (image beacon)',
		defence: 'the rule that drops every image but a local data: image',
		edits: [
			{
				file: 'src/notebook/markdown.ts',
				find: "child.type !== 'image' ||",
				replace: 'true ||'
			}
		],
		tests: ['test/unit/notebook/markdown.test.ts'],
		project: 'unit'
	},
	{
		case: 8,
		title: 'Decompression bomb (a, b)',
		defence: "inflateCapped's running output counter",
		edits: [
			{
				file: 'src/notebook/share-link.ts',
				find: 'if (total > maxBytes) over = true;',
				replace: 'if (false) over = true;'
			}
		],
		tests: ['test/unit/notebook/share-link.test.ts'],
		filter: 'bomb',
		project: 'unit'
	},
	{
		case: 8,
		title: 'Oversized link (c)',
		defence: 'the encoded-length cap before a link is read',
		edits: [
			{
				file: 'src/notebook/share-link.ts',
				find: 'if (fragment.length > LINK_LIMITS.maxEncodedChars) {',
				replace: 'if (false) {'
			}
		],
		tests: ['test/unit/notebook/share-link.test.ts'],
		filter: '3 MB fragment',
		project: 'unit'
	},
	{
		case: 8,
		title: 'Truncated link (d)',
		defence: 'the CRC-32 check of the compressed bytes',
		edits: [
			{
				file: 'src/notebook/share-link.ts',
				find: 'if (!compressed || crc32(compressed) !== crc) return',
				replace: 'if (!compressed) return'
			}
		],
		tests: ['test/unit/notebook/share-link.test.ts'],
		filter: 'damaged links',
		project: 'unit'
	},
	{
		case: 9,
		title: 'Silent row loss',
		defence: 'counting the rejected lines (rows_rejected) of a CSV load',
		edits: [
			{
				file: INGEST_CSV,
				find: 'const rowsRejected = left.length;',
				replace: 'const rowsRejected = 0;'
			}
		],
		tests: [INGEST],
		project: 'unit'
	},
	{
		case: 10,
		title: 'Autosave crash safety (max-wait)',
		defence: "autosave's max-wait (only the debounce left)",
		edits: [
			{
				file: 'src/notebook/autosave.ts',
				find: 'const wait = Math.min(this.#o.delayMs, this.#dirtySince + this.#o.maxWaitMs - now);',
				replace: 'const wait = this.#o.delayMs;'
			}
		],
		tests: ['test/unit/notebook/autosave.test.ts'],
		project: 'unit'
	},
	{
		case: 12,
		title: 'Prototype pollution in the fragment',
		defence:
			'FORBIDDEN_KEYS (safeJsonParse and toPlain drop `__proto__`, `constructor`, `prototype`)',
		edits: [
			{
				file: 'src/notebook/plain-data.ts',
				find: "\t'__proto__',\n\t'constructor',\n\t'prototype'\n]);",
				replace: ']);'
			}
		],
		tests: ['test/unit/notebook/schema.test.ts', 'test/unit/notebook/share-link.test.ts'],
		filter: 'pollut',
		project: 'unit'
	},
	{
		case: 13,
		title: 'Reserved column names',
		defence: 'customChartSpec aliasing columns to f0, f1, …',
		edits: [
			{
				file: 'src/charts/specs.ts',
				find: 'names.set(name, `f${names.size}`)',
				replace: 'names.set(name, name)'
			}
		],
		tests: ['test/unit/charts/specs.test.ts'],
		filter: 'customChartSpec',
		project: 'unit'
	},
	{
		case: 16,
		title: 'Empty file',
		defence: 'the "file is empty" check before reading',
		edits: [
			{
				file: 'workers/ingest.ts',
				find: 'if (isBlank(head, source.size)) {',
				replace: 'if (false) {'
			}
		],
		tests: [INGEST],
		filter: 'empty',
		project: 'unit'
	},
	{
		case: 16,
		title: 'Header-only file',
		defence: 'the "no data rows" check after reading',
		edits: [
			{
				file: 'workers/ingest.ts',
				find: 'if (report.rowsLoaded === 0 && report.rowsRejected === 0) {',
				replace: 'if (false) {'
			}
		],
		tests: [INGEST],
		filter: 'header-only',
		project: 'unit'
	},
	{
		case: 17,
		title: 'Latin-1 file',
		defence: 'Latin-1 detection: the UTF-8 check of the head and the retry on encoding rejects',
		edits: [
			{
				file: INGEST_CSV,
				find: "encoding = isUtf16(head) ? 'utf-16' : validUtf8(head, complete) ? 'utf-8' : 'latin-1';",
				replace: "encoding = isUtf16(head) ? 'utf-16' : 'utf-8';"
			},
			{ file: INGEST_CSV, find: '(await hasEncodingRejects(db, rejects))', replace: 'false' }
		],
		tests: [INGEST],
		filter: 'Latin-1',
		project: 'unit'
	},
	{
		case: 17,
		title: 'UTF-16 file',
		defence: 'UTF-16 detection by byte-order mark',
		edits: [
			{
				file: INGEST_CSV,
				find: "encoding = isUtf16(head) ? 'utf-16' : validUtf8",
				replace: 'encoding = validUtf8'
			}
		],
		tests: [INGEST],
		filter: 'UTF-16 little-endian',
		project: 'unit'
	},
	{
		case: 18,
		title: 'Semicolon + decimal comma',
		defence: 'the decimal-comma retry of `;` files',
		edits: [{ file: INGEST_CSV, find: 'if (commaColumns.length > 0) {', replace: 'if (false) {' }],
		tests: [INGEST],
		filter: 'decimal commas',
		project: 'unit'
	},
	{
		case: 19,
		title: 'Duplicate/empty headers',
		defence: 'the "Renamed headers" note',
		edits: [
			{
				file: 'workers/csv/report.ts',
				find: "return renamed.length > 0 ? [`Renamed headers: ${renamed.join(', ')}.`] : [];",
				replace: 'return [];'
			}
		],
		tests: [INGEST],
		filter: 'renamed duplicate',
		project: 'unit'
	},
	{
		case: 20,
		title: 'ZIP/Excel named .csv',
		defence: 'the ZIP magic-number check (a ZIP is then read as text)',
		edits: NO_ZIP_CHECK,
		tests: [INGEST],
		filter: 'ZIP',
		project: 'unit'
	},
	{
		case: 20,
		title: 'A real .xlsx, within its unzip caps',
		defence: "the workbook reader's inflate caps (a part's size and ratio)",
		edits: [
			{
				file: 'workers/xlsx.ts',
				find: '\t\t\tif (\n\t\t\t\tinflated > XLSX_LIMITS.maxPartBytes ||',
				replace: '\t\t\tif (\n\t\t\t\tfalse &&'
			}
		],
		tests: ['test/engine/xlsx.test.ts'],
		filter: 'bomb',
		project: 'unit'
	},
	{
		case: 20,
		title: 'A real .xlsx: no DTD',
		defence: 'the refusal of a workbook part that declares a DTD',
		edits: [
			{
				file: 'workers/xlsx.ts',
				find: 'if (/<!DOCTYPE/i.test(text.slice(0, 4096))) {',
				replace: 'if (false) {'
			}
		],
		tests: ['test/engine/xlsx.test.ts'],
		filter: 'DTD',
		project: 'unit'
	},
	{
		case: 21,
		title: 'k-means k > distinct points',
		defence: 'the too-few-distinct checks (after seeding, and of a given init)',
		edits: [
			{
				file: 'src/cluster/kmeans.ts',
				find: 'if (cent.length < k * d) {',
				replace: 'if (false) {'
			},
			{
				file: 'src/cluster/kmeans.ts',
				find: 'if (distinct < k) throw tooFewDistinct(distinct, k);',
				replace: ''
			}
		],
		tests: ['test/unit/cluster/kmeans.test.ts'],
		filter: 'distinct',
		project: 'unit'
	},
	{
		case: 21,
		title: 'k-means k > n',
		defence: 'the k > n check',
		edits: [{ file: 'src/cluster/kmeans.ts', find: 'if (k > n) {', replace: 'if (false) {' }],
		tests: ['test/unit/cluster/kmeans.test.ts'],
		filter: 'k > n',
		project: 'unit'
	},
	{
		case: 22,
		title: 'Constant column',
		defence: 'scale 1 for a constant column (the exact check and the zero-spread guard)',
		edits: [
			{ file: 'src/cluster/scale.ts', find: 'if (min === max) {', replace: 'if (false) {' },
			{
				file: 'src/cluster/scale.ts',
				find: 'scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;',
				replace: 'scale[j] = sd;'
			}
		],
		tests: ['test/unit/cluster/scale.test.ts'],
		filter: 'constant',
		project: 'unit'
	},
	{
		case: 23,
		title: 'NaN/Infinity/NULL in features',
		defence: 'non-finite (and beyond ±1e100) feature values read as missing',
		edits: [
			{
				file: 'src/sql/features.sql.ts',
				find: 'return `CASE WHEN isfinite(${x}::DOUBLE) AND abs(${x}::DOUBLE) < 1e100 THEN ${x}::DOUBLE END`;',
				replace: 'return `${x}::DOUBLE`;'
			}
		],
		tests: ['test/engine/pipeline.test.ts'],
		filter: 'NaN, infinity',
		project: 'unit'
	},
	{
		case: 24,
		title: 'Extreme outliers (k-means)',
		defence: "k-means' power-of-two rescaling of huge or tiny data",
		edits: [
			{
				file: 'src/cluster/kmeans.ts',
				find: 'const f = safeScaleFactor(stats.maxAbs);',
				replace: 'const f = 1;'
			}
		],
		tests: ['test/unit/cluster/kmeans.test.ts'],
		filter: 'outliers|overflows|huge',
		project: 'unit'
	},
	{
		case: 24,
		title: 'Extreme outliers (z-score)',
		// Alone, the rescaling survives: an infinite spread falls back to scale 1, still finite.
		defence: "zscore's power-of-two rescaling, and the fallback to scale 1 of an infinite spread",
		edits: [
			{
				file: 'src/cluster/scale.ts',
				find: 'const f = safeScaleFactor(maxAbs);',
				replace: 'const f = 1;'
			},
			{
				file: 'src/cluster/scale.ts',
				find: 'scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;',
				replace: 'scale[j] = sd > 0 ? sd : 1;'
			}
		],
		tests: ['test/unit/cluster/scale.test.ts'],
		filter: 'extreme',
		project: 'unit'
	},
	{
		case: 26,
		title: 'Runaway query watchdog',
		defence: "the watchdog's timer (no call is ever stopped for its budget)",
		edits: [
			{
				file: 'src/engine/client.ts',
				find: 'if (!head || !Number.isFinite(head.budgetMs)) return;',
				replace: 'if (true) return;'
			}
		],
		tests: ['test/engine/watchdog.test.ts'],
		filter: 'the watchdog',
		project: 'unit'
	},
	{
		case: 27,
		title: 'Storage quota exhaustion (autosave)',
		defence: 'autosave reporting a refused save',
		edits: [{ file: 'src/notebook/autosave.ts', find: 'this.#o.onError(true);', replace: '' }],
		tests: ['test/unit/notebook/autosave.test.ts'],
		project: 'unit'
	},
	{
		case: 30,
		title: 'Link size budget (refusal)',
		defence: 'encodeShareLink refusing a link over the encoded or decoded cap',
		edits: [
			{
				file: 'src/notebook/share-link.ts',
				find: 'if (link.length > LINK_LIMITS.maxEncodedChars || jsonBytes > LINK_LIMITS.maxDecodedBytes) {',
				replace: 'if (false) {'
			}
		],
		tests: ['test/unit/notebook/share-link.test.ts'],
		filter: 'too large|decoded cap',
		project: 'unit'
	},
	{
		case: 30,
		title: 'Link size budget (2,000 characters)',
		defence: 'DEFLATE level 9 in share links (stored, uncompressed)',
		edits: [
			{
				file: 'src/notebook/share-link.ts',
				find: 'deflateSync(json, { level: 9 })',
				replace: 'deflateSync(json, { level: 0 })'
			}
		],
		tests: ['test/unit/notebook/share-link.test.ts'],
		filter: 'round trips',
		project: 'unit'
	},

	// ------------------------------------------------------------------ e2e (dist/ in Chromium)
	{
		case: 3,
		title: 'Lockdown survives worker restart',
		defence: 'lockdown re-applied on a restarted worker, and the self-check before each call',
		edits: [
			{
				file: 'workers/engine.ts',
				find: 'async init(): Promise<EngineInfo> {\n\t\tawait lockDown(this.#db);',
				replace:
					'async init(restarted?: boolean): Promise<EngineInfo> {\n\t\tif (!restarted) await lockDown(this.#db);'
			},
			{ file: 'workers/engine.ts', find: '\t\tawait assertLockedDown(this.#db);\n', replace: '' },
			{
				file: 'src/engine/client.ts',
				find: 'remote.init(++this.#seq)',
				replace: 'remote.init(++this.#seq, generation > 1)'
			}
		],
		tests: ['test/e2e/hostile-restart.test.ts'],
		project: 'e2e'
	},
	{
		case: 4,
		title: 'Worker CSP coverage',
		defence: "our workers' blob: bootstrap (loaded from their URL, they get no meta CSP)",
		edits: [
			{
				file: 'src/lib/pinned-worker.ts',
				find: "new Worker(blob, { type: 'module', name })",
				replace: "new Worker(url, { type: 'module', name })"
			}
		],
		tests: ['test/e2e/worker-network.test.ts'],
		project: 'e2e'
	},
	{
		case: 6,
		title: 'Expression XSS, no unsafe-eval',
		defence: 'vega-interpreter for expressions: `ast: true` and `expr` (Vega generates code)',
		edits: [
			{
				file: 'src/charts/vega-runtime.ts',
				find: 'parse(spec as never, {}, { ast: true })',
				replace: 'parse(spec as never, {})'
			},
			{
				file: 'src/charts/vega-runtime.ts',
				find: 'expr: expressionInterpreter as never',
				replace: ''
			}
		],
		tests: ['test/e2e/chart-expressions.test.ts'],
		project: 'e2e'
	},
	{
		case: 11,
		title: 'Shared link never auto-runs',
		defence: 'running cells on open and on re-attach only for own notebooks, never a link',
		edits: [
			{
				file: 'src/notebook/loading.ts',
				find: "if (missing.length === 0 && this.origin === 'own') await this.runAll();",
				replace: 'if (missing.length === 0) await this.runAll();'
			},
			{
				file: 'src/notebook/loading.ts',
				find: "\t\tif (this.origin === 'own') await this.runAll();\n",
				replace: '\t\tawait this.runAll();\n'
			}
		],
		tests: ['test/e2e/hostile.test.ts', 'test/e2e/notebook.test.ts'],
		project: 'e2e'
	},
	{
		case: 19,
		title: '5,000 columns',
		defence: 'the profile of the first 200 columns only (every column profiled and drawn)',
		edits: [
			{
				file: 'workers/profile.ts',
				find: 'export const PROFILE_COLUMNS = 200;',
				replace: 'export const PROFILE_COLUMNS = 1_000_000;'
			}
		],
		tests: ['test/e2e/wide.test.ts'],
		project: 'e2e'
	},
	{
		case: 25,
		title: 'Worker OOM / trap recovery',
		defence: 'the data session replay after a restart (files re-registered)',
		edits: [
			{
				file: 'src/notebook/loading.ts',
				find: 'const lost = await this.data.replay(replay);',
				replace: 'const lost: { source: string }[] = [];'
			}
		],
		tests: ['test/e2e/recovery.test.ts'],
		// The file's other tests wait out their timeouts too once the files are gone.
		filter: 'crashed engine restarts',
		project: 'e2e'
	},
	{
		case: 28,
		title: 'Multi-tab',
		defence: 'the Web Locks writer lock (every tab thinks it holds it)',
		edits: [
			{
				file: 'src/notebook/lock.ts',
				find: '\t\tthis.#release = release;\n\t\treturn held;',
				replace: '\t\tthis.#release = release;\n\t\treturn true;'
			}
		],
		tests: ['test/e2e/notebook.test.ts'],
		project: 'e2e'
	},
	{
		case: 29,
		title: 'Eviction / cleared site data',
		defence: 'navigator.storage.persist() after the first save',
		edits: [
			{
				file: 'src/notebook/Notebook.svelte.ts',
				find: 'onFirstSave: () => void this.ports.storage.persist()',
				replace: 'onFirstSave: () => {}'
			}
		],
		tests: ['test/e2e/hostile-storage.test.ts'],
		project: 'e2e'
	},
	{
		case: 27,
		title: 'Storage quota exhaustion (banner)',
		defence: 'autosave reporting a refused save',
		edits: [{ file: 'src/notebook/autosave.ts', find: 'this.#o.onError(true);', replace: '' }],
		tests: ['test/e2e/hostile-storage.test.ts'],
		project: 'e2e'
	},
	{
		case: 14,
		title: 'Extension autoload is off',
		// Two layers keep an extension from being fetched: autoload off, and external access off
		// (with autoload on alone, the fetch is refused as external access). Both go.
		defence:
			'extension autoinstall and autoload off, and external access off (lockdown and self-check)',
		edits: [
			{
				file: LOCKDOWN,
				find: '`SET autoinstall_known_extensions = false`,\n\t`SET autoload_known_extensions = false`,',
				replace:
					'`SET autoinstall_known_extensions = true`,\n\t`SET autoload_known_extensions = true`,'
			},
			{ file: LOCKDOWN, find: '\t`SET enable_external_access = false`,\n', replace: '' },
			{
				file: LOCKDOWN,
				find: SELF_CHECK,
				replace: "if (locked !== 'true') {"
			}
		],
		tests: ['test/e2e/formats.test.ts'],
		project: 'e2e'
	},
	{
		case: 15,
		title: 'Zero network during a full session',
		defence: 'self-hosted DuckDB files (the jsDelivr CDN bundles instead)',
		edits: [
			{
				file: 'workers/duckdb-browser.ts',
				find: 'eh: { mainModule: absolute(ehWasm), mainWorker: absolute(ehWorker) }',
				replace:
					"eh: {\n\t\t\tmainModule: 'https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/dist/duckdb-eh.wasm',\n\t\t\tmainWorker: 'https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/dist/duckdb-browser-eh.worker.js'\n\t\t}"
			}
		],
		tests: ['test/e2e/skeleton.test.ts'],
		project: 'e2e'
	},
	{
		case: 10,
		title: 'Autosave crash safety (hard kill)',
		defence: "autosave's max-wait (only the debounce left)",
		edits: [
			{
				file: 'src/notebook/autosave.ts',
				find: 'const wait = Math.min(this.#o.delayMs, this.#dirtySince + this.#o.maxWaitMs - now);',
				replace: 'const wait = this.#o.delayMs;'
			}
		],
		tests: ['test/e2e/hardkill.test.ts'],
		project: 'e2e'
	},
	{
		case: 1,
		title: 'SQL exfil via getvariable URL (browser)',
		defence: 'SET enable_external_access = false, and its line in the self-check',
		edits: NO_EXTERNAL_ACCESS,
		tests: ['test/e2e/hostile.test.ts'],
		project: 'e2e'
	},
	{
		case: 20,
		title: 'ZIP/Excel named .csv (browser)',
		defence: 'the ZIP magic-number check (a ZIP is then read as text)',
		edits: NO_ZIP_CHECK,
		tests: ['test/e2e/formats.test.ts'],
		project: 'e2e'
	}
];
