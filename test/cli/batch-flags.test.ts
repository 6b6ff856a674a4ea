/**
 * `gliner-ts batch`'s task flags come from the registry's schemas, as the task commands' do: every task option
 * is a flag (here `--label-thresholds`, `--window`, `--offsets`), parsed and checked as its schema says, and
 * every flag name batch had before still works.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { jsonLines, runCli } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

const TEXTS = ["Bill Gates founded Microsoft in Seattle with Paul Allen.", "Tim Cook runs Apple from Cupertino."];
let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), "gliner-batch-flags-"))));
after(async () => rm(dir, { recursive: true, force: true }));

test("batch --help lists the flags batch always had and the registry's other task options", async () => {
  const help = (await runCli(["batch", "--help"])).stdout;
  const had = ["-l, --labels", "-t, --threshold", "--no-flat-ner", "--multi-label", "--prompt", "-r, --relations", "-e, --entity-labels", "--entity-threshold", "--relation-threshold", "-q, --question", "-k, --top-k", "-c, --classes", "--instruction", "--polarities", "--schema <file.json>", "--include-confidence", "--include-spans", "-b, --batch-size", "--truncation", "--chunk-size <n>", "--queue <redis-url>"];
  for (const flag of [...had, "--label-thresholds <json>", "--window <n>", "--overlap <n>", "--batch-order <length|input>", "--token-score <min|mean>", "--offsets <utf16|codePoints>"]) {
    assert.ok(help.includes(flag), `batch --help lacks ${flag}`);
  }
});

test("a task option batch had no hand-written flag for (--label-thresholds, --window) reaches the model as model.run gets it", async () => {
  const input = join(dir, "in.jsonl");
  const output = join(dir, "out.jsonl");
  await writeFile(input, TEXTS.map((text, i) => JSON.stringify({ id: i, text })).join("\n"));
  const flags = ["-l", "person,organization,location", "-t", "0.3", "--label-thresholds", '{"person": 0.9}', "--window", "6", "--overlap", "2"];
  const run = await runCli(["batch", "-m", SPAN_MODEL, "-i", input, "-o", output, "--no-progress", ...flags]);
  assert.equal(run.code, 0, run.stderr);
  const model = await GLiNER.fromPretrained(SPAN_MODEL);
  try {
    const options = { threshold: 0.3, labelThresholds: { person: 0.9 }, window: 6, overlap: 2 };
    const expected = await model.run("ner", TEXTS.map((text) => ({ text, labels: ["person", "organization", "location"] })), options);
    const plain = await model.run("ner", TEXTS.map((text) => ({ text, labels: ["person", "organization", "location"] })), { threshold: 0.3 });
    assert.notDeepEqual(expected, plain, "the options change the result, so the test can fail");
    assert.deepEqual(jsonLines(await readFile(output, "utf8")), expected.map((entities, id) => ({ id, entities })));
  } finally {
    await model.dispose();
  }
});

test("a generated flag's bad value is one line naming the flag (exit 2)", async () => {
  const bad = await runCli(["batch", "-m", SPAN_MODEL, "-i", "x.jsonl", "-o", "y.jsonl", "-l", "person", "--window", "1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--window/);
});
