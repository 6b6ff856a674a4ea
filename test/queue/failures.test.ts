/**
 * What goes wrong in a distributed run and what the user sees: Redis unreachable, jobs failing after all their
 * attempts (then a rerun retrying them), jobs lost from Redis (sent again), and the collecting `batch` process
 * killed mid-run (the rerun collects what workers finished meanwhile). Producer and workers run in this process
 * where a child process adds nothing but start-up time.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { parseRedisUrl, QueueError } from "../../src/queue/connection.js";
import { type DistributedBatchOptions, runDistributedBatch } from "../../src/queue/producer.js";
import { readQueueStatus } from "../../src/queue/status.js";
import { type RunningWorker, startBatchWorker } from "../../src/queue/worker.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { exitWithin, makeCorpus, readJsonl, startCli, waitFor } from "../batch/helpers.js";
import { cleanQueue } from "./clean.js";
import { testRedis, type TestRedis, uniqueQueueName } from "./redis.js";

const LABELS = ["person", "organization", "location"];
let redis: TestRedis;
let client: Redis;
let model: GLiNER;
let dir: string;
const queues: string[] = [];

before(async () => {
  redis = await testRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  model = await GLiNER.fromPretrained(SPAN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-queue-failures-"));
});
after(async () => {
  for (const q of queues) await cleanQueue(client, q).catch(() => undefined);
  client.disconnect();
  await model.dispose();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

function newQueue(label: string): string {
  const name = uniqueQueueName(label);
  queues.push(name);
  return name;
}

async function corpusFile(name: string, size: number) {
  const corpus = makeCorpus(size);
  const input = join(dir, `${name}.jsonl`);
  await writeFile(input, corpus.text);
  return { corpus, input, output: join(dir, `${name}-out.jsonl`) };
}

function batchOptions(queueName: string, input: string, output: string, log: string[] = []): DistributedBatchOptions {
  return {
    url: redis.url,
    queueName,
    task: getTask("ner"),
    settings: { ...DEFAULT_SETTINGS, labels: LABELS },
    input,
    output,
    chunkSize: 10,
    progress: "off",
    attempts: 2,
    backoffMs: 50,
    maxPending: 1000,
    connectTimeoutSeconds: 10,
    watchIntervalMs: 300,
    log: (message) => log.push(message),
  };
}

function worker(queueName: string): Promise<RunningWorker> {
  return startBatchWorker({
    url: redis.url,
    queueName,
    model,
    modelName: "span-markerv0",
    concurrency: 1,
    lockDurationMs: 5000,
    stalledIntervalMs: 1000,
    maxStalledCount: 2,
    connectTimeoutSeconds: 10,
    log: () => {},
  });
}

function assertExactlyOnce(output: string, ids: readonly (string | number)[]) {
  const written = readJsonl(output).map((r) => r["id"]);
  assert.equal(written.length, ids.length, "one line per document");
  assert.deepEqual(new Set(written), new Set(ids));
}

describe("Redis connection", () => {
  test("an unreachable Redis is a clear error naming the URL, after the connect timeout (CLI: exit 1)", { timeout: 120_000 }, async () => {
    const closed = "redis://127.0.0.1:1/0";
    const { input, output } = await corpusFile("unreachable", 5);
    await assert.rejects(
      runDistributedBatch({ ...batchOptions("x", input, output), url: closed, connectTimeoutSeconds: 1 }),
      (error: unknown) => error instanceof QueueError && /could not connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 within 1 s \(.*ECONNREFUSED.*\)\. Is redis-server running/.test(error.message),
    );
    await assert.rejects(
      startBatchWorker({ url: closed, queueName: "x", model, modelName: "m", concurrency: 1, lockDurationMs: 1000, stalledIntervalMs: 1000, maxStalledCount: 1, connectTimeoutSeconds: 1, log: () => {} }),
      /could not connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 within 1 s/,
    );
    const cli = startCli(["batch", "-i", input, "-o", join(dir, "cli-out.jsonl"), "-l", "person", "--queue", closed, "--connect-timeout", "1"]);
    const exit = await exitWithin(cli, 60_000, "batch against a closed port");
    assert.equal(exit.code, 1);
    assert.match(cli.stderr(), /^gliner-ts batch: could not connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 within 1 s/m);
  });

  test("a malformed --queue URL says what a good one looks like; passwords never appear in messages", () => {
    assert.throws(() => parseRedisUrl("localhost:6379"), /--queue must start with redis:\/\/ or rediss:\/\/, e\.g\. redis:\/\/127\.0\.0\.1:6379\/0/);
    assert.throws(() => parseRedisUrl("redis://host:6379/zero"), /the database in --queue must be a number/);
    assert.equal(parseRedisUrl("redis://:s3cret@host:6379/2").display, "redis://:***@host:6379/2");
  });
});

describe("jobs that fail, jobs that vanish, a collector that dies", () => {
  test("jobs failing after all attempts stop the run with the reason; the rerun retries exactly them", { timeout: 120_000 }, async () => {
    const queueName = newQueue("failing");
    const { corpus, input, output } = await corpusFile("failing", 60);
    // A worker whose machine is broken: every attempt throws.
    const broken = new Worker(queueName, async () => { throw new Error("GPU on fire"); }, { connection: client, prefix: "gliner-ts" });
    try {
      await assert.rejects(
        runDistributedBatch(batchOptions(queueName, input, output)),
        /\d+ documents are in jobs that failed after all their attempts \(job .*: GPU on fire.*\)\. Everything else is written; rerun the same command to retry them/,
      );
    } finally {
      await broken.close();
    }
    assert.equal(readJsonl(output).length, 0);
    const status = await readQueueStatus({ url: redis.url, queueName });
    assert.equal(status.runs[0]?.state, "failed");
    assert.ok((status.runs[0]?.failedJobs.length ?? 0) > 0);
    assert.equal(status.runs[0]?.failedJobs[0]?.reason, "GPU on fire");
    const cli = startCli(["batch", "status", "--queue", redis.url, "--queue-name", queueName]);
    assert.equal((await exitWithin(cli, 60_000, "batch status")).code, 0, cli.stderr());
    assert.match(cli.stdout(), /^jobs: 0 waiting, 0 active, 0 delayed, \d+ failed$/m);
    assert.match(cli.stdout(), /  r\w+  ner  failed  2 \/ 60 lines \(3\.3%\): 0 results, 2 dead letters/);
    assert.match(cli.stdout(), /    stopped: \d+ documents are in jobs that failed after all their attempts/);
    assert.match(cli.stdout(), /    failed job r\w+\.\d+-\d+ \(\d+ documents\): GPU on fire/);

    const healthy = await worker(queueName);
    try {
      const log: string[] = [];
      const summary = await runDistributedBatch(batchOptions(queueName, input, output, log));
      assert.ok(log.some((m) => /retrying \d+ jobs of run .* that had failed before/.test(m)), log.join("\n"));
      assert.equal(summary.results, corpus.ids.length);
      assertExactlyOnce(output, corpus.ids);
    } finally {
      await healthy.close();
    }
    assert.equal((await readQueueStatus({ url: redis.url, queueName })).jobs["failed"], 0, "retried jobs leave the failed list");
  });

  test("documents that vanish from Redis (a restart without persistence) are sent again", { timeout: 120_000 }, async () => {
    const queueName = newQueue("vanish");
    const { corpus, input, output } = await corpusFile("vanish", 80);
    const log: string[] = [];
    const run = runDistributedBatch(batchOptions(queueName, input, output, log));
    const work = new Queue(queueName, { connection: client, prefix: "gliner-ts" });
    await waitFor("jobs in the queue", async () => (await work.getWaitingCount()) >= 8, 30_000);
    await work.drain(); // what a Redis restart without persistence does to waiting jobs
    const healthy = await worker(queueName);
    try {
      const summary = await run;
      assert.equal(summary.results, corpus.ids.length);
    } finally {
      await healthy.close();
      await work.close();
    }
    assert.ok(log.some((m) => /\d+ documents were sent but are no longer in the queue .*sending them again/.test(m)), log.join("\n"));
    assertExactlyOnce(output, corpus.ids);
  });

  test("the collecting batch process SIGKILLed mid-run: the rerun collects what the workers did meanwhile", { timeout: 180_000 }, async () => {
    const queueName = newQueue("collector");
    const { corpus, input, output } = await corpusFile("collector", 400);
    const healthy = await worker(queueName);
    try {
      const args = ["batch", "-i", input, "-o", output, "-l", LABELS.join(","), "--queue", redis.url, "--queue-name", queueName, "--chunk-size", "10"];
      const first = startCli(args);
      await waitFor("some results on disk", async () => (await stat(output).catch(() => ({ size: 0 }))).size > 3000, 120_000);
      first.child.kill("SIGKILL");
      assert.equal((await first.exited).signal, "SIGKILL", first.stderr());
      const interrupted = await readQueueStatus({ url: redis.url, queueName });
      assert.equal(interrupted.runs[0]?.state, "interrupted", "status tells a killed run from a running one");
      const summary = await runDistributedBatch(batchOptions(queueName, input, output));
      assert.ok(summary.skipped > 0, "the rerun kept what the first run wrote");
      assertExactlyOnce(output, corpus.ids);
      assert.deepEqual(readJsonl(output.replace(/\.jsonl$/, ".dead-letters.jsonl")).map((d) => d["line"]), corpus.deadLetters.map((d) => d.line));
    } finally {
      await healthy.close();
    }
  });
});
