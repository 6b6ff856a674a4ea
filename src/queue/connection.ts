/**
 * Redis connections for the queue: a checked URL, clear messages while Redis is unreachable, and retry without
 * end once a run is under way. ioredis keeps commands issued while disconnected and sends them on reconnect
 * (`maxRetriesPerRequest: null`, as BullMQ requires), so callers simply wait out a Redis restart.
 */
import { Redis } from "ioredis";
import { InvalidInputError } from "../errors.js";

/** The queue's Redis failed in a way the user must act on (unreachable at start, lost jobs, failed jobs). */
export class QueueError extends Error {
  override name = "QueueError";
}

export interface RedisTarget {
  readonly url: string;
  /** The URL without its password, for messages. */
  readonly display: string;
}

export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError("queue", `--queue must be a Redis URL like redis://127.0.0.1:6379/0; got "${url}".`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new InvalidInputError("queue", `--queue must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379/0; got "${url}".`);
  }
  if (parsed.hostname === "") throw new InvalidInputError("queue", `--queue has no host: "${url}"; e.g. redis://127.0.0.1:6379/0.`);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) {
    throw new InvalidInputError("queue", `the database in --queue must be a number (redis://host:port/<db>); got "${db}".`);
  }
  if (parsed.password !== "") parsed.password = "***";
  return { url, display: parsed.toString() };
}

export type Log = (message: string) => void;

/**
 * A client that reports trouble once per outage (then every 30 s while it lasts) and says when Redis is back.
 * `role` names the connection in messages and in Redis' CLIENT LIST.
 */
export function connectRedis(target: RedisTarget, role: string, log: Log): Redis {
  const client = new Redis(target.url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(250 * attempt, 2000),
    connectionName: `gliner-ts-${role}`,
  });
  let downSince: number | undefined;
  let lastReport = 0;
  client.on("error", (error: Error) => {
    const now = Date.now();
    downSince ??= now;
    if (now - lastReport < 30_000) return;
    lastReport = now;
    log(`cannot reach Redis at ${target.display} (${describeError(error)}); retrying every 2 s, work resumes when it is back.`);
  });
  client.on("ready", () => {
    if (downSince !== undefined) log(`Redis at ${target.display} is reachable again after ${((Date.now() - downSince) / 1000).toFixed(1)} s.`);
    downSince = undefined;
    lastReport = 0;
  });
  return client;
}

/** Resolves once the client is connected; fails with advice after `timeoutSeconds` of trying. */
export async function waitForRedis(client: Redis, target: RedisTarget, timeoutSeconds: number): Promise<void> {
  if (client.status === "ready") return;
  let lastError: Error | undefined;
  const onError = (error: Error) => (lastError = error);
  client.on("error", onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off("ready", onReady);
        const why = lastError === undefined ? "no answer" : describeError(lastError);
        reject(
          new QueueError(
            `could not connect to Redis at ${target.display} within ${timeoutSeconds} s (${why}). ` +
              "Is redis-server running and reachable from here? Check the host, port and database in --queue.",
          ),
        );
      }, timeoutSeconds * 1000);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once("ready", onReady);
    });
  } finally {
    client.off("error", onError);
  }
}

/**
 * Routes a BullMQ object's 'error' events to `log`, minus lost-connection errors (reported once per outage by
 * {@link connectRedis}). Without a listener BullMQ prints every reconnect attempt's error to the console.
 */
export function routeErrors(emitter: { on(event: "error", listener: (error: Error) => void): unknown }, what: string, log: Log): void {
  emitter.on("error", (error) => {
    if (!isConnectionError(error)) log(`${what}: ${error.message}`);
  });
}

/** Errors of a lost connection, which {@link connectRedis} already reports once per outage. */
export function isConnectionError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)$/.test(code) || /Connection is closed|Stream isn't writeable/.test(error.message);
}

export function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
