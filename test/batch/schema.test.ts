/**
 * `gliner-ts batch --task schema` (GLiNER2): the results equal `GLiNER2.batchExtract`, records may bring their
 * own schema, a bad schema on a line is a dead letter naming the field, a bad --schema stops the run.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GLiNER2 } from "../../src/node.js";
import { runCli } from "../helpers/cli.js";
import { GLINER2_MODEL } from "../gliner2/golden-helpers.js";
import { readJsonl } from "./helpers.js";

const SCHEMA = { entities: ["person", "company"], classifications: { tone: ["formal", "casual"] }, structures: { deal: ["buyer::str", "price::str"] } };
const OWN = { relations: ["works_for"] };
const TEXTS = ["Satya Nadella joined Microsoft in 1992.", "Apple bought Beats for $3 billion in 2014.", "Berlin"];

let model: GLiNER2;
let dir: string;
before(async () => {
  model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner2-batch-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("local batch: the library's results, per-line schemas, dead letters for bad ones", async () => {
  const input = join(dir, "in.jsonl");
  const output = join(dir, "out.jsonl");
  const schemaFile = join(dir, "schema.json");
  await writeFile(schemaFile, JSON.stringify(SCHEMA));
  await writeFile(
    input,
    [
      { id: "a", text: TEXTS[0] },
      { id: "b", text: TEXTS[1], schema: OWN },
      { id: "c", text: TEXTS[2] },
      { id: "bad", text: "x", schema: { structures: { deal: ["buyer", "buyer::str"] } } },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  const run = await runCli(["batch", "--task", "schema", "-m", GLINER2_MODEL, "-i", input, "-o", output, "--schema", schemaFile, "--include-spans", "-b", "2", "--no-progress"]);
  assert.equal(run.code, 0, run.stderr);
  const expected = await model.batchExtract(TEXTS as string[], [SCHEMA, OWN, SCHEMA], { includeSpans: true });
  assert.deepEqual(readJsonl(output), [
    { id: "a", result: expected[0] },
    { id: "b", result: expected[1] },
    { id: "c", result: expected[2] },
  ]);
  const dead = readJsonl(join(dir, "out.dead-letters.jsonl"));
  assert.equal(dead.length, 1);
  assert.match(JSON.stringify(dead[0]), /buyer.*twice/);
});

test("--max-length reads the first words of each document, as batchExtract's maxLength", async () => {
  const input = join(dir, "in-max.jsonl");
  const output = join(dir, "out-max.jsonl");
  const schemaFile = join(dir, "schema-max.json");
  await writeFile(schemaFile, JSON.stringify(SCHEMA));
  await writeFile(input, TEXTS.map((text, i) => JSON.stringify({ id: i, text })).join("\n"));
  const run = await runCli(["batch", "--task", "schema", "-m", GLINER2_MODEL, "-i", input, "-o", output, "--schema", schemaFile, "--include-spans", "--max-length", "3", "--no-progress"]);
  assert.equal(run.code, 0, run.stderr);
  const expected = await model.batchExtract(TEXTS as string[], SCHEMA, { includeSpans: true, maxLength: 3 });
  assert.notDeepEqual(expected, await model.batchExtract(TEXTS as string[], SCHEMA, { includeSpans: true }), "maxLength changes the results");
  assert.deepEqual(readJsonl(output), expected.map((result, id) => ({ id, result })));
});

test("a bad --schema stops the run before any document; --queue is refused", async () => {
  const bad = join(dir, "bad.json");
  await writeFile(bad, JSON.stringify({ entities: [] }));
  const input = join(dir, "in2.jsonl");
  await writeFile(input, JSON.stringify({ text: "hello" }));
  const run = await runCli(["batch", "--task", "schema", "-m", GLINER2_MODEL, "-i", input, "-o", join(dir, "out2.jsonl"), "--schema", bad, "--no-progress"]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /entities is empty/);
  const queued = await runCli(["batch", "--task", "schema", "-m", GLINER2_MODEL, "-i", input, "-o", join(dir, "out3.jsonl"), "--queue", "redis://127.0.0.1:1/0"]);
  assert.equal(queued.code, 2, queued.stderr);
  assert.match(queued.stderr, /runs locally only/);
});
