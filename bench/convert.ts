/**
 * Converter benchmark: synthesises a random GLiNER token-level checkpoint shaped like a
 * deberta-v3-xsmall GLiNER (12 layers, hidden 384, 6 heads, intermediate 1536, vocab 128004,
 * GLiNER hidden 512, bi-LSTM) as model.safetensors and pytorch_model.bin, then converts it to each dtype in
 * a fresh child process and reports wall time and peak RSS (the child's VmHWM, Linux).
 *
 *   npx tsx bench/convert.ts                 # both weight files, fp32 / fp16 / q8
 *   npx tsx bench/convert.ts --layers 24 --hidden 1024 --heads 16 --intermediate 4096   # large-shaped
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { safetensorsChunks, torchCheckpointChunks, type RawTensor } from "../test/convert/checkpoint-writers.js";

const here = fileURLToPath(import.meta.url);
const root = join(here, "..", "..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function child(source: string, out: string, dtype: string, weights: string): Promise<void> {
  const { convertCheckpoint } = await import("../src/convert/index.js");
  // VmHWM (peak resident set of this process image); getrusage's maxRSS would include the parent's peak
  // inherited across fork/exec.
  const hwm = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;
  const baseline = hwm();
  const t0 = performance.now();
  const result = await convertCheckpoint(source, out, { dtype: dtype as "fp32", weights: weights as "pytorch" });
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, peakMiB: hwm(), baselineMiB: baseline, bytes: statSync(result.modelPath).size }));
}

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

function synthesise(dir: string, shape: { layers: number; hidden: number; heads: number; intermediate: number; vocab: number; gliner: number }): number {
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

  const writeChunks = (path: string, chunks: Uint8Array[]) => {
    const fd = openSync(path, "w");
    for (const c of chunks) for (let done = 0; done < c.byteLength; ) done += writeSync(fd, c, done);
    closeSync(fd);
  };
  writeChunks(join(dir, "model.safetensors"), safetensorsChunks(t));
  writeChunks(join(dir, "pytorch_model.bin"), torchCheckpointChunks(t));
  const config = JSON.parse(readFileSync(join(root, "test/fixtures/models/token-level/gliner_config.json"), "utf8")) as Record<string, unknown>;
  const enc = config.encoder_config as Record<string, unknown>;
  Object.assign(enc, { hidden_size: H, num_hidden_layers: layers, num_attention_heads: shape.heads, intermediate_size: I, vocab_size: V, pooler_hidden_size: H });
  Object.assign(config, { hidden_size: D, vocab_size: V, class_token_index: V - 2 });
  writeFileSync(join(dir, "gliner_config.json"), JSON.stringify(config, null, 2));
  return t.reduce((n, x) => n + x.data.length, 0);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6]!);
  const shape = { layers: arg("layers", 12), hidden: arg("hidden", 384), heads: arg("heads", 6), intermediate: arg("intermediate", 1536), vocab: arg("vocab", 128004), gliner: arg("gliner", 512) };
  const dir = mkdtempSync(join(tmpdir(), "gliner-bench-convert-"));
  try {
    const src = join(dir, "src");
    mkdirSync(src);
    const params = synthesise(src, shape);
    const st = statSync(join(src, "model.safetensors")).size;
    console.log(`checkpoint: ${(params / 1e6).toFixed(1)}M parameters, model.safetensors ${(st / 2 ** 20).toFixed(0)} MiB, pytorch_model.bin ${(statSync(join(src, "pytorch_model.bin")).size / 2 ** 20).toFixed(0)} MiB (${JSON.stringify(shape)})`);
    console.log("| weights | dtype | time (s) | peak RSS (MiB) | RSS before convert (MiB) | ONNX size (MiB) |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const weights of ["safetensors", "pytorch"]) {
      for (const dtype of ["fp32", "fp16", "q8"]) {
        const r = spawnSync(process.execPath, ["--import", "tsx", here, "--child", src, join(dir, `out-${weights}`), dtype, weights], { cwd: root, encoding: "utf8" });
        if (r.status !== 0) throw new Error(r.stderr);
        const m = JSON.parse(r.stdout) as { seconds: number; peakMiB: number; baselineMiB: number; bytes: number };
        console.log(`| ${weights} | ${dtype} | ${m.seconds.toFixed(2)} | ${m.peakMiB.toFixed(0)} | ${m.baselineMiB.toFixed(0)} | ${(m.bytes / 2 ** 20).toFixed(0)} |`);
      }
    }
  } finally {
    if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

await main();
