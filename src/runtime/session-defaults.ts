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
