/**
 * Batch throughput: the local mode against the distributed mode with 1, 2, 3, ... `gliner-ts worker` processes
 * on this machine, over the same corpus.
 *
 *   npx tsx bench/batch-workers.ts [--docs 3000] [--words 40] [--workers 1,2,3] [--rounds 3] [--model <dir>]
 *                                  [--chunk-size 32] [--threads 1] [--out results.json]
 *
 * A private redis-server (appendonly yes, appendfsync everysec: the documented production setting) runs on a
 * free loopback port. Workers are started and loaded before the clock starts; the clock covers the producer from
 * its first read of the input to its last fsynced result, so model loading and process start-up are excluded in
 * both modes. Each worker gets `--threads` ONNX Runtime threads (default 1, so that N workers use N cores and
 * the scaling is readable; with more workers than cores expect no further speed-up). The configurations run in
 * turn, `--rounds` times, and the median of each is reported, so that load from other processes on the machine
 * spreads over all of them instead of skewing one.
 */
import { writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runLocalBatch } from "../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask } from "../src/batch/tasks.js";
import { GLiNER } from "../src/node.js";
import { runDistributedBatch } from "../src/queue/producer.js";
import { type CliProcess, startCli, waitFor } from "../test/batch/helpers.js";
import { SPAN_MODEL } from "../test/helpers/fixtures.js";
import { ownRedis } from "../test/queue/redis.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "3000" },
    words: { type: "string", default: "40" },
    workers: { type: "string", default: "1,2,3" },
    model: { type: "string", default: SPAN_MODEL },
    "chunk-size": { type: "string", default: "32" },
    threads: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
    out: { type: "string" },
  },
});
const DOCS = Number(values.docs);
const WORDS = Number(values.words);
const CHUNK = Number(values["chunk-size"]);
const THREADS = Number(values.threads);
const LABELS = ["person", "organization", "location"];
const VOCABULARY = "Alice Bob Carol Dave works at Acme Corp Globex in Paris London Berlin near the river with and from on Monday the new office of".split(" ");

function corpus(): string {
  const lines: string[] = [];
  for (let i = 0; i < DOCS; i++) {
    const text = Array.from({ length: WORDS }, (_, j) => VOCABULARY[(i * 13 + j * 7 + ((i * j) % 5)) % VOCABULARY.length]).join(" ");
    lines.push(JSON.stringify({ id: `doc-${i}`, text }));
  }
  return `${lines.join("\n")}\n`;
}

interface Row {
  mode: string;
  workers: number | null;
  docs: number;
  /** Median over the rounds. */
  seconds: number;
  docsPerSecond: number;
  allSeconds: number[];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "gliner-bench-batch-"));
  const input = join(dir, "docs.jsonl");
  await writeFile(input, corpus());
  const settings = { ...DEFAULT_SETTINGS, labels: LABELS };
  const counts = values.workers.split(",").map(Number);
  const times = new Map<string, number[]>();
  const note = (key: string, seconds: number) => {
    times.set(key, [...(times.get(key) ?? []), seconds]);
    console.error(`${key}: ${seconds.toFixed(2)} s, ${(DOCS / seconds).toFixed(1)} docs/s`);
  };

  const model = await GLiNER.fromPretrained(values.model, { session: { intraOpNumThreads: THREADS } });
  const redis = await ownRedis({ appendOnly: true });
  const pools = new Map<number, CliProcess[]>();
  try {
    for (const count of counts) {
      pools.set(
        count,
        Array.from({ length: count }, (_, i) =>
          startCli(["worker", "--queue", redis.url, "--queue-name", `bench-${count}`, "-m", values.model, "--threads", String(THREADS), "--name", `pool${count}-w${i + 1}`]),
        ),
      );
    }
    const all = [...pools.values()].flat();
    await waitFor(`${all.length} workers ready`, () => all.every((w) => /ready: queue/.test(w.stderr())), 600_000);

    for (let round = 1; round <= Number(values.rounds); round++) {
      let t0 = performance.now();
      await runLocalBatch({ model, task: getTask("ner"), settings, input, output: join(dir, `local-${round}.jsonl`), chunkSize: CHUNK, progress: "off" });
      note("local", (performance.now() - t0) / 1000);
      for (const count of counts) {
        t0 = performance.now();
        await runDistributedBatch({
          url: redis.url,
          queueName: `bench-${count}`,
          task: getTask("ner"),
          settings,
          input,
          output: join(dir, `queue-${count}-${round}.jsonl`),
          chunkSize: CHUNK,
          progress: "off",
          attempts: 3,
          backoffMs: 1000,
          maxPending: 4096,
          connectTimeoutSeconds: 10,
          log: () => {},
        });
        note(`queue x${count}`, (performance.now() - t0) / 1000);
      }
    }
  } finally {
    const all = [...pools.values()].flat();
    for (const w of all) w.child.kill("SIGTERM");
    await Promise.all(all.map((w) => w.exited));
    await model.dispose();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const rows: Row[] = [...times.entries()].map(([key, all]) => {
    const sorted = [...all].sort((a, b) => a - b);
    const seconds = sorted[Math.floor(sorted.length / 2)] as number;
    const workers = key === "local" ? null : Number(key.slice("queue x".length));
    return { mode: key === "local" ? "local" : "queue", workers, docs: DOCS, seconds, docsPerSecond: DOCS / seconds, allSeconds: all };
  });
  const local = rows[0] as Row;
  console.log(`\n${DOCS} documents of ${WORDS} words, ${values.model}, chunk ${CHUNK}, ${THREADS} ONNX thread(s) per process, ${cpus().length} CPU cores, median of ${values.rounds} rounds`);
  console.log("mode    workers  seconds   docs/s  vs local  (all rounds, s)");
  for (const r of rows) {
    const cells = [r.mode.padEnd(7), String(r.workers ?? "-").padStart(7), r.seconds.toFixed(2).padStart(8), r.docsPerSecond.toFixed(1).padStart(8), (r.docsPerSecond / local.docsPerSecond).toFixed(2).padStart(8)];
    console.log(`${cells.join(" ")}  (${r.allSeconds.map((x) => x.toFixed(2)).join(", ")})`);
  }
  if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify({ docs: DOCS, words: WORDS, model: values.model, chunkSize: CHUNK, threads: THREADS, cores: cpus().length, rounds: Number(values.rounds), rows }, null, 2)}\n`);
}

await main();
