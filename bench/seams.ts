/**
 * Seam losses on long documents: `npx tsx bench/seams.ts [--models span-markerv0,token-level] [--threshold 0.5]
 * [--length 3] [--shared <dir>] [--out bench/results/seams.json]`. Models: the test fixtures in the clone; data:
 * the NER test sets of the shared folder (bench/setup.ts); the report is written only with `--out`.
 *
 * For each NER set in ../shared/data/ner, its test sentences are concatenated into one document `--length` times
 * the model's max_len words long, with the set's labels. The document goes through gliner-ts (windows with
 * overlap, defaults), and every window is also run as a text of its own through the public API. Measured:
 * - equal: the document result equals the documented merge rule applied to the per-window results
 *   (test/long/window-oracle.ts, an independent implementation on character offsets);
 * - core entities: what a window finds fully inside its non-overlap core is in the document result (kept),
 *   or lost to a conflicting entity with a score at least as high (beaten), or missing (lost: must be 0);
 * - across edges: document entities that cross a window's last word, recovered from the next window;
 * - the no-overlap baseline (what GLiNER.js's chunking does: back-to-back chunks of the same size, results
 *   concatenated): how many of our entities cross one of its chunk edges (it can never produce them), and how
 *   many of its own entities touch an inner chunk edge (possibly cut there).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { planWindows, windowSizes, type WordRange } from "../src/long/plan.js";
import { GLiNER } from "../src/node.js";
import { splitWords } from "../src/text/words.js";
import type { Entity } from "../src/types.js";
import { coreOf, mergeByRule, perWindowEntities } from "../test/long/window-oracle.js";
import { announce, BenchSetupError, nerSentences, requireShared, ROOT } from "./setup.js";


const { values } = parseArgs({
  options: {
    models: { type: "string", default: "span-markerv0,token-level" },
    threshold: { type: "string", default: "0.5" },
    length: { type: "string", default: "3" },
    window: { type: "string" },
    overlap: { type: "string" },
    shared: { type: "string" },
    out: { type: "string" },
  },
});
let DATA = "";
try {
  DATA = join(requireShared(values.shared, "the NER test sets"), "data", "ner");
  nerSentences(dirname(dirname(DATA)));
} catch (error) {
  if (!(error instanceof BenchSetupError)) throw error;
  console.error(`bench: ${error.message}`);
  process.exit(2);
}
const threshold = Number(values.threshold);
const key = (e: Entity) => `${e.start}:${e.end}:${e.label}`;
const overlaps = (a: Entity, b: Entity) => a.start < b.end && b.start < a.end;

interface DocumentReport {
  dataset: string;
  words: number;
  windows: number;
  entities: number;
  equal: boolean;
  mismatches: number;
  core: { kept: number; beaten: number; lost: number };
  acrossEdges: number;
  noOverlapBaseline: { oursAcrossChunkEdges: number; touchingChunkEdges: number };
}

async function measure(model: GLiNER, dataset: string, length: number): Promise<DocumentReport> {
  const labels = (JSON.parse(readFileSync(join(DATA, dataset, "labels.json"), "utf8")) as string[]).map((l) => l.toLowerCase());
  const sentences = readFileSync(join(DATA, dataset, "test.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { tokens: string[] }).tokens.join(" "));
  const target = length * model.config.maxLength;
  const parts: string[] = [];
  for (let i = 0, words = 0; words < target; i++) {
    const sentence = sentences[i % sentences.length] as string;
    parts.push(sentence);
    words += sentence.split(" ").length;
  }
  const text = parts.join(" ");
  const words = splitWords(text);
  const sizes = windowSizes({ maxLength: model.config.maxLength, window: optionalNumber(values.window), overlap: optionalNumber(values.overlap) });
  const options = { threshold, window: sizes.window, overlap: sizes.overlap };
  const ranges = planWindows(words.length, sizes);
  const [result] = await model.inference([text], labels, options);
  const final = result?.entities ?? [];

  const windows = await perWindowEntities(model, text, labels, ranges, options);
  const expected = mergeByRule(windows, text, labels, { flatNer: true, multiLabel: false });
  const finalKeys = new Map(final.map((e) => [key(e), e]));
  const mismatches =
    expected.filter((e) => Math.abs((finalKeys.get(key(e))?.score ?? -1) - e.score) > 1e-5).length +
    final.filter((e) => !expected.some((x) => key(x) === key(e))).length;

  const wordAt = (offset: number) => words.findIndex((w) => w.start <= offset && offset < w.end);
  const core = { kept: 0, beaten: 0, lost: 0 };
  windows.forEach(({ entities }, i) => {
    const { from, to } = coreOf(ranges, i, words.length);
    for (const e of entities) {
      const first = wordAt(e.start);
      const last = wordAt(e.end - 1);
      if (first < from || last >= to) continue;
      if (finalKeys.has(key(e))) core.kept++;
      else if (final.some((f) => f.score >= e.score && overlaps(f, e))) core.beaten++;
      else core.lost++;
    }
  });
  const edges = ranges.slice(0, -1).map((r: WordRange) => r.to);
  const acrossEdges = final.filter((e) => edges.some((edge) => wordAt(e.start) < edge && wordAt(e.end - 1) >= edge)).length;

  // The no-overlap baseline: back-to-back chunks of the window size, results concatenated.
  const chunks: WordRange[] = [];
  for (let from = 0; from < words.length; from += sizes.window) chunks.push({ from, to: Math.min(words.length, from + sizes.window) });
  const chunked = (await perWindowEntities(model, text, labels, chunks, { threshold })).flatMap((w) => w.entities);
  const chunkStarts = chunks.slice(1).map((c) => c.from);
  const chunkEdges = new Set(chunks.flatMap((c) => [words[c.from]?.start, words[c.to - 1]?.end]));
  return {
    dataset,
    words: words.length,
    windows: ranges.length,
    entities: final.length,
    equal: mismatches === 0,
    mismatches,
    core,
    acrossEdges,
    noOverlapBaseline: {
      oursAcrossChunkEdges: final.filter((e) => chunkStarts.some((edge) => wordAt(e.start) < edge && wordAt(e.end - 1) >= edge)).length,
      touchingChunkEdges: chunked.filter((e) => (chunkEdges.has(e.start) && e.start !== 0) || (chunkEdges.has(e.end) && e.end !== text.length)).length,
    },
  };
}

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

const report: Record<string, DocumentReport[]> = {};
for (const name of values.models.split(",")) {
  const dir = join(ROOT, "test", "fixtures", "models", name);
  announce("model", `${dir} (test fixture)`);
  const model = await GLiNER.fromPretrained(dir);
  report[name] = [];
  for (const dataset of readdirSync(DATA).sort()) {
    const row = await measure(model, dataset, Number(values.length));
    report[name].push(row);
    console.error(`${name} ${dataset}: ${row.words} words, ${row.windows} windows, equal ${row.equal}, lost ${row.core.lost}`);
  }
  await model.dispose();
}

console.log("| model | set | words | windows | entities | = merge rule | core kept / beaten / lost | across window edges | no-overlap: ours across its edges / its entities at edges |");
console.log("| --- | --- | ---: | ---: | ---: | --- | --- | ---: | --- |");
for (const [name, rows] of Object.entries(report)) {
  for (const r of rows) {
    console.log(`| ${name} | ${r.dataset} | ${r.words} | ${r.windows} | ${r.entities} | ${r.equal ? "yes" : `no (${r.mismatches})`} | ${r.core.kept} / ${r.core.beaten} / ${r.core.lost} | ${r.acrossEdges} | ${r.noOverlapBaseline.oursAcrossChunkEdges} / ${r.noOverlapBaseline.touchingChunkEdges} |`);
  }
}
if (values.out !== undefined) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ command: `npx tsx bench/seams.ts ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString(), threshold, length: Number(values.length), window: values.window ?? "max_len", overlap: values.overlap ?? "window/4", report }, null, 2)}\n`);
  console.error(`written: ${values.out}`);
}
