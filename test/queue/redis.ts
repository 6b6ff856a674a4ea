/**
 * Redis for the queue tests. CI starts one and exports GLINER_TEST_REDIS_URL; elsewhere each test file starts its
 * own `redis-server` on a free loopback port. Without either the tests fail and say how to get one.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

let queueCounter = 0;

/** A queue name no other test (or earlier run against CI's shared Redis) has used. */
export function uniqueQueueName(label: string): string {
  return `test-${label}-${process.pid}-${Date.now().toString(36)}-${++queueCounter}`;
}

export async function testRedis(): Promise<TestRedis> {
  const shared = process.env["GLINER_TEST_REDIS_URL"];
  if (shared !== undefined && shared !== "") {
    await ping(shared, 10_000);
    return { url: shared, stop: async () => {} };
  }
  return ownRedis();
}

export interface OwnRedis extends TestRedis {
  readonly port: number;
  /** Stops the server with `signal` and starts it again on the same port and data directory. */
  restart(signal: NodeJS.Signals, downMs: number): Promise<void>;
}

/** A private redis-server (always; for tests that must restart it). */
export async function ownRedis(options: { appendOnly?: boolean } = {}): Promise<OwnRedis> {
  if (spawnSync("redis-server", ["--version"]).error !== undefined) {
    throw new Error(
      "the queue tests need Redis: install redis-server (apt-get install -y redis-server) or set " +
        "GLINER_TEST_REDIS_URL=redis://127.0.0.1:6379/0 to a Redis they may use.",
    );
  }
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "gliner-redis-"));
  const url = `redis://127.0.0.1:${port}/0`;
  const args = [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
    "--appendonly", options.appendOnly ? "yes" : "no", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction",
  ];
  let server: ChildProcess = await startServer(args, url);
  return {
    url,
    port,
    async restart(signal, downMs) {
      await stopServer(server, signal);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await startServer(args, url);
    },
    async stop() {
      await stopServer(server, "SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startServer(args: string[], url: string): Promise<ChildProcess> {
  const server = spawn("redis-server", args, { stdio: "ignore" });
  await ping(url, 10_000);
  return server;
}

async function stopServer(server: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill(signal);
  await exited;
}

async function ping(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Redis at ${url} did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.disconnect();
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
