/**
 * ③ Passes → batches. Passes are sorted by sub-token length before they are cut into batches, so a batch
 * holds passes of similar length and little of it is padding; callers restore the input order afterwards.
 * Attention ignores padding, so a pass's logits are those it gets alone up to float rounding (~1e-7, from the
 * order of sums in padded kernels): the same spans and labels as batches in input order.
 *
 * `batchSize: "auto"` sizes each batch by sub-tokens instead of passes: short passes go many to a batch (the
 * fixed cost of a session run is shared), long ones few (a CPU is already busy with one long sequence and
 * bigger batches only cost memory). The constants come from bench/throughput.ts (docs/performance.md).
 */

export type BatchSize = number | "auto";

/** Padded sub-tokens per batch aimed at by `batchSize: "auto"`. */
export const AUTO_BATCH_TOKENS = 4096;
/** Most passes in one batch with `batchSize: "auto"`. */
export const AUTO_BATCH_MAX_ROWS = 32;

/** Indices into `lengths`, grouped into batches, shortest passes first. */
export function planBatches(lengths: readonly number[], batchSize: BatchSize): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const index of order) {
    // Ascending order: the pass being added is the longest, so it sets the padded length of the batch.
    const rows = current.length + 1;
    const full =
      batchSize === "auto"
        ? rows > AUTO_BATCH_MAX_ROWS || rows * (lengths[index] as number) > AUTO_BATCH_TOKENS
        : rows > batchSize;
    if (full && current.length > 0) {
      batches.push(current);
      current = [];
    }
    current.push(index);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
