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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSyntheticCheckpoint } from "./synthetic-model.js";

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

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6]!);
  const shape = { layers: arg("layers", 12), hidden: arg("hidden", 384), heads: arg("heads", 6), intermediate: arg("intermediate", 1536), vocab: arg("vocab", 128004), gliner: arg("gliner", 512) };
  const dir = mkdtempSync(join(tmpdir(), "gliner-bench-convert-"));
  try {
    const src = join(dir, "src");
    mkdirSync(src);
    const params = writeSyntheticCheckpoint(src, shape, join(root, "test/fixtures/models/token-level"), { pytorch: true });
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
