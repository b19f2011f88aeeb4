/**
 * Boot: mount the app, open the notebook from a share link or this browser's storage, and
 * `?sample=retail` (used by `npm start`) opens the guided lesson on the generated sample when no
 * notebook is open.
 */
import DOMPurify from 'dompurify';
import { mount } from 'svelte';
import App from './App.svelte';
import { installTrustedTypes } from './security/trusted-types';
import { NotebookState } from './notebook/Notebook.svelte';
import './ui/app.css';

// Before anything touches an HTML or script sink (the CSP requires Trusted Types).
installTrustedTypes((html) => DOMPurify.sanitize(html, { ADD_ATTR: ['target', 'rel'] }));

const nb = new NotebookState();
const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');
mount(App, { target, props: { nb } });

// Nothing typed may be lost: save when the tab is hidden or closed, not only on a timer.
addEventListener('pagehide', () => void nb.flush());
document.addEventListener('visibilitychange', () => {
	if (document.visibilityState === 'hidden') void nb.flush();
});

// A link pasted into the address bar of an open tab changes only the fragment.
addEventListener('hashchange', () => {
	const link = location.hash.startsWith('#nb=') || location.hash.startsWith('#lesson=');
	if (link && !nb.isOwnLink(location.hash)) void nb.open(location.hash);
});

// End-to-end tests of crash recovery need a way to kill the engine as an out-of-memory would.
// Only with ?testHooks in the address; nothing else is ever attached to window.
if (new URLSearchParams(location.search).has('testHooks')) {
	Object.defineProperty(window, '__segbookCrashEngine', { value: () => nb.engine.crashForTest() });
}

// Offline after one visit (built site only; the dev server serves changing modules).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
	navigator.serviceWorker.register('./sw.js').catch(() => {
		// Private windows and some hosts refuse service workers: the app still works online.
	});
}

void (async () => {
	await nb.open(location.hash);
	const params = new URLSearchParams(location.search);
	if (params.get('sample') === 'retail' && nb.doc.cells.length === 0) {
		const customers = Number(params.get('customers') ?? 6000);
		await nb.loadLesson({ customers: Number.isInteger(customers) ? customers : 6000, seed: 7 });
	}
})();
