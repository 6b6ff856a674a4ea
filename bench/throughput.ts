/**
 * `npm run bench`: gliner-ts throughput and latency, in one interleaved run, against
 * - the raw floor: the same session's `run` replayed on exactly the tensors gliner-ts gave it (per variant);
 * - ONNX Runtime's own defaults (`ours:8:t0:i0:spin`: what gliner-ts handed to ORT before it chose its own);
 * - Python gliner + onnxruntime, from a JSON file made by bench/python/gliner_baseline.py (`--python <file>`,
 *   same corpus: write it with `--write-corpus <file>`);
 * - GLiNER.js (npm `gliner`) when asked (`glinerjs` variants);
 * - the same model shape in int8 (`--int8 q8`, the default): the model folder's int8 file when it has one,
 *   else a random-weight twin of the model's shape converted to fp32 and int8 (bench/twin.ts), compared for
 *   speed and agreement (src/convert/quality.ts).
 *
 *   npm run bench -- [--model <dir>] [--shared <dir>] [--texts 40] [--rounds 3] [--engines <list>]
 *                    [--int8 q8|int8|uint8|none] [--python <file.json>] [--write-corpus <file.json>]
 *                    [--latency-texts 16] [--out <file.json>]
 *
 * Engines (`--engines`, comma-separated): `ours` with optional parts `:<batch size>|auto` (default auto),
 * `:t<n>` intra-op threads, `:i<n>` inter-op threads (0 = ORT's default), `:spin`/`:nospin`, `:w<n>` worker
 * sessions; `glinerjs[:<batch>]`. Without parts, `ours` passes no session options at all (gliner-ts defaults).
 * Each variant runs in its own child process (clean peak RSS) and the rounds alternate the variants so that
 * all see the same machine load; medians over rounds are reported. Per round and variant: the whole corpus
 * (ours through `batchPredictEntities` with the batch size, or `stream` for auto; GLiNER.js in consecutive
 * calls of `<batch>` texts), then each of the first `--latency-texts` texts alone (p50/p95), then the raw replay.
 * Data: bench-xsmall and the NER test sets of the shared folder (bench/setup.ts); nothing is substituted.
 * Results are printed; a JSON report is written only with `--out`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { printReport, type Summary, summarize } from "./report.js";
import { announce, BenchSetupError, benchCorpus, benchModel, requireShared, ROOT, runBench } from "./setup.js";
import { runVariant, type VariantConfig } from "./variant.js";
import { int8Pair } from "./twin.js";

export const LABELS = ["person", "organization", "location", "date", "event"];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      model: { type: "string" },
      shared: { type: "string" },
      "onnx-file": { type: "string", default: "onnx/model.onnx" },
      texts: { type: "string", default: "40" },
      rounds: { type: "string", default: "3" },
      engines: { type: "string", default: "ours:8,ours:1,ours,ours:8:t0:i0:spin,ours:auto:w2" },
      int8: { type: "string", default: "q8" },
      python: { type: "string" },
      "write-corpus": { type: "string" },
      "latency-texts": { type: "string", default: "16" },
      out: { type: "string" },
    },
  });
  if (values.child !== undefined) {
    const config = JSON.parse(readFileSync(0, "utf8")) as VariantConfig;
    console.log(`RESULT ${JSON.stringify(await runVariant(values.child, config))}`);
    return;
  }
  const shared = requireShared(values.shared, "the NER test sets (the corpus) and, without --model, bench-xsmall");
  const model = benchModel(values.model, () => shared, "bench-xsmall");
  const maxLen = (JSON.parse(readFileSync(join(model, "gliner_config.json"), "utf8")) as { max_len?: number }).max_len ?? 384;
  const texts = benchCorpus(shared, Number(values.texts), maxLen);
  const corpusSha = createHash("sha256").update(JSON.stringify({ texts, labels: LABELS })).digest("hex").slice(0, 16);
  if (values["write-corpus"] !== undefined) {
    writeFileSync(values["write-corpus"], `${JSON.stringify({ sha: corpusSha, labels: LABELS, threshold: 0.5, texts }, null, 1)}\n`);
    announce("corpus written", `${values["write-corpus"]} (sha ${corpusSha}) for bench/python/gliner_baseline.py`);
  }
  const python = values.python === undefined ? undefined : readPython(values.python, corpusSha);

  const base: VariantConfig = { model, onnxFile: values["onnx-file"], texts, labels: LABELS, latencyTexts: Number(values["latency-texts"]) };
  const variants: { name: string; spec: string; config: VariantConfig }[] = values.engines.split(",").map((spec) => ({ name: spec, spec, config: base }));
  const pair = values.int8 === "none" ? undefined : await int8Pair(model, values["onnx-file"], values.int8, texts, LABELS);
  try {
    if (pair !== undefined) {
      variants.push({ name: `fp32 (${pair.origin})`, spec: "ours", config: { ...base, model: pair.folder, onnxFile: pair.fp32 } });
      variants.push({ name: `${values.int8} (${pair.origin})`, spec: "ours", config: { ...base, model: pair.folder, onnxFile: pair.int8 } });
    }
    const load = { start: loadavg(), end: [] as number[] };
    const results = new Map<string, ReturnType<typeof JSON.parse>[]>(variants.map((v) => [v.name, []]));
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const v of variants) {
        const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", v.spec], {
          cwd: ROOT,
          input: JSON.stringify(v.config),
          encoding: "utf8",
          maxBuffer: 64 << 20,
        });
        const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
        if (line === undefined) throw new Error(`${v.name} failed:\n${child.stderr}`);
        const result = JSON.parse(line.slice(7));
        results.get(v.name)!.push(result);
        console.error(`round ${round + 1} ${v.name}: ${result.seconds.toFixed(2)} s (raw floor ${result.floorSeconds === null ? "n/a" : `${result.floorSeconds.toFixed(2)} s`})`);
      }
    }
    load.end = loadavg();
    const summary: Record<string, Summary> = Object.fromEntries(variants.map((v) => [v.name, summarize(results.get(v.name)!, texts)]));
    const report = {
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model,
        cores: availableParallelism(),
        memoryGB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        onnxruntimeNode: (JSON.parse(readFileSync(join(ROOT, "node_modules", "onnxruntime-node", "package.json"), "utf8")) as { version: string }).version,
        loadAverage: load,
      },
      model: { dir: model, onnxFile: values["onnx-file"], maxLen },
      corpus: { sha: corpusSha, texts: texts.length, words: texts.reduce((n, t) => n + t.split(" ").length, 0), labels: LABELS },
      results: summary,
      int8: pair === undefined ? null : { dtype: values.int8, origin: pair.origin, quality: pair.quality },
      python: python ?? null,
    };
    printReport(report);
    if (values.out !== undefined) {
      writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
      console.error(`written: ${values.out}`);
    }
  } finally {
    await pair?.cleanup();
  }
}

/** Python's numbers (bench/python/gliner_baseline.py), refused when they were measured on another corpus. */
function readPython(file: string, corpusSha: string): Record<string, unknown> {
  const data = JSON.parse(readFileSync(file, "utf8")) as { corpusSha?: string };
  if (data.corpusSha !== corpusSha) {
    throw new BenchSetupError(`${file} was measured on corpus ${data.corpusSha ?? "(none given)"}, this run's corpus is ${corpusSha}; rerun the Python script on --write-corpus's file.`);
  }
  announce("python numbers", file);
  return data;
}

runBench(main);
