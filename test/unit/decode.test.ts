/** Decoders and greedy selection on hand-built logits, with hand-computed expectations. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DecodeItem } from "../../src/decode/candidates.js";
import { sigmoid32 } from "../../src/decode/candidates.js";
import { greedySearch } from "../../src/decode/greedy.js";
import { spanCandidates } from "../../src/decode/span-logits.js";
import { tokenCandidates } from "../../src/decode/token-logits.js";
import { detectTokenLayout } from "../../src/inference/run.js";

const logit = (p: number) => Math.log(p / (1 - p));
const item = (numWords: number, numLabels: number, threshold = 0.5, batchIndex = 0): DecodeItem => ({
  batchIndex,
  numWords,
  numLabels,
  thresholds: new Float32Array(numLabels).fill(threshold),
});

test("span decoding: strict threshold, spans must end inside the text, padded labels ignored", () => {
  // [B=1, W=3, K=2, C=2]; text has 2 words and 1 label (the second label column is batch padding).
  const data = new Float32Array(12).fill(logit(0.1));
  const at = (s: number, k: number, c: number) => (s * 2 + k) * 2 + c;
  data[at(0, 0, 0)] = logit(0.9); // "w0" label 0
  data[at(0, 1, 0)] = logit(0.7); // "w0 w1" label 0
  data[at(1, 1, 0)] = logit(0.95); // "w1 w2": ends beyond the text (2 words) → dropped
  data[at(1, 0, 1)] = logit(0.99); // padded label column → ignored
  data[at(1, 0, 0)] = 0; // exactly 0.5 → not strictly above
  const spans = spanCandidates({ data, dims: [1, 3, 2, 2] }, item(2, 1));
  assert.deepEqual(
    spans.map((s) => [s.start, s.end, s.label]),
    [[0, 0, 0], [0, 1, 0]],
  );
  assert.equal(spans[0]?.score, sigmoid32(logit(0.9)));
});

test("greedy: flat rejects any overlap, nested allows containment, multi-label allows same boundaries", () => {
  const c = (start: number, end: number, label: number, score: number) => ({ start, end, label, score });
  const candidates = [c(0, 2, 0, 0.9), c(1, 1, 1, 0.8), c(2, 3, 0, 0.7), c(0, 2, 1, 0.85), c(4, 4, 0, 0.6)];
  const pick = (flatNer: boolean, multiLabel: boolean) =>
    greedySearch(candidates, { flatNer, multiLabel }).map((s) => `${s.start}-${s.end}:${s.label}`);
  assert.deepEqual(pick(true, false), ["0-2:0", "4-4:0"]);
  assert.deepEqual(pick(false, false), ["0-2:0", "1-1:1", "4-4:0"]); // 2-3 crosses 0-2
  assert.deepEqual(pick(true, true), ["0-2:0", "0-2:1", "4-4:0"]);
  assert.deepEqual(pick(false, true), ["0-2:0", "0-2:1", "1-1:1", "4-4:0"]);
});

test("greedy: ties keep candidate order (stable sort), output sorted by start", () => {
  const spans = greedySearch(
    [
      { start: 3, end: 3, label: 0, score: 0.8 },
      { start: 1, end: 3, label: 0, score: 0.8 },
    ],
    { flatNer: true, multiLabel: false },
  );
  assert.deepEqual(spans.map((s) => s.start), [3]);
});

test("token decoding: start × end of one class, inside must pass, score = min (or mean)", () => {
  // [B=1, W=4, C=1, 3] (start, end, inside)
  const probs = [
    [0.9, 0.1, 0.8], // word 0: start
    [0.2, 0.3, 0.7],
    [0.1, 0.6, 0.6], // word 2: end
    [0.1, 0.9, 0.4], // word 3: end, but inside 0.4 < 0.5 breaks spans that reach it
  ];
  const data = Float32Array.from(probs.flat().map(logit));
  const tensor = { data, dims: [1, 4, 1, 3] };
  const min = tokenCandidates(tensor, "BWC3", item(4, 1), "min");
  assert.deepEqual(min.map((s) => [s.start, s.end]), [[0, 2]]);
  assert.ok(Math.abs((min[0]?.score ?? 0) - 0.6) < 1e-6); // min(0.9, 0.6, 0.8, 0.7, 0.6)
  const mean = tokenCandidates(tensor, "BWC3", item(4, 1), "mean");
  assert.ok(Math.abs((mean[0]?.score ?? 0) - (0.8 + 0.7 + 0.6) / 3) < 1e-6);
});

test("token decoding: [3,B,W,C] layout gives the same spans; padding positions are never decoded", () => {
  const probs = [
    [0.9, 0.1, 0.8],
    [0.2, 0.3, 0.7],
    [0.1, 0.6, 0.6],
    [0.9, 0.9, 0.9], // padding word of a shorter text: would be a span if decoded
  ];
  const bwc3 = Float32Array.from(probs.flat().map(logit));
  const threeBwc = new Float32Array(12);
  probs.forEach((p, w) => p.forEach((v, ch) => (threeBwc[ch * 4 + w] = logit(v))));
  const a = tokenCandidates({ data: bwc3, dims: [1, 4, 1, 3] }, "BWC3", item(3, 1), "min");
  const b = tokenCandidates({ data: threeBwc, dims: [3, 1, 4, 1] }, "3BWC", item(3, 1), "min");
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((s) => [s.start, s.end]), [[0, 2]]);
});

test("token layout detection is by shape and refuses to guess when both fit", () => {
  assert.equal(detectTokenLayout([2, 5, 4, 3], { batchSize: 2, maxWords: 5, numClasses: 4 }), "BWC3");
  assert.equal(detectTokenLayout([3, 2, 5, 4], { batchSize: 2, maxWords: 5, numClasses: 4 }), "3BWC");
  assert.equal(detectTokenLayout([3, 3, 3, 3], { batchSize: 3, maxWords: 3, numClasses: 3 }), undefined);
});
