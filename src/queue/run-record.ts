/**
 * A run's footprint in Redis: a collector lock (one `batch` process collects a run at a time), the run record that
 * `batch status` reads, and the dead-letter hash (line → dead letter, so re-recording one is a no-op).
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { DeadLetter } from "../batch/documents.js";
import { QueueError } from "./connection.js";
import { keys } from "./names.js";

const LOCK_MS = 30_000;
/** Finished runs stay visible in `batch status` for a week. */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export interface RunLock {
  release(): Promise<void>;
}

/** Takes the run's collector lock, or explains who holds it; a holder that died on this host is replaced. */
export async function claimRun(redis: Redis, queue: string, run: string): Promise<RunLock> {
  const key = keys.collector(queue, run);
  const owner = `${hostname()} ${process.pid} ${Math.random().toString(36).slice(2)}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((await redis.set(key, owner, "PX", LOCK_MS, "NX")) === "OK") return keepLock(redis, key, owner);
    const holder = (await redis.get(key)) ?? "";
    const [host, pid] = holder.split(" ");
    if (host === hostname() && !isAlive(Number(pid))) {
      await redis.del(key);
      continue;
    }
    const ttl = await redis.pttl(key);
    throw new QueueError(
      `run ${run} is being collected by another gliner-ts batch (${host ?? "?"} pid ${pid ?? "?"}). ` +
        `Wait for it to finish, or, if that process is gone, rerun in ${Math.ceil(Math.max(ttl, 0) / 1000)} s when its lock expires.`,
    );
  }
  throw new QueueError(`could not claim run ${run}; another gliner-ts batch keeps taking it.`);
}

function keepLock(redis: Redis, key: string, owner: string): RunLock {
  const renew = setInterval(() => {
    // Only extend the lock if it is still ours.
    void redis
      .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end", 1, key, owner, LOCK_MS)
      .catch(() => undefined);
  }, LOCK_MS / 3);
  renew.unref();
  return {
    async release() {
      clearInterval(renew);
      await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, key, owner);
    },
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `interrupted`: recorded as running, but no process holds its collector lock (it was killed); rerun it. */
export type RunState = "running" | "done" | "failed" | "interrupted";

export interface RunRecord {
  readonly run: string;
  readonly task: string;
  readonly input: string;
  readonly output: string;
  readonly host: string;
  readonly pid: number;
  readonly state: RunState;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** Non-blank input lines (known once the input has been read through). */
  readonly lines?: number;
  /** Results and dead letters on disk, earlier sessions included. */
  readonly results: number;
  readonly deadLetters: number;
  /** Documents finished since this session started (for its rate). */
  readonly sessionDone: number;
  readonly failureReason?: string;
}

export class RunRecorder {
  constructor(
    private readonly redis: Redis,
    private readonly queue: string,
    private readonly run: string,
  ) {}

  async start(fields: { task: string; input: string; output: string; results: number; deadLetters: number }): Promise<void> {
    const now = Date.now();
    await this.redis.sadd(keys.runs(this.queue), this.run);
    await this.redis.persist(keys.run(this.queue, this.run));
    await this.redis.persist(keys.deadLetters(this.queue, this.run));
    await this.redis.hdel(keys.run(this.queue, this.run), "lines", "failureReason");
    await this.redis.hset(keys.run(this.queue, this.run), {
      ...fields,
      run: this.run,
      host: hostname(),
      pid: process.pid,
      state: "running",
      startedAt: now,
      updatedAt: now,
      sessionDone: 0,
    });
  }

  async collected(fresh: { results: number; deadLetters: number }, deadLetters: readonly DeadLetter[]): Promise<void> {
    const key = keys.run(this.queue, this.run);
    const multi = this.redis.multi();
    if (deadLetters.length > 0) {
      multi.hset(keys.deadLetters(this.queue, this.run), Object.fromEntries(deadLetters.map((d) => [String(d.line), JSON.stringify(d)])));
    }
    multi.hincrby(key, "results", fresh.results);
    multi.hincrby(key, "deadLetters", fresh.deadLetters);
    multi.hincrby(key, "sessionDone", fresh.results + fresh.deadLetters);
    multi.hset(key, "updatedAt", Date.now());
    await multi.exec();
  }

  async linesKnown(lines: number): Promise<void> {
    await this.redis.hset(keys.run(this.queue, this.run), "lines", lines);
  }

  async finish(state: "done" | "failed", failureReason?: string): Promise<void> {
    const key = keys.run(this.queue, this.run);
    await this.redis.hset(key, { state, updatedAt: Date.now(), ...(failureReason === undefined ? {} : { failureReason }) });
    await this.redis.expire(key, KEEP_FINISHED_SECONDS);
    await this.redis.expire(keys.deadLetters(this.queue, this.run), KEEP_FINISHED_SECONDS);
  }
}

export async function readRunRecords(redis: Redis, queue: string): Promise<RunRecord[]> {
  const runs = await redis.smembers(keys.runs(queue));
  const records: RunRecord[] = [];
  for (const run of runs.sort()) {
    const h = await redis.hgetall(keys.run(queue, run));
    if (Object.keys(h).length === 0) {
      await redis.srem(keys.runs(queue), run); // expired
      continue;
    }
    const num = (field: string) => (h[field] === undefined ? undefined : Number(h[field]));
    records.push({
      run,
      task: h["task"] ?? "?",
      input: h["input"] ?? "?",
      output: h["output"] ?? "?",
      host: h["host"] ?? "?",
      pid: num("pid") ?? 0,
      state: await stateOf(redis, queue, run, h["state"]),
      startedAt: num("startedAt") ?? 0,
      updatedAt: num("updatedAt") ?? 0,
      ...(h["lines"] === undefined ? {} : { lines: Number(h["lines"]) }),
      results: num("results") ?? 0,
      deadLetters: num("deadLetters") ?? 0,
      sessionDone: num("sessionDone") ?? 0,
      ...(h["failureReason"] === undefined ? {} : { failureReason: h["failureReason"] }),
    });
  }
  return records;
}

async function stateOf(redis: Redis, queue: string, run: string, recorded: string | undefined): Promise<RunState> {
  const state = (recorded ?? "running") as RunState;
  if (state !== "running") return state;
  const holder = await redis.get(keys.collector(queue, run));
  if (holder === null) return "interrupted";
  const [host, pid] = holder.split(" ");
  return host === hostname() && !isAlive(Number(pid)) ? "interrupted" : "running";
}

export async function readDeadLetters(redis: Redis, queue: string, run: string, limit: number): Promise<{ count: number; sample: DeadLetter[] }> {
  const key = keys.deadLetters(queue, run);
  const count = await redis.hlen(key);
  if (count === 0) return { count, sample: [] };
  const all = count <= 1000 ? await redis.hgetall(key) : Object.fromEntries(chunkPairs((await redis.hscan(key, 0, "COUNT", 1000))[1]));
  const sample = Object.values(all)
    .map((json) => JSON.parse(json) as DeadLetter)
    .sort((a, b) => a.line - b.line)
    .slice(0, limit);
  return { count, sample };
}

function chunkPairs(flat: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}
