/** Batch mode with a bi-encoder: the labels are encoded once for the whole run, and results equal the library's. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { readJsonl } from "./helpers.js";

const LABELS = ["person", "organization", "location"];
let model: GLiNER;
let dir: string;
before(async () => {
  model = await GLiNER.fromPretrained(join(FIXTURES, "models", "bi-token"));
  dir = await mkdtemp(join(tmpdir(), "gliner-batch-bi-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("every chunk after the first finds its labels in the cache", async () => {
  const texts = Array.from({ length: 40 }, (_, i) => `Document ${i}: Tim Cook met Angela Merkel in Berlin on day ${i}.`);
  const input = join(dir, "docs.jsonl");
  const output = join(dir, "out.jsonl");
  await writeFile(input, texts.map((text, i) => JSON.stringify({ id: i, text, ...(i === 7 ? { labels: ["city"] } : {}) })).join("\n") + "\n");
  const before = model.labelCache;
  assert.ok(before);
  const settings = { ...DEFAULT_SETTINGS, labels: LABELS, threshold: 0.3 };
  await runLocalBatch({ model, task: getTask("ner"), settings, input, output, chunkSize: 8, progress: "off" });
  const after = model.labelCache;
  assert.ok(after);
  assert.equal(after.misses - before.misses, LABELS.length + 1, "each distinct label encoded once for the run");
  const results = readJsonl(output);
  for (const i of [0, 7, 39]) {
    const expected = await model.predictEntities(texts[i] as string, i === 7 ? ["city"] : LABELS, { threshold: 0.3 });
    assert.deepEqual(results[i]?.["entities"], expected, `document ${i}`);
  }
});
