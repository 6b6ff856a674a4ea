/**
 * Redis killed outright (SIGKILL, so the last second of `appendfsync everysec` writes is lost) and started again
 * mid-run, with `appendonly yes` as docs/batch.md asks: producer and worker wait it out, reconnect, and the output
 * still holds every document exactly once. This test always runs its own redis-server, since it must kill it.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { runDistributedBatch } from "../../src/queue/producer.js";
import { startBatchWorker } from "../../src/queue/worker.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { makeCorpus, readJsonl, waitFor } from "../batch/helpers.js";
import { type OwnRedis, ownRedis } from "./redis.js";

let redis: OwnRedis;
let model: GLiNER;
let dir: string;
before(async () => {
  redis = await ownRedis({ appendOnly: true });
  model = await GLiNER.fromPretrained(SPAN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-redis-restart-"));
});
after(async () => {
  await model.dispose();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

test("Redis SIGKILLed and restarted mid-run: no document lost, none duplicated", { timeout: 180_000 }, async () => {
  const corpus = makeCorpus(800);
  const input = join(dir, "docs.jsonl");
  const output = join(dir, "out.jsonl");
  await writeFile(input, corpus.text);
  const log: string[] = [];
  const worker = await startBatchWorker({
    url: redis.url,
    queueName: "restart",
    model,
    modelName: "span-markerv0",
    concurrency: 1,
    lockDurationMs: 4000,
    stalledIntervalMs: 1000,
    maxStalledCount: 5,
    connectTimeoutSeconds: 10,
    log: (m) => log.push(`worker: ${m}`),
  });
  try {
    const run = runDistributedBatch({
      url: redis.url,
      queueName: "restart",
      task: getTask("ner"),
      settings: { ...DEFAULT_SETTINGS, labels: ["person", "organization", "location"] },
      input,
      output,
      chunkSize: 10,
      progress: "off",
      attempts: 3,
      backoffMs: 200,
      maxPending: 200,
      connectTimeoutSeconds: 10,
      watchIntervalMs: 500,
      log: (m) => log.push(`batch: ${m}`),
    });
    await waitFor("a first share of the results", async () => (await stat(output).catch(() => ({ size: 0 }))).size > 5000, 120_000);
    await redis.restart("SIGKILL", 1500);
    const summary = await run;
    assert.ok(summary.skipped === 0 && summary.results === corpus.ids.length, JSON.stringify(summary));
  } finally {
    await worker.close();
  }
  const ids = readJsonl(output).map((r) => r["id"]);
  assert.equal(ids.length, corpus.ids.length, "one line per document");
  assert.deepEqual(new Set(ids), new Set(corpus.ids));
  assert.ok(log.some((m) => /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/0 .*retrying/.test(m)), log.join("\n"));
  assert.ok(log.some((m) => /is reachable again after/.test(m)), log.join("\n"));
});
