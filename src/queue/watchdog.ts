/**
 * Keeps a distributed run from waiting forever. While documents are in flight it looks at the queue:
 * - jobs waiting but no worker connected → say how to start one;
 * - nothing queued, running or being collected, yet documents in flight → Redis lost them (a restart without
 *   persistence, or the last second of writes with `appendfsync everysec`): send them again;
 * - the only documents left are in jobs that failed after all their attempts → stop with the reasons. What was
 *   collected stays written; rerunning the same command retries exactly those documents.
 */
import type { Queue } from "bullmq";
import type { InputLine } from "../batch/documents.js";
import { QueueError, type Log } from "./connection.js";
import type { InFlight } from "./in-flight.js";

export interface WatchdogOptions {
  readonly work: Queue;
  readonly results: Queue;
  readonly run: string;
  readonly inFlight: InFlight;
  readonly intervalMs: number;
  /** Sends documents again; `round` makes their job ids new. */
  readonly resend: (lines: InputLine[], round: number) => Promise<void>;
  readonly workerHint: string;
  readonly log: Log;
}

const MAX_RESEND_ROUNDS = 10;

export function startWatchdog(options: WatchdogOptions): { stop(): Promise<void> } {
  let stopped = false;
  let idleChecks = 0;
  let round = 0;
  let lastHint = 0;
  const check = async () => {
    const { inFlight } = options;
    if (inFlight.size === 0) return void (idleChecks = 0);
    const work = await options.work.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
    const results = await options.results.getJobCounts("waiting", "active", "delayed", "prioritized");
    const busy = sum(work) + sum(results);
    if (busy > 0) {
      idleChecks = 0;
      if ((work["waiting"] ?? 0) > 0 && Date.now() - lastHint > 30_000 && (await options.work.getWorkersCount()) === 0) {
        lastHint = Date.now();
        options.log(`${work["waiting"]} jobs are waiting and no worker is connected; start one with: ${options.workerHint}`);
      }
      return;
    }
    // Idle twice in a row, one interval apart: a job being added or handed over is not mistaken for a loss.
    if (++idleChecks < 2) return;
    idleChecks = 0;
    const failed = new Map<number, string>();
    for (const job of await failedJobsOfRun(options.work, options.run)) {
      for (const line of job.lines) failed.set(line, `job ${job.id}: ${job.reason}`);
    }
    const stranded = inFlight.lines().filter((l) => !failed.has(l.line));
    if (stranded.length > 0) {
      if (++round > MAX_RESEND_ROUNDS) {
        return inFlight.fail(new QueueError(`${stranded.length} documents keep disappearing from the queue after ${MAX_RESEND_ROUNDS} resends; check Redis (maxmemory-policy must be noeviction).`));
      }
      options.log(`${stranded.length} documents were sent but are no longer in the queue (did Redis restart without persistence?); sending them again.`);
      await options.resend(stranded, round);
      return;
    }
    const reasons = [...new Set(failed.values())].slice(0, 3).join(" | ");
    inFlight.fail(
      new QueueError(
        `${inFlight.size} documents are in jobs that failed after all their attempts (${reasons}). ` +
          "Everything else is written; rerun the same command to retry them, and see `gliner-ts batch status` for the failed jobs.",
      ),
    );
  };
  const loop = (async () => {
    while (!stopped) {
      await sleep(options.intervalMs);
      if (stopped) break;
      try {
        await check();
      } catch (error) {
        options.log(`queue check failed (${(error as Error).message}); trying again.`);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export interface FailedJob {
  readonly id: string;
  readonly reason: string;
  /** Input lines of the documents it holds. */
  readonly lines: number[];
}

/** This run's jobs that failed after all their attempts. */
export async function failedJobsOfRun(work: Queue, run: string): Promise<FailedJob[]> {
  const found: FailedJob[] = [];
  const page = 500;
  for (let start = 0; ; start += page) {
    const jobs = await work.getFailed(start, start + page - 1);
    for (const job of jobs) {
      const data = job.data as { run?: unknown; docs?: unknown };
      if (data.run !== run || !Array.isArray(data.docs) || job.id === undefined) continue;
      const lines = (data.docs as { line?: unknown }[]).map((d) => d.line).filter((l): l is number => typeof l === "number");
      found.push({ id: job.id, reason: job.failedReason ?? "failed", lines });
    }
    if (jobs.length < page) return found;
  }
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
