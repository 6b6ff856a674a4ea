/**
 * Public input, option and result types of the registered tasks (their schemas are in each task's spec).
 * Offsets are UTF-16 offsets into the caller's text.
 */
import type { Entity, PredictOptions } from "../types.js";
import type { RunOptions } from "./spec.js";

/** Core options every task passes through unchanged (long-text policy, batching, token-model scoring). */
export type TaskRunOptions = RunOptions;

// ── NER ──────────────────────────────────────────────────────────────────────────────────────────────

export interface NerInput {
  readonly text: string;
  readonly labels: readonly string[];
  /** The text's words, already split (e.g. a dataset's tokens); `text` must then be `words.join(" ")`. */
  readonly words?: readonly string[];
}

export type NerOptions = TaskRunOptions & Pick<PredictOptions, "threshold" | "labelThresholds" | "flatNer" | "multiLabel">;

// ── relations ────────────────────────────────────────────────────────────────────────────────────────

export interface RelationSpec {
  /** The relation's name as the model reads it, e.g. "founder". */
  relation: string;
  /**
   * Allowed `[sourceType, targetType]` entity-label pairs. Without it any extracted entity may be a source
   * and any may be a target.
   */
  pairsFilter?: readonly (readonly [string, string])[];
  /** Largest character gap between the two mentions (end of the first to start of the second); off when absent. */
  distanceThreshold?: number;
}

export interface RelationOptions extends TaskRunOptions {
  /** Relations to extract: a name, or a spec with pair filter and distance. */
  relations: readonly (string | RelationSpec)[];
  /** Entity types of the NER step (default ["named entity"], the reference's). */
  entityLabels?: readonly string[];
  /** Pre-extracted entities of the text (offsets into it); the NER step is skipped. */
  entities?: readonly Entity[];
  /** NER threshold (default 0.5). */
  entityThreshold?: number;
  /** NER thresholds of single entity labels, overriding `entityThreshold` for them. */
  labelThresholds?: PredictOptions["labelThresholds"];
  /** Threshold of the relation step's target spans (default 0.5). */
  relationThreshold?: number;
  /** Prompt before the text in the relation step (default {@link RELATION_PROMPT}). */
  prompt?: string;
  /** Keep overlapping target spans in the relation step (default false: flat, as the reference). */
  flatNer?: boolean;
  /** Let one target span carry several relation labels (default false, as the reference). */
  multiLabel?: boolean;
}

export interface Relation {
  /** The source mention, as the NER step found it. */
  source: Entity;
  relation: string;
  /** The target mention (an extracted entity that contains the predicted target span). */
  target: Entity;
  /** Probability of the predicted target span for the label `"<source> <> <relation>"`. */
  score: number;
}

// ── question answering ───────────────────────────────────────────────────────────────────────────────

export interface AnswerOptions extends TaskRunOptions {
  /** Default 0.5, the reference's. */
  threshold?: number;
  /** Keep at most this many answers (best first). */
  topK?: number;
  /** Prompt template with a `{question}` placeholder (default {@link QA_PROMPT}). */
  prompt?: string;
}

export interface Answer {
  text: string;
  start: number;
  end: number;
  score: number;
}

// ── summarization ────────────────────────────────────────────────────────────────────────────────────

export interface SummarizeOptions extends TaskRunOptions {
  /** Default 0.25, the reference helper's (the seed card uses 0.5). */
  threshold?: number;
  /** Default {@link SUMMARY_PROMPT}, the reference helper's (the card's is {@link SEED_CARD_SUMMARY_PROMPT}). */
  prompt?: string;
}

export interface Summary {
  /** The span texts in text order, joined by single spaces (the reference's output). */
  summary: string;
  /** The extracted spans, in text order. */
  spans: Entity[];
}

// ── classification ───────────────────────────────────────────────────────────────────────────────────

export interface ClassifyOptions extends TaskRunOptions {
  /** Return every class found with its probability, instead of the best one with a softmax score. */
  multiLabel?: boolean;
  /** Default 0.5, the reference's. */
  threshold?: number;
  /** Prompt template with one `{classes}` placeholder (default {@link CLASSIFY_PROMPT}). */
  prompt?: string;
}

export interface Classification {
  /** A class name, or "other" when no class was found (the reference's answer). */
  label: string;
  score: number;
}

// ── open extraction ──────────────────────────────────────────────────────────────────────────────────

export interface ExtractOptions extends TaskRunOptions {
  /** Default ["match"], the reference's. */
  labels?: readonly string[];
  /** Default 0.5. */
  threshold?: number;
  labelThresholds?: PredictOptions["labelThresholds"];
  flatNer?: boolean;
  multiLabel?: boolean;
}

// ── sentiment ────────────────────────────────────────────────────────────────────────────────────────

export type Polarity = "positive" | "negative" | "neutral";

export interface SentimentOptions extends TaskRunOptions {
  /** Default 0.5. */
  threshold?: number;
  /** Default {@link SENTIMENT_PROMPT}. */
  prompt?: string;
  /** Polarities to look for (default all three). */
  polarities?: readonly Polarity[];
  /** The model label of each polarity (default {@link SENTIMENT_LABELS}). */
  labels?: Partial<Readonly<Record<Polarity, string>>>;
}

export interface SentimentSpan {
  text: string;
  start: number;
  end: number;
  polarity: Polarity;
  score: number;
}

// ── key phrases ──────────────────────────────────────────────────────────────────────────────────────

export interface KeyphraseOptions extends TaskRunOptions {
  /** Default 0.5. */
  threshold?: number;
  /** Keep at most this many phrases (best first). */
  topK?: number;
  /** Default {@link KEYPHRASE_PROMPT}. */
  prompt?: string;
  /** Default ["key phrase"]. */
  labels?: readonly string[];
}

export interface Keyphrase {
  /** The phrase as first found in the text. */
  phrase: string;
  /** The best score of its mentions. */
  score: number;
  /** Every mention (phrases are grouped case-insensitively), in text order. */
  mentions: Entity[];
}
