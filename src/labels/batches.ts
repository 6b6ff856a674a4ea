/**
 * ③ for bi-encoders: every text of a batch shares one label matrix ([C, T] tokens or [C, D] embeddings), so passes
 * are batched only with passes of the same label list, then by length as usual. With one label list for all texts
 * (the usual call) this is plain length bucketing. Per-text label lists each get their own batches: each text is
 * scored against its own labels (the reference encodes only the first text's labels and reads every other text's
 * scores under its own names; see docs/bi-encoders.md).
 */
import { type BatchSize, planBatches } from "../long/batches.js";

/** Indices of passes grouped into batches whose passes have the same labels. */
export function sameLabelBatches(passLabels: readonly (readonly string[])[], lengths: readonly number[], batchSize: BatchSize): number[][] {
  const partitions = new Map<string, number[]>();
  passLabels.forEach((labels, index) => {
    const key = labels.join("\u0000");
    const members = partitions.get(key);
    if (members === undefined) partitions.set(key, [index]);
    else members.push(index);
  });
  return [...partitions.values()].flatMap((members) =>
    planBatches(members.map((i) => lengths[i] as number), batchSize).map((batch) => batch.map((j) => members[j] as number)),
  );
}

/** Logit values one bi-encoder pass may produce before its labels are split (64 MB of float32). */
export const BI_LOGITS_PER_PASS = 16_000_000;

/**
 * Label chunks for a bi-encoder pass, in order: all labels in one chunk unless `words × perWord × labels` logits
 * would exceed `budget` (10,000 labels over 512 words of a span model: 61M). Unlike a uni-encoder's label groups this
 * changes no score: a label's logits do not depend on the other labels, so the chunks' candidates pooled across
 * groups give what one pass would.
 */
export function biLabelChunks(numLabels: number, words: number, perWord: number, budget = BI_LOGITS_PER_PASS): number[][] {
  const size = Math.max(1, Math.floor(budget / Math.max(1, words * perWord)));
  const chunks: number[][] = [];
  for (let from = 0; from < numLabels; from += size) chunks.push(Array.from({ length: Math.min(size, numLabels - from) }, (_, i) => from + i));
  return chunks;
}
