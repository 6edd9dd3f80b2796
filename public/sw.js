// Glub's service worker: the page boots and replies with no network after one visit.
//
// `python -m pet build` replaces the BUILD line below with the built site's file list, a cache
// name derived from a hash of its contents, and the shipped models with their SHA-256.
// A model lives in its own cache named by that hash, so a code update never re-downloads it; it is
// not precached but stored from the page's own (progress-reporting) download, so the first visit
// fetches it exactly once.

const BUILD = { cache: "glub-site-dev", precache: ["./", "./index.html"], models: {} };

const SITE_CACHE = BUILD.cache;
const modelCacheName = (sha256) => `glub-model-${sha256}`;
const scopeUrl = (path) => new URL(path, self.registration.scope).href;
const MODELS = new Map(Object.entries(BUILD.models).map(([path, sha256]) => [scopeUrl(path), sha256]));

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SITE_CACHE);
    // "no-cache" revalidates against the server, so a stale HTTP-cache copy never gets pinned.
    await cache.addAll(BUILD.precache.map((path) => new Request(path, { cache: "no-cache" })));
    // A new build takes over at once; every runtime file is already in its cache.
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SITE_CACHE, ...[...MODELS.values()].map(modelCacheName)]);
    for (const name of await caches.keys()) {
      if (name.startsWith("glub-") && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// Stores a model download only if it is the file the build named: a truncated or corrupted transfer
// cached under the model's hash would break the page on every later visit.
const storeIfIntact = async (cache, request, response, sha256) => {
  const body = await response.arrayBuffer();
  if (hex(await crypto.subtle.digest("SHA-256", body)) !== sha256) return;
  await cache.put(request, new Response(body, { status: response.status, headers: response.headers }));
};

const fromModelCache = async (event, sha256) => {
  const cache = await caches.open(modelCacheName(sha256));
  const hit = await cache.match(event.request);
  if (hit) return hit;
  let response;
  try {
    response = await fetch(event.request);
  } catch {
    return offline(event.request);
  }
  // The page reads one branch (streaming, with progress) while the worker checks and stores the
  // other; not awaited here, or the page would see no byte before the whole model was stored.
  if (response.ok) event.waitUntil(storeIfIntact(cache, event.request, response.clone(), sha256));
  return response;
};

// What a request gets when it is neither cached nor reachable: a clear answer instead of the
// browser's generic network error (a page for navigations, a plain 503 for anything else).
const OFFLINE_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Glub is offline</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<body style="font:16px system-ui;background:#0d2235;color:#e8f1f8;padding:2rem">
<h1>The bowl is out of reach</h1><p>You are offline, and this page was not saved for offline use yet.
Open Glub once while online and it will swim offline from then on.</p></body></html>`;
const offline = (request) =>
  request.mode === "navigate"
    ? new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } })
    : new Response(`offline: ${new URL(request.url).pathname} is not cached`, {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });

const fromSiteCache = async (request) => {
  const cache = await caches.open(SITE_CACHE);
  const hit = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch {
    return offline(request);
  }
};

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const modelSha = MODELS.get(url.origin + url.pathname);
  event.respondWith(modelSha ? fromModelCache(event, modelSha) : fromSiteCache(request));
});
