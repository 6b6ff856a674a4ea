/**
 * The Web Worker: holds one model and answers the page's requests (web/protocol.ts) one at a time, in order,
 * so that a predict sent right after a load waits for it. Start it with `createGlinerWorker` (web/client.ts).
 */
import { ModelLoadError } from "../errors.js";
import { GLiNER } from "../web.js";
import type { DownloadProgress } from "../runtime/runtime.js";
import { type ModelInfo, serializeError, type WorkerRequest, type WorkerResponse, type WorkerResults } from "./protocol.js";

/** The part of `DedicatedWorkerGlobalScope` used here (the DOM and WebWorker type libraries do not mix). */
interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: "message", listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

/** Progress is posted at most this often per file (plus the first and last event): a large model arrives in many chunks. */
const PROGRESS_INTERVAL_MS = 50;

const scope = globalThis as unknown as WorkerScope;
let model: GLiNER | undefined;
let queue: Promise<void> = Promise.resolve();

// With WASM threads (cross-origin isolated pages) the bundled ONNX Runtime starts its thread workers from this
// same module, named "em-pthread": those carry ORT's own messages and must not answer as gliner-ts.
const isOrtThread = (globalThis as { name?: string }).name?.startsWith("em-pthread") === true;
if (!isOrtThread) {
  scope.addEventListener("message", (event) => {
    const request = event.data;
    queue = queue.then(() => answer(request));
  });
}

async function answer(request: WorkerRequest): Promise<void> {
  try {
    scope.postMessage({ id: request.id, type: "result", value: await dispatch(request) });
  } catch (error) {
    scope.postMessage({ id: request.id, type: "error", error: serializeError(error) });
  }
}

async function dispatch(request: WorkerRequest): Promise<WorkerResults[keyof WorkerResults]> {
  switch (request.type) {
    case "load":
      return load(request);
    case "predict":
      if (model === undefined) throw notLoaded();
      // Truncation reports travel back in each TextPrediction; the client replays them (onTruncate or a warning).
      return model.inference(request.texts, request.labels, { ...request.options, onTruncate: () => {} });
    case "run":
      if (model === undefined) throw notLoaded();
      // Tasks dispatch by name through the registry, as on every surface; unknown names are InvalidInputErrors.
      return model.run(request.task, request.inputs, request.options);
    case "dispose":
      await release();
      return undefined;
    default:
      throw new TypeError(`Unknown gliner-ts worker request ${JSON.stringify((request as { type?: unknown }).type)}.`);
  }
}

async function load(request: Extract<WorkerRequest, { type: "load" }>): Promise<ModelInfo> {
  // One model per worker: free the old one first, two large models may not fit in memory together.
  await release();
  const loaded = await GLiNER.fromPretrained(request.source, { ...request.options, onProgress: progressReporter(request.id) });
  model = loaded;
  return { source: loaded.source, onnxFile: loaded.onnxFile, config: loaded.config, backend: loaded.backend };
}

async function release(): Promise<void> {
  const current = model;
  model = undefined;
  await current?.dispose();
}

function progressReporter(id: number): (progress: DownloadProgress) => void {
  const lastPosted = new Map<string, number>();
  return (progress) => {
    const now = Date.now();
    const last = lastPosted.get(progress.file);
    const final = progress.total !== undefined && progress.loaded >= progress.total;
    if (last !== undefined && !final && now - last < PROGRESS_INTERVAL_MS) return;
    lastPosted.set(progress.file, now);
    scope.postMessage({ id, type: "progress", progress: { ...progress } });
  };
}

function notLoaded(): ModelLoadError {
  return new ModelLoadError("No model is loaded in this worker: call load() (and wait for it) before predicting.");
}
