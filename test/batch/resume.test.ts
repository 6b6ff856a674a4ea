/**
 * The local CLI killed with SIGKILL mid-run and run again: every document ends up in the output exactly once,
 * and the output equals an uninterrupted run's, line for line.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { exitWithin, makeCorpus, readJsonl, startCli, waitFor } from "./helpers.js";

const LABELS = ["person", "organization", "location"];
let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), "gliner-batch-resume-"))));
after(async () => rm(dir, { recursive: true, force: true }));

test("SIGKILL mid-run, then the same command: no document lost, none duplicated", { timeout: 240_000 }, async () => {
  const corpus = makeCorpus(1500);
  const input = join(dir, "docs.jsonl");
  const output = join(dir, "out.jsonl");
  await writeFile(input, corpus.text);
  const args = ["batch", "-i", input, "-o", output, "-m", SPAN_MODEL, "-l", LABELS.join(","), "--chunk-size", "16"];

  const first = startCli(args);
  // Kill once a few chunks are on disk but well before the end.
  await waitFor("the first results on disk", async () => (await stat(output).catch(() => ({ size: 0 }))).size > 10_000, 120_000);
  first.child.kill("SIGKILL");
  const killed = await first.exited;
  assert.equal(killed.signal, "SIGKILL", `the run finished before it could be killed; stderr:\n${first.stderr()}`);
  const partial = (await readFile(output, "utf8")).split("\n").length - 1; // complete lines; a torn tail is allowed
  assert.ok(partial > 0 && partial < corpus.ids.length, `killed after ${partial} of ${corpus.ids.length} results`);

  const second = startCli(args);
  const resumed = await exitWithin(second, 180_000, "the resumed run");
  assert.equal(resumed.code, 0, second.stderr());
  assert.match(second.stderr(), /already done/);

  const ids = readJsonl(output).map((r) => r["id"]);
  assert.equal(new Set(ids).size, ids.length, "no id twice");
  assert.deepEqual(ids, corpus.ids, "every valid document once, in input order");
  const dead = readJsonl(join(dir, "out.dead-letters.jsonl")).map((d) => d["line"]);
  assert.deepEqual(dead, corpus.deadLetters.map((d) => d.line));

  // Byte-for-byte the output of a run that was never interrupted.
  const model = await GLiNER.fromPretrained(SPAN_MODEL);
  try {
    const reference = join(dir, "reference.jsonl");
    await runLocalBatch({ model, task: getTask("ner"), settings: { ...DEFAULT_SETTINGS, labels: LABELS }, input, output: reference, chunkSize: 100, progress: "off" });
    assert.equal(await readFile(output, "utf8"), await readFile(reference, "utf8"));
  } finally {
    await model.dispose();
  }
});
