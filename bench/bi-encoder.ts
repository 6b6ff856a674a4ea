/**
 * Bi-encoder throughput with many labels: `npm run bench:bi-encoder -- [--texts 16] [--labels 10,100,1000]
 *   [--rounds 3] [--threads 1] [--bi <dir>] [--uni <dir>] [--out <file>]`
 *
 * On the same texts and label lists, per label count:
 * - `bi warm`: the bi-encoder (model_labels_embeddings.onnx) with every label already in its cache;
 * - `bi cold`: the same graph with the cache off (labelCacheSize 0): the labels encoder runs in every call;
 * - `bi tokens`: the bi-encoder's model.onnx, which takes labels as tokens and re-encodes them in every batch;
 * - `uni groups`: the uni-encoder token model, whose labels are read in the prompt and split into label groups
 *   (one encoder pass per group and text) once they exceed the prompt budget.
 * Texts/s are medians over rounds after one untimed warm-up call per variant; the variants alternate inside each round so that they see the same machine
 * load. Ratios are against `uni groups` at the same label count, measured in the same run.
 *
 * Defaults are the committed fixtures bi-token and token-level: random weights, the same DeBERTa text encoder
 * (deberta-v3-tiny shape), so the ratios show the cost of labels, not of encoder sizes. Both load from
 * test/fixtures (no ../shared needed).
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { GLiNER } from "../src/node.js";
import { FIXTURES, TOKEN_MODEL } from "../test/helpers/fixtures.js";

const { values } = parseArgs({
  options: {
    texts: { type: "string", default: "16" },
    labels: { type: "string", default: "10,100,1000" },
    rounds: { type: "string", default: "3" },
    threads: { type: "string", default: "1" },
    bi: { type: "string", default: join(FIXTURES, "models", "bi-token") },
    uni: { type: "string", default: TOKEN_MODEL },
    out: { type: "string" },
  },
});
const TEXTS = Number(values.texts);
const COUNTS = values.labels.split(",").map(Number);
const ROUNDS = Number(values.rounds);
const session = { intraOpNumThreads: Number(values.threads) };

const WORDS = "Angela Merkel met Emmanuel Macron in Berlin on Monday to discuss the budget of the European Union while Acme Corp opened a new office near the river in Paris".split(" ");
const TYPES = ["person", "organization", "location", "date", "event", "product", "law", "disease", "vehicle", "currency"];
const QUALIFIERS = ["", "public", "private", "foreign", "local", "former", "historical", "fictional", "military", "financial"];

function texts(): string[] {
  return Array.from({ length: TEXTS }, (_, i) => Array.from({ length: 40 }, (_, j) => WORDS[(i * 7 + j * 3 + ((i * j) % 5)) % WORDS.length]).join(" "));
}

/** Distinct label strings: "person", "public person", ..., then "person 17"-style variants. */
function labels(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const type = TYPES[i % TYPES.length] as string;
    const qualifier = QUALIFIERS[Math.floor(i / TYPES.length) % QUALIFIERS.length] as string;
    const round = Math.floor(i / (TYPES.length * QUALIFIERS.length));
    out.push(`${qualifier ? `${qualifier} ` : ""}${type}${round > 0 ? ` ${round}` : ""}`);
  }
  return out;
}

interface Variant {
  readonly name: string;
  readonly model: GLiNER;
  /** Whether the label cache is filled before timing. */
  readonly warm: boolean;
}

const corpus = texts();
const [warm, cold, tokens, uni] = await Promise.all([
  GLiNER.fromPretrained(values.bi, { session }),
  GLiNER.fromPretrained(values.bi, { session, labelCacheSize: 0 }),
  GLiNER.fromPretrained(values.bi, { session, onnxFile: "onnx/model.onnx" }),
  GLiNER.fromPretrained(values.uni, { session }),
]);
const variants: Variant[] = [
  { name: "bi warm", model: warm, warm: true },
  { name: "bi cold", model: cold, warm: false },
  { name: "bi tokens", model: tokens, warm: false },
  { name: "uni groups", model: uni, warm: false },
];

const rows: { labels: number; variant: string; textsPerSecond: number; passesPerText: number; ratioVsUni?: number }[] = [];
for (const count of COUNTS) {
  const list = labels(count);
  await warm.encodeLabels(list);
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const passes = new Map<string, number>();
  // One untimed call per variant first: ORT's first runs of a shape allocate and JIT more than later ones.
  for (const variant of variants) await variant.model.inference(corpus.slice(0, 2), list, { batchSize: "auto" });
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const started = performance.now();
      const results = await variant.model.inference(corpus, list, { batchSize: "auto", threshold: 0.5 });
      (times.get(variant.name) as number[]).push((performance.now() - started) / 1000);
      passes.set(variant.name, results.reduce((sum, r) => sum + r.passes, 0) / results.length);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const rate = (name: string) => TEXTS / median(times.get(name) as number[]);
  for (const variant of variants) {
    rows.push({
      labels: count,
      variant: variant.name,
      textsPerSecond: Number(rate(variant.name).toFixed(2)),
      passesPerText: passes.get(variant.name) as number,
      ratioVsUni: Number((rate(variant.name) / rate("uni groups")).toFixed(2)),
    });
  }
  console.log(`labels ${count}: ${variants.map((v) => `${v.name} ${rate(v.name).toFixed(1)} texts/s`).join(", ")}`);
}
const cache = warm.labelCache;
await Promise.all(variants.map((v) => v.model.dispose()));

console.log("\n| labels | variant | texts/s | passes/text | × uni groups |\n| ---: | --- | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.labels} | ${r.variant} | ${r.textsPerSecond} | ${r.passesPerText} | ${r.ratioVsUni} |`);
const report = {
  bench: "bi-encoder",
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg(), note: "shared machine: other processes ran during the measurement" },
  settings: { texts: TEXTS, wordsPerText: 40, rounds: ROUNDS, threads: session.intraOpNumThreads, bi: relative(process.cwd(), values.bi), uni: relative(process.cwd(), values.uni) },
  labelCache: cache,
  rows,
};
if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
