// Lint: typescript-eslint + eslint-plugin-svelte, and the architecture's boundaries
// (DESIGN.md "Rooms"): pure rooms import no UI, DOM or DuckDB; the worker imports no UI.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

const noUi = {
	group: ['**/ui/**', '*.svelte', '**/*.svelte', '**/notebook/**', 'svelte', 'svelte/*'],
	message: 'This room is pure: no UI, Svelte or notebook imports.'
};
const noDuckdb = {
	group: ['@duckdb/*', '**/workers/**'],
	message: 'Only workers/ talks to DuckDB.'
};

export default ts.config(
	{ ignores: ['dist/', 'node_modules/', '.cache/', 'bench-data/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/consistent-type-imports': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			],
			'no-restricted-syntax': [
				'error',
				{
					selector: "MemberExpression[property.name='innerHTML']",
					message: 'Render text, never HTML.'
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
		rules: {
			'svelte/no-at-html-tags': 'error',
			// Maps and Sets built and dropped inside one function are not state.
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		files: [
			'src/cluster/**',
			'src/sql/**',
			'src/segment/**',
			'src/sample/**',
			'src/charts/specs.ts'
		],
		rules: { 'no-restricted-imports': ['error', { patterns: [noUi, noDuckdb] }] }
	},
	{
		// The notebook's rooms reach the browser only through their ports (src/notebook/ports.ts),
		// so each runs in node tests with fakes.
		files: ['src/notebook/**'],
		ignores: ['src/notebook/ports.ts'],
		rules: {
			'no-restricted-globals': [
				'error',
				...[
					'window',
					'document',
					'location',
					'history',
					'navigator',
					'sessionStorage',
					'localStorage'
				].map((name) => ({ name, message: 'Reach the browser through src/notebook/ports.ts.' }))
			]
		}
	},
	{
		files: ['workers/**'],
		rules: { 'no-restricted-imports': ['error', { patterns: [noUi] }] }
	},
	{
		files: ['src/ui/**', 'src/App.svelte'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						noDuckdb,
						{
							group: ['comlink'],
							message: 'The UI reaches the engine through src/engine/client.ts.'
						}
					]
				}
			]
		}
	}
);
