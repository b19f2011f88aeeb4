/**
 * Slides for Present mode (Presenter.svelte): which cells are slides, and how a cell too tall
 * for one slide is cut into parts.
 *
 * Cutting works on the cell as laid out, whatever its kind: the blocks under the cell's header
 * are its pieces; a piece taller than a slide that holds several blocks of its own (a grid of
 * persona cards, a list) is cut into those. Pieces are packed in order into pages no taller than
 * the slide, breaking only between rows (cards side by side stay together), and a page shows its
 * pieces by hiding the others (`data-slide-off`, display: none). The cell's header is on every
 * part.
 */

export interface Slide {
	/** The cell shown. */
	cell: number;
	/** Notes cells read as this slide's speaker notes. */
	notes: number[];
}

/**
 * Every cell is a slide; with speaker notes on, a run of Notes cells just before another cell
 * becomes that cell's notes instead (a run at the very end stays as slides).
 */
export function buildSlides(
	count: number,
	isNotes: (i: number) => boolean,
	speaker: boolean
): Slide[] {
	const out: Slide[] = [];
	let pending: number[] = [];
	for (let i = 0; i < count; i++) {
		if (speaker && isNotes(i)) {
			pending.push(i);
			continue;
		}
		out.push({ cell: i, notes: pending });
		pending = [];
	}
	for (const i of pending) out.push({ cell: i, notes: [] });
	return out;
}

export interface PagePlan {
	/** Each page's pieces. */
	pages: HTMLElement[][];
	/** Every piece, and every block that was cut into pieces. */
	pieces: HTMLElement[];
	containers: { el: HTMLElement; pieces: HTMLElement[] }[];
}

const OFF = 'data-slide-off';
/** Never cut inside these: a chart, a picture, a table or a paragraph reads as one. */
const WHOLE = 'figure, svg, canvas, table, p, pre, textarea, details, .cm-editor, .vega-chart';
/** A cell up to this much taller than the slide is scaled down rather than cut. */
const SHRINK_RATHER_THAN_CUT = 1.2;

export function clearPages(root: HTMLElement): void {
	for (const el of root.querySelectorAll(`[${OFF}]`)) el.removeAttribute(OFF);
}

function visible(el: HTMLElement): boolean {
	return el.getClientRects().length > 0;
}

/** Cut `section` (a cell) into pages of at most `height` CSS pixels (unscaled). */
export function paginate(section: HTMLElement, height: number): PagePlan {
	clearPages(section);
	const header = section.querySelector(':scope > header');
	const blocks = [...section.children].filter(
		(c): c is HTMLElement => c instanceof HTMLElement && c !== header && visible(c)
	);
	const sectionBox = section.getBoundingClientRect();
	const headerBottom =
		header instanceof HTMLElement && visible(header)
			? header.getBoundingClientRect().bottom
			: sectionBox.top;
	// The transform scales every rectangle alike: measure in the cell's own pixels.
	const unit = section.offsetHeight > 0 ? sectionBox.height / section.offsetHeight : 1;
	const chrome = (headerBottom - sectionBox.top) / unit + 24;
	const budget = Math.max(120, height - chrome);
	const containers: PagePlan['containers'] = [];

	const collect = (el: HTMLElement): HTMLElement[] => {
		const h = el.getBoundingClientRect().height / unit;
		const kids = [...el.children].filter(
			(c): c is HTMLElement => c instanceof HTMLElement && visible(c)
		);
		if (h <= budget || kids.length < 2 || el.matches(WHOLE)) return [el];
		const pieces = kids.flatMap(collect);
		containers.push({ el, pieces });
		return pieces;
	};

	const total =
		blocks.length === 0
			? 0
			: (blocks[blocks.length - 1]!.getBoundingClientRect().bottom -
					blocks[0]!.getBoundingClientRect().top) /
				unit;
	if (total <= budget * SHRINK_RATHER_THAN_CUT) {
		return { pages: [blocks], pieces: blocks, containers: [] };
	}
	const pieces = blocks.flatMap(collect);
	const pages: HTMLElement[][] = [];
	let pageTop = 0;
	let rowBottom = -Infinity;
	let currentPage: HTMLElement[] = [];
	for (const piece of pieces) {
		const box = piece.getBoundingClientRect();
		const top = box.top / unit;
		const bottom = box.bottom / unit;
		const newRow = top >= rowBottom - 1;
		if (currentPage.length > 0 && newRow && bottom - pageTop > budget) {
			// A heading (and the line under it) goes with what it introduces.
			const carried: HTMLElement[] = [];
			while (currentPage.length > 1 && leadsIn(currentPage, carried)) {
				carried.unshift(currentPage.pop()!);
			}
			pages.push(currentPage);
			currentPage = carried;
			if (carried[0]) pageTop = carried[0].getBoundingClientRect().top / unit;
		}
		if (currentPage.length === 0) pageTop = top;
		currentPage.push(piece);
		rowBottom = newRow ? bottom : Math.max(rowBottom, bottom);
	}
	if (currentPage.length > 0) pages.push(currentPage);
	return { pages, pieces, containers };
}

const HEADING = 'h1, h2, h3, h4, h5, h6, summary, legend';

/** The last piece on the page introduces the next one: a heading, or a line right under one. */
function leadsIn(page: HTMLElement[], carried: HTMLElement[]): boolean {
	const last = page[page.length - 1]!;
	if (last.matches(HEADING)) return true;
	const before = page[page.length - 2];
	return (
		carried.length === 0 && last.matches('p') && before !== undefined && before.matches(HEADING)
	);
}

/** Show page `n` of a plan: hide every other piece, and blocks left with nothing to show. */
export function showPage(plan: PagePlan, n: number): void {
	const shown = new Set(plan.pages[n] ?? []);
	for (const piece of plan.pieces) piece.toggleAttribute(OFF, !shown.has(piece));
	for (const { el, pieces } of plan.containers) {
		el.toggleAttribute(
			OFF,
			pieces.every((p) => !shown.has(p))
		);
	}
}
