/**
 * A plain TypeScript reference of GLiNER2's count_embed (gliner2/layers.py: CountLSTM, CountLSTMv2, CountLSTMoE)
 * for ONE task: its real field embeddings X [m][D] → [steps][m][D]. Loops over arrays, written from the torch
 * module definitions, to check the ONNX graph of src/convert/count-embed.ts against.
 */
import type { CountingLayer } from "../../src/convert/gliner2-config.js";

export type Tensors = ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;
type Vec = number[];

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for a 1e-4 comparison. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
const relu = (v: Vec): Vec => v.map((x) => Math.max(0, x));

export function countEmbedReference(t: Tensors, layer: CountingLayer, X: readonly Vec[]): Vec[][] {
  const get = (name: string) => {
    const e = t.get(name);
    if (!e) throw new Error(`no ${name}`);
    return e;
  };
  /** torch Linear: W [o, i] · x + b. */
  const linear = (name: string, x: Vec): Vec => {
    const w = get(`${name}.weight`);
    const b = get(`${name}.bias`).data;
    const [o, i] = w.shape as [number, number];
    return Array.from({ length: o }, (_, r) => {
      let s = b[r]!;
      for (let k = 0; k < i; k++) s += w.data[r * i + k]! * x[k]!;
      return s;
    });
  };
  const mlp = (prefix: string, indices: number[], x: Vec): Vec => indices.reduce((y, idx, i) => linear(`${prefix}.${idx}`, i > 0 ? relu(y) : y), x);

  const pos = get("count_embed.pos_embedding.weight");
  const D = pos.shape[1]!;
  const steps = pos.shape[0]!;
  const gruLinear = (kind: "ih" | "hh", x: Vec): Vec => gruMatVec(get(`count_embed.gru.weight_${kind}_l0`).data, get(`count_embed.gru.bias_${kind}_l0`).data, x, D);
  let h = X.map((x) => [...x]);
  const gru: Vec[][] = [];
  for (let s = 0; s < steps; s++) {
    const gi = gruLinear("ih", Array.from(pos.data.subarray(s * D, (s + 1) * D)));
    h = h.map((hf) => {
      const gh = gruLinear("hh", hf);
      return hf.map((hv, j) => {
        const r = sigmoid(gi[j]! + gh[j]!);
        const z = sigmoid(gi[D + j]! + gh[D + j]!);
        const n = Math.tanh(gi[2 * D + j]! + r * gh[2 * D + j]!);
        return (1 - z) * n + z * hv;
      });
    });
    gru.push(h);
  }
  if (layer === "count_lstm") return gru.map((step) => step.map((g, f) => mlp("count_embed.projector", [0, 2], [...g, ...X[f]!])));
  if (layer === "count_lstm_moe") return gru.map((step) => step.map((g) => mixture(get, linear, g)));
  return gru.map((step) => fieldTransformer(get, linear, mlp, step.map((g, f) => g.map((v, j) => v + X[f]![j]!))));
}

function gruMatVec(w: Float32Array, b: Float32Array, x: Vec, D: number): Vec {
  return Array.from({ length: 3 * D }, (_, r) => {
    let s = b[r]!;
    for (let k = 0; k < D; k++) s += w[r * D + k]! * x[k]!;
    return s;
  });
}

type Get = (name: string) => { shape: readonly number[]; data: Float32Array };
type Linear = (name: string, x: Vec) => Vec;

function mixture(get: Get, linear: Linear, h: Vec): Vec {
  const logits = linear("count_embed.router.2", linear("count_embed.router.0", h).map(gelu));
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const gates = e.map((v) => v / e.reduce((a, c) => a + c, 0));
  const [w1, b1, w2, b2] = ["w1", "b1", "w2", "b2"].map((n) => get(`count_embed.${n}`)) as [ReturnType<Get>, ReturnType<Get>, ReturnType<Get>, ReturnType<Get>];
  const [E, D, inner] = w1.shape as [number, number, number];
  const out = new Array<number>(D).fill(0);
  for (let ex = 0; ex < E; ex++) {
    const mid = Array.from({ length: inner }, (_, j) => {
      let s = b1.data[ex * inner + j]!;
      for (let d = 0; d < D; d++) s += h[d]! * w1.data[(ex * D + d) * inner + j]!;
      return gelu(s);
    });
    for (let d = 0; d < D; d++) {
      let s = b2.data[ex * D + d]!;
      for (let j = 0; j < inner; j++) s += mid[j]! * w2.data[(ex * inner + j) * D + d]!;
      out[d]! += gates[ex]! * s;
    }
  }
  return out;
}

/** DownscaledTransformer over the m fields of one task (post-norm layers, 4 heads, no padding). */
function fieldTransformer(get: Get, linear: Linear, mlp: (p: string, i: number[], x: Vec) => Vec, x: Vec[]): Vec[] {
  const p = "count_embed.transformer";
  let y = x.map((v) => linear(`${p}.in_projector`, v));
  const d = y[0]!.length;
  const heads = 4;
  const dh = d / heads;
  const norm = (name: string, v: Vec): Vec => {
    const mean = v.reduce((a, c) => a + c, 0) / v.length;
    const variance = v.reduce((a, c) => a + (c - mean) ** 2, 0) / v.length;
    const w = get(`${name}.weight`).data;
    const b = get(`${name}.bias`).data;
    return v.map((c, j) => ((c - mean) / Math.sqrt(variance + 1e-5)) * w[j]! + b[j]!);
  };
  for (let l = 0; l < 2; l++) {
    const q = `${p}.transformer.layers.${l}`;
    const inW = get(`${q}.self_attn.in_proj_weight`).data;
    const inB = get(`${q}.self_attn.in_proj_bias`).data;
    const qkv = y.map((v) => Array.from({ length: 3 * d }, (_, r) => v.reduce((s, c, k) => s + inW[r * d + k]! * c, inB[r]!)));
    const ctx = y.map((_, i) =>
      Array.from({ length: heads }).flatMap((__, hh) => {
        const scores = y.map((___, j) => {
          let s = 0;
          for (let k = 0; k < dh; k++) s += qkv[i]![hh * dh + k]! * qkv[j]![d + hh * dh + k]!;
          return s / Math.sqrt(dh);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const sum = e.reduce((a, c) => a + c, 0);
        return Array.from({ length: dh }, (____, k) => e.reduce((s, w, j) => s + (w / sum) * qkv[j]![2 * d + hh * dh + k]!, 0));
      }),
    );
    const add = (v: Vec, u: Vec): Vec => v.map((c, j) => c + u[j]!);
    y = y.map((v, i) => norm(`${q}.norm1`, add(v, linear(`${q}.self_attn.out_proj`, ctx[i]!))));
    y = y.map((v) => norm(`${q}.norm2`, add(v, linear(`${q}.linear2`, relu(linear(`${q}.linear1`, v))))));
  }
  return y.map((v, i) => mlp(`${p}.out_projector`, [0, 2, 4], [...v, ...x[i]!]));
}
