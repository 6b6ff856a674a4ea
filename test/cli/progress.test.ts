/** Without a terminal, a JSONL run reports a progress line every few seconds and a summary at the end (mocked clock). */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mock, test } from "node:test";
import { PROGRESS_LINE_EVERY_MS, progressBar } from "../../src/cli/io.js";
import { runCli } from "../helpers/cli.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

function captureStderr(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  return { lines, restore: () => void (process.stderr.write = write) };
}

test("non-terminal progress: one line per interval with count, share, rate and ETA, then a summary", () => {
  mock.timers.enable({ apis: ["setInterval", "Date"], now: 0 });
  const captured = captureStderr();
  try {
    const bar = progressBar(10, true, "gliner-ts ner", false);
    bar.increment(2);
    mock.timers.tick(PROGRESS_LINE_EVERY_MS - 1);
    assert.deepEqual(captured.lines, []);
    mock.timers.tick(1);
    bar.increment(3);
    mock.timers.tick(PROGRESS_LINE_EVERY_MS);
    bar.increment(5);
    bar.stop();
    mock.timers.tick(PROGRESS_LINE_EVERY_MS);
  } finally {
    captured.restore();
    mock.timers.reset();
  }
  // 2 texts after 5 s: 0.4/s, 8 left → 20 s; 5 after 10 s: 0.5/s, 5 left → 10 s; 10 in 10 s at the end.
  assert.deepEqual(captured.lines, [
    "gliner-ts ner: 2/10 texts (20.0%), 0.4 texts/s, ETA 20s\n",
    "gliner-ts ner: 5/10 texts (50.0%), 0.5 texts/s, ETA 10s\n",
    "gliner-ts ner: done, 10 texts in 10s (1.0 texts/s)\n",
  ]);
});

test("--no-progress prints nothing", () => {
  mock.timers.enable({ apis: ["setInterval", "Date"], now: 0 });
  const captured = captureStderr();
  try {
    const bar = progressBar(3, false, "gliner-ts ner", false);
    bar.increment(3);
    mock.timers.tick(3 * PROGRESS_LINE_EVERY_MS);
    bar.stop();
  } finally {
    captured.restore();
    mock.timers.reset();
  }
  assert.deepEqual(captured.lines, []);
});

test("ner --input without a terminal ends with a summary on stderr; JSONL on stdout is untouched", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gliner-cli-progress-"));
  try {
    const input = join(dir, "in.jsonl");
    await writeFile(input, ['{"text": "Tim Cook leads Apple."}', '{"text": "Paris is in France."}', ""].join("\n"));
    const result = await runCli(["ner", "--input", input, "-l", "person", "-m", SPAN_MODEL]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim().split("\n").length, 2);
    assert.match(result.stderr, /^gliner-ts ner: done, 2 texts in \d+s \([\d.]+ texts\/s\)\n$/m);
    const quiet = await runCli(["ner", "--input", input, "-l", "person", "-m", SPAN_MODEL, "--no-progress"]);
    assert.equal(quiet.stderr, "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
