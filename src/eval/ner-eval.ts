/**
 * Zero-shot NER evaluation as GLiNER's `evaluate` + `Evaluator` do it: every sentence is prompted with the
 * dataset's full label list, flat NER, threshold 0.5, batches of 12 in file order; the score is micro P/R/F1
 * over distinct (sentence, start, end, label) items.
 *
 * One deliberate difference, on token-level models only: in a padded batch the reference also decodes the
 * padding positions after a short sentence, and spans found there count as false positives. gliner-ts never
 * decodes padding, so on token models its precision can be slightly higher than the reference's
 * (docs/evaluation.md, test/eval/parity.test.ts).
 */
import type { GLiNER } from "../gliner.js";
import type { Entity } from "../types.js";
import { type Counts, countMatches, type Scores, scoresFromCounts } from "./metrics.js";
import type { GoldSpan, NerDataset } from "./ner-data.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

/** A predicted span over word indices, `end` inclusive. */
export interface WordSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** float32 probability, as the reference reports it. */
  readonly score: number;
}

export interface NerEvalOptions {
  /** Default 0.5, the reference's. */
  readonly threshold?: number;
  /** Sentences per model call (default 12, the reference's). */
  readonly batchSize?: number;
  /** Flat NER (default true; the reference uses nested NER only for ACE, GENIA and "Corpus" datasets). */
  readonly flatNer?: boolean;
  /** Token-level models: span score rule, "min" (current GLiNER, default) or "mean" (GLiNER <= 0.2.16). */
  readonly tokenScore?: "min" | "mean";
  /** Called after every batch with the sentences done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface NerDatasetResult extends Scores, Counts {
  readonly name: string;
  readonly sentences: number;
  /** Sentences longer than the model's `max_len`: only their first `max_len` words were read. */
  readonly truncatedSentences: number;
  /** Predicted spans per sentence (word indices, `end` inclusive). */
  readonly predictions: WordSpan[][];
}

/** Sentences per progress report: whole batches, so batch composition is the reference's. */
const BATCHES_PER_STEP = 4;

export async function evaluateNerDataset(
  model: GLiNER,
  dataset: NerDataset,
  options: NerEvalOptions = {},
): Promise<NerDatasetResult> {
  const batchSize = options.batchSize ?? 12;
  const step = batchSize * BATCHES_PER_STEP;
  const total = dataset.sentences.length;
  const predictions: WordSpan[][] = [];
  // The dataset's own words, batched in file order; a sentence past max_len is cut to its first max_len words.
  const settings = {
    threshold: options.threshold ?? DEFAULT_THRESHOLD,
    batchSize,
    batchOrder: "input",
    truncation: "truncate",
    flatNer: options.flatNer ?? true,
    multiLabel: false,
    tokenScore: options.tokenScore ?? "min",
    onTruncate: () => {},
  } as const;
  for (let first = 0; first < total; first += step) {
    const chunk = dataset.sentences.slice(first, first + step);
    const inputs = chunk.map((s) => ({ text: s.tokens.join(" "), words: s.tokens, labels: dataset.labels }));
    const results = await model.run("ner", inputs, settings);
    results.forEach((entities, i) => predictions.push(wordSpans(entities, (chunk[i] as { tokens: readonly string[] }).tokens)));
    options.onProgress?.(Math.min(first + step, total), total);
  }
  const truncatedSentences = dataset.sentences.filter((s) => s.tokens.length > model.config.maxLength).length;
  const counts = scoreNer(
    dataset.sentences.map((s) => s.entities),
    predictions,
  );
  return { name: dataset.name, sentences: total, truncatedSentences, predictions, ...counts };
}

/** Micro P/R/F1 over distinct (sentence, start, end, label) items; `gold[i]` and `predicted[i]` are sentence i's. */
export function scoreNer(
  gold: readonly (readonly GoldSpan[])[],
  predicted: readonly (readonly GoldSpan[])[],
): Counts & Scores {
  if (gold.length !== predicted.length) {
    throw new RangeError(`scoreNer: ${gold.length} gold sentences but ${predicted.length} predicted ones`);
  }
  const keys = (spans: readonly (readonly GoldSpan[])[]) =>
    spans.flatMap((sentence, i) => sentence.map((span) => nerKey(i, span)));
  const counts = countMatches(keys(gold), keys(predicted));
  return { ...counts, ...scoresFromCounts(counts) };
}

/** The reference's item identity: label, (start, end), sentence index; labels compare exactly (already lowercased). */
export function nerKey(sentence: number, span: GoldSpan): string {
  return JSON.stringify([sentence, span.start, span.end, span.label]);
}

/** Entities over `words.join(" ")` → word-index spans. */
function wordSpans(entities: readonly Entity[], words: readonly string[]): WordSpan[] {
  const startOf = new Map<number, number>();
  const endOf = new Map<number, number>();
  let at = 0;
  words.forEach((word, i) => {
    startOf.set(at, i);
    endOf.set(at + word.length, i);
    at += word.length + 1;
  });
  return entities.map((e) => ({ start: startOf.get(e.start) as number, end: endOf.get(e.end) as number, label: e.label, score: e.score }));
}
