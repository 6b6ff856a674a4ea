/**
 * The ONE place where gliner-ts chooses ONNX Runtime settings the user did not give. Every default here was
 * measured (docs/performance.md, `npm run bench`); an option the user sets always wins, unchanged.
 *
 * Why not leave them to ONNX Runtime: onnxruntime-node, given no thread settings, ran the same graph at about
 * two thirds of the speed of an explicit `intraOpNumThreads` = physical cores with one inter-op thread, and
 * busy-waiting pool threads (spinning, ORT's default) cost throughput whenever anything else wants the cores
 * — other processes, our own worker threads, the tokenizer between runs.
 */
import { InvalidInputError } from "../errors.js";
import type { GraphOptimizationLevel, OrtLogLevel, SessionOptions } from "./runtime.js";

export const DEFAULT_LOG_LEVEL: OrtLogLevel = "fatal";

const LOG_SEVERITY: Readonly<Record<OrtLogLevel, 0 | 1 | 2 | 3 | 4>> = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 };

/** ORT's numeric `logSeverityLevel` of a log level (default {@link DEFAULT_LOG_LEVEL}); an unknown one is refused. */
export function logSeverity(level: OrtLogLevel = DEFAULT_LOG_LEVEL): 0 | 1 | 2 | 3 | 4 {
  if (typeof level !== "string" || !Object.hasOwn(LOG_SEVERITY, level)) {
    throw new InvalidInputError("session.logLevel", `session.logLevel must be one of ${Object.keys(LOG_SEVERITY).join(", ")}; got ${JSON.stringify(level)}.`);
  }
  return LOG_SEVERITY[level];
}

/** What the defaults depend on; the runtime measures it (runtime/node.ts), tests pass their own. */
export interface MachineProfile {
  /** Cores that can run our threads: physical cores within the process's CPU affinity. */
  readonly physicalCores: number;
}

/** Session options with every setting decided: what goes to ONNX Runtime. */
export interface ResolvedSessionOptions extends SessionOptions {
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly executionMode: "sequential" | "parallel";
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly executionProviders: string[];
  readonly allowSpinning: boolean;
  readonly workers: number;
  readonly logLevel: OrtLogLevel;
}

/**
 * The defaults, filled in where `options` leaves a setting undefined:
 * - `workers` 1: one session on the calling thread (a single text is fastest with all cores in one session);
 * - `intraOpNumThreads`: the physical cores shared out between the workers (at least 1 each);
 * - `interOpNumThreads` 1 and `executionMode` "sequential": DeBERTa's graph is a chain, there is nothing to
 *   run side by side, and an inter-op pool only adds threads that wait;
 * - `allowSpinning` false: idle threads sleep instead of busy-waiting between operators;
 * - `graphOptimizationLevel` "all" (fusions such as DynamicQuantizeMatMul for int8 graphs), provider CPU;
 * - `logLevel` "fatal": ORT's error lines repeat the exception we wrap anyway, raw (colours, C++ paths).
 * Memory arena and memory pattern stay ONNX Runtime's (on): turning the arena off was 30–45% slower.
 */
export function resolveSessionOptions(options: SessionOptions, machine: MachineProfile, defaultProviders: string[] = ["cpu"]): ResolvedSessionOptions {
  const workers = Math.max(1, options.workers ?? 1);
  return {
    ...options,
    workers,
    intraOpNumThreads: options.intraOpNumThreads ?? Math.max(1, Math.floor(machine.physicalCores / workers)),
    interOpNumThreads: options.interOpNumThreads ?? 1,
    executionMode: options.executionMode ?? "sequential",
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    executionProviders: options.executionProviders ?? defaultProviders,
    allowSpinning: options.allowSpinning ?? false,
    logLevel: options.logLevel ?? DEFAULT_LOG_LEVEL,
  };
}

/** What the browser defaults depend on; web.ts reads it from the page's or worker's globals, tests pass their own. */
export interface WebMachineProfile {
  /** `navigator.hardwareConcurrency`: logical cores (browsers do not say how many are physical). */
  readonly logicalCores: number;
  /** `crossOriginIsolated`: only then is SharedArrayBuffer there, and with it WebAssembly threads. */
  readonly crossOriginIsolated: boolean;
}

/** At most this many WASM threads by default (ONNX Runtime Web's own cap): see {@link resolveWebThreads}. */
export const MAX_DEFAULT_WEB_THREADS = 4;

/**
 * `ort.env.wasm.numThreads` unless the user gives `session.intraOpNumThreads`: 1 without cross-origin isolation (no threads
 * can start), else an estimate of the physical cores — half the logical ones, rounded up (SMT is the common
 * case, and the Node measurements prefer physical cores) — capped at {@link MAX_DEFAULT_WEB_THREADS}, leaving
 * cores to the page and to the browser, and because every WASM thread is one more Web Worker to start.
 */
export function resolveWebThreads(numThreads: number | undefined, machine: WebMachineProfile): number {
  if (numThreads !== undefined) return numThreads;
  if (!machine.crossOriginIsolated) return 1;
  return Math.min(MAX_DEFAULT_WEB_THREADS, Math.max(1, Math.ceil(machine.logicalCores / 2)));
}

/** What the browser runtime hands to onnxruntime-web's `InferenceSession.create`. */
export interface ResolvedWebSessionOptions {
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly logSeverityLevel: 0 | 1 | 2 | 3 | 4;
  readonly executionMode: "sequential" | "parallel";
  readonly executionProviders: string[];
  readonly enableCpuMemArena?: boolean;
  readonly enableMemPattern?: boolean;
}

/**
 * The browser's session defaults: graph optimisation "all", "sequential" and the log level as in Node, the
 * backend's providers.
 * Threads are not here: onnxruntime-web runs every session on one global pool sized by `ort.env.wasm.numThreads`
 * ({@link resolveWebThreads}), with no per-session intra-/inter-op threads and no spinning setting. Memory
 * arena and memory pattern stay onnxruntime-web's (off, unlike Node): turning both on was not faster in
 * Chromium (docs/performance.md), and a WebAssembly memory never shrinks, so an arena only keeps the peak.
 */
export function resolveWebSessionOptions(options: SessionOptions, defaultProviders: string[]): ResolvedWebSessionOptions {
  return {
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    logSeverityLevel: logSeverity(options.logLevel),
    executionMode: options.executionMode ?? "sequential",
    executionProviders: options.executionProviders ?? defaultProviders,
    ...(options.enableCpuMemArena === undefined ? {} : { enableCpuMemArena: options.enableCpuMemArena }),
    ...(options.enableMemPattern === undefined ? {} : { enableMemPattern: options.enableMemPattern }),
  };
}
