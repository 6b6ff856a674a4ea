/** The task commands as a user runs them: output equals the library, per-record fields, exit codes. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { GLiNER } from "../../src/node.js";
import { jsonLines, runCli } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

const TEXT = "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975.";
let model: GLiNER;
let dir: string;
before(async () => {
  model = await GLiNER.fromPretrained(SPAN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-tasks-cli-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("relations with a JSON spec from --file print the library's relations", async () => {
  const file = join(dir, "text.txt");
  await writeFile(file, TEXT);
  const relations = [{ relation: "founder", distanceThreshold: 100 }, "inception date"];
  const result = await runCli(["relations", "-f", file, "-m", SPAN_MODEL, "-r", JSON.stringify(relations), "-e", "person,date", "--entity-threshold", "0.3"]);
  assert.equal(result.code, 0, result.stderr);
  const expected = await model.extractRelations(TEXT, { relations, entityLabels: ["person", "date"], entityThreshold: 0.3 });
  assert.ok(expected.length > 0);
  assert.deepEqual(jsonLines(result.stdout), [{ relations: expected }]);
});

test("JSONL on stdin: a per-record question overrides --question; ids kept (line numbers when absent)", async () => {
  const input = [JSON.stringify({ id: "a", text: TEXT }), JSON.stringify({ text: "Tim Cook leads Apple.", question: "Who leads Apple?" })].join("\n");
  const qa = await runCli(["qa", "-m", SPAN_MODEL, "-q", "Who founded Microsoft?", "-t", "0.3", "-k", "2"], { stdin: input });
  assert.equal(qa.code, 0, qa.stderr);
  assert.deepEqual(jsonLines(qa.stdout), [
    { id: "a", answers: await model.answer("Who founded Microsoft?", TEXT, { threshold: 0.3, topK: 2 }) },
    { id: 2, answers: await model.answer("Who leads Apple?", "Tim Cook leads Apple.", { threshold: 0.3, topK: 2 }) },
  ]);
});

test("JSONL: a per-record option (extract's labels) overrides the flag; records with other options run apart, answers in input order", async () => {
  const input = [JSON.stringify({ text: TEXT, instruction: "Find:", labels: ["date"] }), JSON.stringify({ text: TEXT, instruction: "Find:" })].join("\n");
  const result = await runCli(["extract", "-m", SPAN_MODEL, "-l", "person", "-t", "0.3"], { stdin: input });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(jsonLines(result.stdout), [
    { id: 1, entities: await model.extract("Find:", TEXT, { labels: ["date"], threshold: 0.3 }) },
    { id: 2, entities: await model.extract("Find:", TEXT, { labels: ["person"], threshold: 0.3 }) },
  ]);
});

test("every task command, in process (--output): the library's result for the same flags", async () => {
  const out = join(dir, "out.jsonl");
  const run = async (...args: string[]) => {
    assert.equal(await main(["node", "gliner-ts", ...args, TEXT, "-m", SPAN_MODEL, "-o", out]), 0);
    return jsonLines(await readFile(out, "utf8"));
  };
  assert.deepEqual(await run("summarize"), [await model.summarize(TEXT)]);
  assert.deepEqual(await run("classify", "-c", "history,sports", "--multi-label", "-t", "0.2"), [
    { classifications: await model.classify(TEXT, ["history", "sports"], { multiLabel: true, threshold: 0.2 }) },
  ]);
  assert.deepEqual(await run("extract", "--instruction", "Find people:", "-l", "person,date", "-t", "0.3"), [
    { entities: await model.extract("Find people:", TEXT, { labels: ["person", "date"], threshold: 0.3 }) },
  ]);
  assert.deepEqual(await run("sentiment", "--polarities", "negative", "-t", "0.2"), [{ sentiments: await model.extractSentiment(TEXT, { polarities: ["negative"], threshold: 0.2 }) }]);
  assert.deepEqual(await run("keyphrases", "-k", "2"), [{ keyphrases: await model.extractKeyphrases(TEXT, { topK: 2 }) }]);
});

test("bad input exits 2 with a message that says how to fix it", async () => {
  const noRelations = await runCli(["relations", TEXT, "-m", SPAN_MODEL]);
  assert.equal(noRelations.code, 2);
  assert.match(noRelations.stderr, /relations are required: pass --relations/);
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.equal(await main(["node", "gliner-ts", "qa", TEXT, "-m", SPAN_MODEL]), 2);
    assert.equal(await main(["node", "gliner-ts", "sentiment", TEXT, "-m", SPAN_MODEL, "--polarities", "happy"]), 2);
  } finally {
    process.stderr.write = write;
  }
  assert.match(errors.join(""), /question is required: pass --question[\s\S]*polarities\[0\] must be one of "positive", "negative", "neutral"; got "happy"/);
});
