import type { WordSplitter } from "./text/words.js";
/** Public data types. Offsets are UTF-16 code units: `text.slice(entity.start, entity.end) === entity.text`. */
import type { LabelEmbeddings } from "./labels/encoder.js";

export interface Entity {
  /** UTF-16 offset of the first character (inclusive). */
  start: number;
  /** UTF-16 offset after the last character (exclusive). */
  end: number;
  /** The covered text, original spacing included. */
  text: string;
  label: string;
  /** Probability in (0, 1), a float32 value as the reference reports it. */
  score: number;
}

/** How texts longer than the model's word budget (`config.maxLength`, read from `max_len`) are handled. */
export type Truncation = "window" | "truncate" | "error";

export interface PredictOptions {
  /** Keep spans whose probability is strictly above this (default 0.5); must be in (0, 1). */
  threshold?: number;
  /** Per-label thresholds overriding `threshold` for those labels. */
  labelThresholds?: Readonly<Record<string, number>>;
  /** No overlapping entities (default true). With false, nested entities are kept, crossing ones are not. */
  flatNer?: boolean;
  /** Allow the same span to carry several labels (default false). */
  multiLabel?: boolean;
  /**
   * Texts longer than the model's word budget: `"window"` (default) splits them into overlapping windows and
   * merges the results, `"truncate"` keeps the first `maxLength` words like the Python reference (reported
   * through `onTruncate`), `"error"` throws a `TextTooLongError`.
   */
  truncation?: Truncation;
  /** Window size in words for `truncation: "window"` (default: the model's budget). */
  window?: number;
  /** Words shared by consecutive windows (default: a quarter of the window). */
  overlap?: number;
  /** Token-level models: span score = min of start, end and inside probabilities (default, current GLiNER) or mean of inside probabilities (GLiNER ≤ 0.2.16). */
  tokenScore?: "min" | "mean";
  /**
   * Passes per model call: a number (default 8, as the reference), or `"auto"`: short passes are packed up to a
   * sub-token budget while long ones run alone (see docs/performance.md). Results do not depend on it.
   */
  batchSize?: number | "auto";
  /** Sub-tokens a label prompt may take before the labels are split into groups (default 512). */
  maxPromptTokens?: number;
  /**
   * How the text is cut into words: `"whitespace"` (the reference's rule), `"intl"` (Intl.Segmenter), `"auto"`
   * (Intl.Segmenter only for runs of Chinese, Japanese, Thai, …), optionally with a locale: `"intl:ja"`.
   * Default: the model's (its config's `words_splitter_type`, or the `wordSplitter` load option).
   */
  wordSplitter?: WordSplitter;
  /**
   * Cancels the call: checked before every model pass, so an aborted call runs no further passes and rejects
   * with the signal's reason.
   */
  signal?: AbortSignal;
  /**
   * `"length"` (default): passes are batched by sub-token length. `"input"`: batches of `batchSize` consecutive
   * texts, as the reference's evaluator feeds them. Results are the same up to float rounding.
   */
  batchOrder?: "length" | "input";
  /** Called once per text that was truncated (`truncation: "truncate"`). Without it a warning is emitted. */
  onTruncate?: (info: TruncationInfo) => void;
  /**
   * Bi-encoders: embeddings from {@link GLiNERBase.encodeLabels} (possibly stored and reloaded) used for those
   * labels instead of running the labels encoder; labels they do not cover are encoded (and cached) as usual.
   */
  labelEmbeddings?: LabelEmbeddings;
}

export interface TruncationInfo {
  /** Index of the text in the call. */
  readonly index: number;
  readonly words: number;
  readonly keptWords: number;
}

/** Detailed result of one text. */
export interface TextPrediction {
  readonly entities: Entity[];
  /** Words of the text (the reference's splitter). */
  readonly words: number;
  /** Words that reached the model (fewer than `words` when truncated). */
  readonly modelWords: number;
  readonly truncated: boolean;
  /** Model passes used (1 unless the text was windowed or labels were split into groups). */
  readonly passes: number;
}
