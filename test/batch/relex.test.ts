/** The batch "relations" task on a relex model runs the relation head: results equal `extractRelations` text by text. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { convertedRelex, readGolden, type RelexGoldenFile } from "../helpers/relex.js";
import { readJsonl } from "./helpers.js";

let converted: Awaited<ReturnType<typeof convertedRelex>>;
let model: GLiNER;
let dir: string;
before(async () => {
  converted = await convertedRelex("relex-span");
  model = await GLiNER.fromPretrained(converted.dir);
  dir = await mkdtemp(join(tmpdir(), "gliner-batch-relex-"));
});
after(async () => {
  await model.dispose();
  await converted.remove();
  await rm(dir, { recursive: true, force: true });
});

test("relations over a JSONL file equal extractRelations on each text", async () => {
  const c = readGolden<RelexGoldenFile>("relex-span.json").cases.find((k) => k.id === "batch_5")!;
  const settings = { relations: c.call.relations as string[], entityLabels: c.call.labels as string[], entityThreshold: 0.5, relationThreshold: 0.5 };
  const input = join(dir, "in.jsonl");
  const output = join(dir, "out.jsonl");
  await writeFile(input, c.call.texts.map((text, id) => JSON.stringify({ id, text })).join("\n"));
  await runLocalBatch({ model, task: getTask("relations"), settings: { ...DEFAULT_SETTINGS, batchSize: 3, ...settings }, input, output, chunkSize: 16, progress: "off" });
  const results = readJsonl(output);
  for (const [id, text] of c.call.texts.entries()) {
    assert.deepEqual(results[id], { id, relations: await model.extractRelations(text, settings) }, `text ${id}`);
  }
  assert.ok(results.some((r) => (r["relations"] as unknown[]).length > 0));
});
