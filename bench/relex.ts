/**
 * Relation extraction: a relex model's own relation head against the prompt-based pipeline of multitask models.
 *   npx tsx bench/relex.ts [--texts 32] [--words 40] [--rounds 5] [--threads 1] [--threshold 0.7] [--relex <dir>] [--uni <dir>] [--out <file>]
 *
 * Both variants answer `batchExtractRelations(texts, { entityLabels, relations })` on the same texts, relation
 * threshold 0.5, entity threshold `--threshold` (default 0.7, where both fixtures find about as many relations per
 * text; at 0.5 the random relex-token fixture selects ~200 spans per 40-word text for pairing, 40,000 candidate
 * pairs, which no trained model does — the reference's goldens use 0.8 on long texts for the same reason):
 * - `relex head`: the relex-token fixture converted by gliner-ts (one pass per text: entities, pairs, relations);
 * - `prompt pipeline`: the token-level uni-encoder fixture (NER pass, then a pass with `"<source> <> <relation>"`
 *   labels for the texts that have sources).
 * Model calls per text = encoder rows the ONNX session ran, divided by texts (counted by wrapping the session).
 * Texts/s are medians over rounds after an untimed warm-up; the variants alternate in each round so that they see
 * the same machine load, and the ratio is taken in the same run. Both fixtures have the same deberta-v3-tiny-shaped
 * encoder and random weights (the relation counts mean nothing; the costs do). Everything loads from test/fixtures.
 */
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { convertCheckpoint } from "../src/convert/index.js";
import type { LoadedModel } from "../src/model/load.js";
import { GLiNER } from "../src/node.js";
import { FIXTURES, TOKEN_MODEL } from "../test/helpers/fixtures.js";

const { values } = parseArgs({
  options: {
    texts: { type: "string", default: "32" },
    words: { type: "string", default: "40" },
    rounds: { type: "string", default: "5" },
    threads: { type: "string", default: "1" },
    threshold: { type: "string", default: "0.7" },
    relex: { type: "string", default: join(FIXTURES, "models", "relex-token") },
    uni: { type: "string", default: TOKEN_MODEL },
    out: { type: "string" },
  },
});
const TEXTS = Number(values.texts);
const WORDS = Number(values.words);
const ROUNDS = Number(values.rounds);
const THRESHOLD = Number(values.threshold);
const session = { intraOpNumThreads: Number(values.threads) };
const ENTITY_LABELS = ["person", "organization", "location", "date"];
const RELATIONS = ["founder of", "works for", "located in", "date of"];
const VOCABULARY =
  "Bill Gates and Paul Allen founded Microsoft in Albuquerque in 1975 ; Satya Nadella works for the company in Redmond since 2014 while Acme Corp opened an office in Paris".split(" ");

const corpus = Array.from({ length: TEXTS }, (_, i) =>
  Array.from({ length: WORDS }, (_, j) => VOCABULARY[(i * 7 + j * 3 + ((i * j) % 5)) % VOCABULARY.length]).join(" "),
);

/** Counts the encoder rows (batch size of every session call) a model runs. */
function countRows(model: GLiNER): { rows: number } {
  const counter = { rows: 0 };
  const loaded = (model as unknown as { model: LoadedModel }).model;
  const run = loaded.session.run.bind(loaded.session);
  (loaded.session as { run: typeof run }).run = (feeds, outputs) => {
    counter.rows += feeds["input_ids"]?.dims[0] ?? 0;
    return run(feeds, outputs);
  };
  return counter;
}

const converted = await mkdtemp(join(tmpdir(), "gliner-bench-relex-"));
try {
  await convertCheckpoint(values.relex, converted);
  const [relex, uni] = await Promise.all([GLiNER.fromPretrained(converted, { session }), GLiNER.fromPretrained(values.uni, { session })]);
  const variants = [
    { name: "relex head", model: relex, counter: countRows(relex) },
    { name: "prompt pipeline", model: uni, counter: countRows(uni) },
  ];
  const options = { entityLabels: ENTITY_LABELS, relations: RELATIONS, entityThreshold: THRESHOLD, relationThreshold: 0.5 };
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const found = new Map<string, number>();
  for (const v of variants) await v.model.batchExtractRelations(corpus.slice(0, 2), options); // warm-up, untimed
  for (const v of variants) v.counter.rows = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      const started = performance.now();
      const results = await v.model.batchExtractRelations(corpus, options);
      times.get(v.name)!.push((performance.now() - started) / 1000);
      found.set(v.name, results.reduce((n, r) => n + r.length, 0) / TEXTS);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rate = (name: string) => TEXTS / median(times.get(name)!);
  const rows = variants.map((v) => ({
    variant: v.name,
    textsPerSecond: Number(rate(v.name).toFixed(2)),
    modelCallsPerText: Number((v.counter.rows / (TEXTS * ROUNDS)).toFixed(2)),
    relationsPerText: Number(found.get(v.name)!.toFixed(2)),
    ratioVsPrompt: Number((rate(v.name) / rate("prompt pipeline")).toFixed(2)),
  }));
  await Promise.all(variants.map((v) => v.model.dispose()));
  console.log("| variant | texts/s | model calls/text | relations/text | × prompt pipeline |\n| --- | ---: | ---: | ---: | ---: |");
  for (const r of rows) console.log(`| ${r.variant} | ${r.textsPerSecond} | ${r.modelCallsPerText} | ${r.relationsPerText} | ${r.ratioVsPrompt} |`);
  const report = {
    bench: "relex",
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg(), note: "shared machine: other processes ran during the measurement" },
    settings: { texts: TEXTS, wordsPerText: WORDS, rounds: ROUNDS, threshold: THRESHOLD, threads: session.intraOpNumThreads, relex: relative(process.cwd(), values.relex), uni: relative(process.cwd(), values.uni), entityLabels: ENTITY_LABELS, relations: RELATIONS },
    rows,
  };
  if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  await rm(converted, { recursive: true, force: true });
}
