/**
 * The `GLiNER` class: one loaded model, the NER entry points, and the task helpers built on them.
 * Runtime-neutral: the Node and browser entries bind a runtime in `fromPretrained`.
 */
import { InvalidInputError } from "./errors.js";
import type { LabelEmbeddings } from "./labels/encoder.js";
import { type ReadyModel, withLogitsLayout } from "./inference/run.js";
import { type LoadOptions, loadModel } from "./model/load.js";
import type { ModelConfig, ModelFamily } from "./model/config.js";
import { type StreamOptions, type StreamResult, type StreamSource, streamPredictions } from "./long/stream.js";
import { type PipelineOptions, type PromptedPrediction, predictTexts, type TextRequest } from "./pipeline.js";
import type { Runtime, SessionRecycling } from "./runtime/runtime.js";
import { reportTruncation } from "./warnings.js";
import type { Entity, PredictOptions, TextPrediction } from "./types.js";
import { predictRelationsFor } from "./relex/api.js";
import { extractRelationsWithHead } from "./relex/extract.js";
import { type RelationStreamSource, streamRelationsFor } from "./relex/stream.js";
import type { RelationPredictOptions, RelationPrediction, RelationStreamOptions, RelationStreamResult } from "./relex/types.js";
import { runTask, type TaskName, type TaskTypes } from "./tasks/registry.js";
import type { TaskEngine, TaskRequest } from "./tasks/spec.js";
import type * as Task from "./tasks/types.js";
import {
  checkLabels,
  checkOneOf,
  checkPositiveInteger,
  checkText,
  checkTexts,
  checkWordSplitter,
  describe,
  labelThresholds,
  rejectNullOptions,
} from "./validate.js";

export interface GlinerLoadOptions extends LoadOptions {
  /** The runtime to use; the package entry points supply their own. */
  runtime?: Runtime;
}

export class GLiNER {
  /** The model's settings as read from gliner_config.json. */
  readonly config: ModelConfig;
  /** The architecture recognised from gliner_config.json, as the reference's `_get_gliner_class` (e.g. "uni-span"). */
  readonly family: ModelFamily;
  /** The resolved model source (folder path or hub id@revision) and ONNX file used. */
  readonly source: string;
  readonly onnxFile: string;
  protected readonly model: ReadyModel;

  protected constructor(model: ReadyModel) {
    this.model = model;
    this.config = model.config;
    this.family = model.config.family;
    this.source = model.source;
    this.onnxFile = model.onnxFile;
  }

  /** Loads a model with an explicit runtime. Most users call the entry point's `GLiNER.fromPretrained`. */
  static async load(runtime: Runtime, source: string, options: LoadOptions = {}): Promise<GLiNER> {
    return new GLiNER(await withLogitsLayout(await loadModel(runtime, source, options)));
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
    const run = pipelineOptions(options);
    const requests = checkedTexts.map((text, i): TextRequest => {
      const own = perTextLabels(labels, i, checkedTexts.length);
      return { text, labels: own, thresholds: labelThresholds(own, options) };
    });
    if (options.labelEmbeddings !== undefined) this.labelsEncoder();
    const results = await predictTexts(this.model, requests, run);
    reportTruncations(results, options);
    return results;
  }

  /**
   * Entities of a corpus, streamed: texts or `{ text, labels?, id? }` records in (any iterable or async
   * iterable), one result per text out, in input order, with memory bounded by `lookAhead` texts. Batches are
   * bucketed by length and sized automatically unless `batchSize` is given.
   * @example
   * for await (const { index, entities } of model.stream(readLines("corpus.txt"), ["person", "place"])) { ... }
   */
  async *stream(source: StreamSource, labels: readonly string[] | undefined, options: StreamOptions = {}): AsyncGenerator<StreamResult> {
    const run = pipelineOptions({ ...options, batchSize: options.batchSize ?? "auto" });
    yield* streamPredictions(source, labels, options, (requests) => predictTexts(this.model, requests, run));
  }

  /**
   * Bi-encoders: embeddings of `labels` (in order, duplicates kept) from the labels encoder, to store and pass back
   * as `labelEmbeddings`. Cached labels are not re-encoded; new ones are added to the cache.
   * @example
   * const embeddings = await model.encodeLabels(["person", "company"]);
   * await model.predictEntities(text, ["person", "company"], { labelEmbeddings: embeddings });
   */
  async encodeLabels(labels: readonly string[]): Promise<LabelEmbeddings> {
    checkLabels(labels); // validates; the rows follow `labels` as given, duplicates included, as the reference's
    return this.labelsEncoder().embed(labels);
  }

  /** Bi-encoders: hits, misses and size of the label-embedding cache (shared by every call on this model). */
  get labelCache(): { hits: number; misses: number; size: number; capacity: number } | undefined {
    return this.model.labels?.cache.stats;
  }

  /** With the `recycleAfterMb` memory policy: how often the ONNX session was re-created; else undefined. */
  get sessionRecycling(): SessionRecycling | undefined {
    return this.model.session.recycling?.();
  }

  /**
   * Relex models (`family` "relex-span" / "relex-token", e.g. knowledgator/gliner-relex-large-v0.5): entities and
   * the relations between them from one pass of the model's own relation head, as the reference's
   * `predict_relations`. Options: threshold, relationThreshold, adjacencyThreshold (both default to threshold),
   * flatNer, multiLabel, uniqueRelations (drop repeats and self-relations). Other models: UNSUPPORTED.
   * @example
   * const { entities, relations } = await model.predictRelations(text, ["person", "organization"], ["founder of"]);
   * // relations: [{ head: { text: "Bill Gates", type: "person", entityIdx: 0, ... }, tail: { text: "Microsoft", ... },
   * //              relation: "founder of", score: 0.91 }]
   */
  async predictRelations(
    text: string,
    labels: readonly string[],
    relations: readonly string[],
    options: RelationPredictOptions = {},
  ): Promise<RelationPrediction> {
    const [result] = await predictRelationsFor(this.model, [checkText(text)], labels, relations, options);
    return { entities: result!.entities, relations: result!.relations };
  }

  /** {@link predictRelations} for many texts, batched; labels and relations are one list for all texts or one per text. */
  async batchPredictRelations(
    texts: readonly string[],
    labels: readonly string[] | readonly (readonly string[])[],
    relations: readonly string[] | readonly (readonly string[])[],
    options: RelationPredictOptions = {},
  ): Promise<RelationPrediction[]> {
    const results = await predictRelationsFor(this.model, texts, labels, relations, options);
    return results.map(({ entities, relations: found }) => ({ entities, relations: found }));
  }

  /**
   * {@link predictRelations} over a corpus, streamed as {@link stream}: texts or `{ text, labels?, relations?, id? }`
   * records in, one `{ index, id, entities, relations, ... }` per text out, in input order, memory bounded by
   * `lookAhead` texts; batches sized automatically unless `batchSize` is given.
   * @example
   * for await (const { index, relations } of model.streamRelations(readLines("corpus.txt"), ["person", "organization"], ["founder of"])) { ... }
   */
  async *streamRelations(
    source: RelationStreamSource,
    labels: readonly string[] | undefined,
    relations: readonly string[] | undefined,
    options: RelationStreamOptions = {},
  ): AsyncGenerator<RelationStreamResult> {
    yield* streamRelationsFor(this.model, source, labels, relations, options);
  }

  /** Releases the ONNX sessions. */
  async dispose(): Promise<void> {
    await Promise.all([this.model.session.release(), this.model.labels?.release()]);
  }

  private labelsEncoder() {
    if (this.model.labels === undefined) {
      throw new InvalidInputError(
        "labels",
        `encodeLabels and labelEmbeddings need a bi-encoder model (this one is "${this.family}"); its labels are read in the prompt.`,
      );
    }
    return this.model.labels;
  }

  /**
   * Runs a registered task (`"ner"`, `"relations"`, `"qa"`, `"summarize"`, `"classify"`, `"extract"`,
   * `"sentiment"`, `"keyphrases"`, docs/tasks.md) on many inputs, batched; `results[i]` answers `inputs[i]`.
   * Inputs are `{ text, ...the task's per-text fields }`; options are checked against the task's schema.
   * Every surface (server, CLI, batch, queue, web worker) runs tasks through here, so they answer alike.
   * @example
   * const [answers] = await model.run("qa", [{ text, question: "Who founded Microsoft?" }], { topK: 1 });
   */
  run<N extends TaskName>(
    task: N,
    inputs: readonly TaskTypes[NoInfer<N>]["input"][],
    options?: TaskTypes[NoInfer<N>]["options"],
  ): Promise<TaskTypes[N]["result"][]>;
  /** A task registered by name only (e.g. chosen at run time): results are `unknown`. */
  run<T extends string>(task: T extends TaskName ? never : T, inputs: readonly object[], options?: object): Promise<unknown[]>;
  async run(task: string, inputs: readonly object[], options: object = {}): Promise<unknown[]> {
    return runTask(this.engine(), task, inputs, options);
  }

  // ── Multitask helpers (src/tasks/, docs/tasks.md): one-text wrappers of `run` ──

  /**
   * Relations. A relex model (`family` "relex-*") uses its own relation head: one pass, `entityLabels` and the
   * relation names as its labels, pairsFilter and distanceThreshold applied to its relations (see predictRelations).
   * Other models: NER with `entityLabels`, then `"<source> <> <relation>"` labels on the prompted text; each
   * target span is linked to an extracted entity (pairsFilter, distanceThreshold), both ends with offsets.
   * @example
   * await model.extractRelations(text, { entityLabels: ["organisation", "founder", "date"], entityThreshold: 0.7,
   *   relationThreshold: 0.5, relations: [{ relation: "founder", pairsFilter: [["organisation", "founder"]], distanceThreshold: 100 }] });
   * // [{ source: { text: "Microsoft", ... }, relation: "founder", target: { text: "Bill Gates", ... }, score: 0.97 }]
   */
  async extractRelations(text: string, options: Task.RelationOptions): Promise<Task.Relation[]> {
    const { entities, ...rest } = options ?? ({} as Task.RelationOptions);
    return first(await this.run("relations", [entities === undefined ? { text } : { text, entities }], rest));
  }

  /** {@link extractRelations} for many texts, batched (`options.entities` is not allowed here). */
  async batchExtractRelations(texts: readonly string[], options: Omit<Task.RelationOptions, "entities">): Promise<Task.Relation[][]> {
    return this.run("relations", checkTexts(texts).map((text) => ({ text })), options);
  }

  /** Answers to a question in a text, best first, with offsets into the text. */
  async answer(question: string, text: string, options: Task.AnswerOptions = {}): Promise<Task.Answer[]> {
    return first(await this.run("qa", [{ question, text }], options));
  }

  /** Extractive summary: the important spans in text order and their texts joined by spaces. */
  async summarize(text: string, options: Task.SummarizeOptions = {}): Promise<Task.Summary> {
    return first(await this.run("summarize", [{ text }], options));
  }

  /** The class of a text among `classes` (`multiLabel`: every class found), or `[{ label: "other", score: 1 }]`. */
  async classify(text: string, classes: readonly string[], options: Task.ClassifyOptions = {}): Promise<Task.Classification[]> {
    return first(await this.run("classify", [{ text, classes }], options));
  }

  /** Open extraction: the spans of `text` that answer `instruction` (labels default to ["match"]). */
  async extract(instruction: string, text: string, options: Task.ExtractOptions = {}): Promise<Entity[]> {
    return first(await this.run("extract", [{ instruction, text }], options));
  }

  /** Spans carrying a positive, negative or neutral sentiment. */
  async extractSentiment(text: string, options: Task.SentimentOptions = {}): Promise<Task.SentimentSpan[]> {
    return first(await this.run("sentiment", [{ text }], options));
  }

  /** Key phrases, best first, each with its mentions. */
  async extractKeyphrases(text: string, options: Task.KeyphraseOptions = {}): Promise<Task.Keyphrase[]> {
    return first(await this.run("keyphrases", [{ text }], options));
  }

  /** This model as the tasks see it: the pipeline, batched, with prompt prefixes and pre-split words. */
  protected engine(): TaskEngine {
    return {
      config: this.config,
      predict: (requests, options) => this.predictRequests(requests, options),
      ...(this.config.relex ? { relationHead: (texts, options) => extractRelationsWithHead(this.model, texts, options) } : {}),
    };
  }

  private async predictRequests(requests: readonly TaskRequest[], options: PredictOptions): Promise<PromptedPrediction[]> {
    const textRequests = requests.map((r): TextRequest => {
      const labels = [...new Set(r.labels)];
      return { text: r.text, labels, thresholds: labelThresholds(labels, options), prompt: r.prompt, words: r.words };
    });
    if (options.labelEmbeddings !== undefined) this.labelsEncoder();
    const results = await predictTexts(this.model, textRequests, pipelineOptions(options));
    reportTruncations(results, options);
    return results;
  }
}

function first<T>(results: readonly T[]): T {
  return results[0] as T;
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
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError("options", `options must be an object; got ${describe(options)}.`);
  }
  rejectNullOptions(options);
  return {
    flatNer: options.flatNer ?? true,
    multiLabel: options.multiLabel ?? false,
    tokenScore: checkOneOf(options.tokenScore ?? "min", ["min", "mean"], "tokenScore"),
    batchSize: options.batchSize === "auto" ? "auto" : checkPositiveInteger(options.batchSize ?? 8, "batchSize"),
    truncation: checkOneOf(options.truncation ?? "window", ["window", "truncate", "error"], "truncation"),
    window: options.window,
    overlap: options.overlap,
    maxPromptTokens:
      options.maxPromptTokens === undefined ? undefined : checkPositiveInteger(options.maxPromptTokens, "maxPromptTokens"),
    wordSplitter: options.wordSplitter === undefined ? undefined : checkWordSplitter(options.wordSplitter),
    labelEmbeddings: options.labelEmbeddings,
    signal: options.signal,
    batchOrder: options.batchOrder,
  };
}

function reportTruncations(results: readonly TextPrediction[], options: PredictOptions): void {
  results.forEach((result, index) => reportTruncation(index, result, options.onTruncate));
}
