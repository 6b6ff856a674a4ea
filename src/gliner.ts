/**
 * The `GLiNER` class: one loaded model, the NER entry points, and the task helpers built on them.
 * Runtime-neutral: the Node and browser entries bind a runtime in `fromPretrained`.
 */
import { InvalidInputError } from "./errors.js";
import { type LoadedModel, type LoadOptions, loadModel } from "./model/load.js";
import type { ModelConfig } from "./model/config.js";
import { type StreamOptions, type StreamResult, type StreamSource, streamPredictions } from "./long/stream.js";
import { type PipelineOptions, predictTexts, type TextRequest } from "./pipeline.js";
import type { Runtime } from "./runtime/runtime.js";
import type { Entity, PredictOptions, TextPrediction } from "./types.js";
import {
  checkLabels,
  checkOneOf,
  checkPositiveInteger,
  checkText,
  checkTexts,
  labelThresholds,
} from "./validate.js";

export interface GlinerLoadOptions extends LoadOptions {
  /** The runtime to use; the package entry points supply their own. */
  runtime?: Runtime;
}

export class GLiNER {
  /** The model's settings as read from gliner_config.json. */
  readonly config: ModelConfig;
  /** The resolved model source (folder path or hub id@revision) and ONNX file used. */
  readonly source: string;
  readonly onnxFile: string;
  protected readonly model: LoadedModel;

  protected constructor(model: LoadedModel) {
    this.model = model;
    this.config = model.config;
    this.source = model.source;
    this.onnxFile = model.onnxFile;
  }

  /** Loads a model with an explicit runtime. Most users call the entry point's `GLiNER.fromPretrained`. */
  static async load(runtime: Runtime, source: string, options: LoadOptions = {}): Promise<GLiNER> {
    return new GLiNER(await loadModel(runtime, source, options));
  }

  /**
   * Entities of one text.
   * @example
   * const entities = await model.predictEntities("Bill Gates founded Microsoft.", ["person", "company"]);
   * // [{ start: 0, end: 10, text: "Bill Gates", label: "person", score: 0.98 }, ...]
   */
  async predictEntities(text: string, labels: readonly string[], options: PredictOptions = {}): Promise<Entity[]> {
    const [result] = await this.inference([checkText(text)], labels, options);
    return (result as TextPrediction).entities;
  }

  /**
   * Entities of many texts, batched (`batchSize`, default 8). `labels` is one list for all texts or one list per
   * text. Results equal one-by-one `predictEntities` calls.
   */
  async batchPredictEntities(
    texts: readonly string[],
    labels: readonly string[] | readonly (readonly string[])[],
    options: PredictOptions = {},
  ): Promise<Entity[][]> {
    return (await this.inference(texts, labels, options)).map((r) => r.entities);
  }

  /** Like {@link batchPredictEntities}, with per-text details (words, truncation, passes). */
  async inference(
    texts: readonly string[],
    labels: readonly string[] | readonly (readonly string[])[],
    options: PredictOptions = {},
  ): Promise<TextPrediction[]> {
    const checkedTexts = checkTexts(texts);
    const requests = checkedTexts.map((text, i): TextRequest => {
      const own = perTextLabels(labels, i, checkedTexts.length);
      return { text, labels: own, thresholds: labelThresholds(own, options) };
    });
    const results = await predictTexts(this.model, requests, pipelineOptions(options));
    reportTruncation(results, options);
    return results;
  }

  /**
   * Entities of a corpus, streamed: texts or `{ text, labels?, id? }` records in (any iterable or async
   * iterable), one result per text out, in input order, with memory bounded by `lookAhead` texts. Batches are
   * bucketed by length and sized automatically unless `batchSize` is given.
   * @example
   * for await (const { index, entities } of model.stream(readLines("corpus.txt"), ["person", "place"])) { ... }
   */
  stream(source: StreamSource, labels: readonly string[] | undefined, options: StreamOptions = {}): AsyncGenerator<StreamResult> {
    const run = pipelineOptions({ batchSize: "auto", ...options });
    return streamPredictions(source, labels, options, (requests) => predictTexts(this.model, requests, run));
  }

  /** Releases the ONNX session. */
  async dispose(): Promise<void> {
    await this.model.session.release();
  }
}

function perTextLabels(
  labels: readonly string[] | readonly (readonly string[])[],
  index: number,
  count: number,
): string[] {
  if (!Array.isArray(labels) || labels.length === 0 || !Array.isArray(labels[0])) return checkLabels(labels);
  if (labels.length !== count) {
    throw new InvalidInputError("labels", `labels has ${labels.length} lists but there are ${count} texts; give one list per text or one list for all.`);
  }
  return checkLabels(labels[index], `labels[${index}]`);
}

export function pipelineOptions(options: PredictOptions | StreamOptions): PipelineOptions {
  return {
    flatNer: options.flatNer ?? true,
    multiLabel: options.multiLabel ?? false,
    tokenScore: checkOneOf(options.tokenScore ?? "min", ["min", "mean"], "tokenScore"),
    batchSize: options.batchSize === "auto" ? "auto" : checkPositiveInteger(options.batchSize ?? 8, "batchSize"),
    truncation: checkOneOf(options.truncation ?? "window", ["window", "truncate", "error"], "truncation"),
    window: options.window,
    overlap: options.overlap,
    maxPromptTokens:
      "maxPromptTokens" in options && options.maxPromptTokens !== undefined
        ? checkPositiveInteger(options.maxPromptTokens, "maxPromptTokens")
        : undefined,
  };
}

function reportTruncation(results: readonly TextPrediction[], options: PredictOptions): void {
  results.forEach((result, index) => {
    if (!result.truncated) return;
    const info = { index, words: result.words, keptWords: result.modelWords };
    if (options.onTruncate) options.onTruncate(info);
    else emitWarning(`gliner-ts: text ${index} has ${info.words} words; only the first ${info.keptWords} were read (truncation: "truncate").`);
  });
}

function emitWarning(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, type: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, "GlinerTruncationWarning");
  else console.warn(message);
}
