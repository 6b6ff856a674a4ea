/**
 * `gliner-ts batch status`: what a queue is doing, read from Redis only (no model, no files): job counts, each
 * run's progress with its dead letters and failed jobs, and each worker's throughput.
 */
import { Queue } from "bullmq";
import type { DeadLetter } from "../batch/documents.js";
import { formatSeconds } from "../batch/progress.js";
import { connectRedis, parseRedisUrl, QueueError, routeErrors, waitForRedis } from "./connection.js";
import { BULLMQ_PREFIX, checkName } from "./names.js";
import { readDeadLetters, readRunRecords, type RunRecord } from "./run-record.js";
import { readWorkerStats, type WorkerStats } from "./stats.js";
import { failedJobsOfRun } from "./watchdog.js";

export interface QueueStatus {
  readonly queue: string;
  readonly redis: string;
  readonly jobs: Record<string, number>;
  readonly runs: RunStatus[];
  readonly workers: (WorkerStats & { connected: boolean; docsPerSecond: number })[];
}

export interface RunStatus extends RunRecord {
  readonly docsPerSecond: number;
  readonly deadLetterCount: number;
  readonly deadLetterSample: DeadLetter[];
  readonly failedJobs: { id: string; documents: number; reason: string }[];
}

export async function readQueueStatus(options: { url: string; queueName: string; run?: string | undefined }): Promise<QueueStatus> {
  const target = parseRedisUrl(options.url);
  const queueName = checkName(options.queueName, "--queue-name");
  const redis = connectRedis(target, "status", () => {});
  try {
    await waitForRedis(redis, target, 5);
    const work = new Queue(queueName, { connection: redis, prefix: BULLMQ_PREFIX });
    routeErrors(work, `queue ${queueName}`, () => {});
    try {
      const jobs = await work.getJobCounts("waiting", "active", "delayed", "prioritized", "failed");
      const connected = new Set((await work.getWorkers()).map((w) => String(w["rawname"] ?? "").split(":w:")[1] ?? ""));
      const records = (await readRunRecords(redis, queueName)).filter((r) => options.run === undefined || r.run === options.run);
      if (options.run !== undefined && records.length === 0) throw new QueueError(`queue "${queueName}" has no run "${options.run}".`);
      const runs: RunStatus[] = [];
      for (const record of records) {
        const dead = await readDeadLetters(redis, queueName, record.run, 5);
        const failed = await failedJobsOfRun(work, record.run);
        const end = record.state === "running" ? Date.now() : record.updatedAt;
        runs.push({
          ...record,
          docsPerSecond: record.sessionDone / Math.max(0.001, (end - record.startedAt) / 1000),
          deadLetterCount: dead.count,
          deadLetterSample: dead.sample,
          failedJobs: failed.map((f) => ({ id: f.id, documents: f.lines.length, reason: f.reason })),
        });
      }
      const workers = (await readWorkerStats(redis, queueName)).map((w) => ({
        ...w,
        connected: connected.has(w.name),
        docsPerSecond: w.docs / Math.max(0.001, w.workingMs / 1000),
      }));
      return { queue: queueName, redis: target.display, jobs, runs, workers };
    } finally {
      await work.close();
    }
  } finally {
    redis.disconnect();
  }
}

export async function printQueueStatus(options: { url: string; queueName: string; run?: string | undefined; json: boolean }): Promise<void> {
  const status = await readQueueStatus(options);
  process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
}

export function formatStatus(s: QueueStatus): string {
  const out: string[] = [];
  const j = s.jobs;
  out.push(`queue "${s.queue}" at ${s.redis}`);
  out.push(`jobs: ${j["waiting"] ?? 0} waiting, ${j["active"] ?? 0} active, ${(j["delayed"] ?? 0) + (j["prioritized"] ?? 0)} delayed, ${j["failed"] ?? 0} failed`);
  out.push(s.runs.length === 0 ? "runs: none" : "runs:");
  for (const r of s.runs) {
    const done = r.results + r.deadLetters;
    const share = r.lines === undefined ? "" : ` / ${r.lines} lines (${((100 * done) / Math.max(1, r.lines)).toFixed(1)}%)`;
    const left = r.lines === undefined ? undefined : r.lines - done;
    const eta = r.state === "running" && left !== undefined && r.docsPerSecond > 0 ? `, ETA ${formatSeconds(left / r.docsPerSecond)}` : "";
    out.push(`  ${r.run}  ${r.task}  ${r.state}  ${done}${share}: ${r.results} results, ${r.deadLetters} dead letters, ${r.docsPerSecond.toFixed(1)} docs/s${eta}`);
    out.push(`    input ${r.input} → output ${r.output} (collected by ${r.host} pid ${r.pid})`);
    if (r.failureReason !== undefined) out.push(`    stopped: ${r.failureReason}`);
    if (r.state === "interrupted") out.push("    its batch process is gone (killed?); run the same batch command again to resume it");
    for (const d of r.deadLetterSample) out.push(`    dead letter line ${d.line} ${d.code}: ${d.reason}`);
    if (r.deadLetterCount > r.deadLetterSample.length) out.push(`    … ${r.deadLetterCount - r.deadLetterSample.length} more dead letters in the run's dead-letter file`);
    for (const f of r.failedJobs) out.push(`    failed job ${f.id} (${f.documents} documents): ${f.reason}`);
  }
  out.push(s.workers.length === 0 ? "workers: none seen" : "workers:");
  for (const w of s.workers) {
    const state = w.connected ? "connected" : w.state === "stopped" ? "stopped" : "gone";
    const seen = formatSeconds((Date.now() - w.lastSeen) / 1000);
    out.push(
      `  ${w.name}  ${state}  ${w.jobs} jobs, ${w.docs} docs, ${w.docsPerSecond.toFixed(1)} docs/s while working` +
        `${w.failedAttempts > 0 ? `, ${w.failedAttempts} failed attempts` : ""}, last seen ${seen} ago, model ${w.model}`,
    );
  }
  return `${out.join("\n")}\n`;
}
