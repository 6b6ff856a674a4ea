/** Server settings, their defaults, and the checks that refuse nonsense at start-up rather than at run time. */
import { InvalidInputError } from "../errors.js";
import type { GLiNER2Base } from "../index.js";

export interface ServerLimits {
  /** Largest request body in bytes (413 above). */
  readonly bodyLimit: number;
  /** Longest text in UTF-16 code units (413 above). Long texts below it go through the windowed long-document path. */
  readonly maxTextLength: number;
  /** Most texts in one `/v1` request. */
  readonly maxTexts: number;
  /** Most labels (or relations, classes, questions) in one request. */
  readonly maxLabels: number;
  /** Longest label in UTF-16 code units. */
  readonly maxLabelLength: number;
}

export interface BatchingSettings {
  /** Most texts per model call; 1 turns micro-batching off. */
  readonly maxBatchSize: number;
  /** How long a lone request waits for others to share its model call. */
  readonly maxWaitMs: number;
  /** Most texts waiting; beyond it requests get 429 with Retry-After. */
  readonly maxQueue: number;
  /** Per-request time limit, queueing included (503 after it). */
  readonly timeoutMs: number;
}

export interface ServerOptions {
  readonly limits?: Partial<ServerLimits>;
  readonly batching?: Partial<BatchingSettings>;
  /**
   * Cross-origin requests: off by default. `true` allows any origin; a list allows those origins
   * (e.g. `["https://app.example.com"]`).
   */
  readonly cors?: boolean | readonly string[];
  /** Route of the drop-in API for Python `gliner.serve` clients (default `/gliner`); `false` turns it off. */
  readonly compatRoute?: string | false;
  /** Serve the web page at `/` (default true). */
  readonly page?: boolean;
  /** Folder served under `/web/` when it exists (default: the package's `dist-web/`). */
  readonly webDir?: string;
  /** Include process metrics (CPU, memory, event loop) in `/metrics` (default true). */
  readonly processMetrics?: boolean;
  /** fastify logger: false (default), true, or a pino options object. */
  readonly logger?: boolean | Record<string, unknown>;
  /** A GLiNER2 model (or its loading promise) served at `POST /v1/schema` next to the GLiNER tasks. */
  readonly gliner2?: GLiNER2Base | Promise<GLiNER2Base>;
}

export const DEFAULT_LIMITS: ServerLimits = {
  bodyLimit: 1024 * 1024,
  maxTextLength: 100_000,
  maxTexts: 64,
  maxLabels: 64,
  maxLabelLength: 200,
};

export const DEFAULT_BATCHING: BatchingSettings = {
  maxBatchSize: 8,
  maxWaitMs: 5,
  maxQueue: 1024,
  timeoutMs: 30_000,
};

export interface ResolvedOptions {
  readonly limits: ServerLimits;
  readonly batching: BatchingSettings;
  readonly cors: boolean | readonly string[];
  readonly compatRoute: string | false;
  readonly page: boolean;
  readonly webDir: string | undefined;
  readonly processMetrics: boolean;
  readonly logger: boolean | Record<string, unknown>;
}

export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) };
  const batching = { ...DEFAULT_BATCHING, ...definedOnly(options.batching ?? {}) };
  for (const [name, value] of Object.entries(limits)) positiveInteger(value, `limits.${name}`);
  positiveInteger(batching.maxBatchSize, "batching.maxBatchSize");
  positiveInteger(batching.maxQueue, "batching.maxQueue");
  positiveInteger(batching.timeoutMs, "batching.timeoutMs");
  if (!Number.isFinite(batching.maxWaitMs) || batching.maxWaitMs < 0) {
    throw new InvalidInputError("batching.maxWaitMs", `batching.maxWaitMs must be a number ≥ 0; got ${batching.maxWaitMs}.`);
  }
  const compatRoute = options.compatRoute ?? "/gliner";
  if (compatRoute !== false && !/^\/[A-Za-z0-9._~\-/]*$/.test(compatRoute)) {
    throw new InvalidInputError("compatRoute", `compatRoute must be a path starting with "/", e.g. "/gliner"; got "${compatRoute}".`);
  }
  return {
    limits,
    batching,
    cors: options.cors ?? false,
    compatRoute: compatRoute === false ? false : compatRoute.replace(/\/+$/, "") || "/",
    page: options.page ?? true,
    webDir: options.webDir,
    processMetrics: options.processMetrics ?? true,
    logger: options.logger ?? false,
  };
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(name, `${name} must be a positive integer; got ${value}.`);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
