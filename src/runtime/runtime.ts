/**
 * THE seam between the core and a JavaScript runtime. The core never imports onnxruntime, `node:fs` or
 * the Cache API: `runtime/node.ts` and `runtime/web.ts` implement this interface.
 */

export type TensorType = "int64" | "float32" | "bool";

/** Structurally what an onnxruntime `Tensor` exposes, so no conversion is needed either way. */
export interface TensorData {
  readonly type: TensorType;
  readonly data: BigInt64Array | Float32Array | Uint8Array;
  readonly dims: readonly number[];
}

export interface FloatTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** How many `run` calls can usefully be in flight at once (worker-thread sessions); 1 when absent. */
  readonly concurrency?: number;
  /** Runs the graph and returns the requested float outputs. */
  run(feeds: Readonly<Record<string, TensorData>>, outputs: readonly string[]): Promise<Record<string, FloatTensor>>;
  release(): Promise<void>;
}

export type GraphOptimizationLevel = "disabled" | "basic" | "extended" | "all";

/**
 * ONNX Runtime settings that matter on CPU (and the execution providers). Unset ones get the measured defaults
 * of session-defaults.ts (Node); a setting you give is passed on unchanged.
 */
export interface SessionOptions {
  /** Threads inside one operator. Default: the physical cores, divided by `workers`. */
  intraOpNumThreads?: number;
  /** Threads across operators; only used with `executionMode: "parallel"`. Default 1. */
  interOpNumThreads?: number;
  /** Default "sequential". */
  executionMode?: "sequential" | "parallel";
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** e.g. ["cpu"], ["cuda", "cpu"] (Node, where onnxruntime-node has CUDA), ["webgpu", "wasm"] (browser). */
  executionProviders?: string[];
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  /**
   * Whether idle ORT pool threads spin (busy-wait) for the next piece of work. Default false (ORT's own
   * default is true): spinning burns cores that the next operator, other sessions or other processes need,
   * and measured slower or equal; see docs/performance.md. Node only.
   */
  allowSpinning?: boolean;
  /**
   * Node: run the model in this many worker threads, each with its own session (intra-op threads: the cores
   * divided by `workers`, unless `intraOpNumThreads` is set), so that several batches run at once. Default 1:
   * one session on the calling thread. Each worker holds a copy of the model; see docs/performance.md.
   */
  workers?: number;
  /**
   * Node: run the session in a worker thread even with one worker, so that the calling thread's event loop
   * stays free while the model runs (onnxruntime-node runs a session synchronously). The server sets it.
   */
  offMainThread?: boolean;
}

/** Where a model's files come from, once resolved by a runtime (local folder, hub cache, URL). */
export interface ModelFiles {
  /** Human-readable origin for error messages, e.g. a folder path or `hub:org/name@main`. */
  readonly description: string;
  /** A text file's content, or undefined when the file does not exist. */
  readText(name: string): Promise<string | undefined>;
  /** Something `createSession` accepts (a path in Node, bytes in the browser), or undefined when missing. */
  locateModel(name: string): Promise<string | Uint8Array | undefined>;
}

export interface DownloadProgress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
}

export interface OpenOptions {
  /** Hub endpoint (default: `HF_ENDPOINT` or https://huggingface.co). */
  endpoint?: string;
  revision?: string;
  cacheDir?: string;
  localFilesOnly?: boolean;
  token?: string;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface Runtime {
  readonly name: string;
  /** Resolves a model source (folder, hub repo id, URL; runtime-specific) to its files. */
  openModel(source: string, options: OpenOptions): Promise<ModelFiles>;
  createSession(model: string | Uint8Array, options: SessionOptions): Promise<Session>;
}
