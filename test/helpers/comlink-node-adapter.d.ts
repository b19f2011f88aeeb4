// comlink ships the node adapter's types next to it as node-adapter.d.ts; the .mjs import
// (which node resolves without a bundler) needs this alias.
declare module 'comlink/dist/esm/node-adapter.mjs' {
	import nodeEndpoint from 'comlink/dist/esm/node-adapter';
	export default nodeEndpoint;
}
