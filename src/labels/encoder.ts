/**
 * Bi-encoder labels: the labels tokenizer (the labels encoder's own, e.g. uncased WordPiece) and the labels encoder
 * (`onnx/labels_encoder.onnx`: BERT → labels_projection → mean over the attention mask), with an LRU cache of
 * embeddings keyed by label text, so repeated calls with the same labels skip the labels encoder.
 *
 * The main graph takes labels in one of the reference's two ways: as tokens (`model.onnx`: labels_input_ids /
 * labels_attention_mask, the labels encoder runs inside it on every call) or as embeddings
 * (`model_labels_embeddings.onnx`: labels_embeddings [C, D], computed here once per label and cached).
 */
import { InferenceError, InvalidInputError, ModelLoadError } from "../errors.js";
import type { WordTokenizer } from "../model/tokenizer.js";
import type { FloatTensor, Session, TensorData } from "../runtime/runtime.js";
import { LruCache } from "./cache.js";

/** Label embeddings as {@link GLiNER.encodeLabels} returns them: storable, and accepted back by predict calls. */
export interface LabelEmbeddings {
  readonly labels: readonly string[];
  /** Embedding size (the GLiNER hidden size). */
  readonly dim: number;
  /** Row-major `[labels.length, dim]`: row i is the embedding of `labels[i]`. */
  readonly data: Float32Array;
}

/** How the main graph takes labels. */
export type LabelsInput = "tokens" | "embeddings";

export interface LabelsEncoderParts {
  readonly tokenizer: WordTokenizer;
  readonly input: LabelsInput;
  /** Opens labels_encoder.onnx on first use; undefined when the model has none. */
  readonly openSession: (() => Promise<Session>) | undefined;
  /** Label embeddings kept (default {@link DEFAULT_LABEL_CACHE_SIZE}); 0 disables the cache. */
  readonly cacheSize?: number | undefined;
}

export const DEFAULT_LABEL_CACHE_SIZE = 10_000;

/** Labels per labels-encoder run: bounds the padded [n, T] batch when thousands of labels are new. */
const ENCODE_CHUNK = 64;

/** The labels tokenizer's limit when tokenizer_config.json declares none (BERT's 512 positions). */
const DEFAULT_LABEL_TOKENS = 512;

export class LabelsEncoder {
  readonly input: LabelsInput;
  readonly cache: LruCache<string, Float32Array>;
  private readonly tokenizer: WordTokenizer;
  private readonly openSession: (() => Promise<Session>) | undefined;
  private session: Promise<Session> | undefined;
  /** Embedding size, known after the labels encoder's first run. */
  private dim: number | undefined;

  constructor(parts: LabelsEncoderParts) {
    this.input = parts.input;
    this.tokenizer = parts.tokenizer;
    this.openSession = parts.openSession;
    this.cache = new LruCache(parts.cacheSize ?? DEFAULT_LABEL_CACHE_SIZE);
  }

  /**
   * `[CLS] pieces [SEP]` of one label, as the reference's `labels_tokenizer(labels, truncation=True)`: the whole label
   * string through the labels tokenizer, cut to its `model_max_length`.
   */
  tokenize(label: string): number[] {
    const max = (this.tokenizer.maxTokens ?? DEFAULT_LABEL_TOKENS) - 2;
    return [this.tokenizer.clsId, ...this.tokenizer.encodeWord(label).slice(0, max), this.tokenizer.sepId];
  }

  /** `input_ids` / `attention_mask` `[C, T]` with right padding to the longest label (`padding="longest"`). */
  tokenTensors(labels: readonly string[]): { ids: TensorData; mask: TensorData } {
    const rows = labels.map((label) => this.tokenize(label));
    const width = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * width).fill(BigInt(this.tokenizer.padId));
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((row, i) => {
      row.forEach((id, t) => {
        ids[i * width + t] = BigInt(id);
        mask[i * width + t] = 1n;
      });
    });
    const dims = [rows.length, width];
    return { ids: { type: "int64", data: ids, dims }, mask: { type: "int64", data: mask, dims } };
  }

  /** The main graph's label feeds for one batch (every text of a batch shares its labels). */
  async feeds(labels: readonly string[], provided?: LabelEmbeddings): Promise<Record<string, TensorData>> {
    if (this.input === "tokens") {
      if (provided !== undefined) {
        throw new InvalidInputError(
          "labelEmbeddings",
          "This model's ONNX file takes labels as tokens (model.onnx), not embeddings; load it with " +
            'onnxFile: "onnx/model_labels_embeddings.onnx" (the default when that file exists) to pass labelEmbeddings.',
        );
      }
      const { ids, mask } = this.tokenTensors(labels);
      return { labels_input_ids: ids, labels_attention_mask: mask };
    }
    const { data, dim } = await this.embed(labels, provided);
    return { labels_embeddings: { type: "float32", data, dims: [labels.length, dim] } };
  }

  /**
   * Embeddings of `labels` in order: rows of `provided` first, then the cache, then the labels encoder for the
   * rest (each distinct new label once, in chunks), which are cached.
   */
  async embed(labels: readonly string[], provided?: LabelEmbeddings): Promise<LabelEmbeddings> {
    const given = provided === undefined ? undefined : providedRows(provided);
    const rows = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const label of labels) {
      if (rows.has(label)) continue;
      const row = given?.get(label) ?? this.cache.get(label);
      if (row === undefined) {
        if (!missing.includes(label)) missing.push(label);
      } else rows.set(label, row);
    }
    if (missing.length > 0) {
      for (const [label, row] of await this.encodeNew(missing)) {
        rows.set(label, row);
        this.cache.set(label, row);
      }
    }
    const dims = new Set([...rows.values()].map((r) => r.length));
    if (dims.size > 1) {
      throw new InvalidInputError(
        "labelEmbeddings",
        `labelEmbeddings have ${provided?.dim} values per label but this model's labels encoder gives ${[...dims].find((d) => d !== provided?.dim)}; they belong to another model.`,
      );
    }
    const dim = dims.values().next().value ?? 0;
    const data = new Float32Array(labels.length * dim);
    labels.forEach((label, i) => data.set(rows.get(label) as Float32Array, i * dim));
    return { labels: [...labels], dim, data };
  }

  /**
   * Label feeds for `count` placeholder labels that leave the cache and its counts alone: the load-time checks (the
   * labels encoder runs; the main graph's logits layout) use them.
   */
  async placeholderFeeds(count: number): Promise<Record<string, TensorData>> {
    if (this.input === "tokens") {
      const { ids, mask } = this.tokenTensors(Array.from({ length: count }, () => "a"));
      return { labels_input_ids: ids, labels_attention_mask: mask };
    }
    const dim = this.dim ?? ((await this.encodeNew(["a"])).get("a") as Float32Array).length;
    return { labels_embeddings: { type: "float32", data: new Float32Array(count * dim), dims: [count, dim] } };
  }

  async release(): Promise<void> {
    if (this.session !== undefined) await (await this.session).release();
  }

  /** Runs the labels encoder over new labels, shortest first so each chunk pads little. */
  private async encodeNew(labels: readonly string[]): Promise<Map<string, Float32Array>> {
    if (this.openSession === undefined) {
      throw new ModelLoadError(
        "This bi-encoder has no onnx/labels_encoder.onnx, so label embeddings cannot be computed; convert the " +
          'checkpoint with "gliner-ts convert" (it writes the labels encoder) or load model.onnx, which takes labels as tokens.',
      );
    }
    const session = await (this.session ??= this.openSession());
    const ordered = [...labels].sort((a, b) => this.tokenize(a).length - this.tokenize(b).length);
    const out = new Map<string, Float32Array>();
    for (let from = 0; from < ordered.length; from += ENCODE_CHUNK) {
      const chunk = ordered.slice(from, from + ENCODE_CHUNK);
      const { ids, mask } = this.tokenTensors(chunk);
      let result: Record<string, FloatTensor>;
      try {
        result = await session.run({ input_ids: ids, attention_mask: mask }, ["labels_embeddings"]);
      } catch (cause) {
        throw new InferenceError(`The labels encoder failed on ${chunk.length} labels: ${String(cause)}`, { cause });
      }
      const tensor = result["labels_embeddings"];
      const dim = tensor?.dims[1];
      if (tensor === undefined || dim === undefined || tensor.dims[0] !== chunk.length) {
        throw new InferenceError(`The labels encoder returned labels_embeddings of shape [${tensor?.dims.join(", ")}] for ${chunk.length} labels.`);
      }
      this.dim = dim;
      chunk.forEach((label, i) => out.set(label, tensor.data.slice(i * dim, (i + 1) * dim)));
    }
    return out;
  }
}

function providedRows(provided: LabelEmbeddings): Map<string, Float32Array> {
  const { labels, dim, data } = provided;
  if (!Number.isInteger(dim) || dim <= 0 || !(data instanceof Float32Array) || data.length !== labels.length * dim) {
    throw new InvalidInputError(
      "labelEmbeddings",
      `labelEmbeddings must hold labels.length × dim float32 values (${labels.length} × ${dim}); got ${(data as { length?: number } | undefined)?.length ?? "none"}. Pass what encodeLabels returned.`,
    );
  }
  return new Map(labels.map((label, i) => [label, data.subarray(i * dim, (i + 1) * dim)]));
}
