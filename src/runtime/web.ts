/**
 * The browser runtime: onnxruntime-web (WASM by default, WebGPU when asked), model files over `fetch` with the
 * Cache API (web/model-files.ts). The only browser file that imports onnxruntime-web.
 *
 * ORT's `.wasm` binary is loaded from `wasmPaths` when given, else from next to ORT's own module as the bundler
 * emitted it: never from a CDN.
 */
import * as ortWasm from "onnxruntime-web/wasm";
import { InvalidInputError, ModelLoadError } from "../errors.js";
import { isUrlSource, memoryFiles, type ModelBytes, openHubRepo, openUrlFolder } from "../web/model-files.js";
import { ortError, wrapOrtSession } from "./ort-session.js";
import type { ModelFiles, OpenOptions, Runtime, Session, SessionOptions } from "./runtime.js";
import { DEFAULT_LOG_LEVEL, resolveWebSessionOptions, resolveWebThreads, type WebMachineProfile } from "./session-defaults.js";
import { emitWarningOnce } from "../warnings.js";

type Ort = typeof ortWasm;

/** `"wasm"` (default): CPU through WebAssembly. `"webgpu"`: the GPU, an error where WebGPU is missing. `"auto"`: WebGPU when available, else WASM. */
export type WebDevice = "wasm" | "webgpu" | "auto";
/** The backend a model really runs on. */
export type WebBackend = "wasm" | "webgpu";

export interface WebRuntimeOptions {
  device?: WebDevice;
  /**
   * URL prefix (ending in `/`) where ORT's `.wasm` files are served, e.g. `"/ort/"`. Default: next to ORT's
   * module, where bundlers (and the prebuilt `dist-web/`) put them.
   */
  wasmPaths?: string;
  /**
   * @deprecated Pass `session: { intraOpNumThreads }`, the setting's one name in Node and the browser (it wins
   * when both are given). Still honoured, with a one-time warning.
   */
  numThreads?: number;
  /** Cache API cache that keeps hub downloads (default "gliner-ts"); false: download every time. */
  cacheName?: string | false;
  /** Replaces the global `fetch` for model files. */
  fetch?: typeof fetch;
}

export interface WebRuntime extends Runtime {
  readonly backend: WebBackend;
}

export const DEFAULT_CACHE_NAME = "gliner-ts";

/** Resolves `"auto"` and checks that WebGPU exists when it is asked for. */
export async function resolveBackend(device: WebDevice = "wasm"): Promise<WebBackend> {
  if (device !== "wasm" && device !== "webgpu" && device !== "auto") {
    throw new InvalidInputError("device", `Unknown device "${String(device)}"; use "wasm", "webgpu" or "auto".`);
  }
  if (device === "wasm") return "wasm";
  const reason = await webGpuUnavailable();
  if (reason === undefined) return "webgpu";
  if (device === "auto") return "wasm";
  throw new ModelLoadError(`WebGPU was asked for (device: "webgpu") but ${reason}. Use device: "auto" to fall back to WASM, or "wasm".`);
}

/** A runtime on one backend; pass `device: "auto"` through {@link resolveBackend} first. */
export function webRuntime(options: Omit<WebRuntimeOptions, "device"> & { device?: WebBackend } = {}): WebRuntime {
  const backend = options.device ?? "wasm";
  const settings = { cacheName: options.cacheName ?? DEFAULT_CACHE_NAME, fetch: options.fetch ?? globalThis.fetch.bind(globalThis) };
  return {
    name: `web-${backend}`,
    backend,
    async openModel(source: string, open: OpenOptions): Promise<ModelFiles> {
      if (typeof source !== "string") throw new InvalidInputError("source", `The model source must be a URL or a hub repo id string.`);
      return isUrlSource(source) ? openUrlFolder(source, open, settings) : openHubRepo(source, open, settings);
    },
    async createSession(model: string | Uint8Array, session: SessionOptions): Promise<Session> {
      if (options.numThreads !== undefined) {
        emitWarningOnce("gliner-ts: the web option numThreads is deprecated; pass session: { intraOpNumThreads } (its one name in Node and the browser).", "DeprecationWarning");
      }
      const ort = await loadOrt(backend, options, resolveWebThreads(session.intraOpNumThreads ?? options.numThreads, webMachine()));
      const settings = { ...resolveWebSessionOptions(session, backend === "webgpu" ? ["webgpu", "wasm"] : ["wasm"]) };
      ort.env.logLevel = session.logLevel ?? DEFAULT_LOG_LEVEL;
      // A string is a URL here: ORT fetches it itself.
      const created = await (typeof model === "string" ? ort.InferenceSession.create(model, settings) : ort.InferenceSession.create(model, settings)).catch(
        (cause: unknown) => {
          throw ortError(cause);
        },
      );
      return wrapOrtSession(created, (t) => new ort.Tensor(t.type, t.data, t.dims));
    },
  };
}

/** The same runtime with `openModel` answering from files in memory, whatever the source string. */
export function withModelBytes(runtime: WebRuntime, files: ModelBytes): WebRuntime {
  const opened = memoryFiles(files);
  return { ...runtime, openModel: async () => opened };
}

async function webGpuUnavailable(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (gpu === undefined) return "this browser has no WebGPU (navigator.gpu is missing; it also needs a secure context)";
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter === null ? "no WebGPU adapter is available (navigator.gpu.requestAdapter() gave none)" : undefined;
}

let webGpuOrt: Promise<Ort> | undefined;

/** The machine as this page or worker sees it. */
export function webMachine(): WebMachineProfile {
  const scope = globalThis as { navigator?: { hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
  return { logicalCores: scope.navigator?.hardwareConcurrency ?? 1, crossOriginIsolated: scope.crossOriginIsolated === true };
}

async function loadOrt(backend: WebBackend, options: WebRuntimeOptions, numThreads: number): Promise<Ort> {
  // The WebGPU build (and its larger .wasm) is only fetched when WebGPU is used.
  const ort = backend === "webgpu" ? await (webGpuOrt ??= import("onnxruntime-web/webgpu")) : ortWasm;
  // Read once, when ORT initialises its WebAssembly module: later changes have no effect.
  // ORT appends the file name to this prefix as is: "/ort" must become "/ort/".
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths.endsWith("/") ? options.wasmPaths : `${options.wasmPaths}/`;
  ort.env.wasm.numThreads = numThreads;
  return ort;
}
