/* Segbook's service worker: after one visit the app works with the network off.
 * Precaches the built app (the list is written in at build time), serves it cache-first
 * (file names carry content hashes), and answers page loads from the network when it can,
 * else from the cache. Only same-origin GET requests are touched; nothing else is fetched. */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const CACHE = 'segbook-__BUILD__';
/** @type {string[]} */
const PRECACHE = /* precache */ [];

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
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
			.then(() => sw.clients.claim())
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
	if (request.mode === 'navigate') {
		event.respondWith(
			fetch(request)
				.then((response) => {
					const copy = response.clone();
					caches.open(CACHE).then((cache) => cache.put('./', copy));
					return response;
				})
				.catch(
					async () =>
						(await caches.match('./', { ignoreSearch: true })) ??
						new Response('Segbook is offline and not cached yet.', { status: 503 })
				)
		);
		return;
	}
	event.respondWith(
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
