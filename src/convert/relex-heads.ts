/**
 * The relation head of GLiNER-relex (UniEncoderSpanRelex / UniEncoderTokenRelex) in ONNX ops, with the
 * data-dependent steps the reference's tracer freezes written as shape-free graph code and the two
 * thresholds as graph inputs:
 * - span selection for pairing: span models keep every valid span whose best label probability > threshold,
 *   in (start, width) order; token models keep every (start, label, end) that start, end and every inside
 *   probability accept (> threshold), in (start, label, end) order, the label then dropped (TokenMarker reps);
 * - packing per text (row-major NonZero + CumSum ranks → ScatterND into a zero [B, E, ·]);
 * - adjacency (`relations_layer` "dot": sigmoid(XXᵀ); "mlp": MLP(concat(xᵢ, xⱼ)); "none": every pair), masked;
 * - pairs: (i, j), i ≠ j, adjacency > adjacency_threshold, head-major, padded with -1 to N = max(pairs, 1);
 * - pair representation MLP(concat(head, tail)) · relation prompts → rel_logits [B, N, C_rel].
 */
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { linear, projection } from "./layers.js";
import type { Weights } from "./deberta.js";

const sc = "relex";
const I64 = { to: { i: DataType.INT64 } };
const F32 = { to: { i: DataType.FLOAT } };

export type RelationsLayer = "dot" | "mlp" | "none";

export interface RelexOutputs {
  relIdx: string;
  relLogits: string;
  relMask: string;
  entitySpans: string;
}

/** x[..., from:to] along `axis`. */
function slice(g: GraphBuilder, x: string, from: number, to: number, axis: number): string {
  return g.op1("Slice", [x, g.i64([from]), g.i64([to]), g.i64([axis])], {}, sc);
}

/** Dimension `axis` of x as an int64 [1]. */
function dim(g: GraphBuilder, x: string, axis: number): string {
  return slice(g, g.op1("Shape", [x], {}, sc), axis, axis + 1, 0);
}

/** 0..n-1 for an int64 [1] n. */
function range(g: GraphBuilder, n: string): string {
  return g.op1("Range", [g.i64(0), g.op1("Squeeze", [n, g.i64([0])], {}, sc), g.i64(1)], {}, sc);
}

interface Packed {
  /** Packed rows [B, E, ·] of the kept items. */
  values: string[];
  /** Per-text count of kept items, int64 [B, 1]. */
  counts: string;
  /** E = max count, int64 [1]. */
  size: string;
}

/**
 * Packs, per batch row, the items where `keep` [B, N] is true (in order) into [B, E, ·] (zeros after each row's
 * count), as the reference's select_target_embedding. `sources` are [B, N, ·] float tensors.
 */
function pack(g: GraphBuilder, keep: string, sources: readonly { tensor: string; width: number }[]): Packed {
  const keepI = g.op1("Cast", [keep], I64, sc);
  const counts = g.op1("ReduceSum", [keepI, g.i64([1])], { keepdims: { i: 1 } }, sc);
  const size = g.op1("Reshape", [g.op1("ReduceMax", [counts], { keepdims: { i: 1 } }, sc), g.i64([1])], {}, sc);
  const at = g.op1("Transpose", [g.op1("NonZero", [keep], {}, sc)], { perm: { ints: [1, 0] } }, sc); // [M, 2] (b, n)
  const rank = g.op1("Sub", [g.op1("GatherND", [g.op1("CumSum", [keepI, g.i64(1)], {}, sc), at], {}, sc), g.i64(1)], {}, sc);
  const target = g.op1("Concat", [slice(g, at, 0, 1, 1), g.op1("Unsqueeze", [rank, g.i64([1])], {}, sc)], { axis: { i: 1 } }, sc);
  const batch = dim(g, keep, 0);
  const values = sources.map(({ tensor, width }) => {
    const zeros = g.op1("ConstantOfShape", [g.op1("Concat", [batch, size, g.i64([width])], { axis: { i: 0 } }, sc)], {}, sc);
    return g.op1("ScatterND", [zeros, target, g.op1("GatherND", [tensor, at], {}, sc)], {}, sc);
  });
  return { values, counts, size };
}

/** Row mask [B, E]: position < count. */
function rowMask(g: GraphBuilder, counts: string, size: string): string {
  return g.op1("Less", [g.op1("Unsqueeze", [range(g, size), g.i64([0])], {}, sc), counts], {}, sc);
}

/** Span models: spans whose best label probability > threshold. spanScores [B, N, C], spanRep [B, N, D], idx [B, N, 2] int64. */
export function selectSpans(g: GraphBuilder, spanScores: string, spanRep: string, idx: string, spanMask: string, threshold: string, dim: number) {
  const best = g.op1("ReduceMax", [g.op1("Sigmoid", [spanScores], {}, sc), g.i64([-1])], { keepdims: { i: 0 } }, sc);
  const keep = g.op1("And", [g.op1("Greater", [best, threshold], {}, sc), spanMask], {}, sc);
  const { values, counts, size } = pack(g, keep, [
    { tensor: spanRep, width: dim },
    { tensor: g.op1("Cast", [idx], F32, sc), width: 2 },
  ]);
  return { rep: values[0]!, spans: g.op1("Cast", [values[1]!], I64, sc), mask: rowMask(g, counts, size) };
}

/**
 * Token models: (start, label, end) triples with start prob > t at start, end prob > t at end and inside
 * prob > t everywhere in between (inclusive), in (start, label, end) order; boundaries only, so a span appears
 * once per label that fires. At least one (padding) row, as the reference's extract_spans_from_tokens.
 * logits [B, W, C, 3] → spans [B, E, 2] (padding (0, 0)) and mask [B, E].
 */
export function selectTokenSpans(g: GraphBuilder, logits: string, threshold: string) {
  const probs = g.op1("Sigmoid", [logits], {}, sc);
  const part = (k: number) => g.op1("Greater", [g.op1("Squeeze", [slice(g, probs, k, k + 1, 3), g.i64([3])], {}, sc), threshold], {}, sc); // [B, W, C]
  const starts = part(0);
  const ends = part(1);
  // Inside everywhere in [s, e] ⇔ as many non-inside positions before s as up to e.
  const outside = g.op1("Cast", [g.op1("Not", [part(2)], {}, sc)], I64, sc);
  const through = g.op1("CumSum", [outside, g.i64(1)], {}, sc); // non-inside in [0, p]
  const before = g.op1("Sub", [through, outside], {}, sc); // non-inside in [0, p)
  const toEnd = (x: string) => g.op1("Unsqueeze", [g.op1("Transpose", [x], { perm: { ints: [0, 2, 1] } }, sc), g.i64([1])], {}, sc); // [B, 1, C, W]
  const toStart = (x: string) => g.op1("Unsqueeze", [x, g.i64([3])], {}, sc); // [B, W, C, 1]
  const W = dim(g, logits, 1);
  const C = dim(g, logits, 2);
  const positions = range(g, W);
  const ordered = g.op1("LessOrEqual", [
    g.op1("Reshape", [positions, g.i64([-1, 1, 1])], {}, sc),
    g.op1("Reshape", [positions, g.i64([1, 1, -1])], {}, sc),
  ], {}, sc); // [W, 1, W]: s ≤ e
  let valid = g.op1("And", [toStart(starts), toEnd(ends)], {}, sc);
  valid = g.op1("And", [valid, ordered], {}, sc);
  valid = g.op1("And", [valid, g.op1("Equal", [toStart(before), toEnd(through)], {}, sc)], {}, sc); // [B, W, C, W]
  const batch = dim(g, logits, 0);
  const flat = g.op1("Reshape", [valid, g.op1("Concat", [batch, g.i64([-1])], { axis: { i: 0 } }, sc)], {}, sc); // [B, W·C·W]
  // Flat index f = (s·C + c)·W + e: s = f div (C·W), e = f mod W.
  const f = g.op1("Unsqueeze", [range(g, g.op1("Mul", [g.op1("Mul", [W, C], {}, sc), W], {}, sc)), g.i64([0, 2])], {}, sc); // [1, F, 1]
  const s = g.op1("Div", [f, g.op1("Mul", [C, W], {}, sc)], {}, sc);
  const e = g.op1("Mod", [f, W], {}, sc);
  const bounds = g.op1("Cast", [g.op1("Concat", [s, e], { axis: { i: 2 } }, sc)], F32, sc); // [1, F, 2]
  const full = g.op1("Concat", [batch, g.i64([1, 1])], { axis: { i: 0 } }, sc);
  const { values, counts, size } = pack(g, flat, [{ tensor: g.op1("Expand", [bounds, full], {}, sc), width: 2 }]);
  // At least one row: pad E up to 1 (a (0, 0) span, masked).
  const rows = g.op1("Max", [size, g.i64([1])], {}, sc);
  const padded = g.op1("Pad", [values[0]!, g.op1("Concat", [g.i64([0, 0, 0, 0]), g.op1("Sub", [rows, size], {}, sc), g.i64([0])], { axis: { i: 0 } }, sc)], {}, sc);
  return { spans: g.op1("Cast", [padded], I64, sc), mask: rowMask(g, counts, rows) };
}

/** Adjacency [B, E, E] of the selected spans, zero where either end is padding. */
function adjacency(g: GraphBuilder, w: Weights, layer: RelationsLayer, x: string, mask: string): string {
  const m = g.op1("Cast", [mask], F32, sc);
  const pairMask = g.op1("Mul", [g.op1("Unsqueeze", [m, g.i64([2])], {}, sc), g.op1("Unsqueeze", [m, g.i64([1])], {}, sc)], {}, sc);
  if (layer === "none") return pairMask;
  let a: string;
  if (layer === "dot") {
    a = g.op1("Sigmoid", [g.op1("MatMul", [x, g.op1("Transpose", [x], { perm: { ints: [0, 2, 1] } }, sc)], {}, sc)], {}, sc);
  } else {
    const E = dim(g, x, 1);
    const shape = g.op1("Concat", [dim(g, x, 0), E, E, dim(g, x, 2)], { axis: { i: 0 } }, sc);
    const xi = g.op1("Expand", [g.op1("Unsqueeze", [x, g.i64([2])], {}, sc), shape], {}, sc);
    const xj = g.op1("Expand", [g.op1("Unsqueeze", [x, g.i64([1])], {}, sc), shape], {}, sc);
    const p = "relations_rep_layer.relation_rep_layer.mlp";
    const h = g.op1("Relu", [linear(g, g.op1("Concat", [xi, xj], { axis: { i: -1 } }, sc), w.get(`${p}.0.weight`), w.get(`${p}.0.bias`), sc)], {}, sc);
    const out = linear(g, h, w.get(`${p}.2.weight`), w.get(`${p}.2.bias`), sc);
    a = g.op1("Sigmoid", [g.op1("Squeeze", [out, g.i64([-1])], {}, sc)], {}, sc);
  }
  return g.op1("Mul", [a, pairMask], {}, sc);
}

/**
 * Pairs of selected spans and their relation logits. `x` [B, E, D] span reps, `mask` [B, E] bool,
 * `relPrompts` [B, C_rel, D], `adjThreshold` float [1].
 */
export function relationHead(
  g: GraphBuilder,
  w: Weights,
  layer: RelationsLayer,
  x: string,
  mask: string,
  relPrompts: string,
  adjThreshold: string,
): Pick<RelexOutputs, "relIdx" | "relLogits" | "relMask"> {
  const a = adjacency(g, w, layer, x, mask);
  const E = dim(g, x, 1);
  const positions = range(g, E);
  const offDiagonal = g.op1("Not", [g.op1("Equal", [g.op1("Unsqueeze", [positions, g.i64([1])], {}, sc), g.op1("Unsqueeze", [positions, g.i64([0])], {}, sc)], {}, sc)], {}, sc);
  const cut = layer === "none" ? g.f32([0]) : adjThreshold;
  const sel = g.op1("And", [g.op1("Greater", [a, cut], {}, sc), offDiagonal], {}, sc); // [B, E, E]
  const batch = dim(g, x, 0);
  const flat = g.op1("Reshape", [sel, g.op1("Concat", [batch, g.i64([-1])], { axis: { i: 0 } }, sc)], {}, sc); // [B, E·E]
  const f = g.op1("Unsqueeze", [range(g, g.op1("Mul", [E, E], {}, sc)), g.i64([0, 2])], {}, sc); // [1, E·E, 1]
  const divisor = g.op1("Max", [E, g.i64([1])], {}, sc); // E = 0 leaves f empty; ORT refuses a zero divisor even then
  const ij = g.op1("Cast", [g.op1("Concat", [g.op1("Div", [f, divisor], {}, sc), g.op1("Mod", [f, divisor], {}, sc)], { axis: { i: 2 } }, sc)], F32, sc);
  const { values, counts, size } = pack(g, flat, [{ tensor: g.op1("Expand", [ij, g.op1("Concat", [batch, g.i64([1, 1])], { axis: { i: 0 } }, sc)], {}, sc), width: 2 }]);
  const n = g.op1("Max", [size, g.i64([1])], {}, sc);
  const relMask = rowMask(g, counts, n);
  const pad = g.op1("Concat", [g.i64([0, 0, 0, 0]), g.op1("Sub", [n, size], {}, sc), g.i64([0])], { axis: { i: 0 } }, sc);
  const pairs = g.op1("Cast", [g.op1("Pad", [values[0]!, pad], {}, sc)], I64, sc); // [B, N, 2], padding (0, 0)
  const valid = g.op1("Unsqueeze", [relMask, g.i64([2])], {}, sc);
  const relIdx = g.op1("Where", [valid, pairs, g.i64(-1)], {}, sc);
  // Padding pairs read entity 0 as the reference's clamp does, or a zero row when no text has any pair.
  const zeroRow = g.op1("ConstantOfShape", [g.op1("Concat", [batch, g.i64([1]), dim(g, x, 2)], { axis: { i: 0 } }, sc)], {}, sc);
  const rows = g.op1("Concat", [x, zeroRow], { axis: { i: 1 } }, sc); // [B, E + 1, D]
  const fill = g.op1("Where", [g.op1("Equal", [size, g.i64([0])], {}, sc), E, g.i64([0])], {}, sc);
  const index = g.op1("Where", [valid, pairs, fill], {}, sc);
  const pick = (k: number) => g.op1("GatherND", [rows, slice(g, index, k, k + 1, 2)], { batch_dims: { i: 1 } }, sc);
  const pairRep = projection(g, g.op1("Concat", [pick(0), pick(1)], { axis: { i: -1 } }, sc), (name) => w.get(name), "pair_rep_layer", sc);
  const relLogits = g.op1("MatMul", [pairRep, g.op1("Transpose", [relPrompts], { perm: { ints: [0, 2, 1] } }, sc)], {}, sc);
  return { relIdx, relLogits, relMask };
}
