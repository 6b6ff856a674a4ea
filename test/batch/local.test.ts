/** Local batch mode in-process: results equal the library's, dead letters say why, reruns add nothing. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask, parseSettings } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { makeCorpus, readJsonl } from "./helpers.js";

const LABELS = ["person", "organization", "location"];
let model: GLiNER;
let dir: string;

before(async () => {
  model = await GLiNER.fromPretrained(SPAN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-batch-local-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("runLocalBatch", () => {
  test("one result per valid line equal to predictEntities, one dead letter per bad line, in input order", async () => {
    const corpus = makeCorpus(420);
    const input = join(dir, "docs.jsonl");
    const output = join(dir, "out.jsonl");
    await writeFile(input, corpus.text);
    const settings = { ...DEFAULT_SETTINGS, labels: LABELS, threshold: 0.3 };
    const summary = await runLocalBatch({ model, task: getTask("ner"), settings, input, output, chunkSize: 32, progress: "off" });

    const results = readJsonl(output);
    assert.deepEqual(results.map((r) => r["id"]), corpus.ids);
    for (const [i, doc] of corpus.documents.entries()) {
      if (i % 10 !== 0 && doc.labels === undefined) continue; // a sample, plus every document with its own labels
      const expected = await model.predictEntities(doc.text, doc.labels ?? LABELS, { threshold: 0.3 });
      assert.deepEqual(results[i]?.["entities"], expected, `document ${String(doc.id)}`);
    }
    const records = new Map(corpus.text.split("\n").map((raw, i) => [i + 1, raw] as const));
    const dead = readJsonl(join(dir, "out.dead-letters.jsonl"));
    assert.deepEqual(dead.map((d) => [d["line"], d["code"]]), corpus.deadLetters.map((d) => [d.line, d.code]));
    dead.forEach((d, i) => {
      assert.match(String(d["reason"]), (corpus.deadLetters[i] as { reason: RegExp }).reason);
      assert.equal(d["input"], records.get(d["line"] as number), "the dead letter carries the raw line");
    });
    assert.equal(summary.results, corpus.ids.length);
    assert.equal(summary.deadLetters, corpus.deadLetters.length);
    assert.equal(summary.skipped, 0);

    const again = await runLocalBatch({ model, task: getTask("ner"), settings, input, output, chunkSize: 32, progress: "off" });
    assert.deepEqual([again.results, again.deadLetters, again.skipped], [0, 0, summary.lines], "a finished run has nothing left to do");
    assert.equal(readJsonl(output).length, corpus.ids.length);
  });

  test("a document too long for truncation 'error' is a dead letter; the rest of its chunk still gets results", async () => {
    const input = join(dir, "long.jsonl");
    const output = join(dir, "long-out.jsonl");
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
    await writeFile(input, [{ id: "a", text: "Alice met Bob." }, { id: "b", text: long }, { id: "c", text: "Paris is big." }].map((r) => JSON.stringify(r)).join("\n"));
    const settings = parseSettings({ ...DEFAULT_SETTINGS, labels: LABELS, truncation: "error" });
    await runLocalBatch({ model, task: getTask("ner"), settings, input, output, chunkSize: 8, progress: "off" });
    assert.deepEqual(readJsonl(output), [
      { id: "a", entities: await model.predictEntities("Alice met Bob.", LABELS) },
      { id: "c", entities: await model.predictEntities("Paris is big.", LABELS) },
    ]);
    const [dead, ...rest] = readJsonl(join(dir, "long-out.dead-letters.jsonl"));
    assert.equal(rest.length, 0);
    assert.equal(dead?.["code"], "TEXT_TOO_LONG");
    assert.match(String(dead?.["reason"]), /^line 2: the text has 400 words but the model reads at most 384 per pass; use --truncation window/);
  });

  test("a torn last line left by a kill is cut off and its document done again", async () => {
    const input = join(dir, "torn.jsonl");
    const output = join(dir, "torn-out.jsonl");
    await writeFile(input, ["Alice", "Bob", "Carol"].map((name, i) => JSON.stringify({ id: i, text: `${name} lives in Paris.` })).join("\n"));
    const settings = { ...DEFAULT_SETTINGS, labels: LABELS };
    await runLocalBatch({ model, task: getTask("ner"), settings, input, output, chunkSize: 8, progress: "off" });
    const complete = await readFile(output, "utf8");
    await writeFile(output, complete.slice(0, complete.length - 20)); // the last line loses its end
    const resumed = await runLocalBatch({ model, task: getTask("ner"), settings, input, output, chunkSize: 8, progress: "off" });
    assert.equal(resumed.results, 1);
    assert.ok(resumed.repairedBytes > 0);
    assert.equal(await readFile(output, "utf8"), complete);
  });

  test("a second run on the same output is refused while the first holds the lock", async () => {
    const input = join(dir, "lock.jsonl");
    const output = join(dir, "lock-out.jsonl");
    await writeFile(input, JSON.stringify({ text: "Alice" }));
    await writeFile(`${output}.lock`, `${(await import("node:os")).hostname()} ${process.pid}\n`);
    await assert.rejects(
      runLocalBatch({ model, task: getTask("ner"), settings: { ...DEFAULT_SETTINGS, labels: LABELS }, input, output, chunkSize: 8, progress: "off" }),
      /is being written by another gliner-ts batch .*delete .*lock-out\.jsonl\.lock if that process is gone/,
    );
  });
});
