/**
 * The server under the heaviest requests (issue 16): `npx tsx bench/server-hostile.ts [--model token-level]
 * [--out bench/results/server-hostile.json]`. Uses the fixture models (no ../shared needed); prints its results,
 * and writes them as JSON only with --out.
 *
 * Real `gliner-ts serve` child processes on loopback. Measured:
 * 1. /healthz latency (polled every 20 ms) while one worst-case request runs: 900 words, 3 labels,
 *    `threshold: 1e-9`, nested (`flatNer: false`), the most candidates a text can produce; and the request's
 *    own status and time;
 * 2. the server's RSS (/proc) at baseline (model loaded, one small request), peak during a large in-limit request
 *    (4 texts × 8,000 words), and 5 s after it, once with the memory policy off (`--recycle-after-mb 0`) and once
 *    with the server's default (re-create the session when idle), with the re-creation's time from /v1/model.
 * Timings on a shared machine are noisy.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { model: { type: "string", default: "token-level" }, out: { type: "string" } } });
const SENTENCE = "Bill Gates founded Microsoft in Seattle with Paul Allen. ";
const LABELS = ["person", "organization", "location"];
const IDLE_MS = 5000;

interface Server {
  readonly url: string;
  readonly child: ChildProcessByStdio<null, null, Readable>;
  rssMb(): number;
  post(body: unknown): Promise<{ status: number; code?: string; entities?: number; seconds: number }>;
}

async function startServer(extraArgs: string[]): Promise<Server> {
  const model = join(ROOT, "test", "fixtures", "models", values.model);
  const args = ["--import", "tsx", "src/cli/bin.ts", "serve", "--port", "0", "--model", model, "--max-text-length", "100000", ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const url = await new Promise<string>((resolvePromise, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1]) resolvePromise(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
  });
  const server: Server = {
    url,
    child,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    async post(body) {
      const started = performance.now();
      const headers = { "content-type": "application/json" };
      const response = await fetch(`${url}/v1/ner`, { method: "POST", headers, body: JSON.stringify(body) });
      const json = (await response.json()) as { code?: string; entities?: unknown[] };
      return { status: response.status, code: json.code, entities: json.entities?.length, seconds: (performance.now() - started) / 1000 };
    },
  };
  while ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) await sleep(200);
  await server.post({ text: SENTENCE, labels: LABELS });
  return server;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls /healthz until `work` settles; returns the latencies and the server's peak RSS meanwhile. */
async function healthzDuring<T>(server: Server, work: Promise<T>): Promise<{ result: T; latenciesMs: number[]; peakRssMb: number }> {
  let done = false;
  let peakRssMb = 0;
  const latenciesMs: number[] = [];
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`${server.url}/healthz`);
      latenciesMs.push(performance.now() - started);
      peakRssMb = Math.max(peakRssMb, server.rssMb());
      await sleep(20);
    }
  })();
  const result = await work;
  done = true;
  await poll;
  return { result, latenciesMs, peakRssMb };
}
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { polls: ms.length, p50: sorted[Math.floor(sorted.length / 2)], p99: sorted[Math.floor(sorted.length * 0.99)], max: sorted.at(-1) };
};

/** The large request on a fresh server started with `args`: RSS before, peak, and IDLE_MS after. */
async function memoryRun(args: string[]) {
  const server = await startServer(args);
  try {
    const baseline = server.rssMb();
    const large = await healthzDuring(server, server.post({ texts: Array.from({ length: 4 }, () => SENTENCE.repeat(800)), labels: LABELS }));
    await sleep(IDLE_MS);
    const after = server.rssMb();
    const model = (await (await fetch(`${server.url}/v1/model`)).json()) as { sessionRecycling?: unknown };
    const small = await server.post({ text: SENTENCE, labels: LABELS });
    return { args, request: large.result, healthzMs: summary(large.latenciesMs), rssMb: { baseline, peak: large.peakRssMb, [`after${IDLE_MS / 1000}s`]: after }, sessionRecycling: model.sessionRecycling, nextRequest: small };
  } finally {
    server.child.kill("SIGTERM");
  }
}

const first = await startServer([]);
const worst = await healthzDuring(first, first.post({ text: SENTENCE.repeat(90), labels: LABELS, threshold: 1e-9, flatNer: false }));
first.child.kill("SIGTERM");
console.log("worst-case request", worst.result, "healthz ms", summary(worst.latenciesMs));
const withoutPolicy = await memoryRun(["--recycle-after-mb", "0"]);
console.log("large request, memory policy off:", JSON.stringify(withoutPolicy));
const withPolicy = await memoryRun([]);
console.log("large request, server default policy:", JSON.stringify(withPolicy));

if (values.out !== undefined) {
  mkdirSync(dirname(values.out), { recursive: true });
  const results = { model: values.model, machine: "shared, noisy", worst: { request: worst.result, healthzMs: summary(worst.latenciesMs) }, large: { withoutPolicy, withPolicy } };
  writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
}
