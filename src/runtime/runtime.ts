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
  /** Sessions under a memory policy (`recycleAfterMb`): how often they were re-created. */
  recycling?(): SessionRecycling;
}

/** What a recycling session has done since it was created (runtime/recycle.ts). */
export interface SessionRecycling {
  /** Growth (MB) over the size after loading that makes the session re-create ("auto" resolved). */
  readonly thresholdMb: number;
  /** Times the ONNX session was released and re-created to give its memory back. */
  readonly count: number;
  /** Re-creations that failed (the previous session stayed in service). */
  readonly failures: number;
  /** Milliseconds the last re-creation took (undefined before the first). */
  readonly lastMs: number | undefined;
  /** A re-creation is under way (runs meanwhile go to the previous session). */
  readonly recreating: boolean;
}

export type GraphOptimizationLevel = "disabled" | "basic" | "extended" | "all";

/** ONNX Runtime's own log levels, most verbose first. */
export type OrtLogLevel = "verbose" | "info" | "warning" | "error" | "fatal";

/**
 * ONNX Runtime settings that matter on CPU (and the execution providers). Unset ones get the measured defaults
 * of session-defaults.ts (Node and browser); a setting you give is passed on unchanged.
 */
export interface SessionOptions {
  /**
   * Threads inside one operator. Default: the physical cores, divided by `workers`. Browser: the WASM thread
   * count when the web option `numThreads` is not given (see docs/browser.md for its default).
   */
  intraOpNumThreads?: number;
  /** Threads across operators; only used with `executionMode: "parallel"`. Default 1. Node only (the browser has 1). */
  interOpNumThreads?: number;
  /** Default "sequential". */
  executionMode?: "sequential" | "parallel";
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** e.g. ["cpu"], ["cuda", "cpu"] (Node, where onnxruntime-node has CUDA), ["webgpu", "wasm"] (browser). */
  executionProviders?: string[];
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  /**
   * The least severe ONNX Runtime log lines written to stderr (ORT's own, coloured, with C++ source locations;
   * they cannot be routed to JavaScript). Default "fatal": an error of a run or a load comes back as the
   * exception gliner-ts wraps into its typed errors (without the colour codes and source paths), so ORT's
   * "error" line would only repeat it. "warning" shows ORT's warnings (e.g. nodes placed on another provider).
   * Also sets ORT's environment log level when the process's first session is created.
   */
  logLevel?: OrtLogLevel;
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
  /**
   * Memory policy for long-running processes: once the process has grown more than this many MB above its
   * size right after the session was created (ONNX Runtime's arena keeps the memory of the largest batch it
   * ran), and the model has then been idle for `recycleIdleMs`, the session is re-created and the old one
   * released, which gives that memory back. Runs meanwhile go to the old session. "auto": the process's size
   * after loading, at least 512 MB (re-create once it has doubled). Default: off (0) in the library;
   * `gliner-ts serve` uses "auto". Node only. See docs/server.md ("Memory").
   */
  recycleAfterMb?: number | "auto";
  /** Idle time (ms, no run in flight) before a session grown past `recycleAfterMb` is re-created. Default 2000. */
  recycleIdleMs?: number;
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

/**
 * Random access to a file's bytes without reading it whole: the load-time checks read a few KB of a model file
 * that may be gigabytes (model/onnx-embedding.ts).
 */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer only at the end of the file). */
  read(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
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
  /**
   * Positional reads of a model that `locateModel` gave as a string (a path in Node); runtimes without it
   * (the browser, where such a string is a URL) skip the checks that read the ONNX file.
   */
  openModelBytes?(model: string): Promise<ByteSource>;
  /** The process's resident memory in MB, for `recycleAfterMb`; runtimes without it cannot recycle. */
  memoryMb?(): number;
}
