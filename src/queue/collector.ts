/**
 * The collecting side of a distributed run: a BullMQ worker on the run's results queue that appends each chunk's
 * results and dead letters to the output files. Exactly-once happens here: a result whose document id is already
 * on disk (a rerun job, a redelivered result job) is discarded. A result job counts as collected only after its
 * lines are fsynced, so a collector killed mid-write has its job delivered again and loses nothing.
 */
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { BatchOutputs } from "../batch/outputs.js";
import { documentKey } from "../batch/documents.js";
import { type Log, routeErrors } from "./connection.js";
import type { InFlight } from "./in-flight.js";
import { parseResultJob } from "./jobs.js";
import { BULLMQ_PREFIX } from "./names.js";
import type { RunRecorder } from "./run-record.js";

export interface CollectorOptions {
  readonly redis: Redis;
  readonly resultsQueue: string;
  readonly outputs: BatchOutputs;
  readonly inFlight: InFlight;
  readonly recorder: RunRecorder;
  /** Called with the results and dead letters newly written. */
  readonly onProgress: (fresh: { results: number; deadLetters: number }) => void;
  readonly log: Log;
}

export async function startCollector(options: CollectorOptions): Promise<Worker> {
  const { outputs, inFlight, recorder } = options;
  const collect = async (job: Job): Promise<void> => {
    const data = parseResultJob(job.data);
    let fresh: { results: number; deadLetters: number };
    try {
      fresh = await outputs.write(data.results, data.deadLetters);
    } catch (error) {
      // The disk, not the queue, failed: stop the run instead of retrying into a full or read-only disk.
      inFlight.fail(error as Error);
      throw error;
    }
    await recorder.collected(fresh, data.deadLetters);
    for (const result of data.results) inFlight.settleKey(documentKey(result.id));
    for (const letter of data.deadLetters) inFlight.settleLine(letter.line);
    options.onProgress(fresh);
  };
  const worker = new Worker(options.resultsQueue, collect, {
    connection: options.redis,
    prefix: BULLMQ_PREFIX,
    concurrency: 1, // one writer: appends stay whole lines in a single order
    name: "collector",
  });
  routeErrors(worker, "collector", options.log);
  await worker.waitUntilReady();
  return worker;
}
