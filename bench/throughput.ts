/**
 * `npm run bench`: gliner-ts against GLiNER.js (npm `gliner`) on the same ONNX file and the same texts.
 *
 *   npm run bench -- [--model <dir>] [--texts 40] [--rounds 3] [--batch-size auto|<n>] [--peer-batch 8]
 *                    [--threads <n>] [--spinning on|off] [--workers <n>] [--latency-texts 16] [--engines ours,glinerjs]
 *                    [--out <file>]
 *
 * `--engines` lists variants: `ours` or `glinerjs`, optionally with `:<batch size>` and (ours) `:spin` / `:nospin`
 * (ORT thread spinning), `:t<n>` (intra-op threads) and `:w<n>` (worker-thread sessions, 1 intra-op thread each
 * unless `:t<n>`), e.g. `ours,ours:1,ours:auto:w2,ours:8:t1,glinerjs,glinerjs:1`.
 * Ratios are reported for every ours variant against every GLiNER.js variant.
 *
 * Each engine runs in its own child process (clean peak RSS), and the rounds alternate ours / GLiNER.js so
 * that both see the same machine load; medians over rounds are reported. Per round and engine:
 * - throughput: the whole corpus, ours through `model.stream` (bucketed batches), GLiNER.js through
 *   `inference({ texts })` in consecutive batches of `--peer-batch` texts (it sends all given texts as one batch);
 * - latency: each of the first `--latency-texts` texts alone, p50/p95 ms;
 * - the share of time outside `InferenceSession.run` (patched on the prototype, so it times both engines alike);
 * - peak RSS of the child process.
 * GLiNER.js decodes token logits as [3,B,L,C]; on a [B,L,C,3] export (bench-xsmall) it runs the same tensors
 * through the same session but its decoded entities are meaningless: what is compared is the time of its
 * processor + session run + decoder on identical inputs (see docs/performance.md).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LABELS = ["person", "organization", "location", "date", "event"];
/** Sentences per text, cycled: lengths from one sentence (~10-30 words) to sixteen (~400 words). */
const SENTENCES_PER_TEXT = [1, 2, 1, 4, 1, 1, 8, 2, 1, 16];

interface Config {
  model: string;
  onnxFile: string;
  texts: string[];
  latencyTexts: number;
  batchSize: number | "auto";
  peerBatch: number;
  threads: number | undefined;
  /** ORT's intra/inter-op spinning; undefined keeps ORT's default (on). */
  spinning: boolean | undefined;
  /** Worker-thread sessions (ours); 1 = the calling thread. */
  workers: number;
}

interface EngineResult {
  engine: string;
  seconds: number;
  runSeconds: number;
  runs: number;
  /** CPU time of the whole process (all threads) during the corpus run. */
  cpuSeconds: number;
  entities: number;
  latenciesMs: number[];
  peakRssMB: number;
}

// ---------- child: one engine, one round ----------

let runSeconds = 0;
let runs = 0;
// onnxruntime-node's InferenceSession class, shared by both engines (GLiNER.js's copy is overridden to ours).
const sessionClass = ort.InferenceSession as unknown as { prototype: { run: ort.InferenceSession["run"] } };
const originalRun = sessionClass.prototype.run;
sessionClass.prototype.run = async function (this: ort.InferenceSession, ...args: Parameters<typeof originalRun>) {
  const start = performance.now();
  try {
    return await originalRun.apply(this, args);
  } finally {
    runSeconds += (performance.now() - start) / 1000;
    runs++;
  }
} as typeof originalRun;

type Predict = { batch(texts: string[]): Promise<number>; single(text: string): Promise<unknown> };

async function oursEngine(config: Config): Promise<Predict> {
  const { GLiNER } = await import("../src/node.js");
  const session = {
    ...(config.threads === undefined ? {} : { intraOpNumThreads: config.threads }),
    ...(config.spinning === undefined ? {} : { allowSpinning: config.spinning }),
    ...(config.workers > 1 ? { workers: config.workers } : {}),
  };
  const model = await GLiNER.fromPretrained(config.model, { onnxFile: config.onnxFile, session });
  return {
    async batch(texts) {
      let entities = 0;
      for await (const result of model.stream(texts, LABELS, { batchSize: config.batchSize })) entities += result.entities.length;
      return entities;
    },
    single: (text) => model.predictEntities(text, LABELS),
  };
}

async function glinerJsEngine(config: Config): Promise<Predict> {
  const { env } = await import("@xenova/transformers");
  const { Gliner } = await import("gliner/node");
  const dir = resolve(config.model);
  env.localModelPath = `${dirname(dir)}/`;
  env.allowRemoteModels = false;
  const modelConfig = JSON.parse(readFileSync(join(dir, "gliner_config.json"), "utf8")) as { span_mode?: string; max_width?: number };
  const gliner = new Gliner({
    tokenizerPath: basename(dir),
    onnxSettings: { modelPath: join(dir, config.onnxFile) },
    modelType: modelConfig.span_mode === "token_level" ? "token-level" : "span-level",
    maxWidth: modelConfig.max_width ?? 12,
    transformersSettings: { allowLocalModels: true, useBrowserCache: false },
  });
  await gliner.initialize();
  const call = (texts: string[]) => gliner.inference({ texts, entities: LABELS, threshold: 0.5, flatNer: true });
  return {
    async batch(texts) {
      let entities = 0;
      for (let i = 0; i < texts.length; i += config.peerBatch) {
        for (const list of await call(texts.slice(i, i + config.peerBatch))) entities += list.length;
      }
      return entities;
    },
    single: (text) => call([text]),
  };
}

/** `ours:8:spin` → the config for that variant. */
function variant(spec: string, config: Config): { kind: "ours" | "glinerjs"; config: Config } {
  const [kind, ...rest] = spec.split(":");
  if (kind !== "ours" && kind !== "glinerjs") throw new Error(`unknown engine "${spec}"`);
  const out = { ...config };
  for (const part of rest) {
    if (part === "spin") out.spinning = true;
    else if (part === "nospin") out.spinning = false;
    else if (/^t\d+$/.test(part)) out.threads = Number(part.slice(1));
    else if (/^w\d+$/.test(part)) out.workers = Number(part.slice(1));
    else if (kind === "ours") out.batchSize = part === "auto" ? "auto" : Number(part);
    else out.peerBatch = Number(part);
  }
  return { kind, config: out };
}

async function runChild(engine: string, base: Config): Promise<EngineResult> {
  const { kind, config } = variant(engine, base);
  const predict = kind === "ours" ? await oursEngine(config) : await glinerJsEngine(config);
  await predict.batch(config.texts.slice(0, 4)); // warm-up: first runs allocate and tune
  runSeconds = 0;
  runs = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const entities = await predict.batch(config.texts);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const measuredRun = runSeconds;
  const measuredRuns = runs;
  const latenciesMs: number[] = [];
  for (const text of config.texts.slice(0, config.latencyTexts)) {
    const t = performance.now();
    await predict.single(text);
    latenciesMs.push(performance.now() - t);
  }
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { engine, seconds, runSeconds: measuredRun, runs: measuredRuns, cpuSeconds, entities, latenciesMs, peakRssMB };
}

// ---------- parent: corpus, rounds, report ----------

function buildCorpus(count: number, maxWords: number): string[] {
  const dataDir = join(ROOT, "..", "shared", "data", "ner");
  const sentences: string[] = [];
  if (existsSync(dataDir)) {
    const sets = readdirSync(dataDir).sort().map((name) =>
      readFileSync(join(dataDir, name, "test.jsonl"), "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { tokens: string[] }).tokens.join(" ")),
    );
    for (let i = 0; sentences.length < count * 6; i++) for (const set of sets) sentences.push(set[i % set.length] as string);
  } else {
    sentences.push("Bill Gates and Paul Allen founded Microsoft in Albuquerque , New Mexico , on April 4 , 1975 .");
  }
  const texts: string[] = [];
  for (let i = 0, next = 0; texts.length < count; i++) {
    const parts: string[] = [];
    for (let k = 0; k < (SENTENCES_PER_TEXT[i % SENTENCES_PER_TEXT.length] as number); k++) parts.push(sentences[next++ % sentences.length] as string);
    // Both engines must see the same words: keep texts within the model's max_len (GLiNER.js never truncates).
    texts.push(parts.join(" ").split(" ").slice(0, maxWords).join(" "));
  }
  return texts;
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return (sorted[lo] as number) + ((sorted[Math.ceil(pos)] as number) - (sorted[lo] as number)) * (pos - lo);
}

function summarize(results: EngineResult[], words: number, texts: number) {
  const seconds = median(results.map((r) => r.seconds));
  const latencies = results.flatMap((r) => r.latenciesMs);
  return {
    textsPerSec: texts / seconds,
    wordsPerSec: words / seconds,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
    peakRssMB: Math.max(...results.map((r) => r.peakRssMB)),
    // Runs in worker threads are not timed by the patched prototype (it lives in this thread): no share then.
    outsideRunShare: results.every((r) => r.runs > 0) ? median(results.map((r) => 1 - r.runSeconds / r.seconds)) : null,
    cpuSecondsPerText: median(results.map((r) => r.cpuSeconds)) / texts,
    sessionRuns: results[0]?.runs,
    entities: results[0]?.entities,
    secondsPerRound: results.map((r) => Number(r.seconds.toFixed(3))),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      model: { type: "string" },
      "onnx-file": { type: "string", default: "onnx/model.onnx" },
      texts: { type: "string", default: "40" },
      rounds: { type: "string", default: "3" },
      "batch-size": { type: "string", default: "auto" },
      "peer-batch": { type: "string", default: "8" },
      threads: { type: "string" },
      spinning: { type: "string" },
      workers: { type: "string", default: "1" },
      "latency-texts": { type: "string", default: "16" },
      engines: { type: "string", default: "ours,glinerjs" },
      out: { type: "string", default: join(ROOT, "bench", "results", "throughput.json") },
    },
  });
  if (values.child !== undefined) {
    const config = JSON.parse(readFileSync(0, "utf8")) as Config;
    console.log(`RESULT ${JSON.stringify(await runChild(values.child, config))}`);
    return;
  }
  const bench = join(ROOT, "..", "shared", "fixtures", "bench-xsmall");
  const model = resolve(values.model ?? (existsSync(bench) ? bench : join(ROOT, "test", "fixtures", "models", "token-level")));
  const maxLen = (JSON.parse(readFileSync(join(model, "gliner_config.json"), "utf8")) as { max_len?: number }).max_len ?? 384;
  const texts = buildCorpus(Number(values.texts), maxLen);
  const words = texts.reduce((sum, t) => sum + t.split(" ").length, 0);
  const config: Config = {
    model,
    onnxFile: values["onnx-file"],
    texts,
    latencyTexts: Number(values["latency-texts"]),
    batchSize: values["batch-size"] === "auto" ? "auto" : Number(values["batch-size"]),
    peerBatch: Number(values["peer-batch"]),
    threads: values.threads === undefined ? undefined : Number(values.threads),
    spinning: values.spinning === undefined ? undefined : values.spinning === "on",
    workers: Number(values.workers),
  };
  const engines = values.engines.split(",");
  for (const engine of engines) variant(engine, config); // fail early on a typo
  const load = { start: loadavg(), end: [] as number[] };
  const results: EngineResult[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const engine of engines) {
      const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", engine], {
        input: JSON.stringify(config),
        encoding: "utf8",
        maxBuffer: 64 << 20,
      });
      const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (line === undefined) throw new Error(`${engine} failed:\n${child.stderr}`);
      const result = JSON.parse(line.slice(7)) as EngineResult;
      results.push(result);
      console.error(`round ${round + 1} ${engine}: ${result.seconds.toFixed(2)} s, ${result.runs} session runs timed here`);
    }
  }
  load.end = loadavg();
  const summary = Object.fromEntries(engines.map((e) => [e, summarize(results.filter((r) => r.engine === e), words, texts.length)]));
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
    model: { dir: model, onnxFile: config.onnxFile, maxLen },
    corpus: { texts: texts.length, words, minWords: Math.min(...texts.map((t) => t.split(" ").length)), maxWords: Math.max(...texts.map((t) => t.split(" ").length)), labels: LABELS },
    settings: {
      batchSize: config.batchSize,
      peerBatch: config.peerBatch,
      threads: config.threads ?? "ORT default",
      spinning: config.spinning ?? "ORT default",
      workers: config.workers,
      rounds: Number(values.rounds),
    },
    results: summary,
    ratios: Object.fromEntries(
      engines.filter((e) => e.startsWith("ours")).flatMap((o) =>
        engines.filter((e) => e.startsWith("glinerjs")).map((g) => {
          const [a, b] = [summary[o], summary[g]] as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
          return [`${o} / ${g}`, { textsPerSec: a.textsPerSec / b.textsPerSec, p50: b.p50Ms / a.p50Ms }];
        }),
      ),
    ),
  };
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  printTable(report.results, report.ratios);
}

function printTable(results: Record<string, ReturnType<typeof summarize>>, ratios: Record<string, { textsPerSec: number; p50: number }>): void {
  console.log("| engine | texts/s | words/s | p50 ms/text | p95 ms/text | peak RSS MB | outside session.run |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [engine, r] of Object.entries(results)) {
    console.log(
      `| ${engine} | ${r.textsPerSec.toFixed(2)} | ${r.wordsPerSec.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.peakRssMB.toFixed(0)} | ${r.outsideRunShare === null ? "n/a (workers)" : `${(100 * r.outsideRunShare).toFixed(1)}%`} |`,
    );
  }
  console.log("");
  for (const [pair, r] of Object.entries(ratios)) console.log(`${pair}: ${r.textsPerSec.toFixed(2)}x texts/s, p50 ${r.p50.toFixed(2)}x`);
}

await main();
