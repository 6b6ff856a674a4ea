/**
 * BERT encoder (transformers `BertModel`, absolute positions, as of 4.57) in ONNX ops: word + token-type (0) +
 * position embeddings, LayerNorm, then post-LayerNorm layers of scaled dot-product self-attention with an additive
 * mask (finfo.min where attention_mask is 0) and a GELU feed-forward. The labels encoder of GLiNER bi-encoders
 * (BAAI/bge-*, sentence-transformers/all-MiniLM-*) is such a BERT.
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import type { Weights } from "./deberta.js";
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import { attentionOutputAndFeedForward, layerNorm, linear, param } from "./layers.js";

export interface BertSettings {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  headSize: number;
  hiddenAct: string;
  layerNormEps: number;
  typeVocabSize: number;
}

const FLOAT_MIN = -3.4028234663852886e38;

/** A BertConfig (config.json of the labels encoder) → settings; other architectures are refused. */
export function parseBert(config: Record<string, unknown>, source: string): BertSettings {
  const type = config["model_type"] ?? "bert";
  if (type !== "bert") {
    throw new GlinerError("UNSUPPORTED", `${source}: the labels encoder is "${String(type)}"; the converter builds BERT labels encoders (bge, MiniLM).`);
  }
  const positions = config["position_embedding_type"] ?? "absolute";
  if (positions !== "absolute") throw new GlinerError("UNSUPPORTED", `${source}: position_embedding_type "${String(positions)}" (only "absolute").`);
  const int = (key: string): number => {
    const value = config[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new ModelLoadError(`${source}: "${key}" must be a positive integer.`);
    return value;
  };
  const hiddenSize = int("hidden_size");
  const numHeads = int("num_attention_heads");
  if (hiddenSize % numHeads !== 0) throw new ModelLoadError(`${source}: hidden_size is not a multiple of num_attention_heads.`);
  const act = String(config["hidden_act"] ?? "gelu");
  if (!["gelu", "relu", "gelu_new", "gelu_pytorch_tanh"].includes(act)) throw new GlinerError("UNSUPPORTED", `${source}: hidden_act "${act}".`);
  const eps = config["layer_norm_eps"];
  return {
    hiddenSize,
    numLayers: int("num_hidden_layers"),
    numHeads,
    headSize: hiddenSize / numHeads,
    hiddenAct: act,
    layerNormEps: typeof eps === "number" ? eps : 1e-12,
    typeVocabSize: typeof config["type_vocab_size"] === "number" ? (config["type_vocab_size"] as number) : 2,
  };
}

/** Last hidden state [N, T, hidden] of `inputIds` / `attentionMask` [N, T]; weight names relative to the BertModel. */
export function buildBert(g: GraphBuilder, s: BertSettings, w: Weights, inputIds: string, attentionMask: string): string {
  const sc = "labels_encoder";
  const seqLen = g.op1("Gather", [g.op1("Shape", [inputIds], {}, sc), g.i64(1)], { axis: { i: 0 } }, sc);
  const positions = g.op1("Range", [g.i64(0), seqLen, g.i64(1)], {}, sc);
  // transformers' order: (word + token type) + position.
  let emb = g.op1("Gather", [param(g, w.get("embeddings.word_embeddings.weight")), inputIds], {}, sc);
  if (s.typeVocabSize > 0) emb = g.op1("Add", [emb, g.op1("Gather", [param(g, w.get("embeddings.token_type_embeddings.weight")), g.i64(0)], {}, sc)], {}, sc);
  emb = g.op1("Add", [emb, g.op1("Gather", [param(g, w.get("embeddings.position_embeddings.weight")), positions], {}, sc)], {}, sc);
  let hidden = layerNorm(g, emb, w.get("embeddings.LayerNorm.weight"), w.get("embeddings.LayerNorm.bias"), s.layerNormEps, sc);

  // Additive mask [N, 1, 1, T]: 0 where attended, finfo.min where padding.
  const keep = g.op1("Cast", [g.op1("Unsqueeze", [attentionMask, g.i64([1, 2])], {}, sc)], { to: { i: DataType.FLOAT } }, sc);
  const bias = g.op1("Mul", [g.op1("Sub", [g.f32(1), keep], {}, sc), g.f32(FLOAT_MIN)], {}, sc);
  const scale = g.f32(Math.fround(Math.sqrt(s.headSize)));
  const heads = (x: string, scope: string): string =>
    g.op1("Transpose", [g.op1("Reshape", [x, g.i64([0, 0, s.numHeads, s.headSize])], {}, scope)], { perm: { ints: [0, 2, 1, 3] } }, scope);

  for (let l = 0; l < s.numLayers; l++) {
    const p = `encoder.layer.${l}`;
    const scope = `labels_encoder.layer.${l}`;
    const lin = (x: string, name: string): string => linear(g, x, w.get(`${p}.${name}.weight`), w.get(`${p}.${name}.bias`), scope);
    const q = heads(lin(hidden, "attention.self.query"), scope);
    const k = heads(lin(hidden, "attention.self.key"), scope);
    const v = heads(lin(hidden, "attention.self.value"), scope);
    const scores = g.op1("Div", [g.op1("MatMul", [q, g.op1("Transpose", [k], { perm: { ints: [0, 1, 3, 2] } }, scope)], {}, scope), scale], {}, scope);
    const probs = g.op1("Softmax", [g.op1("Add", [scores, bias], {}, scope)], { axis: { i: -1 } }, scope);
    const norm = (x: string, name: string): string => layerNorm(g, x, w.get(`${p}.${name}.weight`), w.get(`${p}.${name}.bias`), s.layerNormEps, scope);
    hidden = attentionOutputAndFeedForward(g, g.op1("MatMul", [probs, v], {}, scope), hidden, { lin, norm, act: s.hiddenAct, scope });
  }
  return hidden;
}

/** Mean of `hidden` [N, T, D] over the positions where `attentionMask` [N, T] is 1 (sentence-transformers pooling). */
export function meanPool(g: GraphBuilder, hidden: string, attentionMask: string): string {
  const sc = "labels_pooling";
  const mask = g.op1("Cast", [g.op1("Unsqueeze", [attentionMask, g.i64([-1])], {}, sc)], { to: { i: DataType.FLOAT } }, sc);
  const sum = g.op1("ReduceSum", [g.op1("Mul", [hidden, mask], {}, sc), g.i64([1])], { keepdims: { i: 0 } }, sc);
  const count = g.op1("Max", [g.op1("ReduceSum", [mask, g.i64([1])], { keepdims: { i: 0 } }, sc), g.f32(1e-9)], {}, sc);
  return g.op1("Div", [sum, count], {}, sc);
}
