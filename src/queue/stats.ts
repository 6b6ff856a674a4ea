/**
 * Per-worker counters in a Redis hash (one JSON field per worker), so `batch status` can show each worker's
 * throughput. Throughput is documents per second of *working* time: wall time with at least one job running,
 * which stays honest with any `--concurrency` and does not count time spent waiting for jobs.
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { keys } from "./names.js";

export interface WorkerStats {
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly model: string;
  readonly concurrency: number;
  readonly startedAt: number;
  lastSeen: number;
  state: "running" | "stopped";
  jobs: number;
  docs: number;
  deadLetters: number;
  failedAttempts: number;
  workingMs: number;
}

export class WorkerStatsRecorder {
  readonly stats: WorkerStats;
  private active = 0;
  private activeSince = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly queueName: string,
    identity: { name: string; model: string; concurrency: number },
  ) {
    const now = Date.now();
    this.stats = { ...identity, host: hostname(), pid: process.pid, startedAt: now, lastSeen: now, state: "running", jobs: 0, docs: 0, deadLetters: 0, failedAttempts: 0, workingMs: 0 };
    this.heartbeat = setInterval(() => void this.save().catch(() => undefined), 10_000);
    this.heartbeat.unref();
  }

  /** Makes the worker visible in `batch status` before its first job. */
  async announce(): Promise<void> {
    await this.save();
  }

  jobStarted(): void {
    if (this.active++ === 0) this.activeSince = Date.now();
  }

  jobEnded(outcome: { docs: number; deadLetters: number } | "failed"): void {
    if (--this.active === 0) this.stats.workingMs += Date.now() - this.activeSince;
    if (outcome === "failed") this.stats.failedAttempts++;
    else {
      this.stats.jobs++;
      this.stats.docs += outcome.docs;
      this.stats.deadLetters += outcome.deadLetters;
    }
    void this.save().catch(() => undefined); // statistics never hold up or fail a job
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.stats.state = "stopped";
    await this.save();
  }

  private async save(): Promise<void> {
    this.stats.lastSeen = Date.now();
    const working = this.stats.workingMs + (this.active > 0 ? Date.now() - this.activeSince : 0);
    await this.redis.hset(keys.workers(this.queueName), this.stats.name, JSON.stringify({ ...this.stats, workingMs: working }));
  }
}

export async function readWorkerStats(redis: Redis, queueName: string): Promise<WorkerStats[]> {
  const all = await redis.hgetall(keys.workers(queueName));
  return Object.values(all)
    .map((json) => JSON.parse(json) as WorkerStats)
    .sort((a, b) => a.name.localeCompare(b.name));
}
