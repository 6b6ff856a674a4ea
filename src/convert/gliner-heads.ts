/**
 * GLiNER's uni-encoder heads in ONNX ops:
 * - prompt extraction: label vectors at the `<<ENT>>` positions (input_ids == class_token_index), k-th
 *   occurrence per row → row k of a zero-padded [B, C, D] (C = max count);
 * - word extraction: token vector t goes to word words_mask[b, t] − 1 of a zero [B, W, D] (W = max text length);
 *   both per-batch scatters are NonZero → GatherND → ScatterND;
 * - span head `markerV0` (start/end projections gathered per span, ReLU(concat), out projection) and the
 *   prompt projection, scored by a batched MatMul (= einsum BLKD,BCD→BLKC);
 * - token head `Scorer` (start, end, inside).
 */
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { linear, projection } from "./layers.js";
import type { Weights } from "./deberta.js";

const sc = "gliner";

/** Zero tensor [B, n, D] where n is an int64 [1] tensor. */
function zeros(g: GraphBuilder, batch: string, n: string, dim: number): string {
  const shape = g.op1("Concat", [batch, n, g.i64([dim])], { axis: { i: 0 } }, sc);
  return g.op1("ConstantOfShape", [shape], {}, sc); // float32 0 by default
}

function column(g: GraphBuilder, pairs: string, index: number): string {
  return g.op1("Slice", [pairs, g.i64([index]), g.i64([index + 1]), g.i64([1])], {}, sc); // [N, 1]
}

export function extractPrompts(g: GraphBuilder, tokens: string, inputIds: string, classTokenIndex: number, embedEntToken: boolean, dim: number): string {
  const isClass = g.op1("Equal", [inputIds, g.i64(classTokenIndex)], {}, sc);
  const asInt = g.op1("Cast", [isClass], { to: { i: DataType.INT64 } }, sc);
  const counts = g.op1("ReduceSum", [asInt, g.i64([1])], { keepdims: { i: 1 } }, sc); // [B, 1]
  const maxCount = g.op1("Reshape", [g.op1("ReduceMax", [counts], { keepdims: { i: 1 } }, sc), g.i64([1])], {}, sc);
  const pairs = g.op1("Transpose", [g.op1("NonZero", [isClass], {}, sc)], { perm: { ints: [1, 0] } }, sc); // [N, 2] (b, t)
  const rank = g.op1("Sub", [g.op1("GatherND", [g.op1("CumSum", [asInt, g.i64(1)], {}, sc), pairs], {}, sc), g.i64(1)], {}, sc); // [N]
  const source = embedEntToken ? pairs : g.op1("Add", [pairs, g.i64([0, 1])], {}, sc);
  const values = g.op1("GatherND", [tokens, source], {}, sc); // [N, D]
  const target = g.op1("Concat", [column(g, pairs, 0), g.op1("Unsqueeze", [rank, g.i64([1])], {}, sc)], { axis: { i: 1 } }, sc);
  const batch = g.op1("Slice", [g.op1("Shape", [inputIds], {}, sc), g.i64([0]), g.i64([1])], {}, sc);
  return g.op1("ScatterND", [zeros(g, batch, maxCount, dim), target, values], {}, sc);
}

export function extractWords(g: GraphBuilder, tokens: string, wordsMask: string, textLengths: string, dim: number): string {
  const pairs = g.op1("Transpose", [g.op1("NonZero", [g.op1("Greater", [wordsMask, g.i64(0)], {}, sc)], {}, sc)], { perm: { ints: [1, 0] } }, sc);
  const wordIndex = g.op1("Sub", [g.op1("GatherND", [wordsMask, pairs], {}, sc), g.i64(1)], {}, sc); // [N]
  const values = g.op1("GatherND", [tokens, pairs], {}, sc);
  const target = g.op1("Concat", [column(g, pairs, 0), g.op1("Unsqueeze", [wordIndex, g.i64([1])], {}, sc)], { axis: { i: 1 } }, sc);
  const maxLen = g.op1("Reshape", [g.op1("ReduceMax", [textLengths], { keepdims: { i: 1 } }, sc), g.i64([1])], {}, sc);
  const batch = g.op1("Slice", [g.op1("Shape", [wordsMask], {}, sc), g.i64([0]), g.i64([1])], {}, sc);
  return g.op1("ScatterND", [zeros(g, batch, maxLen, dim), target, values], {}, sc);
}

/** Marker span representations (SpanMarkerV0 / TokenMarker) of spans idx [B, N, 2] over words [B, W, D] → [B, N, D]. */
export function markerSpanRep(g: GraphBuilder, w: Weights, words: string, idx: string): string {
  const get = (n: string) => w.get(n);
  const p = "span_rep_layer.span_rep_layer";
  const start = projection(g, words, get, `${p}.project_start`, "span");
  const end = projection(g, words, get, `${p}.project_end`, "span");
  const pick = (rep: string, which: number): string =>
    g.op1("GatherND", [rep, g.op1("Slice", [idx, g.i64([which]), g.i64([which + 1]), g.i64([2])], {}, sc)], { batch_dims: { i: 1 } }, sc);
  const cat = g.op1("Relu", [g.op1("Concat", [pick(start, 0), pick(end, 1)], { axis: { i: -1 } }, sc)], {}, sc);
  return projection(g, cat, get, `${p}.out_project`, "span");
}

/** The prompt projection (prompt_rep_layer) of label vectors [B, C, D]. */
export function promptRep(g: GraphBuilder, w: Weights, prompts: string): string {
  return projection(g, prompts, (n) => w.get(n), "prompt_rep_layer", "prompt");
}

export interface SpanScores {
  /** Span spans with invalid ones set to (0, 0), int64 [B, L·K, 2]. */
  idx: string;
  /** [B, L·K, D] */
  spanRep: string;
  /** [B, L·K, C] */
  scores: string;
}

/** markerV0 span head before the reshape: reps and label scores of every enumerated span. */
export function spanScores(g: GraphBuilder, w: Weights, words: string, prompts: string, spanIdx: string, spanMask: string): SpanScores {
  const mask = g.op1("Unsqueeze", [g.op1("Cast", [spanMask], { to: { i: DataType.INT64 } }, sc), g.i64([-1])], {}, sc);
  const idx = g.op1("Mul", [spanIdx, mask], {}, sc); // invalid spans → (0, 0)
  const spanRep = markerSpanRep(g, w, words, idx); // [B, L·K, D]
  const labels = promptRep(g, w, prompts); // [B, C, D]
  const scores = g.op1("MatMul", [spanRep, g.op1("Transpose", [labels], { perm: { ints: [0, 2, 1] } }, sc)], {}, sc); // [B, L·K, C]
  return { idx, spanRep, scores };
}

/** [B, L·K, C] span scores → logits [B, L, K, C]. */
export function spanLogitsOf(g: GraphBuilder, scores: string, maxWidth: number): string {
  const shape = g.op1("Shape", [scores], {}, sc);
  const dims = g.op1("Concat", [
    g.op1("Slice", [shape, g.i64([0]), g.i64([1])], {}, sc),
    g.i64([-1, maxWidth]),
    g.op1("Slice", [shape, g.i64([2]), g.i64([3])], {}, sc),
  ], { axis: { i: 0 } }, sc);
  return g.op1("Reshape", [scores, dims], {}, sc); // [B, L, K, C]
}

/** markerV0 span head → logits [B, L, K, C]. */
export function spanLogits(g: GraphBuilder, w: Weights, words: string, prompts: string, spanIdx: string, spanMask: string, maxWidth: number): string {
  return spanLogitsOf(g, spanScores(g, w, words, prompts, spanIdx, spanMask).scores, maxWidth);
}

/** Token-level Scorer → logits [B, L, C, 3] (start, end, inside). */
export function tokenLogits(g: GraphBuilder, w: Weights, words: string, prompts: string, dim: number): string {
  const t = linear(g, words, w.get("scorer.proj_token.weight"), w.get("scorer.proj_token.bias"), "scorer");
  const l = linear(g, prompts, w.get("scorer.proj_label.weight"), w.get("scorer.proj_label.bias"), "scorer");
  const half = (x: string, i: number, axis: number): string =>
    g.op1("Unsqueeze", [g.op1("Slice", [x, g.i64([i * dim]), g.i64([(i + 1) * dim]), g.i64([-1])], {}, sc), g.i64([axis])], {}, sc);
  const t0 = half(t, 0, 2); // [B, W, 1, D]
  const t1 = half(t, 1, 2);
  const l0 = half(l, 0, 1); // [B, 1, C, D]
  const l1 = half(l, 1, 1);
  const prod = g.op1("Mul", [t1, l1], {}, sc); // [B, W, C, D]
  const full = g.op1("Shape", [prod], {}, sc);
  const cat = g.op1("Concat", [g.op1("Expand", [t0, full], {}, sc), g.op1("Expand", [l0, full], {}, sc), prod], { axis: { i: -1 } }, sc);
  return projection(g, cat, (n) => w.get(n), "scorer.out_mlp", "scorer");
}
