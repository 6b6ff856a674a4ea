/** Length-bucketed batches, hand-computed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AUTO_BATCH_MAX_PADDING, AUTO_BATCH_MAX_ROWS, AUTO_BATCH_TOKENS, inputOrderBatches, planBatches } from "../../src/long/batches.js";

test("fixed size: passes sorted by length, then cut; ties keep input order", () => {
  assert.deepEqual(planBatches([50, 10, 30, 20, 40], 2), [[1, 3], [2, 4], [0]]);
  assert.deepEqual(planBatches([7, 7, 7], 2), [[0, 1], [2]]);
  assert.deepEqual(planBatches([], 8), []);
});

test("every pass is in exactly one batch", () => {
  const lengths = Array.from({ length: 100 }, (_, i) => (i * 37) % 101);
  for (const size of [1, 3, 8, "auto"] as const) {
    const batches = planBatches(lengths, size);
    assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  }
});

test("auto: rows × longest pass stay within the token target, up to the row cap", () => {
  const short = Array.from({ length: 100 }, () => 20);
  const rows = Math.min(AUTO_BATCH_MAX_ROWS, Math.floor(AUTO_BATCH_TOKENS / 20));
  assert.equal(planBatches(short, "auto")[0]?.length, rows);
  const long = [AUTO_BATCH_TOKENS / 2, AUTO_BATCH_TOKENS / 2, AUTO_BATCH_TOKENS / 2];
  assert.deepEqual(planBatches(long, "auto"), [[0, 1], [2]]);
  // A pass longer than the target still runs, alone.
  assert.deepEqual(planBatches([AUTO_BATCH_TOKENS * 2, 10], "auto"), [[1], [0]]);
  const mixed = [...short, 300, 900, 2000, 64, 512, 21, 22, 25, 30, 33];
  for (const batch of planBatches(mixed, "auto")) {
    const lengths = batch.map((i) => mixed[i] as number);
    const padded = batch.length * Math.max(...lengths);
    const real = lengths.reduce((a, b) => a + b, 0);
    assert.ok(batch.length === 1 || (padded <= AUTO_BATCH_TOKENS && padded <= real * (1 + AUTO_BATCH_MAX_PADDING)), `batch ${lengths.join(",")}`);
  }
});

test("auto: a batch closes before its padding passes the bound", () => {
  // 10, 10, 10 then 20: 4 × 20 = 80 padded for 50 real tokens, over 15%: 20 starts a new batch.
  assert.deepEqual(planBatches([10, 10, 10, 20, 20], "auto"), [[0, 1, 2], [3, 4]]);
  // 100, 105, 110: 3 × 110 = 330 for 315 real, within 15%.
  assert.deepEqual(planBatches([110, 100, 105], "auto"), [[1, 2, 0]]);
});

test("long passes are batched at most 4 × 512² attention cells, whatever batchSize says", () => {
  const long = Array.from({ length: 8 }, () => 512);
  assert.deepEqual(planBatches(long, 8).map((b) => b.length), [4, 4]);
  assert.deepEqual(planBatches(long, "auto").map((b) => b.length), [1, 1, 1, 1, 1, 1, 1, 1]);
  const short = Array.from({ length: 8 }, () => 300);
  assert.deepEqual(planBatches(short, 8).map((b) => b.length), [8]);
});

test("batchOrder input: batches of consecutive requests, split in order at 4 × 512² attention cells", () => {
  // One pass per request, batchSize 8. Rows × longest²: 4 × 512² = 1,048,576 is the cap itself (kept); a fifth
  // 512 would make 5 × 512² = 1,310,720, so pass 4 opens a new batch, which the 300s and 100s fit (4 × 512²).
  const lengths = [100, 512, 512, 512, 512, 300, 100, 100];
  const oneEach = lengths.map((_, i) => i);
  assert.deepEqual(inputOrderBatches(oneEach, lengths, 8), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  // A long pass late in the batch raises its padded length: 6 × 300² = 540,000 fits, 7 × 600² = 2,520,000 does not.
  assert.deepEqual(inputOrderBatches([0, 1, 2, 3, 4, 5, 6], [300, 300, 300, 300, 300, 300, 600], 8), [[0, 1, 2, 3, 4, 5], [6]]);
  // Short passes: only batchSize groups them (requests 0-1, then 2-3; request 1 has two windows).
  assert.deepEqual(inputOrderBatches([0, 1, 1, 2, 3], [50, 60, 60, 70, 80], 2), [[0, 1, 2], [3, 4]]);
});
