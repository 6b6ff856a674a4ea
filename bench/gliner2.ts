/**
 * `npm run bench:gliner2`: GLiNER2 entities vs GLiNER entities on the same texts and labels, both on a
 * deberta-v3-base-shaped backbone, texts/s and peak RSS as ratios measured in one run.
 *
 *   npm run bench:gliner2 -- [--texts 32] [--rounds 3] [--batch-size 8] [--dtype fp32|fp16|q8]
 *                            [--layers 12 --hidden 768 --heads 12 --intermediate 3072] [--work <dir>] [--out <file>]
 *
 * No Python and no downloaded weights: the bench writes two random checkpoints with TypeScript
 * (test/convert/synthetic-gliner2.ts) — a GLiNER2 one (count_lstm_v2, max_width 8, as fastino/gliner2-base-v1)
 * and a GLiNER span one (markerV0, hidden 512 + bi-LSTM, max_width 12, as gliner_medium-v2.1) with the same
 * encoder shape — and converts both with `gliner-ts convert`'s converter. Tokenizers are the repository's
 * fixture tokenizers (ids < 8011, so every id exists in the 128k-row embedding tables). Models are cached in
 * `--work` (default <tmp>/gliner-ts-bench-gliner2) and reused by later runs.
 *
 * Each engine runs in its own child process (clean peak RSS: VmHWM), rounds alternate the order so that both
 * see the same machine load; medians over rounds are reported. Random weights: GLiNER2's count head gates the
 * span scoring (predicted count 0 = no span matrix); the model writes what it predicts, shown as "entities".
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LABELS = ["person", "organization", "location", "date", "event"];
const SENTENCES = [
  "Marie Curie received the Nobel Prize in Physics in 1903 together with Pierre Curie and Henri Becquerel.",
  "The European Space Agency launched the Rosetta probe from Kourou in French Guiana on 2 March 2004.",
  "Apple announced the new iPhone at its headquarters in Cupertino, California, on a sunny September morning.",
  "During the Olympic Games in Tokyo, Simone Biles withdrew from several finals to protect her health.",
  "The United Nations Climate Change Conference took place in Glasgow in November 2021.",
  "Satya Nadella became the chief executive of Microsoft in February 2014, succeeding Steve Ballmer.",
  "The Treaty of Versailles was signed in the Hall of Mirrors on 28 June 1919.",
  "Researchers at the University of Oxford and AstraZeneca developed a vaccine within a year.",
];
/** Sentences per text, cycled: from one sentence to twelve (~20 to ~230 words). */
const SENTENCES_PER_TEXT = [1, 2, 4, 1, 8, 2, 1, 12];

const { values: args } = parseArgs({
  options: {
    texts: { type: "string", default: "32" },
    rounds: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "8" },
    dtype: { type: "string", default: "fp32" },
    layers: { type: "string", default: "12" },
    hidden: { type: "string", default: "768" },
    heads: { type: "string", default: "12" },
    intermediate: { type: "string", default: "3072" },
    work: { type: "string", default: join(tmpdir(), "gliner-ts-bench-gliner2") },
    out: { type: "string" },
    child: { type: "string" },
    model: { type: "string" },
  },
});

function corpus(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const count = SENTENCES_PER_TEXT[i % SENTENCES_PER_TEXT.length]!;
    return Array.from({ length: count }, (__, k) => SENTENCES[(i + k) % SENTENCES.length]).join(" ");
  });
}

const peakRssMiB = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;

interface ChildResult {
  engine: string;
  loadSeconds: number;
  seconds: number;
  textsPerSecond: number;
  entities: number;
  peakRssMiB: number;
}

// ---------- child: one engine, one round ----------

async function child(engine: string, model: string): Promise<void> {
  const texts = corpus(Number(args.texts));
  const batchSize = Number(args["batch-size"]);
  const dtype = args.dtype;
  const node = (await import("../src/node.js")) as Record<string, unknown>;
  const t0 = performance.now();
  let run: (batch: string[]) => Promise<number>;
  if (engine === "gliner") {
    const { GLiNER } = await import("../src/node.js");
    const m = await GLiNER.fromPretrained(model, { dtype });
    run = async (batch) => (await m.batchPredictEntities(batch, LABELS, { batchSize })).reduce((a, e) => a + e.length, 0);
  } else {
    const GLiNER2 = node.GLiNER2 as
      | { fromPretrained(s: string, o: object): Promise<{ batchExtract(t: string[], s: object, o: object): Promise<{ entities?: Record<string, unknown[]> }[]> }> }
      | undefined;
    if (!GLiNER2) throw new Error("This checkout has no GLiNER2 class (src/node.ts): the GLiNER2 runtime is not on this branch yet.");
    const m = await GLiNER2.fromPretrained(model, { dtype });
    const count = (r: { entities?: Record<string, unknown[]> }) => Object.values(r.entities ?? {}).reduce((a, v) => a + v.length, 0);
    run = async (batch) => (await m.batchExtract(batch, { entities: LABELS }, { batchSize })).reduce((a, r) => a + count(r), 0);
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  await run(texts.slice(0, 2)); // warm-up: first-run allocations and kernel selection
  const start = performance.now();
  const entities = await run(texts);
  const seconds = (performance.now() - start) / 1000;
  const result: ChildResult = { engine, loadSeconds, seconds, textsPerSecond: texts.length / seconds, entities, peakRssMiB: peakRssMiB() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------- parent: build the models, alternate engines ----------

async function buildModels(work: string): Promise<Record<"gliner" | "gliner2", string>> {
  const shape = { layers: Number(args.layers), hidden: Number(args.hidden), heads: Number(args.heads), intermediate: Number(args.intermediate), buckets: 256 };
  const key = JSON.stringify(shape);
  const dirs = { gliner: join(work, "gliner"), gliner2: join(work, "gliner2") };
  const stamp = join(work, "shape.json");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === key && existsSync(join(dirs.gliner, "onnx")) && existsSync(join(dirs.gliner2, "onnx"))) return dirs;
  rmSync(work, { recursive: true, force: true });
  const { convertCheckpoint } = await import("../src/convert/index.js");
  const { writeGliner2Checkpoint, writeGlinerSpanCheckpoint } = await import("../test/convert/synthetic-gliner2.js");
  const fixtures = join(ROOT, "test", "fixtures", "models");
  const copy = (from: string, to: string, files: string[]) => files.forEach((f) => copyFileSync(join(fixtures, from, f), join(to, f)));
  const tokenizer = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

  const g2src = join(work, "gliner2-checkpoint");
  process.stderr.write(`building a random GLiNER2 checkpoint ${key} in ${g2src}\n`);
  writeGliner2Checkpoint(g2src, { ...shape, vocab: 128011 }, "count_lstm_v2", { maxWidth: 8 });
  copy("gliner2-span", g2src, tokenizer);
  const glsrc = join(work, "gliner-checkpoint");
  process.stderr.write(`building a random GLiNER span checkpoint in ${glsrc}\n`);
  const template = JSON.parse(readFileSync(join(fixtures, "span-markerv0", "gliner_config.json"), "utf8")) as Record<string, unknown>;
  writeGlinerSpanCheckpoint(glsrc, { ...shape, vocab: 128004 }, template, { hidden: 512, maxWidth: 12 });
  copy("span-markerv0", glsrc, tokenizer);
  for (const [name, src] of [["gliner2", g2src], ["gliner", glsrc]] as const) {
    for (const dtype of new Set<"fp32" | "fp16" | "q8">(["fp32", args.dtype as "fp32"])) {
      const t0 = performance.now();
      await convertCheckpoint(src, dirs[name], { dtype });
      process.stderr.write(`converted ${name} ${dtype} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    rmSync(src, { recursive: true, force: true });
  }
  writeFileSync(stamp, key);
  return dirs;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function parent(): Promise<void> {
  const work = resolve(args.work);
  mkdirSync(work, { recursive: true });
  const dirs = await buildModels(work);
  const results: ChildResult[] = [];
  for (let r = 0; r < Number(args.rounds); r++) {
    const order = r % 2 === 0 ? (["gliner", "gliner2"] as const) : (["gliner2", "gliner"] as const);
    for (const engine of order) {
      const argv = [process.execPath, "--import", "tsx", fileURLToPath(import.meta.url), "--child", engine, "--model", dirs[engine]];
      for (const k of ["texts", "batch-size", "dtype"] as const) argv.push(`--${k}`, String(args[k]));
      const out = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 24 });
      if (out.status !== 0) throw new Error(`${engine} child failed:\n${out.stderr}`);
      const result = JSON.parse(out.stdout.trim().split("\n").pop()!) as ChildResult;
      results.push(result);
      process.stderr.write(`round ${r + 1} ${engine}: ${result.textsPerSecond.toFixed(2)} texts/s, peak RSS ${result.peakRssMiB.toFixed(0)} MiB\n`);
    }
  }
  const summary = (engine: string) => {
    const mine = results.filter((x) => x.engine === engine);
    return { textsPerSecond: median(mine.map((x) => x.textsPerSecond)), peakRssMiB: median(mine.map((x) => x.peakRssMiB)), loadSeconds: median(mine.map((x) => x.loadSeconds)), entities: mine[0]!.entities };
  };
  const [g1, g2] = [summary("gliner"), summary("gliner2")];
  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
    settings: { texts: Number(args.texts), rounds: Number(args.rounds), batchSize: Number(args["batch-size"]), dtype: args.dtype, labels: LABELS, backbone: { layers: Number(args.layers), hidden: Number(args.hidden) } },
    gliner: g1,
    gliner2: g2,
    ratios: { throughput: g2.textsPerSecond / g1.textsPerSecond, peakRss: g2.peakRssMiB / g1.peakRssMiB },
    // each round's pair ran back to back, so these see the same machine load
    roundRatios: Array.from({ length: Number(args.rounds) }, (_, r) => {
      const [a, b] = ["gliner", "gliner2"].map((e) => results.filter((x) => x.engine === e)[r]!);
      return { throughput: b!.textsPerSecond / a!.textsPerSecond, peakRss: b!.peakRssMiB / a!.peakRssMiB };
    }),
    rounds: results,
  };
  console.log(`| engine | texts/s | peak RSS (MiB) | load (s) |\n| --- | --- | --- | --- |`);
  for (const [name, s] of [["GLiNER (span, hidden 512, bi-LSTM)", g1], ["GLiNER2 (count_lstm_v2)", g2]] as const) {
    console.log(`| ${name} | ${s.textsPerSecond.toFixed(2)} | ${s.peakRssMiB.toFixed(0)} | ${s.loadSeconds.toFixed(1)} |`);
  }
  console.log(`GLiNER2 / GLiNER: throughput ×${report.ratios.throughput.toFixed(2)}, peak RSS ×${report.ratios.peakRss.toFixed(2)} (load average ${loadavg()[0]!.toFixed(1)})`);
  console.log(`per round: throughput ${report.roundRatios.map((x) => `×${x.throughput.toFixed(2)}`).join(", ")}`);
  if (args.out) writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
}

if (args.child) await child(args.child, args.model!);
else await parent();
