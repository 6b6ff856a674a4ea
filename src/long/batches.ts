/**
 * ③ Passes → batches. Passes are sorted by sub-token length before they are cut into batches, so a batch
 * holds passes of similar length and little of it is padding; callers restore the input order afterwards.
 * Attention ignores padding, so a pass's logits are those it gets alone up to float rounding (~1e-7, from the
 * order of sums in padded kernels): the same spans and labels as batches in input order.
 *
 * `batchSize: "auto"` sizes each batch by sub-tokens instead of passes: short passes go many to a batch (the
 * fixed cost of a session run, ~1,000 graph nodes, is shared: −28% per row at 38 sub-tokens × 4), long ones
 * alone (at 422 sub-tokens a batch of 4 costs +9% per row: attention tensors outgrow the caches), and a batch
 * is closed before its padding exceeds a bound. The constants come from measurements (docs/performance.md).
 */

export type BatchSize = number | "auto";

/** Padded sub-tokens per batch aimed at by `batchSize: "auto"`. */
export const AUTO_BATCH_TOKENS = 512;
/** Most passes in one batch with `batchSize: "auto"`. */
export const AUTO_BATCH_MAX_ROWS = 16;
/** Padding allowed in an automatic batch, as a share of its real sub-tokens. */
export const AUTO_BATCH_MAX_PADDING = 0.15;

/**
 * Most attention cells (rows × padded length²) in one batch, whatever `batchSize` says: attention tensors grow
 * with the square of the length, so 8 windows of 512 sub-tokens would need 2M cells per head and layer; long
 * passes go at most 4 to a batch (4 × 512² = 1M), short ones are unaffected (8 × 362² ≈ 1M).
 */
export const MAX_BATCH_ATTENTION_CELLS = 4 * 512 * 512;

/** Indices into `lengths`, grouped into batches, shortest passes first. */
export function planBatches(lengths: readonly number[], batchSize: BatchSize): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let real = 0;
  for (const index of order) {
    // Ascending order: the pass being added is the longest, so it sets the padded length of the batch.
    const length = lengths[index] as number;
    const rows = current.length + 1;
    const padded = rows * length;
    const full =
      (batchSize === "auto"
        ? rows > AUTO_BATCH_MAX_ROWS || padded > AUTO_BATCH_TOKENS || padded > (real + length) * (1 + AUTO_BATCH_MAX_PADDING)
        : rows > batchSize) || padded * length > MAX_BATCH_ATTENTION_CELLS;
    if (full && current.length > 0) {
      batches.push(current);
      current = [];
      real = 0;
    }
    current.push(index);
    real += length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Indices of passes grouped by `batchSize` consecutive requests (`requestOf[i]`: the request of pass i), in input
 * order. A group is split, in order, where the next pass would take the batch past
 * {@link MAX_BATCH_ATTENTION_CELLS} (rows × longest sub-token length², `lengths[i]` being pass i's), as the
 * length-sorted plan is.
 */
export function inputOrderBatches(requestOf: readonly number[], lengths: readonly number[], batchSize: number): number[][] {
  const groups = new Map<number, number[]>();
  requestOf.forEach((request, pass) => {
    const key = Math.floor(request / batchSize);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [pass]);
    else group.push(pass);
  });
  return [...groups.values()].flatMap((group) => splitByAttentionCells(group, lengths));
}

/** Cuts a list of passes, in order, into batches within {@link MAX_BATCH_ATTENTION_CELLS}. */
function splitByAttentionCells(passes: readonly number[], lengths: readonly number[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const pass of passes) {
    const length = lengths[pass] as number;
    const padded = Math.max(longest, length);
    if (current.length > 0 && (current.length + 1) * padded * padded > MAX_BATCH_ATTENTION_CELLS) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(pass);
    longest = Math.max(longest, length);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
