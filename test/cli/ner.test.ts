/** The `gliner-ts ner` command as a user runs it: output, JSONL ids, and exit codes that mean something. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { jsonLines, runCli } from "../helpers/cli.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";

const TEXT = "Tim Cook is the CEO of Apple, based in Cupertino.";
let model: GLiNER;
let dir: string;
before(async () => {
  model = await GLiNER.fromPretrained(TOKEN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-cli-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("a text argument prints the library's entities as one JSON line", async () => {
  const result = await runCli(["ner", TEXT, "-m", TOKEN_MODEL, "-l", "person,company,city", "-t", "0.3"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(jsonLines(result.stdout), [{ entities: await model.predictEntities(TEXT, ["person", "company", "city"], { threshold: 0.3 }) }]);
});

test("JSONL on stdin keeps ids (line numbers when absent) and per-line labels", async () => {
  const input = [
    JSON.stringify({ id: "a", text: TEXT }),
    "",
    JSON.stringify({ text: "Paris is in France.", labels: ["country"] }),
  ].join("\n");
  const result = await runCli(["ner", "-m", TOKEN_MODEL, "-l", "person", "-t", "0.3"], { stdin: input });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(jsonLines(result.stdout), [
    { id: "a", entities: await model.predictEntities(TEXT, ["person"], { threshold: 0.3 }) },
    { id: 3, entities: await model.predictEntities("Paris is in France.", ["country"], { threshold: 0.3 }) },
  ]);
});

test("--file and --output", async () => {
  const input = join(dir, "in.txt");
  const output = join(dir, "out.jsonl");
  await writeFile(input, TEXT);
  const result = await runCli(["ner", "-f", input, "-o", output, "-m", TOKEN_MODEL, "-l", "person"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  const { readFile } = await import("node:fs/promises");
  assert.deepEqual(jsonLines(await readFile(output, "utf8")), [{ entities: await model.predictEntities(TEXT, ["person"]) }]);
});

test("exit code 2 for bad usage and bad input, with a message that says how to fix it", async () => {
  const noLabels = await runCli(["ner", TEXT, "-m", TOKEN_MODEL]);
  assert.equal(noLabels.code, 2);
  assert.match(noLabels.stderr, /labels are required: pass --labels/);
  const badJson = await runCli(["ner", "-m", TOKEN_MODEL, "-l", "x"], { stdin: '{"text": "ok"}\nnot json\n' });
  assert.equal(badJson.code, 2);
  assert.match(badJson.stderr, /line 2 is not valid JSON/);
  const badThreshold = await runCli(["ner", TEXT, "-m", TOKEN_MODEL, "-l", "x", "-t", "1.5"]);
  assert.equal(badThreshold.code, 2);
  assert.match(badThreshold.stderr, /threshold must be a number strictly between 0 and 1/);
});

test("exit code 3 when the model cannot be loaded", async () => {
  const result = await runCli(["ner", TEXT, "-m", dir, "-l", "x"]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /has no gliner_config\.json/);
});

test("labels containing the model's special tokens are refused (exit 2), on the command line and per JSONL record", async () => {
  const flag = await runCli(["ner", TEXT, "-m", TOKEN_MODEL, "-l", "person,<<ENT>>"]);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /special token "<<ENT>>"/);
  assert.equal(flag.stdout, "");
  const record = await runCli(["ner", "-m", TOKEN_MODEL, "-l", "person"], { stdin: JSON.stringify({ text: TEXT, labels: ["x<<SEP>>"] }) });
  assert.notEqual(record.code, 0);
  assert.doesNotMatch(record.stdout, /<<SEP>>/, "no entity labelled with a special token is written");
});

test("--max-length sets the words per pass, as the maxLength load option does", async () => {
  const tooLong = await runCli(["ner", TEXT, "-m", TOKEN_MODEL, "-l", "person", "--max-length", "4", "--truncation", "error"]);
  assert.equal(tooLong.code, 2);
  assert.match(tooLong.stderr, /a text has \d+ words but the model takes at most 4 per pass/);
  const windowed = await runCli(["ner", TEXT, "-m", TOKEN_MODEL, "-l", "person,company", "-t", "0.3", "--max-length", "4"]);
  assert.equal(windowed.code, 0, windowed.stderr);
  const short = await GLiNER.fromPretrained(TOKEN_MODEL, { maxLength: 4 });
  try {
    assert.deepEqual(jsonLines(windowed.stdout), [{ entities: await short.predictEntities(TEXT, ["person", "company"], { threshold: 0.3 }) }]);
  } finally {
    await short.dispose();
  }
});
