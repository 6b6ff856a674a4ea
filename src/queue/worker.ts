/**
 * A batch worker: one model per process, BullMQ jobs of document chunks in, result jobs out.
 *
 * Delivery is at-least-once: a worker that dies mid-job loses its lock, the stalled-job check of any other worker
 * puts the job back in the queue, and another worker runs it again. That may send the same results twice; the
 * collector keeps the first per document id. Failures of the documents themselves come back as dead letters;
 * other failures (model, memory) fail the attempt, and BullMQ retries it with exponential backoff.
 */
import { hostname } from "node:os";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { deadLetter, type Document, parseDocument, RecordError, type DeadLetter } from "../batch/documents.js";
import { processChunk } from "../batch/process.js";
import { getTask, parseSettings } from "../batch/tasks.js";
import { isGlinerError } from "../errors.js";
import type { GLiNER } from "../gliner.js";
import { connectRedis, type Log, parseRedisUrl, routeErrors, waitForRedis } from "./connection.js";
import { parseWorkJob, PAYLOAD_VERSION, type ResultJobData } from "./jobs.js";
import { BULLMQ_PREFIX, checkName } from "./names.js";
import { WorkerStatsRecorder } from "./stats.js";

export interface BatchWorkerOptions {
  readonly url: string;
  readonly queueName: string;
  readonly model: GLiNER;
  /** How the model was named on the command line (shown in `batch status`). */
  readonly modelName: string;
  /** Worker name in BullMQ and `batch status` (default `host:pid`). */
  readonly name?: string;
  /** Jobs run at the same time in this process. */
  readonly concurrency: number;
  /** A job whose lock is not renewed for this long counts as stalled (its worker died). */
  readonly lockDurationMs: number;
  /** How often this worker looks for stalled jobs. */
  readonly stalledIntervalMs: number;
  /** Times a job may stall before it fails for good. */
  readonly maxStalledCount: number;
  readonly connectTimeoutSeconds: number;
  readonly log: Log;
}

export interface RunningWorker {
  readonly name: string;
  /** Finishes the jobs in hand, then disconnects. */
  close(): Promise<void>;
}

export async function startBatchWorker(options: BatchWorkerOptions): Promise<RunningWorker> {
  const target = parseRedisUrl(options.url);
  const queueName = checkName(options.queueName, "--queue-name");
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const redis = connectRedis(target, "worker", options.log);
  try {
    await waitForRedis(redis, target, options.connectTimeoutSeconds);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const stats = new WorkerStatsRecorder(redis, queueName, { name, model: options.modelName, concurrency: options.concurrency });
  await stats.announce();
  const resultQueues = new Map<string, Queue>();
  const resultsQueue = (queue: string) => {
    let q = resultQueues.get(queue);
    if (q === undefined) {
      q = new Queue(queue, { connection: redis, prefix: BULLMQ_PREFIX });
      routeErrors(q, `results queue ${queue}`, options.log);
      resultQueues.set(queue, q);
    }
    return q;
  };

  const processJob = async (job: Job): Promise<{ docs: number }> => {
    stats.jobStarted();
    let outcome: { docs: number; deadLetters: number } | "failed" = "failed";
    try {
      const data = parseWorkJob(job.data);
      const { task, settings } = await taskOf(data.task, data.settings);
      const parsed: Document[] = [];
      const rejected: DeadLetter[] = [];
      for (const line of data.docs) {
        try {
          parsed.push(parseDocument(line));
        } catch (error) {
          if (!(error instanceof RecordError)) throw error;
          rejected.push(deadLetter(line, error.code, error.message));
        }
      }
      const chunk = await processChunk(options.model, task, settings, parsed);
      const payload: ResultJobData = {
        v: PAYLOAD_VERSION,
        run: data.run,
        job: String(job.id),
        worker: name,
        results: chunk.results,
        deadLetters: [...rejected, ...chunk.deadLetters],
      };
      // The result job's id is the work job's: while it waits uncollected, a rerun of the work job adds nothing.
      await resultsQueue(data.resultsQueue).add("results", payload, {
        jobId: String(job.id),
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: true,
        removeOnFail: false,
      });
      outcome = { docs: data.docs.length, deadLetters: payload.deadLetters.length };
      return { docs: data.docs.length };
    } finally {
      stats.jobEnded(outcome);
    }
  };

  const worker = new Worker(queueName, processJob, {
    connection: redis,
    prefix: BULLMQ_PREFIX,
    name,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
  });
  routeErrors(worker, `worker ${name}`, options.log);
  worker.on("failed", (job, error) => {
    if (job === undefined) return;
    const tries = job.opts.attempts ?? 1;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= tries;
    options.log(`job ${job.id} attempt ${job.attemptsMade}/${tries} failed${final ? " for good" : "; it will be retried"}: ${error.message}`);
  });
  await worker.waitUntilReady();
  options.log(`worker ${name} ready: queue "${queueName}" on ${target.display}, model ${options.modelName}, concurrency ${options.concurrency}.`);

  return {
    name,
    async close() {
      await worker.close();
      await stats.stop().catch(() => undefined);
      await Promise.all([...resultQueues.values()].map((q) => q.close()));
      redis.disconnect();
    },
  };
}

/** The job's task and settings; bad ones are the job's fault, so the job fails without retries. */
async function taskOf(taskName: string, rawSettings: unknown) {
  try {
    const task = getTask(taskName);
    const settings = parseSettings(rawSettings);
    await task.checkSettings(settings);
    return { task, settings };
  } catch (error) {
    if (isGlinerError(error)) throw new UnrecoverableError(`job settings rejected: ${error.message}`);
    throw error;
  }
}
