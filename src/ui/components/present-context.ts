/**
 * Whether a cell is drawn on a slide (Presenter.svelte sets it for what it renders), so a cell
 * can lay itself out for the slide: a taller chart, for one.
 */
import { getContext, setContext } from 'svelte';

const KEY = Symbol('presenting');

export function setPresenting(): void {
	setContext(KEY, true);
}

export function isPresenting(): boolean {
	return getContext<boolean | undefined>(KEY) === true;
}
