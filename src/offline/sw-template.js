/* Segbook's service worker: after one visit the app works with the network off.
 * Precaches the built app (the list is written in at build time), serves it cache-first
 * (file names carry content hashes), and answers page loads from the network when it can,
 * else from the cache. Only same-origin GET requests are touched; nothing else is fetched.
 *
 * A new deploy never breaks an open tab: each build has its own cache, and a tab keeps using
 * the build it was loaded with (its engine scripts and wasm are still in that build's cache
 * after the server has dropped them). A build's cache is deleted only when no open tab was
 * loaded from it. Which tab came from which build is kept in a small cache of its own
 * (CLIENTS), because a newer service worker must know what an older one served. */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const CACHE = 'segbook-__BUILD__';
const CLIENTS = 'segbook-clients';
/** @type {string[]} */
const PRECACHE = /* precache */ [];

/** Remember that the tab `clientId` was loaded from this build. */
async function recordClient(/** @type {string} */ clientId) {
	const book = await caches.open(CLIENTS);
	await book.put(new Request(`./__client/${clientId}`), new Response(CACHE));
}

/** Delete every build's cache that is not this one and that no open tab was loaded from. */
async function prune() {
	const book = await caches.open(CLIENTS);
	const open = new Set(
		(await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })).map((c) => c.id)
	);
	const inUse = new Set([CACHE]);
	for (const request of await book.keys()) {
		const id = new URL(request.url).pathname.split('/__client/')[1] ?? '';
		if (open.has(id)) {
			const response = await book.match(request);
			if (response) inUse.add(await response.text());
		} else {
			await book.delete(request);
		}
	}
	const keys = await caches.keys();
	await Promise.all(
		keys
			.filter((k) => k.startsWith('segbook-') && k !== CLIENTS && !inUse.has(k))
			.map((k) => caches.delete(k))
	);
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.addAll(PRECACHE))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		sw.clients
			.matchAll({ type: 'window', includeUncontrolled: true })
			.then(async (tabs) => {
				// Tabs open before any service worker of ours (the first visit) count as this build's.
				const book = await caches.open(CLIENTS);
				for (const tab of tabs) {
					if (!(await book.match(new Request(`./__client/${tab.id}`)))) await recordClient(tab.id);
				}
			})
			.then(prune)
			.then(() => sw.clients.claim())
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
	if (request.mode === 'navigate') {
		if (event.resultingClientId) {
			event.waitUntil(recordClient(event.resultingClientId).then(prune));
		}
		event.respondWith(
			fetch(request)
				.then((response) => {
					const copy = response.clone();
					caches.open(CACHE).then((cache) => cache.put('./', copy));
					return response;
				})
				.catch(
					async () =>
						// This build's page first: every kept build has one.
						(await (await caches.open(CACHE)).match('./', { ignoreSearch: true })) ??
						(await caches.match('./', { ignoreSearch: true })) ??
						new Response('Segbook is offline and not cached yet.', { status: 503 })
				)
		);
		return;
	}
	event.respondWith(
		// Any build's cache: an open tab of an older build still finds its own files.
		caches.match(request, { ignoreSearch: true }).then(
			(hit) =>
				hit ??
				fetch(request).then((response) => {
					if (response.ok) {
						const copy = response.clone();
						caches.open(CACHE).then((cache) => cache.put(request, copy));
					}
					return response;
				})
		)
	);
});
