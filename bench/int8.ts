/**
 * int8 vs fp32 on one model shape: a random-weight checkpoint of that shape is synthesised
 * (bench/synthetic-model.ts, tokenizer of the token-level test fixture), converted by `convertCheckpoint` to
 * fp32 and to each int8 dtype, and then
 * - speed: each dtype in its own child process, rounds interleaved, the corpus through `model.stream` (median
 *   seconds per round) and per-text latency (p50 over `--latency-texts` texts run alone);
 * - agreement: `compareModels` (src/convert/quality.ts) against the fp32 file on the same corpus.
 *
 *   npx tsx bench/int8.ts [--shape xsmall|large] [--dtypes q8,int8,uint8] [--texts 24] [--rounds 3]
 *                         [--latency-texts 8] [--threshold auto|<t>] [--shared <dir>] [--keep] [--out <file>]
 *
 * `--threshold auto` (default): the score of fp32's top 0.1% logits (src/convert/quality.ts), since a random
 * model scores every span near 0.5 and finds nothing at 0.5.
 * Corpus: the NER test sets of the shared folder (see bench/setup.ts). The synthetic model uses the test
 * fixture's 8,003-token vocabulary instead of DeBERTa-v3's 128,004: the embedding table is only read by a
 * Gather, so this changes size on disk, not speed. Temporary files are removed unless `--keep`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { announce, benchCorpus, median, quantile, requireShared, ROOT, runBench } from "./setup.js";
import { SHAPES, writeSyntheticCheckpoint } from "./synthetic-model.js";

const LABELS = ["person", "organization", "location", "date", "event"];
const here = fileURLToPath(import.meta.url);

interface ChildResult {
  seconds: number;
  latenciesMs: number[];
  peakRssMB: number;
}

async function child(folder: string, onnxFile: string, corpus: { texts: string[]; latencyTexts: number }): Promise<ChildResult> {
  const { GLiNER } = await import("../src/node.js");
  const model = await GLiNER.fromPretrained(folder, { onnxFile });
  for await (const _ of model.stream(corpus.texts.slice(0, 2), LABELS)) void _; // warm-up
  const start = performance.now();
  for await (const _ of model.stream(corpus.texts, LABELS)) void _;
  const seconds = (performance.now() - start) / 1000;
  const latenciesMs: number[] = [];
  for (const text of corpus.texts.slice(0, corpus.latencyTexts)) {
    const t = performance.now();
    await model.predictEntities(text, LABELS);
    latenciesMs.push(performance.now() - t);
  }
  return { seconds, latenciesMs, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") {
    const input = JSON.parse(process.argv[5] as string) as { texts: string[]; latencyTexts: number };
    console.log(`RESULT ${JSON.stringify(await child(process.argv[3] as string, process.argv[4] as string, input))}`);
    return;
  }
  const { values } = parseArgs({
    options: {
      shape: { type: "string", default: "xsmall" },
      dtypes: { type: "string", default: "q8,int8,uint8" },
      texts: { type: "string", default: "24" },
      rounds: { type: "string", default: "3" },
      "latency-texts": { type: "string", default: "8" },
      threshold: { type: "string", default: "auto" },
      shared: { type: "string" },
      keep: { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  const shape = SHAPES[values.shape as keyof typeof SHAPES];
  if (shape === undefined) throw new Error(`--shape must be ${Object.keys(SHAPES).join(" or ")}`);
  const shared = requireShared(values.shared, "the NER test sets (the corpus)");
  const texts = benchCorpus(shared, Number(values.texts), 384);
  const dtypes = values.dtypes.split(",");
  const { convertCheckpoint, ONNX_FILE } = await import("../src/convert/index.js");
  const { compareModels } = await import("../src/convert/quality.js");

  const dir = mkdtempSync(join(tmpdir(), "gliner-bench-int8-"));
  // A large model's files are GBs: remove them also when the run is interrupted.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (!values.keep) rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    const src = join(dir, "checkpoint");
    const out = join(dir, "model");
    mkdirSync(src);
    const fixture = join(ROOT, "test", "fixtures", "models", "token-level");
    const params = writeSyntheticCheckpoint(src, shape, fixture, { tokenizerFrom: fixture });
    announce("model", `random-weight ${values.shape}-shaped checkpoint, ${(params / 1e6).toFixed(0)}M parameters (${JSON.stringify(shape)}, vocabulary of ${fixture}), in ${dir}`);
    const files: Record<string, string> = {};
    const sizes: Record<string, number> = {};
    for (const dtype of ["fp32", ...dtypes]) {
      const t = performance.now();
      const result = await convertCheckpoint(src, out, { dtype: dtype as "fp32" });
      files[dtype] = `onnx/${ONNX_FILE[dtype as "fp32"]}`;
      sizes[dtype] = statSync(result.modelPath).size / 2 ** 20;
      console.error(`converted ${dtype} in ${((performance.now() - t) / 1000).toFixed(1)} s: ${sizes[dtype]!.toFixed(0)} MiB`);
    }
    rmSync(src, { recursive: true, force: true });

    const threshold = values.threshold === "auto" ? "auto" : Number(values.threshold);
    const quality: Record<string, unknown> = {};
    for (const dtype of dtypes) {
      quality[dtype] = await compareModels({ folder: out, onnxFile: files.fp32 as string }, { folder: out, onnxFile: files[dtype] as string }, { texts, labels: LABELS, threshold });
      console.error(`${dtype} vs fp32: ${JSON.stringify(quality[dtype])}`);
    }

    const load = { start: loadavg(), end: [] as number[] };
    const runs: Record<string, ChildResult[]> = Object.fromEntries(["fp32", ...dtypes].map((d) => [d, []]));
    const corpus = JSON.stringify({ texts, latencyTexts: Number(values["latency-texts"]) });
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const dtype of ["fp32", ...dtypes]) {
        const r = spawnSync(process.execPath, ["--import", "tsx", here, "--child", out, files[dtype] as string, corpus], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
        const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
        if (line === undefined) throw new Error(`${dtype} failed:\n${r.stderr}`);
        const result = JSON.parse(line.slice(7)) as ChildResult;
        runs[dtype]!.push(result);
        console.error(`round ${round + 1} ${dtype}: ${result.seconds.toFixed(2)} s`);
      }
    }
    load.end = loadavg();
    const fp32Seconds = median(runs.fp32!.map((r) => r.seconds));
    const fp32P50 = quantile(runs.fp32!.flatMap((r) => r.latenciesMs), 0.5);
    const rows = ["fp32", ...dtypes].map((dtype) => {
      const seconds = median(runs[dtype]!.map((r) => r.seconds));
      const p50 = quantile(runs[dtype]!.flatMap((r) => r.latenciesMs), 0.5);
      return {
        dtype,
        file: files[dtype],
        sizeMiB: Number(sizes[dtype]!.toFixed(1)),
        textsPerSec: texts.length / seconds,
        speedupVsFp32: fp32Seconds / seconds,
        p50Ms: p50,
        p50SpeedupVsFp32: fp32P50 / p50,
        peakRssMB: Math.max(...runs[dtype]!.map((r) => r.peakRssMB)),
        secondsPerRound: runs[dtype]!.map((r) => Number(r.seconds.toFixed(2))),
        quality: quality[dtype] ?? null,
      };
    });
    console.log(`| dtype | MiB | texts/s | × fp32 | p50 ms/text | p50 × fp32 | max abs Δ logit | entities (fp32 / int8 / common) | agreement |`);
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
    for (const r of rows) {
      const q = r.quality as { maxAbsLogitDiff: number; referenceEntities: number; candidateEntities: number; commonEntities: number; agreement: number } | null;
      console.log(
        `| ${r.dtype} | ${r.sizeMiB.toFixed(0)} | ${r.textsPerSec.toFixed(2)} | ${r.speedupVsFp32.toFixed(2)} | ${r.p50Ms.toFixed(0)} | ${r.p50SpeedupVsFp32.toFixed(2)} | ` +
          (q === null ? "— | — | — |" : `${q.maxAbsLogitDiff.toExponential(2)} | ${q.referenceEntities} / ${q.candidateEntities} / ${q.commonEntities} | ${(100 * q.agreement).toFixed(1)}% |`),
      );
    }
    const report = {
      command: `npx tsx bench/int8.ts ${process.argv.slice(2).join(" ")}`.trim(),
      date: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadAverage: load },
      shape: { name: values.shape, ...shape, vocab: "token-level fixture (8,003)" },
      corpus: { texts: texts.length, labels: LABELS, threshold },
      rows,
    };
    if (values.out !== undefined) {
      writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
      console.error(`written: ${values.out}`);
    }
  } finally {
    if (values.keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
