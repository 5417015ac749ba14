// IKZ-Werkstatt service worker: keeps a workspace usable when the hotel WiFi
// drops, so a reload while offline still shows the board and its pending edits
// (which live in localStorage). Pages and assets are fetched network-first and
// served from the cache only when the network fails. The live API is never cached.
const CACHE = "ikz-werkstatt-v1";
const BUNDLE = ["/pkg/ikz_werkstatt.js", "/pkg/ikz_werkstatt.wasm", "/pkg/ikz_werkstatt.css", "/favicon.svg"];

// The release build names the script and wasm by content hash
// (/pkg/ikz_werkstatt.<hash>.js): the names are read from the start page.
async function bundleUrls() {
  const page = await fetch("/").then((r) => r.text()).catch(() => "");
  const hashed = page.match(/\/pkg\/ikz_werkstatt[.\w-]*\.(js|wasm|css)/g) || [];
  return [...new Set([...hashed, ...hashed.map((u) => u.replace(/\.js$/, "_bg.wasm")), ...BUNDLE])];
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([caches.open(CACHE), bundleUrls()])
      // One missing name (hashed or not) must not stop the worker.
      .then(([cache, urls]) => Promise.allSettled(urls.map((url) => cache.add(url))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The app asks for a page to be kept (its workspace URL after a client-side navigation).
self.addEventListener("message", (event) => {
  const path = typeof event.data === "string" ? event.data : "";
  if (path.startsWith("/s/")) event.waitUntil(caches.open(CACHE).then((cache) => cache.add(path)));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) {
    // A workspace asks who its participant is: keep that workspace page too.
    const me = url.pathname.match(/^\/api\/sessions\/([A-Z0-9]+)\/me$/);
    if (me) event.waitUntil(caches.open(CACHE).then((cache) => cache.add(`/s/${me[1]}`)).catch(() => {}));
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error())),
  );
});
