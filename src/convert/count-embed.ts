/**
 * GLiNER2's count embedding (`count_embed`, gliner2/layers.py) in ONNX ops: for every field of every task, a
 * GRU over the learned count-step embeddings, started from the field's marker embedding, gives one vector per
 * count step (instance slot); then one of the three `counting_layer` heads:
 *  - count_lstm:     projector(cat(gru, field))                      (MLP 2H → 4H → H)
 *  - count_lstm_v2:  DownscaledTransformer(gru + field): fields of one task attend to each other (2 post-norm
 *                    encoder layers at d 128, 4 heads), then out_projector(cat(y, x)) (MLP 128+H → H → H → H)
 *  - count_lstm_moe: a softmax-gated mixture of GELU expert MLPs of the GRU output.
 * The GRU always runs all `max_count` (20) steps: every head is causal in the count axis, so the first c rows
 * equal a c-step run and the caller slices the slots it needs.
 */
import type { Weights } from "./deberta.js";
import type { CountingLayer } from "./gliner2-config.js";
import { floatWeight, gelu, linear } from "./layers.js";
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";

const sc = "count_embed";
/** nn.TransformerEncoderLayer's default LayerNorm epsilon. */
const TRANSFORMER_EPS = 1e-5;
/** DownscaledTransformer's heads (a constructor constant, not saved in the config). */
const FIELD_ATTENTION_HEADS = 4;

/**
 * `fields` [B, T, F, D] (field-marker embeddings), `fieldMask` [B, T, F] bool (real fields).
 * Returns [max_count, B, T, F, D]: row c = the fields' embeddings for count slot c.
 */
export function countEmbedding(g: GraphBuilder, w: Weights, layer: CountingLayer, fields: string, fieldMask: string, dim: number): string {
  const p = "count_embed";
  const pos = w.get(`${p}.pos_embedding.weight`);
  const maxCount = pos.shape[0]!;
  const btf = g.op1("Slice", [g.op1("Shape", [fields], {}, sc), g.i64([0]), g.i64([3])], {}, sc); // [B, T, F]
  const fieldCount = g.op1("Slice", [btf, g.i64([2]), g.i64([3])], {}, sc); // [F]
  const pc = g.op1("Reshape", [fields, g.i64([-1, dim])], {}, sc); // [N, D], N = B·T·F
  const steps = gru(g, w, pc, floatWeight(g, pos.name, pos.shape, () => pos.read()), dim); // [S, N, D]
  let out: string;
  if (layer === "count_lstm") {
    const field = g.op1("Expand", [g.op1("Unsqueeze", [pc, g.i64([0])], {}, sc), g.op1("Shape", [steps], {}, sc)], {}, sc);
    out = mlp(g, w, g.op1("Concat", [steps, field], { axis: { i: -1 } }, sc), `${p}.projector`, [0, 2]);
  } else if (layer === "count_lstm_v2") {
    const x = g.op1("Add", [steps, g.op1("Unsqueeze", [pc, g.i64([0])], {}, sc)], {}, sc);
    const grouped = g.op1("Reshape", [x, g.op1("Concat", [g.i64([-1]), fieldCount, g.i64([dim])], { axis: { i: 0 } }, sc)], {}, sc); // [S·B·T, F, D]
    out = downscaledTransformer(g, w, `${p}.transformer`, grouped, keyPaddingMask(g, fieldMask, fieldCount, maxCount));
  } else {
    out = mixtureOfExperts(g, w, p, steps, dim);
  }
  return g.op1("Reshape", [out, g.op1("Concat", [g.i64([maxCount]), btf, g.i64([dim])], { axis: { i: 0 } }, sc)], {}, sc);
}

/** torch GRU (gates r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))) = ONNX GRU with linear_before_reset. */
function gru(g: GraphBuilder, w: Weights, h0: string, posTable: string, dim: number): string {
  const get = (name: string) => w.get(`count_embed.gru.${name}`, name.startsWith("bias") ? [3 * dim] : [3 * dim, dim]);
  const [wih, whh, bih, bhh] = [get("weight_ih_l0"), get("weight_hh_l0"), get("bias_ih_l0"), get("bias_hh_l0")];
  // ONNX orders the gates z, r, h; torch r, z, n.
  const W = floatWeight(g, "count_embed.gru.W", [1, 3 * dim, dim], async () => zrn(await wih.read(), dim, dim));
  const R = floatWeight(g, "count_embed.gru.R", [1, 3 * dim, dim], async () => zrn(await whh.read(), dim, dim));
  const B = floatWeight(g, "count_embed.gru.B", [1, 6 * dim], async () => {
    const out = new Float32Array(6 * dim);
    out.set(zrn(await bih.read(), dim, 1));
    out.set(zrn(await bhh.read(), dim, 1), 3 * dim);
    return out;
  });
  const batch = g.op1("Slice", [g.op1("Shape", [h0], {}, sc), g.i64([0]), g.i64([1])], {}, sc); // [N]
  const x = g.op1("Expand", [g.op1("Unsqueeze", [posTable, g.i64([1])], {}, sc), g.op1("Concat", [g.i64([1]), batch, g.i64([1])], { axis: { i: 0 } }, sc)], {}, sc);
  const initial = g.op1("Unsqueeze", [h0, g.i64([0])], {}, sc);
  const [y] = g.op("GRU", [x, W, R, B, "", initial], { hidden_size: { i: dim }, linear_before_reset: { i: 1 } }, { outputs: 1, scope: sc });
  return g.op1("Squeeze", [y!, g.i64([1])], {}, sc); // [S, 1, N, D] → [S, N, D]
}

/** Reorders the three gate blocks (rows of `cols` values each) from torch's r, z, n to ONNX's z, r, n. */
export function zrn(values: Float32Array, hidden: number, cols: number): Float32Array {
  const block = hidden * cols;
  const out = new Float32Array(values.length);
  out.set(values.subarray(block, 2 * block), 0);
  out.set(values.subarray(0, block), block);
  out.set(values.subarray(2 * block, 3 * block), 2 * block);
  return out;
}

/** create_mlp(…, activation="relu", dropout=0): Linear, then (ReLU, Linear)* — `indices` are the Linears' positions. */
function mlp(g: GraphBuilder, w: Weights, x: string, prefix: string, indices: readonly number[]): string {
  let y = x;
  indices.forEach((index, i) => {
    if (i > 0) y = g.op1("Relu", [y], {}, sc);
    y = linear(g, y, w.get(`${prefix}.${index}.weight`), w.get(`${prefix}.${index}.bias`), sc);
  });
  return y;
}

/**
 * The fields' key padding mask for the field attention, [S·B·T, 1, 1, F] bool (true = masked): padded fields
 * are masked, except field 0 of a task without fields, so that no softmax row is all −inf (NaN).
 */
function keyPaddingMask(g: GraphBuilder, fieldMask: string, fieldCount: string, steps: number): string {
  const real = g.op1("Reshape", [fieldMask, g.op1("Concat", [g.i64([-1]), fieldCount], { axis: { i: 0 } }, sc)], {}, sc); // [B·T, F]
  const count = g.op1("ReduceSum", [g.op1("Cast", [real], { to: { i: DataType.INT64 } }, sc), g.i64([1])], { keepdims: { i: 1 } }, sc);
  const empty = g.op1("Equal", [count, g.i64(0)], {}, sc); // [B·T, 1]
  const first = g.op1("Equal", [g.op1("Range", [g.i64(0), g.op1("Squeeze", [fieldCount, g.i64([0])], {}, sc), g.i64(1)], {}, sc), g.i64(0)], {}, sc); // [F]
  const keep = g.op1("Or", [real, g.op1("And", [empty, first], {}, sc)], {}, sc);
  const perStep = g.op1("Expand", [g.op1("Unsqueeze", [g.op1("Not", [keep], {}, sc), g.i64([0])], {}, sc), g.i64([steps, 1, 1])], {}, sc);
  return g.op1("Reshape", [perStep, g.op1("Concat", [g.i64([-1, 1, 1]), fieldCount], { axis: { i: 0 } }, sc)], {}, sc);
}

/** DownscaledTransformer on [G, F, D] (G groups of F fields) → [G, F, D]. */
function downscaledTransformer(g: GraphBuilder, w: Weights, p: string, x: string, masked: string): string {
  const inProj = w.get(`${p}.in_projector.weight`);
  let y = linear(g, x, inProj, w.get(`${p}.in_projector.bias`), sc);
  const d = inProj.shape[0]!;
  for (let l = 0; w.has(`${p}.transformer.layers.${l}.self_attn.in_proj_weight`); l++) {
    const q = `${p}.transformer.layers.${l}`;
    const lin = (v: string, name: string): string => linear(g, v, w.get(`${q}.${name}.weight`), w.get(`${q}.${name}.bias`), sc);
    const norm = (v: string, name: string): string =>
      g.op1("LayerNormalization", [v, floatParam(g, w, `${q}.${name}.weight`), floatParam(g, w, `${q}.${name}.bias`)], { axis: { i: -1 }, epsilon: { f: TRANSFORMER_EPS } }, sc);
    const attn = fieldAttention(g, w, `${q}.self_attn`, y, masked, d);
    y = norm(g.op1("Add", [y, attn], {}, sc), "norm1"); // post-norm (norm_first=False)
    const ff = lin(g.op1("Relu", [lin(y, "linear1")], {}, sc), "linear2");
    y = norm(g.op1("Add", [y, ff], {}, sc), "norm2");
  }
  return mlp(g, w, g.op1("Concat", [y, x], { axis: { i: -1 } }, sc), `${p}.out_projector`, [0, 2, 4]);
}

function floatParam(g: GraphBuilder, w: Weights, name: string): string {
  const entry = w.get(name);
  return floatWeight(g, entry.name, entry.shape, () => entry.read());
}

/** nn.MultiheadAttention (batch_first, packed in_proj) written out: softmax(q kᵀ / √dh, masked keys) v. */
function fieldAttention(g: GraphBuilder, w: Weights, p: string, x: string, masked: string, d: number): string {
  const qkv = linear(g, x, w.get(`${p}.in_proj_weight`, [3 * d, d]), w.get(`${p}.in_proj_bias`, [3 * d]), sc);
  const dh = d / FIELD_ATTENTION_HEADS;
  const heads = (i: number): string => {
    const part = g.op1("Slice", [qkv, g.i64([i * d]), g.i64([(i + 1) * d]), g.i64([-1])], {}, sc);
    return g.op1("Transpose", [g.op1("Reshape", [part, g.i64([0, 0, FIELD_ATTENTION_HEADS, dh])], {}, sc)], { perm: { ints: [0, 2, 1, 3] } }, sc);
  };
  const [q, k, v] = [heads(0), heads(1), heads(2)];
  const scores = g.op1("Div", [g.op1("MatMul", [q, g.op1("Transpose", [k], { perm: { ints: [0, 1, 3, 2] } }, sc)], {}, sc), g.f32(Math.sqrt(dh))], {}, sc);
  const probs = g.op1("Softmax", [g.op1("Where", [masked, g.f32(-Infinity), scores], {}, sc)], { axis: { i: -1 } }, sc);
  const ctx = g.op1("Transpose", [g.op1("MatMul", [probs, v], {}, sc)], { perm: { ints: [0, 2, 1, 3] } }, sc);
  return linear(g, g.op1("Reshape", [ctx, g.i64([0, 0, d])], {}, sc), w.get(`${p}.out_proj.weight`), w.get(`${p}.out_proj.bias`), sc);
}

/** CountLSTMoE's head on the GRU output h [S, N, D]: Σ_e softmax(router(h))_e · (GELU(h W1_e + b1_e) W2_e + b2_e). */
function mixtureOfExperts(g: GraphBuilder, w: Weights, p: string, h: string, dim: number): string {
  const router = linear(g, gelu(g, linear(g, h, w.get(`${p}.router.0.weight`), w.get(`${p}.router.0.bias`), sc), sc), w.get(`${p}.router.2.weight`), w.get(`${p}.router.2.bias`), sc);
  const gates = g.op1("Softmax", [router], { axis: { i: -1 } }, sc); // [S, N, E]
  const w1 = w.get(`${p}.w1`);
  const [experts, , inner] = w1.shape as [number, number, number];
  const b1 = w.get(`${p}.b1`, [experts, inner]);
  const w2 = w.get(`${p}.w2`, [experts, inner, dim]);
  const b2 = w.get(`${p}.b2`, [experts, dim]);
  if (w1.shape[1] !== dim) throw new Error(`${w1.name} has shape [${w1.shape.join(", ")}], expected [E, ${dim}, inner]`);
  // all experts' first layers as one [D, E·inner] matrix: column e·inner + j = w1[e, :, j]
  const w1All = floatWeight(g, `${p}.w1.all`, [dim, experts * inner], async () => {
    const src = await w1.read();
    const out = new Float32Array(src.length);
    for (let e = 0; e < experts; e++)
      for (let r = 0; r < dim; r++) out.set(src.subarray((e * dim + r) * inner, (e * dim + r + 1) * inner), r * experts * inner + e * inner);
    return out;
  });
  const b1All = floatWeight(g, b1.name, [experts * inner], () => b1.read());
  const first = g.op1("Add", [g.op1("MatMul", [h, w1All], {}, sc), b1All], {}, sc);
  const act = gelu(g, g.op1("Reshape", [first, g.i64([0, 0, experts, 1, inner])], {}, sc), sc); // [S, N, E, 1, inner]
  const second = g.op1("MatMul", [act, floatWeight(g, w2.name, w2.shape, () => w2.read())], {}, sc); // [S, N, E, 1, D]
  const expertOut = g.op1("Add", [g.op1("Squeeze", [second, g.i64([3])], {}, sc), floatWeight(g, b2.name, b2.shape, () => b2.read())], {}, sc);
  const weighted = g.op1("Mul", [expertOut, g.op1("Unsqueeze", [gates, g.i64([-1])], {}, sc)], {}, sc);
  return g.op1("ReduceSum", [weighted, g.i64([2])], { keepdims: { i: 0 } }, sc); // [S, N, D]
}
