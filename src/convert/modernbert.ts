/**
 * ModernBERT encoder (transformers `ModernBertModel`; the Ettin text encoders of GLiNER bi-encoders v2.0) in ONNX
 * ops: token embeddings → LayerNorm (no position embeddings), then pre-norm layers of rotary self-attention (fused
 * Wqkv; "full" layers attend everywhere, "sliding" layers only within |i − j| ≤ local_attention / 2, each kind with
 * its own RoPE theta) and a GeGLU MLP (Wi → input, gate; act(input) · gate → Wo), then final_norm.
 * Configs of both transformers generations are read: 4.x (global_attn_every_n_layers, global_rope_theta,
 * local_rope_theta) and 5.x (layer_types, rope_parameters).
 */
import { GlinerError, ModelLoadError } from "../errors.js";
import type { EncoderShape } from "./config.js";
import type { Weights } from "./deberta.js";
import { activation, linear, param } from "./layers.js";
import type { GraphBuilder } from "./onnx-builder.js";
import { DataType } from "./onnx-proto.js";
import type { TensorEntry } from "./weights.js";

export interface ModernBertSettings extends EncoderShape {
  readonly architecture: "modernbert";
  normEps: number;
  /** Per layer: true = full (global) attention, false = sliding window. */
  globalLayers: boolean[];
  /** Total window of the sliding layers: a token sees |i − j| ≤ localAttention / 2 (integer division). */
  localAttention: number;
  globalRopeTheta: number;
  localRopeTheta: number;
}

/** The tensor every ModernBERT GLiNER checkpoint has (finds the GLiNER root, see WeightStore). */
export const MODERNBERT_ANCHOR = "token_rep_layer.bert_layer.model.embeddings.tok_embeddings.weight";

const FLOAT_MIN = -3.4028234663852886e38;
const ACTIVATIONS = ["gelu", "relu", "gelu_new", "gelu_pytorch_tanh"];

type Json = Record<string, unknown>;

function unsupported(flag: string, value: unknown): GlinerError {
  return new GlinerError(
    "UNSUPPORTED",
    `encoder_config: the ModernBERT text encoder sets ${flag} = ${JSON.stringify(value)}, which the converter does not build; see docs/convert.md.`,
  );
}

export function parseModernBert(enc: Json): ModernBertSettings {
  const int = (key: string, fallback?: number): number => {
    const value = enc[key] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new ModelLoadError(`encoder_config: "${key}" must be a positive integer, got ${JSON.stringify(value)}.`);
    return value;
  };
  const hiddenSize = int("hidden_size");
  const numHeads = int("num_attention_heads");
  const numLayers = int("num_hidden_layers");
  if (hiddenSize % numHeads !== 0) throw new ModelLoadError("encoder_config: hidden_size is not a multiple of num_attention_heads.");
  const headSize = hiddenSize / numHeads;
  if (enc["head_dim"] !== undefined && enc["head_dim"] !== null && enc["head_dim"] !== headSize) throw unsupported("head_dim", enc["head_dim"]);
  const act = String(enc["hidden_activation"] ?? "gelu");
  if (!ACTIVATIONS.includes(act)) throw unsupported("hidden_activation", act);
  if (enc["rope_scaling"] !== undefined && enc["rope_scaling"] !== null) throw unsupported("rope_scaling", enc["rope_scaling"]);

  let globalLayers: boolean[];
  const types = enc["layer_types"];
  if (Array.isArray(types)) {
    if (types.length !== numLayers) throw new ModelLoadError(`encoder_config: layer_types has ${types.length} entries for ${numLayers} layers.`);
    globalLayers = types.map((t) => {
      if (t !== "full_attention" && t !== "sliding_attention") throw unsupported("layer_types", t);
      return t === "full_attention";
    });
  } else {
    const every = int("global_attn_every_n_layers", 3);
    globalLayers = Array.from({ length: numLayers }, (_, i) => i % every === 0);
  }
  const theta = (kind: "full_attention" | "sliding_attention", legacyKey: string, fallback: number): number => {
    const rope = (enc["rope_parameters"] as Json | undefined)?.[kind] as Json | undefined;
    if (rope) {
      const type = rope["rope_type"] ?? "default";
      if (type !== "default") throw unsupported(`rope_parameters.${kind}.rope_type`, type);
      if (typeof rope["rope_theta"] === "number") return rope["rope_theta"];
    }
    const legacy = enc[legacyKey];
    return typeof legacy === "number" ? legacy : fallback;
  };
  const eps = enc["norm_eps"];
  return {
    architecture: "modernbert",
    hiddenSize,
    numLayers,
    numHeads,
    headSize,
    intermediateSize: int("intermediate_size"),
    hiddenAct: act,
    normEps: typeof eps === "number" ? eps : 1e-5,
    globalLayers,
    localAttention: int("local_attention", 128),
    globalRopeTheta: theta("full_attention", "global_rope_theta", 160_000),
    localRopeTheta: theta("sliding_attention", "local_rope_theta", 10_000),
  };
}

/** LayerNorm whose bias exists only with norm_bias (ONNX LayerNormalization takes no bias then). */
function norm(g: GraphBuilder, x: string, w: Weights, name: string, eps: number, scope: string): string {
  const inputs = [x, param(g, w.get(`${name}.weight`))];
  if (w.has(`${name}.bias`)) inputs.push(param(g, w.get(`${name}.bias`)));
  return g.op1("LayerNormalization", inputs, { axis: { i: -1 }, epsilon: { f: eps } }, scope);
}

function optional(w: Weights, name: string): TensorEntry | undefined {
  return w.has(name) ? w.get(name) : undefined;
}

/** cos / sin [S, headSize] of the positions 0..S-1 for one RoPE theta (the torch float32 steps). */
function rotary(g: GraphBuilder, positions: string, theta: number, dim: number, scope: string): { cos: string; sin: string } {
  const invFreq = Array.from({ length: dim / 2 }, (_, i) => Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / dim))));
  const freqs = g.op1("Mul", [g.op1("Unsqueeze", [positions, g.i64([1])], {}, scope), g.f32(invFreq)], {}, scope);
  const emb = g.op1("Concat", [freqs, freqs], { axis: { i: -1 } }, scope);
  return { cos: g.op1("Cos", [emb], {}, scope), sin: g.op1("Sin", [emb], {}, scope) };
}

/** x · cos + rotate_half(x) · sin, rotate_half(x) = [−x₂, x₁] over the last axis. */
function applyRotary(g: GraphBuilder, x: string, rope: { cos: string; sin: string }, half: number, scope: string): string {
  const x1 = g.op1("Slice", [x, g.i64([0]), g.i64([half]), g.i64([-1])], {}, scope);
  const x2 = g.op1("Slice", [x, g.i64([half]), g.i64([2 * half]), g.i64([-1])], {}, scope);
  const rotated = g.op1("Concat", [g.op1("Neg", [x2], {}, scope), x1], { axis: { i: -1 } }, scope);
  return g.op1("Add", [g.op1("Mul", [x, rope.cos], {}, scope), g.op1("Mul", [rotated, rope.sin], {}, scope)], {}, scope);
}

/** Last hidden state [B, S, hidden] of `inputIds` / `attentionMask` [B, S]; weight names relative to ModernBertModel. */
export function buildModernBert(g: GraphBuilder, s: ModernBertSettings, w: Weights, inputIds: string, attentionMask: string): string {
  const sc = "encoder";
  const emb = g.op1("Gather", [param(g, w.get("embeddings.tok_embeddings.weight")), inputIds], {}, "embeddings");
  let hidden = norm(g, emb, w, "embeddings.norm", s.normEps, "embeddings");

  const seqLen = g.op1("Gather", [g.op1("Shape", [inputIds], {}, sc), g.i64(1)], { axis: { i: 0 } }, sc);
  const positionsI = g.op1("Range", [g.i64(0), seqLen, g.i64(1)], {}, sc);
  const positions = g.op1("Cast", [positionsI], { to: { i: DataType.FLOAT } }, sc);
  // Allowed (query, key) pairs: the key is not padding; sliding layers also need |i − j| ≤ local_attention / 2.
  // Masked scores are set to finfo.min (not added to): a padded query with no key in its window gets a uniform
  // softmax instead of NaN, and its (unused) output stays finite.
  const keyOk = g.op1("Cast", [g.op1("Unsqueeze", [attentionMask, g.i64([1, 2])], {}, sc)], { to: { i: DataType.BOOL } }, sc);
  const distance = g.op1("Abs", [g.op1("Sub", [g.op1("Unsqueeze", [positionsI, g.i64([1])], {}, sc), g.op1("Unsqueeze", [positionsI, g.i64([0])], {}, sc)], {}, sc)], {}, sc);
  const inWindow = g.op1("LessOrEqual", [distance, g.i64(Math.floor(s.localAttention / 2))], {}, sc);
  const allowed = { global: keyOk, local: g.op1("And", [keyOk, inWindow], {}, sc) };
  const rope = { global: rotary(g, positions, s.globalRopeTheta, s.headSize, sc), local: rotary(g, positions, s.localRopeTheta, s.headSize, sc) };
  const scale = g.f32(Math.fround(s.headSize ** -0.5));
  const I = s.intermediateSize;

  for (let l = 0; l < s.numLayers; l++) {
    const p = `layers.${l}`;
    const scope = `layer.${l}`;
    const kind = s.globalLayers[l] ? "global" : "local";
    const lin = (x: string, name: string): string => linear(g, x, w.get(`${p}.${name}.weight`), optional(w, `${p}.${name}.bias`), scope, true);
    // Layer 0 has no attn_norm (nn.Identity): the embeddings are already normalised.
    const attnIn = w.has(`${p}.attn_norm.weight`) ? norm(g, hidden, w, `${p}.attn_norm`, s.normEps, scope) : hidden;
    // Wqkv → [B, S, 3, H, dh] → [3, B, H, S, dh]
    const qkv = g.op1("Transpose", [g.op1("Reshape", [lin(attnIn, "attn.Wqkv"), g.i64([0, 0, 3, s.numHeads, s.headSize])], {}, scope)], { perm: { ints: [2, 0, 3, 1, 4] } }, scope);
    const part = (i: number): string => g.op1("Gather", [qkv, g.i64(i)], { axis: { i: 0 } }, scope);
    const q = applyRotary(g, part(0), rope[kind], s.headSize / 2, scope);
    const k = applyRotary(g, part(1), rope[kind], s.headSize / 2, scope);
    const kT = g.op1("Transpose", [k], { perm: { ints: [0, 1, 3, 2] } }, scope);
    const scores = g.op1("Mul", [g.op1("MatMul", [q, kT], {}, scope), scale], {}, scope);
    const probs = g.op1("Softmax", [g.op1("Where", [allowed[kind], scores, g.f32(FLOAT_MIN)], {}, scope)], { axis: { i: -1 } }, scope);
    const context = g.op1("Transpose", [g.op1("MatMul", [probs, part(2)], {}, scope)], { perm: { ints: [0, 2, 1, 3] } }, scope);
    const merged = g.op1("Reshape", [context, g.i64([0, 0, -1])], {}, scope);
    hidden = g.op1("Add", [hidden, lin(merged, "attn.Wo")], {}, scope);

    // GeGLU: Wi's first `intermediate_size` outputs are the input, the rest the gate.
    const wi = lin(norm(g, hidden, w, `${p}.mlp_norm`, s.normEps, scope), "mlp.Wi");
    const input = g.op1("Slice", [wi, g.i64([0]), g.i64([I]), g.i64([-1])], {}, scope);
    const gate = g.op1("Slice", [wi, g.i64([I]), g.i64([2 * I]), g.i64([-1])], {}, scope);
    const glu = g.op1("Mul", [activation(g, input, s.hiddenAct, scope), gate], {}, scope);
    hidden = g.op1("Add", [hidden, lin(glu, "mlp.Wo")], {}, scope);
  }
  return norm(g, hidden, w, "final_norm", s.normEps, sc);
}
