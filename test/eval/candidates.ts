/**
 * Test-only: every candidate span the decoders find on pre-split sentences, before greedy selection, batched in
 * file order as the reference's evaluator batches them. The parity test replays the reference's padding bug on
 * these; the library's evaluation path is `model.run("ner", [{ text, words, labels }])`.
 */
import type { Candidate } from "../../src/decode/candidates.js";
import { spanCandidates } from "../../src/decode/span-logits.js";
import { tokenCandidates } from "../../src/decode/token-logits.js";
import { runModel } from "../../src/inference/run.js";
import type { GLiNER } from "../../src/node.js";
import { encodePrompt } from "../../src/prompt/encode.js";
import { buildFeeds } from "../../src/tensors/batch.js";
import { labelThresholds } from "../../src/validate.js";
import { modelInternals } from "../helpers/internals.js";

export async function candidatesOnWords(
  model: GLiNER,
  sentences: readonly (readonly string[])[],
  labels: readonly string[],
  options: { threshold: number; batchSize: number },
): Promise<{ labels: readonly string[]; texts: { candidates: Candidate[] }[] }> {
  const loaded = modelInternals(model);
  const unique = [...new Set(labels)];
  const thresholds = labelThresholds(unique, { threshold: options.threshold });
  const spanWidth = loaded.config.mode === "span" ? loaded.config.maxWidth : undefined;
  const texts = sentences.map(() => ({ candidates: [] as Candidate[] }));
  for (let first = 0; first < sentences.length; first += options.batchSize) {
    const members = sentences
      .slice(first, first + options.batchSize)
      .map((words, k) => ({ index: first + k, words: words.slice(0, loaded.config.maxLength) }))
      .filter((m) => m.words.length > 0)
      .map((m) => ({ index: m.index, encoded: encodePrompt(unique, m.words, loaded.config, loaded.tokenizer) }));
    if (members.length === 0) continue;
    const { feeds, shape } = buildFeeds(
      members.map((m) => m.encoded),
      { padId: loaded.tokenizer.padId, ...(spanWidth === undefined ? {} : { spanWidth }) },
    );
    const logits = await runModel(loaded, feeds, shape);
    members.forEach(({ index, encoded }, batchIndex) => {
      const item = { batchIndex, numWords: encoded.textLength, numLabels: unique.length, thresholds };
      (texts[index] as { candidates: Candidate[] }).candidates =
        logits.layout === "span" ? spanCandidates(logits.tensor, item) : tokenCandidates(logits.tensor, logits.layout, item, "min");
    });
  }
  return { labels: unique, texts };
}
