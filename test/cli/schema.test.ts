/** `gliner-ts schema` as a user runs it: the library's results, JSONL ids and per-line schemas, exit codes. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GLiNER2 } from "../../src/node.js";
import { jsonLines, runCli } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { GLINER2_MODEL } from "../gliner2/golden-helpers.js";

const TEXT = "Order #4521: two Dell XPS 13 laptops shipped to Berlin by DHL Express.";
const SCHEMA = {
  entities: ["product", "location"],
  classifications: { intent: ["purchase", "complaint"] },
  structures: { order: ["id::str", "carrier::[dhl|ups]::str"] },
  relations: ["shipped_to"],
};
let model: GLiNER2;
let dir: string;
let schemaFile: string;
before(async () => {
  model = await GLiNER2.fromPretrained(GLINER2_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner2-cli-"));
  schemaFile = join(dir, "schema.json");
  await writeFile(schemaFile, JSON.stringify(SCHEMA));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("a text argument prints the library's result as one JSON line", async () => {
  const result = await runCli(["schema", TEXT, "-m", GLINER2_MODEL, "--schema", schemaFile, "--include-spans", "-t", "0.4"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(jsonLines(result.stdout), [{ result: await model.extract(TEXT, SCHEMA, { includeSpans: true, threshold: 0.4 }) }]);
});

test("--max-length reads only the first words, as the library's maxLength", async () => {
  const result = await runCli(["schema", TEXT, "-m", GLINER2_MODEL, "--schema", schemaFile, "--include-spans", "-t", "0.4", "--max-length", "4"]);
  assert.equal(result.code, 0, result.stderr);
  const cut = await model.extract(TEXT, SCHEMA, { includeSpans: true, threshold: 0.4, maxLength: 4 });
  assert.notDeepEqual(cut, await model.extract(TEXT, SCHEMA, { includeSpans: true, threshold: 0.4 }), "maxLength changes the result");
  assert.deepEqual(jsonLines(result.stdout), [{ result: cut }]);
});

test("JSONL on stdin: ids (line numbers when absent), per-line schemas, chunked long mode", async () => {
  const input = [JSON.stringify({ id: "a", text: TEXT }), JSON.stringify({ text: "Berlin", schema: { entities: ["city"] } })].join("\n");
  const result = await runCli(["schema", "-m", GLINER2_MODEL, "-s", schemaFile, "--chunk-size", "8", "--chunk-overlap", "2", "--include-confidence"], { stdin: input });
  assert.equal(result.code, 0, result.stderr);
  const options = { chunkSize: 8, chunkOverlap: 2, includeConfidence: true };
  assert.deepEqual(jsonLines(result.stdout), [
    { id: "a", result: await model.extractLong(TEXT, SCHEMA, options) },
    { id: 2, result: await model.extractLong("Berlin", { entities: ["city"] }, options) },
  ]);
});

test("bad schemas and wrong model folders exit with a message naming the problem", async () => {
  const bad = join(dir, "bad.json");
  await writeFile(bad, JSON.stringify({ structures: { order: ["id::str", "id::list"] } }));
  const dup = await runCli(["schema", TEXT, "-m", GLINER2_MODEL, "-s", bad]);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /field "id" twice/);
  const noSchema = await runCli(["schema", TEXT, "-m", GLINER2_MODEL]);
  assert.equal(noSchema.code, 2);
  assert.match(noSchema.stderr, /--schema/);
  const wrong = await runCli(["schema", TEXT, "-m", SPAN_MODEL, "-s", schemaFile]);
  assert.equal(wrong.code, 3);
  assert.match(wrong.stderr, /GLiNER\.fromPretrained/);
});
