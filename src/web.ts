/**
 * Browser entry: `import { GLiNER } from "gliner-ts/web"`. The same core as the Node entry, on onnxruntime-web.
 * To keep the page responsive, run it in a Web Worker with `createGlinerWorker` from `gliner-ts/web/client`.
 */
import { GLiNER as GLiNERBase, type GlinerLoadOptions } from "./gliner.js";
import { type LoadedGliner2, loadGliner2 } from "./gliner2/load.js";
import { GLiNER2 as GLiNER2Base, type Gliner2ModelLoadOptions } from "./gliner2/model.js";
import { type ReadyModel, withLogitsLayout } from "./inference/run.js";
import { loadModel } from "./model/load.js";
import { resolveBackend, type WebBackend, type WebRuntimeOptions, webRuntime, withModelBytes } from "./runtime/web.js";
import type { ModelBytes } from "./web/sources.js";
import type { Runtime } from "./runtime/runtime.js";

export * from "./index.js";
export { resolveBackend, webRuntime, withModelBytes } from "./runtime/web.js";
export type { WebBackend, WebDevice, WebRuntime, WebRuntimeOptions } from "./runtime/web.js";
export type { ModelBytes } from "./web/sources.js";

export interface WebLoadOptions extends GlinerLoadOptions, WebRuntimeOptions {}

export class GLiNER extends GLiNERBase {
  /** Where the model runs: "wasm" or "webgpu". */
  readonly backend: WebBackend;

  protected constructor(model: ReadyModel, backend: WebBackend) {
    super(model);
    this.backend = backend;
  }

  /**
   * Loads a model from a URL folder (absolute, or starting with `/`, `./`, `../`; it holds `gliner_config.json`,
   * the tokenizer files and `onnx/model.onnx`), a Hugging Face hub repo id (fetched once, then kept in the
   * Cache API), or files already in memory.
   * @example
   * const model = await GLiNER.fromPretrained("onnx-community/gliner-multitask-large-v0.5", { dtype: "q8" });
   * const local = await GLiNER.fromPretrained("/models/my-gliner/");
   */
  static async fromPretrained(source: string | ModelBytes, options: WebLoadOptions = {}): Promise<GLiNER> {
    const { backend, model } = await openInBrowser(source, options, async (runtime, at) => withLogitsLayout(await loadModel(runtime, at, options)));
    return new GLiNER(model, backend);
  }
}

export interface WebGliner2LoadOptions extends Gliner2ModelLoadOptions, WebRuntimeOptions {}

export class GLiNER2 extends GLiNER2Base {
  /** Where the model runs: "wasm" or "webgpu". */
  readonly backend: WebBackend;

  protected constructor(model: LoadedGliner2, backend: WebBackend) {
    super(model);
    this.backend = backend;
  }

  /**
   * Loads a GLiNER2 model (config.json, encoder_config/, tokenizer files, onnx/model.onnx) from a URL folder, a
   * hub repo id (kept in the Cache API) or files in memory. The browser cannot convert checkpoints: convert
   * them once with `gliner-ts convert` (Node) and serve the folder.
   */
  static async fromPretrained(source: string | ModelBytes, options: WebGliner2LoadOptions = {}): Promise<GLiNER2> {
    const { backend, model } = await openInBrowser(source, options, (runtime, at) => loadGliner2(runtime, at, options));
    return new GLiNER2(model, backend);
  }
}

/** The backend (WebGPU or WASM) and the runtime for a URL/hub source or files in memory, then `load` on them. */
async function openInBrowser<T>(
  source: string | ModelBytes,
  options: WebRuntimeOptions & { runtime?: Runtime },
  load: (runtime: Runtime, source: string) => Promise<T>,
): Promise<{ backend: WebBackend; model: T }> {
  const backend = await resolveBackend(options.device);
  const runtime = webRuntime({ ...options, device: backend });
  const model = typeof source === "string" ? await load(options.runtime ?? runtime, source) : await load(withModelBytes(runtime, source), "in-memory files");
  return { backend, model };
}
