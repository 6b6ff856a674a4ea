/**
 * `gliner-ts eval` end to end, as a user runs it: the fixture span model over the two fixture datasets with
 * --limit, checked against the reference evaluator's own predictions (golden/eval-span-markerv0.json) scored on
 * the same sentences; a rerun that resumes; bad usage. The resume rules themselves are tested on the library
 * function the command calls (in-process, to keep this file fast).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { scoreNer } from "../../src/eval/ner-eval.js";
import type { NerResults } from "../../src/eval/results.js";
import { GLiNER } from "../../src/node.js";
import { findNerDatasets } from "../../src/eval/ner-data.js";
import { runNerBenchmark } from "../../src/eval/run-ner.js";
import { runCli } from "../helpers/cli.js";
import { FIXTURES, readGolden, SPAN_MODEL } from "../helpers/fixtures.js";

const DATA = join(FIXTURES, "eval", "ner");
const LIMIT = 60;

interface GoldenDataset {
  dataset: string;
  sentences: { gold: [number, number, string][]; pred: [number, number, string, number][] }[];
}

/** The reference's P/R/F1 on the first `limit` sentences, from its recorded gold and predictions. */
function referenceScores(name: string, limit: number) {
  const golden = readGolden<{ datasets: GoldenDataset[] }>("eval-span-markerv0.json");
  const dataset = golden.datasets.find((d) => d.dataset === name);
  assert.ok(dataset, name);
  const sentences = dataset.sentences.slice(0, limit);
  const spans = (list: [number, number, string, ...unknown[]][]) => list.map(([start, end, label]) => ({ start, end, label }));
  return scoreNer(
    sentences.map((s) => spans(s.gold)),
    sentences.map((s) => spans(s.pred)),
  );
}

describe("gliner-ts eval (NER)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gliner-eval-"));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test(`two datasets with --limit ${LIMIT}: the reference evaluator's numbers, table and results.json`, async () => {
    const output = join(dir, "results.json");
    const run = await runCli(["eval", "-m", SPAN_MODEL, "-d", DATA, "--limit", String(LIMIT), "-o", output]);
    assert.equal(run.code, 0, run.stderr);
    const results = JSON.parse(await readFile(output, "utf8")) as NerResults;
    assert.equal(results.model, SPAN_MODEL);
    assert.equal(results.threshold, 0.5);
    assert.equal(results.tokenScore, "min");
    assert.equal(results.limit, LIMIT);
    assert.deepEqual(results.datasets.map((d) => d.name), ["CrossNER_AI", "mit-restaurant"]);
    for (const entry of results.datasets) {
      const reference = referenceScores(entry.name, LIMIT);
      assert.equal(entry.sentences, LIMIT);
      assert.equal(entry.gold, reference.gold, `${entry.name} gold`);
      assert.equal(entry.predicted, reference.predicted, `${entry.name} predicted`);
      for (const key of ["precision", "recall", "f1"] as const) {
        assert.ok(Math.abs(entry[key] - reference[key]) <= 1e-6, `${entry.name} ${key}: ${entry[key]} vs reference ${reference[key]}`);
      }
    }
    const mean = (key: "precision" | "recall" | "f1") => results.datasets.reduce((s, d) => s + d[key], 0) / 2;
    assert.deepEqual(results.average, { precision: mean("precision"), recall: mean("recall"), f1: mean("f1") });

    // The printed table carries the same numbers as percentages.
    const lines = run.stdout.trim().split("\n");
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    for (const d of results.datasets) {
      const row = lines.find((l) => l.startsWith(d.name));
      assert.ok(row, run.stdout);
      assert.deepEqual(row.trim().split(/\s+/), [d.name, String(LIMIT), pct(d.precision), pct(d.recall), pct(d.f1)]);
    }
    assert.deepEqual(lines.at(-1)?.trim().split(/\s+/), ["Average", pct(results.average.precision), pct(results.average.recall), pct(results.average.f1)]);
  });

  test("the same command again resumes: every dataset is already done, the same table comes back", async () => {
    const output = join(dir, "results.json");
    const run = await runCli(["eval", "-m", SPAN_MODEL, "-d", DATA, "--limit", String(LIMIT), "-o", output]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /CrossNER_AI: already in .*results\.json, skipped/);
    assert.match(run.stderr, /mit-restaurant: already in .*results\.json, skipped/);
    assert.match(run.stdout, /^Average/m);
  });

  test("bad usage exits 2 with a message that says what to fix", async () => {
    const unknown = await runCli(["eval", "-m", SPAN_MODEL, "-d", DATA, "--datasets", "CrossNER_AI,conll03"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no dataset folder named "conll03" in .*; found CrossNER_AI, mit-restaurant/);
  });
});

describe("runNerBenchmark: resuming", () => {
  let dir: string;
  let model: GLiNER;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gliner-eval-"));
    model = await GLiNER.fromPretrained(SPAN_MODEL);
  });
  after(async () => {
    await model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("finished datasets are kept, not recomputed; other settings are refused; restart recomputes", async () => {
    const output = join(dir, "resume.json");
    const folders = await findNerDatasets(DATA);
    const settings = { model: SPAN_MODEL, dtype: "fp32", threshold: 0.5, tokenScore: "min" as const, limit: 12 };
    const run = (extra: Partial<Parameters<typeof runNerBenchmark>[1]> = {}) =>
      runNerBenchmark(model, { settings, folders, batchSize: 12, output, ...extra });

    // A run that got through the first dataset only (as if it crashed during the second).
    await run({ folders: folders.slice(0, 1) });
    const partial = JSON.parse(await readFile(output, "utf8")) as NerResults;
    assert.deepEqual(partial.datasets.map((d) => d.name), ["CrossNER_AI"]);

    // Mark the stored entry: a resumed run must carry it over untouched and run only the other dataset.
    await writeFile(output, JSON.stringify({ ...partial, datasets: [{ ...partial.datasets[0], correct: 4242 }] }));
    const events: string[] = [];
    const resumed = await run({ onDataset: (e) => events.push(`${e.name}:${e.skipped ? "skipped" : "ran"}`) });
    assert.deepEqual(events, ["CrossNER_AI:skipped", "mit-restaurant:ran"]);
    assert.equal(resumed.datasets[0]?.correct, 4242);
    assert.deepEqual(JSON.parse(await readFile(output, "utf8")), JSON.parse(JSON.stringify(resumed)));
    assert.deepEqual(resumed.datasets.map((d) => [d.name, d.sentences]), [["CrossNER_AI", 12], ["mit-restaurant", 12]]);

    await assert.rejects(run({ settings: { ...settings, threshold: 0.4, limit: 13 } }), (e: Error) => {
      assert.match(e.message, /holds results of another run \(threshold 0\.5 there, 0\.4 now; limit 12 there, 13 now\)\. Pass --restart/);
      return true;
    });

    const redone = await run({ restart: true });
    assert.notEqual(redone.datasets[0]?.correct, 4242);
    assert.deepEqual(redone.datasets.slice(1), resumed.datasets.slice(1));
  });

  test("a folder with GLiNER's raw test.json (InstructUIE layout) scores like the same data as JSONL", async () => {
    const jsonl = join(DATA, "CrossNER_AI");
    const raw = join(dir, "raw", "CrossNER_AI");
    const { copyFile, mkdir } = await import("node:fs/promises");
    await mkdir(raw, { recursive: true });
    await copyFile(join(jsonl, "labels.json"), join(raw, "labels.json"));
    const lines = (await readFile(join(jsonl, "test.jsonl"), "utf8")).trim().split("\n");
    const records = lines.map((line) => {
      const { tokens, entities } = JSON.parse(line) as { tokens: string[]; entities: { start: number; end: number; label: string }[] };
      const at = (i: number) => tokens.slice(0, i).join(" ").length + (i > 0 ? 1 : 0);
      return {
        sentence: tokens.join(" "),
        entities: entities.map((e) => ({ type: e.label, pos: [at(e.start), at(e.end) + (tokens[e.end] as string).length] })),
      };
    });
    await writeFile(join(raw, "test.json"), JSON.stringify(records));
    assert.deepEqual(await findNerDatasets(join(dir, "raw")), [raw]);
    const settings = { model: SPAN_MODEL, dtype: "fp32", threshold: 0.5, tokenScore: "min" as const, limit: 24 };
    const [fromRaw, fromJsonl] = [
      await runNerBenchmark(model, { settings, folders: [raw], batchSize: 12 }),
      await runNerBenchmark(model, { settings, folders: [jsonl], batchSize: 12 }),
    ];
    assert.deepEqual(fromRaw, fromJsonl);
    assert.ok((fromRaw.datasets[0]?.gold ?? 0) > 0);
  });

  test("bad data is refused before any model call, naming the file, line and entity", async () => {
    await assert.rejects(findNerDatasets(join(dir, "missing")), /is not a folder; give a dataset folder/);
    const broken = join(dir, "broken");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(broken);
    await writeFile(join(broken, "test.jsonl"), '{"tokens": ["Ada"], "entities": [{"start": 0, "end": 3, "label": "person"}]}\n');
    const settings = { model: SPAN_MODEL, dtype: "fp32", threshold: 0.5, tokenScore: "min" as const, limit: null };
    await assert.rejects(runNerBenchmark(model, { settings, folders: [broken], batchSize: 12 }), /has no labels\.json/);
    await writeFile(join(broken, "labels.json"), '["person"]');
    await assert.rejects(
      runNerBenchmark(model, { settings, folders: [broken], batchSize: 12 }),
      /test\.jsonl line 1, entity 0 spans words 0\.\.3 \(inclusive\) but the sentence has 1 words/,
    );
  });
});
