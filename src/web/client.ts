/**
 * The page side of the Web Worker: `createGlinerWorker()` starts web/worker.ts and returns a promise-based
 * handle with the same predict methods as `GLiNER`. The model, ONNX Runtime and the tokenizer live in the
 * worker; this module is small and never loads them on the page.
 * @example
 * const gliner = createGlinerWorker();
 * await gliner.load("onnx-community/gliner-multitask-large-v0.5", { onProgress: (p) => console.log(p) });
 * const entities = await gliner.predictEntities("Bill Gates founded Microsoft.", ["person", "company"]);
 */
import { InvalidInputError, ModelLoadError } from "../errors.js";
import type { DownloadProgress } from "../runtime/runtime.js";
import type { Entity, PredictOptions, TextPrediction } from "../types.js";
import { isUrlSource, type ModelBytes } from "./sources.js";
import type {
  Answer,
  AnswerOptions,
  Classification,
  ClassifyOptions,
  ExtractOptions,
  Keyphrase,
  KeyphraseOptions,
  Relation,
  RelationOptions,
  SentimentOptions,
  SentimentSpan,
  Summary,
  SummarizeOptions,
  TaskName,
  TaskTypes,
} from "../index.js";
import { deserializeError, type ModelInfo, type WorkerLoadOptions, type WorkerRequest, type WorkerResponse, type WorkerResults } from "./protocol.js";

export type { ModelInfo, WorkerLoadOptions, WorkerPredictOptions } from "./protocol.js";
export type { ModelBytes } from "./sources.js";
export type { DownloadProgress } from "../runtime/runtime.js";
export type { Entity, PredictOptions, TextPrediction, TruncationInfo } from "../types.js";
// Errors from the worker are rebuilt as these classes, so the page can check them without loading the model code.
export {
  GlinerError,
  type GlinerErrorCode,
  HubError,
  InferenceError,
  InvalidInputError,
  isGlinerError,
  ModelLoadError,
  TextTooLongError,
} from "../errors.js";

export interface GlinerWorkerOptions {
  /** URL of the worker script; default: `worker.js` next to this module (bundlers follow this reference). */
  workerUrl?: string | URL;
  /** A worker you started yourself, running `gliner-ts/web/worker` as a module worker. */
  worker?: Worker;
}

export interface ClientLoadOptions extends WorkerLoadOptions {
  /** Called as model files download (throttled); `total` is undefined when the server did not say. */
  onProgress?: (progress: DownloadProgress) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: DownloadProgress) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export class GlinerWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(worker: Worker) {
    this.worker = worker;
    worker.addEventListener("message", (event: MessageEvent<WorkerResponse>) => this.receive(event.data));
    worker.addEventListener("error", (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new ModelLoadError(`The gliner-ts worker failed${event.message ? `: ${event.message}` : ""}. Check that the worker script (workerUrl) is served and is a module worker.`));
    });
    worker.addEventListener("messageerror", () => this.fail(new ModelLoadError("A message from the gliner-ts worker could not be read.")));
  }

  /**
   * Loads a model in the worker (replacing the one loaded before): a URL folder, a hub repo id or files in memory.
   * Relative URLs are resolved against the page.
   */
  async load(source: string | ModelBytes, options: ClientLoadOptions = {}): Promise<ModelInfo> {
    const { onProgress, ...rest } = options;
    const resolved = typeof source === "string" && isUrlSource(source) ? pageUrl(source) : source;
    const sendable: WorkerLoadOptions = rest.wasmPaths === undefined ? rest : { ...rest, wasmPaths: pageUrl(rest.wasmPaths) };
    return this.call<"load">({ type: "load", source: resolved, options: sendable }, onProgress);
  }

  async predictEntities(text: string, labels: readonly string[], options: PredictOptions = {}): Promise<Entity[]> {
    if (typeof text !== "string") throw new InvalidInputError("text", `text must be a string; got ${typeof text}.`);
    const [result] = await this.inference([text], labels, options);
    return result?.entities ?? [];
  }

  async batchPredictEntities(
    texts: readonly string[],
    labels: readonly string[] | readonly (readonly string[])[],
    options: PredictOptions = {},
  ): Promise<Entity[][]> {
    return (await this.inference(texts, labels, options)).map((r) => r.entities);
  }

  /** Like `GLiNER.inference`: per-text details; truncation is reported through `onTruncate` (or a console warning) here. */
  async inference(
    texts: readonly string[],
    labels: readonly string[] | readonly (readonly string[])[],
    options: PredictOptions = {},
  ): Promise<TextPrediction[]> {
    const { onTruncate, ...sendable } = options;
    const results = await this.call<"predict">({ type: "predict", texts: [...texts], labels, options: sendable });
    results.forEach((result, index) => {
      if (!result.truncated) return;
      const info = { index, words: result.words, keptWords: result.modelWords };
      if (onTruncate) onTruncate(info);
      else console.warn(`gliner-ts: text ${index} has ${info.words} words; only the first ${info.keptWords} were read (truncation: "truncate").`);
    });
    return results;
  }

  /** `GLiNER.run` in the worker: any registered task by name, batched (docs/tasks.md). */
  run<N extends TaskName>(task: N, inputs: readonly TaskTypes[NoInfer<N>]["input"][], options?: TaskTypes[NoInfer<N>]["options"]): Promise<TaskTypes[N]["result"][]>;
  run<T extends string>(task: T extends TaskName ? never : T, inputs: readonly object[], options?: object): Promise<unknown[]>;
  async run(task: string, inputs: readonly object[], options: object = {}): Promise<unknown[]> {
    return this.call<"run">({ type: "run", task, inputs: [...inputs], options });
  }

  // ── The multitask helpers of `GLiNER` (docs/tasks.md): the same one-text wrappers of `run` ──

  async extractRelations(text: string, options: RelationOptions): Promise<Relation[]> {
    const { entities, ...rest } = options;
    return first(await this.run("relations", [entities === undefined ? { text } : { text, entities }], rest));
  }

  batchExtractRelations(texts: readonly string[], options: Omit<RelationOptions, "entities">): Promise<Relation[][]> {
    return this.run("relations", texts.map((text) => ({ text })), options);
  }

  async answer(question: string, text: string, options: AnswerOptions = {}): Promise<Answer[]> {
    return first(await this.run("qa", [{ question, text }], options));
  }

  async summarize(text: string, options: SummarizeOptions = {}): Promise<Summary> {
    return first(await this.run("summarize", [{ text }], options));
  }

  async classify(text: string, classes: readonly string[], options: ClassifyOptions = {}): Promise<Classification[]> {
    return first(await this.run("classify", [{ text, classes }], options));
  }

  async extract(instruction: string, text: string, options: ExtractOptions = {}): Promise<Entity[]> {
    return first(await this.run("extract", [{ instruction, text }], options));
  }

  async extractSentiment(text: string, options: SentimentOptions = {}): Promise<SentimentSpan[]> {
    return first(await this.run("sentiment", [{ text }], options));
  }

  async extractKeyphrases(text: string, options: KeyphraseOptions = {}): Promise<Keyphrase[]> {
    return first(await this.run("keyphrases", [{ text }], options));
  }

  /** Releases the model in the worker; the worker stays up for another `load`. */
  async dispose(): Promise<void> {
    await this.call<"dispose">({ type: "dispose" });
  }

  /** Stops the worker at once; pending calls reject. */
  terminate(): void {
    this.worker.terminate();
    this.fail(new ModelLoadError("The gliner-ts worker was terminated."));
  }

  private call<K extends keyof WorkerResults>(body: RequestBody & { type: K }, onProgress?: Pending["onProgress"]): Promise<WorkerResults[K]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      try {
        this.worker.postMessage({ ...body, id } as WorkerRequest);
      } catch (cause) {
        this.pending.delete(id);
        reject(new InvalidInputError("options", `The call could not be sent to the worker (only plain data can be: no functions or class instances): ${String(cause)}`, { cause }));
      }
    });
  }

  private receive(message: WorkerResponse): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.type === "progress") {
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === "result") pending.resolve(message.value);
    else pending.reject(deserializeError(message.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** Starts the worker. Call `load` on the result before predicting. */
export function createGlinerWorker(options: GlinerWorkerOptions = {}): GlinerWorker {
  if (options.worker !== undefined) return new GlinerWorker(options.worker);
  const worker =
    options.workerUrl === undefined
      ? // Written out in full so that bundlers (vite, webpack, rollup) find the worker and bundle it.
        new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "gliner-ts" })
      : new Worker(options.workerUrl, { type: "module", name: "gliner-ts" });
  return new GlinerWorker(worker);
}

function pageUrl(url: string): string {
  const base = (globalThis as { document?: { baseURI?: string } }).document?.baseURI ?? globalThis.location?.href;
  return new URL(url, base).href;
}

function first<T>(results: readonly T[]): T {
  return results[0] as T;
}
