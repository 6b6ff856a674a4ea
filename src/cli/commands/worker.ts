/**
 * `gliner-ts worker`: a long-running process that takes `gliner-ts batch --queue` jobs from BullMQ and runs them
 * with its own model. Start as many as you like, on any machine that reaches Redis; stop one with Ctrl-C or
 * SIGTERM (it finishes the jobs in hand) or kill it outright (its jobs go back to the queue after its lock expires).
 */
import type { Command } from "commander";
import { QueueError } from "../../queue/connection.js";
import { DEFAULT_QUEUE_NAME } from "../../queue/names.js";
import { startBatchWorker } from "../../queue/worker.js";
import { InvalidInputError } from "../../errors.js";
import { EXIT } from "../exit.js";
import { loadModelFromFlags, type ModelFlags, parseInteger, parseNumber, withModelFlags } from "../io.js";

interface WorkerFlags extends ModelFlags {
  queue?: string;
  queueName: string;
  name?: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  connectTimeout: number;
}

export function registerWorkerCommand(program: Command): void {
  withModelFlags(program.command("worker").description("run `gliner-ts batch --queue` jobs from BullMQ on Redis (start any number, anywhere)"))
    .option("--queue <redis-url>", "the Redis the batch uses, e.g. redis://127.0.0.1:6379/0")
    .option("--queue-name <name>", "BullMQ queue name (as given to batch)", DEFAULT_QUEUE_NAME)
    .option("--name <name>", "worker name in `batch status` (default: host:pid)")
    .option("-c, --concurrency <n>", "jobs at once in this process", parseInteger, 1)
    .option("--lock-duration <ms>", "a job whose worker is silent this long is taken back (the worker died)", parseInteger, 30_000)
    .option("--stalled-interval <ms>", "how often to look for jobs of dead workers", parseInteger, 30_000)
    .option("--max-stalled <n>", "times a job may lose its worker before it fails for good", parseInteger, 2)
    .option("--connect-timeout <s>", "give up if Redis cannot be reached at start for this long", parseNumber, 30)
    .action(async (flags: WorkerFlags) => runWorker(flags));
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  if (flags.queue === undefined) throw new InvalidInputError("queue", "worker needs --queue redis://host:port/db (the same as the batch's).");
  for (const [flag, value] of [["--concurrency", flags.concurrency], ["--lock-duration", flags.lockDuration], ["--stalled-interval", flags.stalledInterval]] as const) {
    if (value < 1) throw new InvalidInputError(flag, `${flag} must be at least 1; got ${value}.`);
  }
  const log = (message: string) => {
    process.stderr.write(`gliner-ts worker: ${message}\n`);
  };
  const model = await loadModelFromFlags(flags);
  let worker;
  try {
    worker = await startBatchWorker({
      url: flags.queue,
      queueName: flags.queueName,
      model,
      modelName: flags.model,
      ...(flags.name === undefined ? {} : { name: flags.name }),
      concurrency: flags.concurrency,
      lockDurationMs: flags.lockDuration,
      stalledIntervalMs: flags.stalledInterval,
      maxStalledCount: flags.maxStalled,
      connectTimeoutSeconds: flags.connectTimeout,
      log,
    });
  } catch (error) {
    await model.dispose();
    if (error instanceof QueueError) {
      log(error.message);
      process.exitCode = EXIT.failure;
      return;
    }
    throw error;
  }
  const running = worker;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log(`${signal} again: exiting now; unfinished jobs return to the queue when their lock expires.`);
        process.exit(EXIT.failure);
      }
      stopping = true;
      log(`${signal}: finishing the jobs in hand, then exiting (${signal} again to exit now).`);
      void running.close().then(resolve, resolve);
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
  await model.dispose();
}
