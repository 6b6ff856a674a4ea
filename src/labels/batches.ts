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
