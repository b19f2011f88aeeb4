/**
 * Flags for Debian's headless chromium in tests and the benchmark: no sandbox (containers), no
 * GPU, and nothing of its own reaching the network, so the request log holds only the page's.
 */
export const CHROMIUM_FLAGS = Object.freeze([
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage'
]);
