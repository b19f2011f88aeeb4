/** `x.wat?url-wasm`: the URL of x.wat assembled to x.wasm at build time (vite.config.ts `wat`). */
declare module '*.wat?url-wasm' {
	const url: string;
	export default url;
}
