/**
 * NER on texts that are already split into words, as GLiNER's evaluator feeds its data (`sentence.split()`,
 * not the regex splitter): words → prompt + tokens → tensors → ONNX → decode → greedy selection, built from
 * the core's stage functions so that the scores are the ones `predictEntities` would give for those words.
 *
 * Like the reference evaluator, a text longer than the model's `max_len` is cut to its first `max_len`
 * words (reported through `modelWords`), and texts are batched in order, `batchSize` at a time.
 */
import type { Candidate } from "../decode/candidates.js";
import { greedySearch } from "../decode/greedy.js";
import { spanCandidates } from "../decode/span-logits.js";
import { tokenCandidates, type TokenScore } from "../decode/token-logits.js";
import { InvalidInputError } from "../errors.js";
import { runModel } from "../inference/run.js";
import type { LoadedModel } from "../model/load.js";
import { encodePrompt, type EncodedPrompt } from "../prompt/encode.js";
import { buildFeeds } from "../tensors/batch.js";
import { checkLabels, checkPositiveInteger, labelThresholds } from "../validate.js";

/** A predicted span over word indices, `end` inclusive. */
export interface WordSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** float32 probability, as the reference reports it. */
  readonly score: number;
}

export interface WordsPrediction {
  readonly spans: WordSpan[];
  /** Words the model read: the text's words, or `max_len` when the text was longer. */
  readonly modelWords: number;
}

export interface WordsOptions {
  /** Keep spans with probability strictly above this (default 0.5). */
  readonly threshold?: number;
  readonly flatNer?: boolean;
  readonly multiLabel?: boolean;
  /** Texts per model call (default 12, the reference evaluator's). */
  readonly batchSize?: number;
  readonly tokenScore?: TokenScore;
}

export interface WordsCandidates {
  /** The label list as prompted (de-duplicated); candidate `label` fields index it. */
  readonly labels: readonly string[];
  /** Per text: every span above the threshold, before greedy selection. */
  readonly texts: readonly { readonly candidates: Candidate[]; readonly modelWords: number }[];
}

/**
 * Runs the model over pre-split texts with one label list for all; `result[i]` belongs to `texts[i]`.
 * Batches are the consecutive groups of `batchSize` texts; empty texts are answered without a model call
 * and leave the other texts' batches unchanged.
 */
export async function predictOnWords(
  model: LoadedModel,
  texts: readonly (readonly string[])[],
  labels: readonly string[],
  options: WordsOptions = {},
): Promise<WordsPrediction[]> {
  const selection = { flatNer: options.flatNer ?? true, multiLabel: options.multiLabel ?? false };
  const found = await candidatesOnWords(model, texts, labels, options);
  return found.texts.map(({ candidates, modelWords }) => ({
    spans: greedySearch(candidates, selection).map((c) => ({
      start: c.start,
      end: c.end,
      label: found.labels[c.label] as string,
      score: c.score,
    })),
    modelWords,
  }));
}

/** Like {@link predictOnWords}, stopping before greedy selection: what the decoders found, in decoder order. */
export async function candidatesOnWords(
  model: LoadedModel,
  texts: readonly (readonly string[])[],
  labels: readonly string[],
  options: WordsOptions = {},
): Promise<WordsCandidates> {
  const checkedLabels = checkLabels(labels);
  const thresholds = labelThresholds(checkedLabels, { threshold: options.threshold ?? 0.5 });
  const batchSize = checkPositiveInteger(options.batchSize ?? 12, "batchSize");
  const maxLen = model.config.maxLen;
  texts.forEach(checkWords);

  const results = texts.map((words) => ({ candidates: [] as Candidate[], modelWords: Math.min(words.length, maxLen) }));
  const spanWidth = model.config.mode === "span" ? model.config.maxWidth : undefined;
  for (let first = 0; first < texts.length; first += batchSize) {
    const members: { index: number; encoded: EncodedPrompt }[] = [];
    for (let index = first; index < Math.min(first + batchSize, texts.length); index++) {
      const words = (texts[index] as readonly string[]).slice(0, maxLen);
      if (words.length === 0) continue;
      members.push({ index, encoded: encodePrompt(checkedLabels, words, model.config, model.tokenizer) });
    }
    if (members.length === 0) continue;
    const { feeds, shape } = buildFeeds(
      members.map((m) => m.encoded),
      { padId: model.tokenizer.padId, ...(spanWidth === undefined ? {} : { spanWidth }) },
    );
    if (model.labels !== undefined) Object.assign(feeds, await model.labels.feeds(checkedLabels));
    const logits = await runModel(model, feeds, shape);
    members.forEach(({ index, encoded }, batchIndex) => {
      const item = { batchIndex, numWords: encoded.textLength, numLabels: checkedLabels.length, thresholds };
      results[index] = {
        candidates:
          logits.layout === "span"
            ? spanCandidates(logits.tensor, item)
            : tokenCandidates(logits.tensor, logits.layout, item, options.tokenScore ?? "min"),
        modelWords: encoded.textLength,
      };
    });
  }
  return { labels: checkedLabels, texts: results };
}

/**
 * A word the reference's `split()` could never produce (empty or all whitespace) would give no sub-token and
 * silently shift every later word's position, so it is refused.
 */
function checkWords(words: readonly string[], index: number): void {
  if (!Array.isArray(words)) throw new InvalidInputError("texts", `texts[${index}] must be an array of words.`);
  words.forEach((word, w) => {
    if (typeof word !== "string" || word.trim() === "") {
      throw new InvalidInputError(
        "texts",
        `texts[${index}][${w}] must be a non-empty word; got ${JSON.stringify(word)}. Words are whitespace-free tokens, as sentence.split() gives them.`,
      );
    }
  });
}
