/**
 * `gliner-ts batch --queue`: reads the input, sends chunks of documents to BullMQ as jobs, and collects the
 * results into the same files a local run writes, with the same resume rules. Workers do the model work.
 *
 * The output is exactly-once although delivery is at-least-once: every result is keyed by document id and a key
 * already on disk is discarded. Rerunning the same command resumes the same run (its id derives from the output
 * path): it skips what is on disk, collects what workers finished meanwhile, and retries jobs that had failed.
 */
import { resolve } from "node:path";
import { Queue } from "bullmq";
import { countInputLines, type DeadLetter, type Document, type InputLine } from "../batch/documents.js";
import { pendingWork, type ScanCounts } from "../batch/input.js";
import { type BatchRunOptions, type BatchSummary, batchSummary } from "../batch/local.js";
import { openOutputs } from "../batch/outputs.js";
import { batchProgress } from "../batch/progress.js";
import { InvalidInputError } from "../errors.js";
import { startCollector } from "./collector.js";
import { connectRedis, type Log, parseRedisUrl, routeErrors, waitForRedis } from "./connection.js";
import { InFlight } from "./in-flight.js";
import { PAYLOAD_VERSION, type WorkJobData } from "./jobs.js";
import { BULLMQ_PREFIX, checkName, defaultRunId, resultsQueueName } from "./names.js";
import { claimRun, RunRecorder } from "./run-record.js";
import { failedJobsOfRun, startWatchdog } from "./watchdog.js";

export interface DistributedBatchOptions extends BatchRunOptions {
  readonly url: string;
  readonly queueName: string;
  /** Default: derived from the host and output path. */
  readonly run?: string;
  /** Tries per job (BullMQ `attempts`), with exponential backoff from `backoffMs`. */
  readonly attempts: number;
  readonly backoffMs: number;
  /** Documents in flight at most. */
  readonly maxPending: number;
  readonly connectTimeoutSeconds: number;
  /** How often the watchdog looks at the queue (default 2 s). */
  readonly watchIntervalMs?: number;
  readonly log: Log;
}

export async function runDistributedBatch(o: DistributedBatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const target = parseRedisUrl(o.url);
  const queueName = checkName(o.queueName, "--queue-name");
  const run = checkName(o.run ?? defaultRunId(o.output), "--run");
  if (o.attempts < 1) throw new InvalidInputError("attempts", `--attempts must be at least 1; got ${o.attempts}.`);
  if (o.maxPending < o.chunkSize) throw new InvalidInputError("maxPending", `--max-pending (${o.maxPending}) must be at least --chunk-size (${o.chunkSize}).`);
  await o.task.checkSettings(o.settings);
  const redis = connectRedis(target, "batch", o.log);
  const cleanup: (() => Promise<unknown>)[] = [async () => redis.disconnect()];
  const closeAll = async () => {
    for (const step of cleanup) await step().catch(() => undefined);
  };
  let recorder: RunRecorder | undefined;
  try {
    await waitForRedis(redis, target, o.connectTimeoutSeconds);
    const lock = await claimRun(redis, queueName, run);
    cleanup.unshift(() => lock.release());
    const outputs = await openOutputs(o.output, o.deadLetters);
    cleanup.unshift(() => outputs.close());
    recorder = new RunRecorder(redis, queueName, run);
    const records = recorder;
    await recorder.start({
      task: o.task.name,
      input: o.input === "-" ? "-" : resolve(o.input),
      output: resolve(o.output),
      results: outputs.done.results.size,
      deadLetters: outputs.done.deadLines.size,
    });

    const work = new Queue(queueName, { connection: redis, prefix: BULLMQ_PREFIX });
    const resultsName = resultsQueueName(queueName, run);
    const results = new Queue(resultsName, { connection: redis, prefix: BULLMQ_PREFIX });
    routeErrors(work, `queue ${queueName}`, o.log);
    routeErrors(results, `queue ${resultsName}`, o.log);
    cleanup.unshift(() => work.close(), () => results.close());
    const retried = await removeFailedJobs(work, run);
    if (retried > 0) o.log(`retrying ${retried} jobs of run ${run} that had failed before.`);
    const workerHint = `gliner-ts worker --queue ${target.display} --queue-name ${queueName} --model <model>`;
    o.log(`run ${run} on queue "${queueName}" at ${target.display}; workers: ${workerHint}`);

    const total = o.progress !== "off" && o.input !== "-" ? await countInputLines(o.input) : undefined;
    const progress = batchProgress({
      ...(total === undefined ? {} : { total }),
      alreadyDone: outputs.done.results.size + outputs.done.deadLines.size,
      mode: o.progress,
    });
    cleanup.unshift(async () => progress.stop());
    const written = { results: 0, deadLetters: 0 };
    const counted = (fresh: { results: number; deadLetters: number }) => {
      written.results += fresh.results;
      written.deadLetters += fresh.deadLetters;
      progress.advance(fresh.results + fresh.deadLetters);
    };

    const inFlight = new InFlight();
    const collector = await startCollector({ redis, resultsQueue: resultsName, outputs, inFlight, recorder, onProgress: counted, log: o.log });
    cleanup.unshift(() => collector.close());

    const send = async (lines: readonly InputLine[], tag: string) => {
      const first = lines[0] as InputLine;
      const last = lines[lines.length - 1] as InputLine;
      const data: WorkJobData = {
        v: PAYLOAD_VERSION,
        run,
        task: o.task.name,
        settings: { ...o.settings },
        resultsQueue: resultsName,
        docs: lines.map(({ line, raw }) => ({ line, raw })),
      };
      // Ids from the line range: a rerun that sends the same range while the old job still waits adds nothing.
      await work.add(o.task.name, data, {
        jobId: `${run}.${first.line}-${last.line}${tag}`,
        attempts: o.attempts,
        backoff: { type: "exponential", delay: o.backoffMs },
        removeOnComplete: true,
        removeOnFail: false,
      });
    };
    const watchdog = startWatchdog({
      work,
      results,
      run,
      inFlight,
      intervalMs: o.watchIntervalMs ?? 2000,
      resend: async (lines, round) => {
        for (let i = 0; i < lines.length; i += o.chunkSize) await send(lines.slice(i, i + o.chunkSize), `.r${round}`);
      },
      workerHint,
      log: o.log,
    });
    cleanup.unshift(() => watchdog.stop());

    const counts: ScanCounts = { lines: 0, skipped: 0 };
    const chunk: Document[] = [];
    const rejected: DeadLetter[] = [];
    const flush = async () => {
      if (rejected.length > 0) {
        const fresh = await outputs.write([], rejected);
        await records.collected(fresh, rejected);
        counted(fresh);
        rejected.length = 0;
      }
      if (chunk.length === 0) return;
      await inFlight.waitBelow(o.maxPending - chunk.length + 1);
      for (const doc of chunk) inFlight.add(doc);
      await send(chunk, "");
      chunk.length = 0;
    };
    for await (const item of pendingWork(o.input, o.task, o.settings, outputs.done, counts)) {
      if (item.kind === "document") chunk.push(item.doc);
      else rejected.push(item.letter);
      if (chunk.length >= o.chunkSize || rejected.length >= o.chunkSize) await flush();
    }
    await flush();
    await recorder.linesKnown(counts.lines);
    await inFlight.waitBelow(1);

    await closeCollectorAndDrop(collector, results);
    await recorder.finish("done");
    return batchSummary(counts, written, started, outputs);
  } catch (error) {
    await recorder?.finish("failed", (error as Error).message).catch(() => undefined);
    throw error;
  } finally {
    await closeAll();
  }
}

/** Failed jobs of this run are removed so that this attempt sends their documents again with fresh attempts. */
async function removeFailedJobs(work: Queue, run: string): Promise<number> {
  const failed = await failedJobsOfRun(work, run);
  for (const job of failed) await work.remove(job.id);
  return failed.length;
}

/** The run is complete: its results queue has nothing left worth keeping. */
async function closeCollectorAndDrop(collector: { close(): Promise<void> }, results: Queue): Promise<void> {
  await collector.close();
  await results.obliterate({ force: true });
}
