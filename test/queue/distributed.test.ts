/**
 * The distributed mode end to end, with real processes: `gliner-ts batch --queue` and three `gliner-ts worker`s on
 * a real Redis. One worker is SIGKILLed while it holds a job; the run must still write every document exactly
 * once, equal to the local mode's output, with exactly the deliberately malformed lines as dead letters.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { runLocalBatch } from "../../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { GLiNER } from "../../src/node.js";
import { readDeadLetters } from "../../src/queue/run-record.js";
import { runDistributedBatch } from "../../src/queue/producer.js";
import { formatStatus, readQueueStatus } from "../../src/queue/status.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { type CliProcess, exitWithin, makeCorpus, readJsonl, startCli, waitFor } from "../batch/helpers.js";
import { cleanQueue } from "./clean.js";
import { testRedis, type TestRedis, uniqueQueueName } from "./redis.js";

const LABELS = ["person", "organization", "location"];
let redis: TestRedis;
let client: Redis;
let dir: string;
const workers: CliProcess[] = [];
const queueName = uniqueQueueName("dist");

before(async () => {
  redis = await testRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  dir = await mkdtemp(join(tmpdir(), "gliner-queue-"));
});
after(async () => {
  for (const w of workers) w.child.kill("SIGKILL");
  await cleanQueue(client, queueName).catch(() => undefined);
  client.disconnect();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

test("2,000 documents over 3 workers, one SIGKILLed mid-job: exactly once, equal to local mode, exact dead letters", { timeout: 300_000 }, async (t) => {
  const started = Date.now();
  const mark = (what: string) => t.diagnostic(`${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const corpus = makeCorpus(2000);
  const input = join(dir, "docs.jsonl");
  await writeFile(input, corpus.text);

  // Workers load while this process computes the local mode's output for comparison.
  const queueFlags = ["--queue", redis.url, "--queue-name", queueName];
  for (const name of ["w1", "w2", "w3"]) {
    workers.push(startCli(["worker", ...queueFlags, "-m", SPAN_MODEL, "--name", name, "--lock-duration", "4000", "--stalled-interval", "1000"]));
  }
  const localOutput = join(dir, "local.jsonl");
  const model = await GLiNER.fromPretrained(SPAN_MODEL);
  try {
    await runLocalBatch({ model, task: getTask("ner"), settings: { ...DEFAULT_SETTINGS, labels: LABELS }, input, output: localOutput, chunkSize: 64, progress: "off" });
  } finally {
    await model.dispose();
  }

  mark("local reference done");
  await waitFor("3 workers ready", () => workers.every((w) => /ready: queue/.test(w.stderr())), 180_000);

  mark("workers ready");
  const output = join(dir, "distributed.jsonl");
  const batchArgs = ["batch", "-i", input, "-o", output, ...queueFlags, "-l", LABELS.join(","), "--chunk-size", "20"];
  const batch = startCli(batchArgs);

  // Freeze w1, and kill it only if it holds a job at that instant; otherwise let it go on and look again.
  const work = new Queue(queueName, { connection: client, prefix: "gliner-ts" });
  const victim = workers[0] as CliProcess;
  let killedJob: string | undefined;
  await waitFor(
    "w1 holding a job",
    async () => {
      victim.child.kill("SIGSTOP");
      await new Promise((resolve) => setTimeout(resolve, 1000)); // commands it sent before stopping land first (slow on a loaded machine)
      const held = (await work.getActive()).find((job) => job.processedBy === "w1");
      if (held?.id === undefined) {
        victim.child.kill("SIGCONT");
        return false;
      }
      killedJob = held.id;
      victim.child.kill("SIGKILL");
      return true;
    },
    120_000,
  );

  mark(`w1 killed holding job ${killedJob}`);
  const finished = await exitWithin(batch, 180_000, "the distributed batch");
  mark("distributed batch done");
  assert.equal(finished.code, 0, batch.stderr());

  const results = readJsonl(output);
  const ids = results.map((r) => r["id"]);
  assert.equal(ids.length, corpus.ids.length, "one line per valid document");
  assert.equal(new Set(ids.map((id) => JSON.stringify(id))).size, ids.length, "no document twice");
  assert.deepEqual(new Set(ids), new Set(corpus.ids), "every valid document");
  const local = new Map(readJsonl(localOutput).map((r) => [JSON.stringify(r["id"]), r]));
  for (const result of results) assert.deepEqual(result, local.get(JSON.stringify(result["id"])), `document ${String(result["id"])}`);

  const deadPath = join(dir, "distributed.dead-letters.jsonl");
  assert.equal(await readFile(deadPath, "utf8"), await readFile(join(dir, "local.dead-letters.jsonl"), "utf8"));
  const dead = readJsonl(deadPath);
  assert.deepEqual(dead.map((d) => d["line"]), corpus.deadLetters.map((d) => d.line));
  dead.forEach((d, i) => assert.match(String(d["reason"]), (corpus.deadLetters[i] as { reason: RegExp }).reason));

  // The killed worker's job is recovered by BullMQ's stalled-job check, not by luck. w1 may have sent the job's
  // results before it froze (the result job is added before BullMQ marks the work job complete), so the run can
  // finish before the check has run; the check must still come, within a lock duration and a few intervals.
  await waitFor(
    `job ${killedJob} reported stalled`,
    async () => {
      const events = await client.xrange(`gliner-ts:${queueName}:events`, "-", "+");
      return events.some(([, fields]) => fields.includes("stalled") && fields.includes(killedJob as string));
    },
    60_000,
  );
  mark("stalled job recovered");

  // The run in Redis: done, its dead-letter list equals the file, per-worker throughput recorded.
  const status = await readQueueStatus({ url: redis.url, queueName });
  const run = status.runs[0];
  assert.equal(status.runs.length, 1);
  assert.equal(run?.state, "done");
  assert.equal(run?.results, corpus.ids.length);
  assert.equal(run?.deadLetters, corpus.deadLetters.length);
  const list = await readDeadLetters(client, queueName, run?.run as string, 1000);
  assert.equal(list.count, corpus.deadLetters.length);
  assert.deepEqual(list.sample, dead);
  const byName = new Map(status.workers.map((w) => [w.name, w]));
  assert.equal(byName.get("w1")?.connected, false, "the killed worker is shown as gone");
  for (const name of ["w2", "w3"]) {
    assert.equal(byName.get(name)?.connected, true);
    assert.ok((byName.get(name)?.docsPerSecond ?? 0) > 0, `${name} reports its throughput`);
  }
  const total = status.workers.reduce((sum, w) => sum + w.docs, 0);
  assert.ok(total >= corpus.ids.length, "the workers' counts cover every document at least once (at-least-once delivery)");
  assert.match(formatStatus(status), new RegExp(`${run?.run}  ner  done  2000 / 2000 lines \\(100\\.0%\\): ${corpus.ids.length} results, ${corpus.deadLetters.length} dead letters`));

  // Running the finished command again changes nothing.
  const again = await runDistributedBatch({
    url: redis.url,
    queueName,
    task: getTask("ner"),
    settings: { ...DEFAULT_SETTINGS, labels: LABELS },
    input,
    output,
    chunkSize: 20,
    progress: "off",
    attempts: 3,
    backoffMs: 1000,
    maxPending: 4096,
    connectTimeoutSeconds: 10,
    log: () => {},
  });
  assert.deepEqual([again.results, again.deadLetters, again.skipped], [0, 0, 2000]);
  assert.equal(readJsonl(output).length, corpus.ids.length);

  // SIGTERM lets a worker finish and leave cleanly.
  const survivor = workers[1] as CliProcess;
  survivor.child.kill("SIGTERM");
  const stopped = await exitWithin(survivor, 60_000, "a worker after SIGTERM");
  assert.equal(stopped.code, 0, survivor.stderr());
  assert.match(survivor.stderr(), /SIGTERM: finishing the jobs in hand/);
});
