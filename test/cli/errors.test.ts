/**
 * Every user error of the CLI is one line on stderr with exit code 2 (3 when the model cannot be loaded), never
 * a stack trace; and the help texts say what the commands really do.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type CliResult, runCli } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gliner-cli-errors-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Exit code and exactly one line on stderr that matches `message`, no stack frames. */
function assertOneLine(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("npm warn"));
  assert.equal(lines.length, 1, `one line expected, got:\n${result.stderr}`);
  assert.match(lines[0] ?? "", /^gliner-ts: /);
  assert.match(lines[0] ?? "", message);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

test("a missing --file is exit 2 naming the path", async () => {
  const missing = join(dir, "nope.txt");
  assertOneLine(await runCli(["ner", "--file", missing, "-l", "person", "-m", SPAN_MODEL]), 2, new RegExp(`cannot open ${missing}: no such file`));
});

test("--output into a folder that does not exist is exit 2", async () => {
  const output = join(dir, "no-such-folder", "out.jsonl");
  assertOneLine(await runCli(["ner", "Tim Cook", "-l", "person", "-m", SPAN_MODEL, "-o", output]), 2, /cannot open .*no-such-folder.*: no such file/);
});

test("a busy --port is exit 2 saying how to pick another", async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    assertOneLine(await runCli(["serve", "-m", SPAN_MODEL, "--port", String(port)]), 2, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
  } finally {
    busy.close();
  }
});

test("unknown flags and bad flag values are exit 2 in one line", async () => {
  assertOneLine(await runCli(["ner", "x", "--bogus"]), 2, /unknown option '--bogus' \(--help lists the options\)/);
  assertOneLine(await runCli(["ner", "x", "-l", "a", "--threads", "two", "-m", SPAN_MODEL]), 2, /expected an integer, got "two"/);
});

test("relations has no -t: its two thresholds are --entity-threshold and --relation-threshold", async () => {
  assertOneLine(await runCli(["relations", "x", "-r", "founder", "-t", "0.3", "-m", SPAN_MODEL]), 2, /unknown option '-t'/);
  const help = await runCli(["relations", "--help"]);
  assert.match(help.stdout, /--entity-threshold/);
  assert.match(help.stdout, /--relation-threshold/);
  assert.doesNotMatch(help.stdout, /--threshold/);
});

test("a text too long with --truncation error names the CLI flag, not the API option", async () => {
  const text = Array.from({ length: 400 }, (_, i) => `w${i}`).join(" ");
  assertOneLine(
    await runCli(["ner", text, "-l", "person", "-m", SPAN_MODEL, "--truncation", "error"]),
    2,
    /has 400 words but the model takes at most 384 per pass\. Use --truncation window .* or --truncation truncate/,
  );
});

test("a --model that is neither a folder nor a repo id is exit 3", async () => {
  assertOneLine(await runCli(["ner", "x", "-l", "a", "-m", join(dir, "absent")]), 3, /is neither a local folder nor a Hugging Face repo id/);
});

test("offline, the main job fails in one line, exit 3, naming --model <folder> and HF_ENDPOINT", async () => {
  // A closed loopback port stands for "no network": the hub cannot be reached, and nothing is cached.
  const closed: Server = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const env = { HF_ENDPOINT: endpoint, HF_HOME: join(dir, "hf"), HF_HUB_CACHE: join(dir, "hf", "hub"), HF_HUB_OFFLINE: "" };
  const args = ["ner", "Microsoft was founded by Bill Gates and Paul Allen.", "--labels", "person,company"];
  const online = await runCli(args, { env });
  assertOneLine(online, 3, /--model <folder>/);
  assert.match(online.stderr, /HF_ENDPOINT/);
  const offline = await runCli([...args, "--offline"], { env });
  assertOneLine(offline, 3, /not in the cache.*--model <folder>.*HF_ENDPOINT/);
});

test("batch status --help lists the --queue, --queue-name and --run it uses", async () => {
  const help = await runCli(["batch", "status", "--help"]);
  assert.equal(help.code, 0);
  for (const flag of ["--queue <redis-url>", "--queue-name <name>", "--run <id>"]) assert.ok(help.stdout.includes(flag), flag);
});

test("batch --help gives the dead-letter default the code uses", async () => {
  const help = await runCli(["batch", "--help"]);
  assert.match(help.stdout.replace(/\s+/g, " "), /out\.jsonl → out\.dead-letters\.jsonl/);
});

test("task flags come from the task's schemas: values checked by the schema, one line naming the flag, exit 2", async () => {
  assertOneLine(await runCli(["qa", "x", "-q", "y", "--top-k", "0", "-m", SPAN_MODEL]), 2, /--top-k must be a positive integer; got number 0\.$/);
  assertOneLine(await runCli(["ner", "x", "-l", "a", "-t", "2", "-m", SPAN_MODEL]), 2, /--threshold must be a number strictly between 0 and 1; got number 2\.$/);
  assertOneLine(await runCli(["ner", "x", "-l", "a", "-b", "many", "-m", SPAN_MODEL]), 2, /--batch-size must be a positive integer or one of "auto"; got "many"/);
  assertOneLine(await runCli(["ner", "x", "-l", "a", "--label-thresholds", "{bad", "-m", SPAN_MODEL]), 2, /--label-thresholds is not valid JSON/);
  assertOneLine(await runCli(["ner", "-l", "a", "-m", SPAN_MODEL], { stdin: '{"text": "ok", "labels": "a"}\n' }), 2, /line 1: labels must be a non-empty array/);
  assertOneLine(await runCli(["classify", "-m", SPAN_MODEL], { stdin: '{"text": "ok"}\n' }), 2, /classes are required: pass --classes or a "classes" in each JSONL record \(line 1 has none\)/);
});

test("task help: camelCase options as kebab-case flags, defaults and choices from the schema", async () => {
  const ner = (await runCli(["ner", "--help"])).stdout.replace(/\s+/g, " ");
  for (const flag of ["-l, --labels <list>", "-t, --threshold <p>", "--no-flat-ner", "--multi-label", "--label-thresholds <json>", "-b, --batch-size <n|auto>", "--truncation <window|truncate|error>", "--window <n>"]) {
    assert.ok(ner.includes(flag), flag);
  }
  const classify = (await runCli(["classify", "--help"])).stdout.replace(/\s+/g, " ");
  assert.match(classify, /--prompt <text> .*\(default "[^"]*\{classes\}[^"]*"\)/);
  assert.match(classify, /-c, --classes <list>/);
});
