/**
 * DeBERTa-v2/v3 encoder (transformers `DebertaV2Model`, as of 4.57) in ONNX ops: embeddings + LayerNorm ×
 * mask, then layers of disentangled self-attention with log-bucketed relative positions (c2p / p2c terms,
 * shared or separate position projections), GELU feed-forward, post-LayerNorms. Follows the operation order
 * of the torch code (key scaled before the QKᵀ product, c2p then p2c added, masked_fill(finfo.min) then
 * softmax) so that results match to float32 rounding.
 */
import type { DebertaSettings } from "./config.js";
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { attentionOutputAndFeedForward, layerNorm, linear, param } from "./layers.js";
import { halfGather, int8Scheme } from "./quantize.js";
import type { TensorEntry } from "./weights.js";

export interface Weights {
  get(name: string, shape?: readonly number[]): TensorEntry;
  has(name: string): boolean;
}

const FLOAT_MIN = -3.4028234663852886e38;

/** Returns the last hidden state [B, S, hidden]. Weight names are relative to the DeBERTa model root. */
export function buildDeberta(g: GraphBuilder, s: DebertaSettings, w: Weights, inputIds: string, attentionMask: string): string {
  const sc = "encoder";
  const ids = inputIds;
  // ---- embeddings
  const table = w.get("embeddings.word_embeddings.weight");
  let emb = int8Scheme(g.dtype) !== undefined ? halfGather(g, table, ids, "embeddings") : g.op1("Gather", [param(g, table), ids], {}, "embeddings");
  const shape = g.op1("Shape", [ids], {}, sc);
  const seqLen = g.op1("Gather", [shape, g.i64(1)], { axis: { i: 0 } }, sc); // scalar S
  const positions = g.op1("Range", [g.i64(0), seqLen, g.i64(1)], {}, sc);
  if (s.positionBiasedInput && w.has("embeddings.position_embeddings.weight")) {
    const pos = g.op1("Gather", [param(g, w.get("embeddings.position_embeddings.weight")), positions], {}, "embeddings");
    emb = g.op1("Add", [emb, pos], {}, "embeddings");
  }
  if (s.typeVocabSize > 0) {
    const tt = g.op1("Gather", [param(g, w.get("embeddings.token_type_embeddings.weight")), g.i64(0)], {}, "embeddings");
    emb = g.op1("Add", [emb, tt], {}, "embeddings");
  }
  if (s.embeddingSize !== s.hiddenSize) emb = linear(g, emb, w.get("embeddings.embed_proj.weight"), undefined, "embeddings");
  emb = layerNorm(g, emb, w.get("embeddings.LayerNorm.weight"), w.get("embeddings.LayerNorm.bias"), s.layerNormEps, "embeddings");
  const maskF = g.op1("Cast", [g.op1("Unsqueeze", [attentionMask, g.i64([-1])], {}, sc)], { to: { i: DataType.FLOAT } }, sc);
  let hidden = g.op1("Mul", [emb, maskF], {}, "embeddings");

  // ---- attention mask [B,1,S,S]: mask_i · mask_j, then "masked" = not
  const m1 = g.op1("Unsqueeze", [attentionMask, g.i64([1, 2])], {}, sc);
  const m2 = g.op1("Unsqueeze", [attentionMask, g.i64([1, 3])], {}, sc);
  const pair = g.op1("Cast", [g.op1("Mul", [m1, m2], {}, sc)], { to: { i: DataType.BOOL } }, sc);
  const masked = g.op1("Not", [pair], {}, sc);

  // ---- relative positions (shared by all layers)
  let rel: RelativeInputs | undefined;
  if (s.relativeAttention) rel = relativeInputs(g, s, w, positions, shape);

  const dh = s.headSize;
  const scaleFactor = 1 + (rel ? s.posAttType.length : 0);
  const scale = g.f32(Math.fround(Math.sqrt(Math.fround(dh * scaleFactor))));
  const heads = (x: string, scope: string): string =>
    g.op1("Transpose", [g.op1("Reshape", [x, g.i64([0, 0, s.numHeads, dh])], {}, scope)], { perm: { ints: [0, 2, 1, 3] } }, scope);

  for (let l = 0; l < s.numLayers; l++) {
    const p = `encoder.layer.${l}`;
    const scope = `layer.${l}`;
    const lin = (x: string, name: string): string => linear(g, x, w.get(`${p}.${name}.weight`), w.get(`${p}.${name}.bias`), scope, true);
    const q = heads(lin(hidden, "attention.self.query_proj"), scope);
    const k = heads(lin(hidden, "attention.self.key_proj"), scope);
    const v = heads(lin(hidden, "attention.self.value_proj"), scope);
    const kT = g.op1("Transpose", [k], { perm: { ints: [0, 1, 3, 2] } }, scope);
    let scores = g.op1("MatMul", [q, g.op1("Div", [kT, scale], {}, scope)], {}, scope);
    if (rel) {
      // position projections of the (normalised) relative embeddings, as [H, dh, 2·span]
      const posT = (proj: string): string => {
        const y = linear(g, rel!.embeddings, w.get(`${p}.attention.self.${proj}.weight`), w.get(`${p}.attention.self.${proj}.bias`), scope, true);
        const r = g.op1("Reshape", [y, g.i64([-1, s.numHeads, dh])], {}, scope);
        return g.op1("Transpose", [r], { perm: { ints: [1, 2, 0] } }, scope);
      };
      let bias: string | undefined;
      if (s.posAttType.includes("c2p")) {
        const posKey = posT(s.shareAttKey ? "key_proj" : "pos_key_proj");
        const c2p = g.op1("GatherElements", [g.op1("MatMul", [q, posKey], {}, scope), rel.c2pIndex], { axis: { i: -1 } }, scope);
        bias = g.op1("Div", [c2p, scale], {}, scope);
      }
      if (s.posAttType.includes("p2c")) {
        const posQuery = posT(s.shareAttKey ? "query_proj" : "pos_query_proj");
        const gathered = g.op1("GatherElements", [g.op1("MatMul", [k, posQuery], {}, scope), rel.p2cIndex], { axis: { i: -1 } }, scope);
        const p2c = g.op1("Div", [g.op1("Transpose", [gathered], { perm: { ints: [0, 1, 3, 2] } }, scope), scale], {}, scope);
        bias = bias ? g.op1("Add", [bias, p2c], {}, scope) : p2c;
      }
      if (bias) scores = g.op1("Add", [scores, bias], {}, scope);
    }
    const probs = g.op1("Softmax", [g.op1("Where", [masked, g.f32(FLOAT_MIN), scores], {}, scope)], { axis: { i: -1 } }, scope);
    const norm = (x: string, name: string): string => layerNorm(g, x, w.get(`${p}.${name}.weight`), w.get(`${p}.${name}.bias`), s.layerNormEps, scope);
    hidden = attentionOutputAndFeedForward(g, g.op1("MatMul", [probs, v], {}, scope), hidden, { lin, norm, act: s.hiddenAct, scope });
  }
  return hidden;
}

interface RelativeInputs {
  embeddings: string;
  c2pIndex: string;
  p2cIndex: string;
}

/** Bucketed relative positions → clamped gather indices expanded to [B, H, S, S], and the rel embeddings. */
function relativeInputs(g: GraphBuilder, s: DebertaSettings, w: Weights, positions: string, shape: string): RelativeInputs {
  const sc = "relative_position";
  const relPos = g.op1("Sub", [g.op1("Unsqueeze", [positions, g.i64([1])], {}, sc), g.op1("Unsqueeze", [positions, g.i64([0])], {}, sc)], {}, sc);
  let bucket = relPos;
  if (s.positionBuckets > 0 && s.maxRelativePositions > 0) {
    // make_log_bucket_position, in the same float32 steps as torch
    const mid = Math.floor(s.positionBuckets / 2);
    const f = (x: string): string => g.op1("Cast", [x], { to: { i: DataType.FLOAT } }, sc);
    const sign = g.op1("Sign", [relPos], {}, sc);
    const inner = g.op1("And", [g.op1("Less", [relPos, g.i64(mid)], {}, sc), g.op1("Greater", [relPos, g.i64(-mid)], {}, sc)], {}, sc);
    const absPos = g.op1("Where", [inner, g.i64(mid - 1), g.op1("Abs", [relPos], {}, sc)], {}, sc);
    const logDen = Math.fround(Math.log(Math.fround((s.maxRelativePositions - 1) / mid)));
    let logPos = g.op1("Log", [g.op1("Div", [f(absPos), g.f32(mid)], {}, sc)], {}, sc);
    logPos = g.op1("Mul", [g.op1("Div", [logPos, g.f32(logDen)], {}, sc), g.f32(mid - 1)], {}, sc);
    logPos = g.op1("Add", [g.op1("Ceil", [logPos], {}, sc), g.f32(mid)], {}, sc);
    const near = g.op1("LessOrEqual", [absPos, g.i64(mid)], {}, sc);
    const bucketF = g.op1("Where", [near, f(relPos), g.op1("Mul", [logPos, f(sign)], {}, sc)], {}, sc);
    bucket = g.op1("Cast", [bucketF], { to: { i: DataType.INT64 } }, sc);
  }
  const span = s.positionBuckets > 0 ? s.positionBuckets : s.maxRelativePositions;
  const relTable = w.get("encoder.rel_embeddings.weight");
  let embeddings = param(g, relTable);
  if (relTable.shape[0]! > 2 * span) {
    embeddings = g.op1("Slice", [embeddings, g.i64([0]), g.i64([2 * span]), g.i64([0])], {}, sc);
  }
  if (s.normRelEbdLayerNorm) {
    embeddings = layerNorm(g, embeddings, w.get("encoder.LayerNorm.weight"), w.get("encoder.LayerNorm.bias"), s.layerNormEps, sc);
  }
  const lo = g.i64(0);
  const hi = g.i64(2 * span - 1);
  const c2p = g.op1("Clip", [g.op1("Add", [bucket, g.i64(span)], {}, sc), lo, hi], {}, sc);
  const p2c = g.op1("Clip", [g.op1("Sub", [g.i64(span), bucket], {}, sc), lo, hi], {}, sc);
  // [B, H, S, S] target shape for the gathers
  const batch = g.op1("Slice", [shape, g.i64([0]), g.i64([1])], {}, sc);
  const seq = g.op1("Slice", [shape, g.i64([1]), g.i64([2])], {}, sc);
  const bhss = g.op1("Concat", [batch, g.i64([s.numHeads]), seq, seq], { axis: { i: 0 } }, sc);
  return {
    embeddings,
    c2pIndex: g.op1("Expand", [c2p, bhss], {}, sc),
    p2cIndex: g.op1("Expand", [p2c, bhss], {}, sc),
  };
}
