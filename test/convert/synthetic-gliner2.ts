/**
 * Random GLiNER2 (and same-backbone GLiNER span) checkpoints written by TypeScript alone, for the converter
 * tests (tiny) and the GLiNER2 benchmark (deberta-v3-base-shaped). Tensors are generated and streamed to
 * model.safetensors one at a time, so a 700 MB checkpoint never sits in memory.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { CountingLayer } from "../../src/convert/gliner2-config.js";

export interface BackboneShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  /** Relative position buckets (deberta-v3: 256). */
  buckets: number;
}

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Standard deviation of the normal init; "one" / "zero" for LayerNorm parameters. */
  init: number | "one" | "zero";
}

/** Seeded normal generator (LCG + Box-Muller): the same seed gives the same tensors. */
export function normalGenerator(seed: number): (n: number, std: number) => Float32Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  return (n, std) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(next() + 1e-12)) * std;
      const a = 2 * Math.PI * next();
      out[i] = r * Math.cos(a);
      if (i + 1 < n) out[i + 1] = r * Math.sin(a);
    }
    return out;
  };
}

/** A torch Linear's weight [out, in] and bias [out]. */
function linearSpecs(name: string, out: number, inp: number, std: number): TensorSpec[] {
  return [
    { name: `${name}.weight`, shape: [out, inp], init: std },
    { name: `${name}.bias`, shape: [out], init: std },
  ];
}

/** DeBERTa-v3 encoder tensors under `prefix` ("encoder." for GLiNER2). */
export function debertaSpecs(prefix: string, s: BackboneShape, std: number): TensorSpec[] {
  const H = s.hidden;
  const out: TensorSpec[] = [
    { name: `${prefix}embeddings.word_embeddings.weight`, shape: [s.vocab, H], init: std },
    { name: `${prefix}embeddings.LayerNorm.weight`, shape: [H], init: "one" },
    { name: `${prefix}embeddings.LayerNorm.bias`, shape: [H], init: "zero" },
    { name: `${prefix}encoder.rel_embeddings.weight`, shape: [2 * s.buckets, H], init: std },
    { name: `${prefix}encoder.LayerNorm.weight`, shape: [H], init: "one" },
    { name: `${prefix}encoder.LayerNorm.bias`, shape: [H], init: "zero" },
  ];
  for (let l = 0; l < s.layers; l++) {
    const p = `${prefix}encoder.layer.${l}.`;
    const lin = (name: string, o: number, i: number) => out.push(...linearSpecs(`${p}${name}`, o, i, std));
    const norm = (name: string) => out.push({ name: `${p}${name}.weight`, shape: [H], init: "one" }, { name: `${p}${name}.bias`, shape: [H], init: "zero" });
    for (const proj of ["query_proj", "key_proj", "value_proj"]) lin(`attention.self.${proj}`, H, H);
    lin("attention.output.dense", H, H);
    norm("attention.output.LayerNorm");
    lin("intermediate.dense", s.intermediate, H);
    lin("output.dense", H, s.intermediate);
    norm("output.LayerNorm");
  }
  return out;
}

/** GLiNER2's heads (span_rep, classifier, count_pred, count_embed of the given counting layer). */
export function gliner2HeadSpecs(H: number, counting: CountingLayer, std: number): TensorSpec[] {
  const out: TensorSpec[] = [];
  const lin = (name: string, o: number, i: number) => out.push(...linearSpecs(name, o, i, std));
  const span = "span_rep.span_rep_layer";
  for (const side of ["project_start", "project_end"]) {
    lin(`${span}.${side}.0`, 4 * H, H);
    lin(`${span}.${side}.3`, H, 4 * H);
  }
  lin(`${span}.out_project.0`, 4 * H, 2 * H);
  lin(`${span}.out_project.3`, H, 4 * H);
  lin("classifier.0", 2 * H, H);
  lin("classifier.2", 1, 2 * H);
  lin("count_pred.0", 2 * H, H);
  lin("count_pred.2", 20, 2 * H);
  out.push({ name: "count_embed.pos_embedding.weight", shape: [20, H], init: std });
  for (const kind of ["ih", "hh"]) {
    out.push({ name: `count_embed.gru.weight_${kind}_l0`, shape: [3 * H, H], init: std }, { name: `count_embed.gru.bias_${kind}_l0`, shape: [3 * H], init: std });
  }
  if (counting === "count_lstm") {
    lin("count_embed.projector.0", 4 * H, 2 * H);
    lin("count_embed.projector.2", H, 4 * H);
  } else if (counting === "count_lstm_v2") {
    const t = "count_embed.transformer";
    lin(`${t}.in_projector`, 128, H);
    for (let l = 0; l < 2; l++) {
      const p = `${t}.transformer.layers.${l}`;
      out.push({ name: `${p}.self_attn.in_proj_weight`, shape: [384, 128], init: std }, { name: `${p}.self_attn.in_proj_bias`, shape: [384], init: std });
      lin(`${p}.self_attn.out_proj`, 128, 128);
      lin(`${p}.linear1`, 256, 128);
      lin(`${p}.linear2`, 128, 256);
      for (const n of ["norm1", "norm2"]) out.push({ name: `${p}.${n}.weight`, shape: [128], init: "one" }, { name: `${p}.${n}.bias`, shape: [128], init: "zero" });
    }
    lin(`${t}.out_projector.0`, H, 128 + H);
    lin(`${t}.out_projector.2`, H, H);
    lin(`${t}.out_projector.4`, H, H);
  } else {
    out.push(
      { name: "count_embed.w1", shape: [4, H, 2 * H], init: std },
      { name: "count_embed.b1", shape: [4, 2 * H], init: std },
      { name: "count_embed.w2", shape: [4, 2 * H, H], init: std },
      { name: "count_embed.b2", shape: [4, H], init: std },
    );
    lin("count_embed.router.0", H, H);
    lin("count_embed.router.2", 4, H);
  }
  return out;
}

/** Streams float32 tensors to a safetensors file, generating each one when it is written. */
export function writeSafetensors(path: string, specs: readonly TensorSpec[], seed: number): void {
  const randn = normalGenerator(seed);
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (const t of specs) {
    const bytes = 4 * t.shape.reduce((a, b) => a * b, 1);
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const fd = openSync(path, "w");
  try {
    writeSync(fd, len);
    writeSync(fd, Buffer.from(json));
    for (const t of specs) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      const data = typeof t.init === "number" ? randn(n, t.init) : new Float32Array(n).fill(t.init === "one" ? 1 : 0);
      writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  } finally {
    closeSync(fd);
  }
}

export function debertaConfig(s: BackboneShape): Record<string, unknown> {
  return {
    model_type: "deberta-v2",
    hidden_size: s.hidden,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    intermediate_size: s.intermediate,
    vocab_size: s.vocab,
    hidden_act: "gelu",
    layer_norm_eps: 1e-7,
    max_position_embeddings: 512,
    max_relative_positions: -1,
    position_buckets: s.buckets,
    relative_attention: true,
    pos_att_type: ["p2c", "c2p"],
    share_att_key: true,
    norm_rel_ebd: "layer_norm",
    position_biased_input: false,
    type_vocab_size: 0,
  };
}

/**
 * A GLiNER2 checkpoint folder (config.json in the published base-v1 style, encoder_config/config.json,
 * model.safetensors). Encoder and heads depend on `seed` only, so two counting layers share every other weight.
 */
export function writeGliner2Checkpoint(dir: string, s: BackboneShape, counting: CountingLayer, options: { seed?: number; std?: number; maxWidth?: number } = {}): void {
  const std = options.std ?? 0.02;
  mkdirSync(join(dir, "encoder_config"), { recursive: true });
  const config = { model_name: "microsoft/deberta-v3-base", model_type: "extractor", counting_layer: counting, max_width: options.maxWidth ?? 8, token_pooling: "first" };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, "encoder_config", "config.json"), JSON.stringify(debertaConfig(s), null, 2));
  // count_embed last, so that the other tensors get the same random values whatever the counting layer
  const heads = gliner2HeadSpecs(s.hidden, counting, std);
  const specs = [...debertaSpecs("encoder.", s, std), ...heads.filter((t) => !t.name.startsWith("count_embed.")), ...heads.filter((t) => t.name.startsWith("count_embed."))];
  writeSafetensors(join(dir, "model.safetensors"), specs, options.seed ?? 7);
}

/**
 * A GLiNER uni-encoder span (markerV0) checkpoint on the same kind of backbone — the peer of the GLiNER2 bench
 * model: gliner_config.json (the span-markerv0 fixture's, with this backbone, hidden size and width),
 * model.safetensors with the encoder→hidden projection, a bi-LSTM, span and prompt heads.
 */
export function writeGlinerSpanCheckpoint(
  dir: string,
  s: BackboneShape,
  template: Record<string, unknown>,
  options: { hidden: number; maxWidth: number; seed?: number; std?: number },
): void {
  const std = options.std ?? 0.02;
  const D = options.hidden;
  mkdirSync(dir, { recursive: true });
  const config = { ...template, encoder_config: debertaConfig(s), hidden_size: D, max_width: options.maxWidth, vocab_size: s.vocab, model_name: "microsoft/deberta-v3-base" };
  writeFileSync(join(dir, "gliner_config.json"), JSON.stringify(config, null, 2));
  const specs = debertaSpecs("token_rep_layer.bert_layer.model.", s, std);
  const lin = (name: string, o: number, i: number) => specs.push(...linearSpecs(name, o, i, std));
  lin("token_rep_layer.projection", D, s.hidden);
  for (const suffix of ["", "_reverse"]) {
    specs.push(
      { name: `rnn.lstm.weight_ih_l0${suffix}`, shape: [2 * D, D], init: std },
      { name: `rnn.lstm.weight_hh_l0${suffix}`, shape: [2 * D, D / 2], init: std },
      { name: `rnn.lstm.bias_ih_l0${suffix}`, shape: [2 * D], init: std },
      { name: `rnn.lstm.bias_hh_l0${suffix}`, shape: [2 * D], init: std },
    );
  }
  const span = "span_rep_layer.span_rep_layer";
  for (const side of ["project_start", "project_end"]) {
    lin(`${span}.${side}.0`, 4 * D, D);
    lin(`${span}.${side}.3`, D, 4 * D);
  }
  lin(`${span}.out_project.0`, 4 * D, 2 * D);
  lin(`${span}.out_project.3`, D, 4 * D);
  lin("prompt_rep_layer.0", 4 * D, D);
  lin("prompt_rep_layer.3", D, 4 * D);
  writeSafetensors(join(dir, "model.safetensors"), specs, options.seed ?? 7);
}
