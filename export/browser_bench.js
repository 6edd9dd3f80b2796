// The timing loop of `python -m export bench --browser` (export/browser_bench.py writes the page
// around it into a temporary folder; it is never part of the built site). It measures
// onnxruntime-web itself, so the loop is plain JS: no Python and no Playwright round trip inside a
// timed reply. Python asks for one whole reply per call and reads back its time and its tokens.
import * as ort from "./vendor/ort/ort.wasm.min.mjs";

const params = new URLSearchParams(location.search);
// Our vendored copies of the runtime, never a CDN.
ort.env.wasm.wasmPaths = new URL("./vendor/ort/", import.meta.url).href;
// Read once, when the first session starts the runtime: one page per thread count.
ort.env.wasm.numThreads = Number(params.get("threads") || "1");
ort.env.wasm.proxy = params.get("proxy") === "1";

// The page's own options (pet/ort_model.py), so the numbers are the page's.
const OPTIONS = { executionProviders: ["wasm"], graphOptimizationLevel: "all" };
const sessions = new Map();

function argmax(data) {
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i] > data[best]) best = i;
  return best;
}

function idsTensor(ids) {
  return new ort.Tensor("int32", Int32Array.from(ids), [1, ids.length]);
}

// Our way: a prefill over the prompt, then one token a step; the caches go back in as they came out.
async function kvReply(session, [layers, heads, headDim], prompt, count) {
  const empty = () => new ort.Tensor("float32", new Float32Array(0), [layers, 1, heads, 0, headDim]);
  let keys = empty();
  let values = empty();
  let ids = prompt;
  const out = [];
  while (out.length < count) {
    const results = await session.run({ input_ids: idsTensor(ids), past_keys: keys, past_values: values });
    out.push(argmax(results.logits.data));
    keys = results.present_keys;
    values = results.present_values;
    ids = [out[out.length - 1]];
  }
  return out;
}

// The reference project's way: the whole growing sequence through a cache-less graph, every token.
async function naiveReply(session, _cache, prompt, count) {
  const sequence = [...prompt];
  while (sequence.length < prompt.length + count) {
    const results = await session.run({ input_ids: idsTensor(sequence) });
    sequence.push(argmax(results.logits.data));
  }
  return sequence.slice(prompt.length);
}

// Our graph used without its cache: an empty past and the whole sequence every token. Against kvReply
// this isolates what the cache itself saves, the graph being the same.
async function fullReply(session, [layers, heads, headDim], prompt, count) {
  const empty = new ort.Tensor("float32", new Float32Array(0), [layers, 1, heads, 0, headDim]);
  const sequence = [...prompt];
  while (sequence.length < prompt.length + count) {
    const results = await session.run({ input_ids: idsTensor(sequence), past_keys: empty, past_values: empty });
    sequence.push(argmax(results.logits.data));
  }
  return sequence.slice(prompt.length);
}

// The page's own loop, for its cost per step: Python on Pyodide drives ort-web through
// pet/ort_model.py (the caches stay JS tensors, the logits cross into Python) and picks the token
// with engine_py's argmax. Started on request only: Pyodide takes seconds to boot.
let python = null;

async function pythonReply(session, cache, prompt, count) {
  return python.reply(ort, session, cache, prompt, count);  // to_js made it a JS array
}

const REPLIES = { kv: kvReply, naive: naiveReply, full: fullReply, python: pythonReply };

globalThis.bench = {
  threads: ort.env.wasm.numThreads,
  isolated: globalThis.crossOriginIsolated,
  async load(name) {
    const bytes = new Uint8Array(await (await fetch(name)).arrayBuffer());
    sessions.set(name, await ort.InferenceSession.create(bytes, OPTIONS));
  },
  async release(name) {
    await sessions.get(name).release();
    sessions.delete(name);
  },
  // sources: {path: text} of the Python modules the loop imports; driver: Python defining reply().
  async startPython(sources, driver) {
    const { loadPyodide } = await import("./vendor/pyodide/pyodide.mjs");
    const pyodide = await loadPyodide({ indexURL: new URL("./vendor/pyodide/", import.meta.url).href });
    for (const [path, text] of Object.entries(sources)) {
      pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      pyodide.FS.writeFile(path, text);
    }
    await pyodide.runPythonAsync(driver);
    python = { reply: pyodide.globals.get("reply") };
  },
  // One timed reply: { ms, tokens }.
  async reply(name, kind, cache, prompt, count) {
    const started = performance.now();
    const tokens = await REPLIES[kind](sessions.get(name), cache, prompt, count);
    return { ms: performance.now() - started, tokens };
  },
};
globalThis.benchReady = true;
