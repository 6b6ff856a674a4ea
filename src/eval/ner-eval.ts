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
import { type Counts, countMatches, type Scores, scoresFromCounts } from "./metrics.js";
import { loadedModelOf } from "./model-access.js";
import type { GoldSpan, NerDataset } from "./ner-data.js";
import { predictOnWords, type WordSpan } from "./words-input.js";

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
  const loaded = loadedModelOf(model);
  const batchSize = options.batchSize ?? 12;
  const step = batchSize * BATCHES_PER_STEP;
  const total = dataset.sentences.length;
  const predictions: WordSpan[][] = [];
  let truncatedSentences = 0;
  for (let first = 0; first < total; first += step) {
    const chunk = dataset.sentences.slice(first, first + step);
    const results = await predictOnWords(
      loaded,
      chunk.map((s) => s.tokens),
      dataset.labels,
      {
        threshold: options.threshold ?? 0.5,
        batchSize,
        flatNer: options.flatNer ?? true,
        multiLabel: false,
        tokenScore: options.tokenScore ?? "min",
      },
    );
    results.forEach((result, i) => {
      predictions.push(result.spans);
      if (result.modelWords < (chunk[i]?.tokens.length ?? 0)) truncatedSentences++;
    });
    options.onProgress?.(Math.min(first + step, total), total);
  }
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
