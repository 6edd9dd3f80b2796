// The only hand-written JavaScript the page runs (besides the service worker): what has to exist
// before Python starts. Everything else — drawing, chat, the model loop — lives in pet/page.py.

const vendorOrt = new URL("./vendor/ort/", import.meta.url).href;

// Resolves true once a service worker controls this page, false when none can (no support, failed
// registration, or it took too long). page.py waits for it before downloading the model, so the
// download it shows progress for is the one the worker stores, and the first visit fetches the
// model exactly once.
globalThis.glubWorkerReady = (async () => {
  const sw = navigator.serviceWorker;
  if (!sw) return false;
  let registration;
  try {
    registration = await sw.register("./sw.js", { scope: "./" });
  } catch (error) {
    console.warn("Glub: service worker registration failed, the page will not work offline", error);
    return false;
  }
  if (sw.controller) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(Boolean(sw.controller)), 20000);
    const settle = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
    sw.addEventListener("controllerchange", () => settle(true), { once: true });
    // A worker whose install failed (a precache download broke) never takes control: stop waiting.
    const incoming = registration.installing || registration.waiting;
    incoming?.addEventListener("statechange", () => {
      if (incoming.state === "redundant") settle(Boolean(sw.controller));
    });
  });
})();

// onnxruntime-web's wasm-only ESM build. A dynamic import so that a missing or broken runtime is an
// error page.py can show in the status line, while the fish keeps swimming.
// `?proxy=0` and `?threads=N` override the defaults, for measuring (docs/PERFORMANCE.md).
const params = new URLSearchParams(location.search);
globalThis.glubOrt = import("./vendor/ort/ort.wasm.min.mjs").then((ort) => {
  // Our own copies of the .wasm/.mjs files, never a CDN.
  ort.env.wasm.wasmPaths = vendorOrt;
  // Inference runs in a worker: on the main thread a reply drops the bowl to ~9 fps.
  ort.env.wasm.proxy = params.get("proxy") !== "0";
  // Threads need cross-origin isolation (COOP/COEP from our server); without it ort uses one.
  if (params.has("threads")) ort.env.wasm.numThreads = Number(params.get("threads"));
  else if (!globalThis.crossOriginIsolated) ort.env.wasm.numThreads = 1;
  globalThis.ort = ort;
  return ort;
});

// The progress line while Pyodide boots. Python cannot report its own start-up, so these few lines
// relay PyScript's progress events ("Loading Pyodide", "Loaded files", …) to the status line; page.py
// takes the line over as soon as it runs.
addEventListener("py:progress", ({ detail }) => {
  const status = document.getElementById("status");
  if (status && !globalThis.glubDebug) status.textContent = `Booting Python… ${String(detail).toLowerCase()}`;
});
