/** Boot: mount the app; `?sample=retail` (used by `npm start`) loads the generated sample. */
import { mount } from 'svelte';
import App from './App.svelte';
import { NotebookState } from './notebook/Notebook.svelte';
import './ui/app.css';

const nb = new NotebookState();
const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');
mount(App, { target, props: { nb } });

const params = new URLSearchParams(location.search);
if (params.get('sample') === 'retail') {
	const customers = Number(params.get('customers') ?? 6000);
	void nb.loadSample({ customers: Number.isInteger(customers) ? customers : 6000, seed: 7 });
}
