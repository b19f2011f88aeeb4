/**
 * Sharing and exports: the share link, the notebook file, and the downloads of segments and
 * SQL results. Every export waits for the run in flight (saying so) and refuses a stale or
 * failed result with what to do; none ever writes placeholder persona names.
 */
import type { ExportFile, ExportPrivacy } from '../engine/api';
import { asEngineError } from '../engine/errors';
import { segmentRefOf } from './kinds/outputs';
import type { CellId, Notebook, PersonasCell, SegmentsCell } from './model';
import type { NotebookPorts } from './ports';
import type { Runner } from './runner';
import { encodeNotebookFile, encodeShareLink } from './share-link';
import { asMade, encodeLessonLink } from './lesson-link';
import {
	buildModel,
	exportScored,
	modelContextOf,
	modelDownload,
	pipelineDownload,
	scoreTable,
	type ModelContext,
	type PipelineDialect
} from './model-exports';
import type { ScoreReport, SegmentModel } from '../engine/api';

export interface SharingOptions {
	ports: NotebookPorts;
	runner: Runner;
	doc(): Notebook;
	privacy(): ExportPrivacy;
	personaNames(): Map<number, { name: string; description: string }>;
	alert(message: string): void;
	/** What the status line says after an export. */
	say(message: string): void;
	refreshTables(): Promise<void>;
}

function slugTitle(title: string): string {
	return (
		title
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '') || 'notebook'
	);
}

export class Sharing {
	#o: SharingOptions;

	constructor(options: SharingOptions) {
		this.#o = options;
	}

	/**
	 * The share link for this notebook: cells and parameters, never data. A Customer cell's key
	 * is a real customer's id, so it stays out of the link.
	 */
	shareLink(options: { present?: boolean } = {}): string {
		const doc: Notebook = {
			...this.#o.doc(),
			cells: this.#o.doc().cells.map((c) => (c.kind === 'customer' ? { ...c, key: '' } : c))
		};
		// `?present`: a student link, opened read-only in presentation mode until made one's own.
		const query = options.present ? '?present' : '';
		// A lesson's student link names the lesson and the teacher's changes (lesson-link.ts).
		const detected = (id: CellId) => this.#o.runner.run(id).suggestion?.recipe;
		const lesson = options.present ? encodeLessonLink(asMade(this.#o.doc(), detected)) : null;
		const { location } = this.#o.ports;
		return `${location.origin()}${location.pathname()}${query}${lesson ?? encodeShareLink(doc)}`;
	}

	/** True for the fragment this tab wrote itself with Copy share link (also after a reload). */
	isOwnLink(hash: string): boolean {
		return hash.length > 0 && this.#o.ports.location.ownLink().endsWith(hash);
	}

	/** Put the link in the address bar and on the clipboard: the status sentence, or null. */
	async copyShareLink(
		options: { present?: boolean } = {}
	): Promise<{ link: string; said: string } | null> {
		await this.#waitForRuns('the link');
		let link: string;
		try {
			link = this.shareLink(options);
		} catch (e) {
			this.#o.alert(
				`This notebook is too large for a link (${e instanceof Error ? e.message : String(e)}). Use Notebook → Export notebook and send the file.`
			);
			return null;
		}
		const { location } = this.#o.ports;
		location.setOwnLink(link);
		location.replace(link);
		try {
			await location.copy(link);
			return {
				link,
				said: `Share link copied (${link.length.toLocaleString('en')} characters). It holds the notebook, never your data.`
			};
		} catch {
			return { link, said: 'The share link is in the address bar: copy it from there.' };
		}
	}

	exportNotebookFile(): void {
		try {
			const text = encodeNotebookFile(this.#o.doc());
			this.#o.ports.location.download(
				new Blob([text], { type: 'application/json' }),
				`${slugTitle(this.#o.doc().title)}.segbook.json`
			);
		} catch (e) {
			this.#o.alert(
				`Could not export the notebook: ${e instanceof Error ? e.message : String(e)}. Shorten the cell it names, then export again.`
			);
		}
	}

	/** While a run goes on, say that the export waits for it, then wait. */
	async #waitForRuns(what: string): Promise<void> {
		if (!this.#o.runner.busy) return;
		this.#o.runner.say(`Waiting for the run to finish before ${what}…`);
		await this.#o.runner.idle();
	}

	/**
	 * Download the segments of a Segments cell (the first one by default): the result of the
	 * run in flight once it ends, never an older one; refused while stale or failed.
	 */
	async exportSegments(format: 'csv' | 'parquet', id?: CellId): Promise<string | null> {
		await this.#waitForRuns('exporting the segments');
		const { runner } = this.#o;
		const cells = this.#o.doc().cells;
		const segments = cells.find(
			(c): c is SegmentsCell => c.kind === 'segments' && (id === undefined || c.id === id)
		);
		const ref = segments ? segmentRefOf(cells, segments.id) : null;
		if (!segments || !ref)
			return this.#refuse('There are no segments yet: add a Segments cell and run it.');
		const state = runner.run(segments.id).status;
		if (state !== 'done') {
			return this.#refuse(
				state === 'error'
					? 'The segments could not be computed: fix the error shown in the Segments cell, then export.'
					: 'The segments are out of date with the notebook: press Run all (or Run cell in the Segments cell), then export.'
			);
		}
		// Persona names from the Personas cell built on these segments; without one, the engine names them.
		const personas = cells.find(
			(c): c is PersonasCell =>
				c.kind === 'personas' && segmentRefOf(cells, c.id)?.segments === ref.segments
		);
		let names: Map<number, string>;
		if (personas) {
			const status = runner.run(personas.id).status;
			if (status !== 'done') {
				return this.#refuse(
					'The personas are out of date with the segments: press Run all (or Run cell in the Personas cell), then export.'
				);
			}
			names = new Map([...this.#o.personaNames()].map(([segment, p]) => [segment, p.name]));
		} else {
			const report = await this.#o.ports.engine.personas(ref);
			names = new Map(report.personas.map((p) => [p.segment, p.name]));
		}
		return this.#download(
			() => this.#o.ports.engine.exportSegments(ref, format, names, this.#o.privacy()),
			'customers'
		);
	}

	/** Download a SQL cell's whole result (the grid shows at most 100,000 rows). */
	async exportResult(
		sqlText: string,
		name: string,
		format: 'csv' | 'parquet'
	): Promise<string | null> {
		await this.#waitForRuns('exporting');
		return this.#download(async () => {
			const file = await this.#o.ports.engine.exportQuery(sqlText, format, this.#o.privacy());
			return { ...file, name: file.name.replace('result', name) };
		}, 'rows');
	}

	async #download(make: () => Promise<ExportFile>, unit: string): Promise<string | null> {
		try {
			const file = await make();
			this.#o.ports.location.download(
				new Blob([file.bytes as BlobPart], { type: file.mime }),
				file.name
			);
			return [
				`Exported ${file.rows.toLocaleString('en')} ${unit} to ${file.name}.`,
				...(file.notes ?? [])
			].join(' ');
		} catch (e) {
			this.#o.alert(`Could not export: ${asEngineError(e).message}`);
			return null;
		}
	}

	#refuse(message: string): null {
		this.#o.alert(message);
		return null;
	}

	// ------------------------------------------------------------ past the tab (model-exports.ts)

	/** What a Segments cell's model is made of: its recipe, tables, centroids and names. */
	#modelContext(id: CellId): ModelContext | null {
		const ref = segmentRefOf(this.#o.doc().cells, id);
		if (!ref) return null;
		return modelContextOf(
			this.#o.doc(),
			id,
			this.#o.runner.run(id).segments,
			this.#o.personaNames(),
			{ features: ref.features, segments: ref.segments },
			(cell) => this.#o.runner.run(cell).report
		);
	}

	async exportModel(id: CellId): Promise<void> {
		await this.#waitForRuns('exporting the model');
		const ctx = this.#modelContext(id);
		if (!ctx) return void this.#refuse('Run the Segments cell first: the model is its segments.');
		try {
			const file = modelDownload(await buildModel(this.#o.ports.engine, ctx));
			this.#o.ports.location.download(new Blob([file.text], { type: file.mime }), file.name);
			this.#o.say(`Exported the model to ${file.name}: open it in Score new customers.`);
		} catch (e) {
			this.#o.alert(`Could not export the model: ${asEngineError(e).message}`);
		}
	}

	async exportPipeline(id: CellId, dialect: PipelineDialect): Promise<void> {
		await this.#waitForRuns('exporting the pipeline');
		const ctx = this.#modelContext(id);
		if (!ctx) {
			return void this.#refuse('Run the Segments cell first: the pipeline applies its segments.');
		}
		try {
			const model = await buildModel(this.#o.ports.engine, ctx);
			const file = pipelineDownload(dialect, model, ctx);
			this.#o.ports.location.download(new Blob([file.text], { type: file.mime }), file.name);
			this.#o.say(`Exported ${file.name}: its first lines say how to run it.`);
		} catch (e) {
			this.#o.alert(`Could not export the pipeline: ${asEngineError(e).message}`);
		}
	}

	/** Score another loaded table with the cell's model, or with an opened model file. */
	async scoreCustomers(
		id: CellId,
		source: string,
		model: SegmentModel | null
	): Promise<ScoreReport> {
		await this.#waitForRuns('scoring');
		const report = await scoreTable(this.#o.ports.engine, source, model, this.#modelContext(id));
		await this.#o.refreshTables();
		return report;
	}

	async exportScored(report: ScoreReport): Promise<void> {
		const said = await this.#download(
			async () => exportScored(this.#o.ports.engine, report, this.#o.privacy()),
			'customers'
		);
		if (said) this.#o.say(said);
	}
}
