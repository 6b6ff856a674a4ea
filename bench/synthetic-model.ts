/**
 * Random-weight GLiNER token-level checkpoints of any DeBERTa-v3 shape, for benchmarks that need a model
 * bigger than the fixtures (bench/convert.ts, bench/int8.ts). Weights ~ N(0, 0.02²) like a fresh
 * initialisation, LayerNorms at identity, a bi-LSTM and the token scorer: what the converter reads from a real
 * GLiNER checkpoint. Written as model.safetensors (and pytorch_model.bin when asked).
 */
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { safetensorsChunks, torchCheckpointChunks, type RawTensor } from "../test/convert/checkpoint-writers.js";

export interface ModelShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  /** GLiNER's hidden_size (projection, LSTM, scorer). */
  gliner: number;
}

/** deberta-v3-xsmall and -large as GLiNER uses them (the real vocabulary is 128,004). */
export const SHAPES: Record<"xsmall" | "large", ModelShape> = {
  xsmall: { layers: 12, hidden: 384, heads: 6, intermediate: 1536, vocab: 128004, gliner: 512 },
  large: { layers: 24, hidden: 1024, heads: 16, intermediate: 4096, vocab: 128004, gliner: 1024 },
};

let seed = 42;
function randn(n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const u1 = (seed + 1) / 4294967297;
    seed = (seed * 1103515245 + 12345) >>> 0;
    const u2 = seed / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function tensors(shape: ModelShape): RawTensor[] {
  const { layers, hidden: H, intermediate: I, vocab: V, gliner: D } = shape;
  const t: RawTensor[] = [];
  const add = (name: string, dims: number[], kind: "w" | "one" | "zero" = "w") => {
    const n = dims.reduce((a, b) => a * b, 1);
    t.push({ name, shape: dims, data: kind === "w" ? randn(n, 0.02) : new Float32Array(n).fill(kind === "one" ? 1 : 0) });
  };
  const e = "token_rep_layer.bert_layer.model.";
  add(`${e}embeddings.word_embeddings.weight`, [V, H]);
  add(`${e}embeddings.LayerNorm.weight`, [H], "one");
  add(`${e}embeddings.LayerNorm.bias`, [H], "zero");
  add(`${e}encoder.rel_embeddings.weight`, [512, H]);
  add(`${e}encoder.LayerNorm.weight`, [H], "one");
  add(`${e}encoder.LayerNorm.bias`, [H], "zero");
  for (let l = 0; l < layers; l++) {
    const p = `${e}encoder.layer.${l}.`;
    for (const proj of ["query_proj", "key_proj", "value_proj"]) {
      add(`${p}attention.self.${proj}.weight`, [H, H]);
      add(`${p}attention.self.${proj}.bias`, [H]);
    }
    add(`${p}attention.output.dense.weight`, [H, H]);
    add(`${p}attention.output.dense.bias`, [H]);
    add(`${p}attention.output.LayerNorm.weight`, [H], "one");
    add(`${p}attention.output.LayerNorm.bias`, [H], "zero");
    add(`${p}intermediate.dense.weight`, [I, H]);
    add(`${p}intermediate.dense.bias`, [I]);
    add(`${p}output.dense.weight`, [H, I]);
    add(`${p}output.dense.bias`, [H]);
    add(`${p}output.LayerNorm.weight`, [H], "one");
    add(`${p}output.LayerNorm.bias`, [H], "zero");
  }
  add("token_rep_layer.projection.weight", [D, H]);
  add("token_rep_layer.projection.bias", [D]);
  for (const r of ["", "_reverse"]) {
    add(`rnn.lstm.weight_ih_l0${r}`, [2 * D, D]);
    add(`rnn.lstm.weight_hh_l0${r}`, [2 * D, D / 2]);
    add(`rnn.lstm.bias_ih_l0${r}`, [2 * D]);
    add(`rnn.lstm.bias_hh_l0${r}`, [2 * D]);
  }
  for (const p of ["proj_token", "proj_label"]) {
    add(`scorer.${p}.weight`, [2 * D, D]);
    add(`scorer.${p}.bias`, [2 * D]);
  }
  add("scorer.out_mlp.0.weight", [4 * D, 3 * D]);
  add("scorer.out_mlp.0.bias", [4 * D]);
  add("scorer.out_mlp.3.weight", [3, 4 * D]);
  add("scorer.out_mlp.3.bias", [3]);
  return t;
}

function writeChunks(path: string, chunks: Uint8Array[]): void {
  const fd = openSync(path, "w");
  for (const c of chunks) for (let done = 0; done < c.byteLength; ) done += writeSync(fd, c, done);
  closeSync(fd);
}

const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

/**
 * Writes a checkpoint folder of `shape` into `dir` (gliner_config.json from `template`, a token-level model
 * folder, with the shape patched in). With `tokenizerFrom`, its tokenizer files are copied and the vocabulary
 * and class token are that tokenizer's (so the folder also loads as a model once converted); `shape.vocab`
 * is then ignored. Returns the parameter count.
 */
export function writeSyntheticCheckpoint(dir: string, shape: ModelShape, template: string, options: { pytorch?: boolean; tokenizerFrom?: string } = {}): number {
  const config = JSON.parse(readFileSync(join(template, "gliner_config.json"), "utf8")) as Record<string, unknown>;
  let { vocab } = shape;
  let classToken = vocab - 2;
  if (options.tokenizerFrom !== undefined) {
    const source = JSON.parse(readFileSync(join(options.tokenizerFrom, "gliner_config.json"), "utf8")) as { vocab_size: number; class_token_index: number };
    vocab = source.vocab_size;
    classToken = source.class_token_index;
    for (const name of TOKENIZER_FILES) {
      if (existsSync(join(options.tokenizerFrom, name))) copyFileSync(join(options.tokenizerFrom, name), join(dir, name));
    }
  }
  const t = tensors({ ...shape, vocab });
  writeChunks(join(dir, "model.safetensors"), safetensorsChunks(t));
  if (options.pytorch) writeChunks(join(dir, "pytorch_model.bin"), torchCheckpointChunks(t));
  const enc = config.encoder_config as Record<string, unknown>;
  Object.assign(enc, { hidden_size: shape.hidden, num_hidden_layers: shape.layers, num_attention_heads: shape.heads, intermediate_size: shape.intermediate, vocab_size: vocab, pooler_hidden_size: shape.hidden });
  Object.assign(config, { hidden_size: shape.gliner, vocab_size: vocab, class_token_index: classToken });
  writeFileSync(join(dir, "gliner_config.json"), JSON.stringify(config, null, 2));
  return t.reduce((n, x) => n + x.data.length, 0);
}
