/**
 * `npm run loadtest`: the HTTP server under many concurrent clients, with micro-batching on and off.
 *
 *   npm run loadtest -- [--model <dir>] [--connections 200] [--requests 2000] [--max-seconds 60] [--rounds 3]
 *                       [--max-batch-size 8] [--max-wait-ms 5] [--threads <n>] [--out <file.json>]
 *
 * For each mode, `gliner-ts serve` runs as its own process on 127.0.0.1 (a free port; nothing else is ever
 * contacted) and autocannon sends `--requests` POST /v1/ner requests over `--connections` concurrent
 * connections, stopping after `--max-seconds` at the latest. Reported per mode: throughput (requests/s),
 * latency p50/p99, errors (connection errors, timeouts and non-2xx answers), and the mean batch size read
 * from the server's own /metrics; then the throughput ratio batching on / off. The modes alternate over
 * `--rounds` rounds (on/off, then off/on, ...) and the medians are reported, so that both see the same
 * machine load on a shared machine.
 */
import autocannon from "autocannon";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LABELS = ["person", "organization", "location", "date"];
/** Short to medium texts, as an API sees them; the clients cycle through them. */
const TEXTS = [
  "Tim Cook presented the new iPhone at the Steve Jobs Theater in Cupertino on Tuesday.",
  "The European Central Bank kept interest rates unchanged, Christine Lagarde told reporters in Frankfurt.",
  "Élodie Dupont a rejoint Mistral AI à Paris en 2023 après six ans chez Google.",
  "Heavy rain flooded parts of Mumbai on Monday, and the Indian Meteorological Department warned of more storms in Maharashtra over the weekend.",
  "Serena Williams beat Maria Sharapova 6-2 6-3 at Wimbledon.",
  "Apple, Microsoft and Alphabet reported quarterly results on Thursday; analysts at Goldman Sachs expected strong cloud growth from Microsoft Azure and Google Cloud, while Apple's iPhone sales in China remained under pressure.",
];

interface Mode {
  readonly name: string;
  readonly flags: string[];
}

interface ModeResult {
  mode: string;
  requests: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  meanBatchSize: number;
  modelCalls: number;
  /** Upper bound of the server's own p99 (a bucket of its request-duration histogram), in ms. */
  serverP99: number;
}

const { values: args } = parseArgs({
  options: {
    model: { type: "string", default: resolve(ROOT, "test/fixtures/models/span-markerv0") },
    connections: { type: "string", default: "200" },
    requests: { type: "string", default: "2000" },
    "max-seconds": { type: "string", default: "60" },
    rounds: { type: "string", default: "3" },
    "max-batch-size": { type: "string", default: "8" },
    "max-wait-ms": { type: "string", default: "5" },
    threads: { type: "string" },
    out: { type: "string" },
  },
});

const connections = positive(args.connections, "--connections");
const amount = positive(args.requests, "--requests");
const maxSeconds = positive(args["max-seconds"], "--max-seconds");
const rounds = positive(args.rounds, "--rounds");

const modes: Mode[] = [
  { name: "batching on", flags: ["--max-batch-size", String(positive(args["max-batch-size"], "--max-batch-size")), "--max-wait-ms", String(args["max-wait-ms"])] },
  { name: "batching off", flags: ["--no-batching"] },
];

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer; got ${value}`);
  return n;
}

/** `gliner-ts serve` on a free loopback port; resolves once the model is loaded. */
async function startServer(mode: Mode): Promise<{ child: ChildProcess; url: string }> {
  const threads = args.threads === undefined ? [] : ["--threads", args.threads];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/bin.ts", "serve", "--model", args.model as string, "--host", "127.0.0.1", "--port", "0", "--max-queue", String(connections * 2), ...threads, ...mode.flags],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1] && /ready \(/.test(stderr)) resolveUrl(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`gliner-ts serve exited with ${code}:\n${stderr}`)));
  });
  return { child, url };
}

function metricValue(metrics: string, name: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(`${name}{task="ner"}`));
  return line === undefined ? 0 : Number(line.split(" ").pop());
}

/** Cumulative counts of the server's /v1/ner request-duration histogram, by bucket bound in seconds. */
function durationBuckets(metrics: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const match of metrics.matchAll(/^gliner_http_request_duration_seconds_bucket\{le="([^"]+)",route="\/v1\/ner"\} (\d+)$/gm)) {
    buckets.set(match[1] === "+Inf" ? Infinity : Number(match[1]), Number(match[2]));
  }
  return buckets;
}

/** The smallest bucket bound holding 99% of the requests between two scrapes. */
function bucketP99(before: string, after: string): number {
  const a = durationBuckets(before);
  const b = [...durationBuckets(after)].map(([le, n]) => [le, n - (a.get(le) ?? 0)] as const).sort((x, y) => x[0] - y[0]);
  const total = b.at(-1)?.[1] ?? 0;
  return (b.find(([, n]) => n >= 0.99 * total)?.[0] ?? Infinity) * 1000;
}

async function runMode(mode: Mode): Promise<ModeResult> {
  const { child, url } = await startServer(mode);
  try {
    const requests = TEXTS.map((text) => ({
      method: "POST" as const,
      path: "/v1/ner",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text, labels: LABELS, threshold: 0.5 }),
    }));
    // Warm-up: the first calls of a session are slower (allocations); not measured.
    for (const r of requests) await fetch(`${url}${r.path}`, { method: "POST", headers: r.headers, body: r.body });
    const before = await (await fetch(`${url}/metrics`)).text();

    const result = await new Promise<autocannon.Result>((resolveResult, reject) => {
      const instance = autocannon({ url, connections, amount, requests, timeout: maxSeconds }, (error: unknown, res: autocannon.Result) =>
        error ? reject(error) : resolveResult(res),
      );
      const stop = setTimeout(() => instance.stop(), maxSeconds * 1000);
      instance.once("done", () => clearTimeout(stop));
    });

    const after = await (await fetch(`${url}/metrics`)).text();
    const items = metricValue(after, "gliner_batch_size_sum") - metricValue(before, "gliner_batch_size_sum");
    const calls = metricValue(after, "gliner_batch_size_count") - metricValue(before, "gliner_batch_size_count");
    const completed = result.requests.total;
    return {
      mode: mode.name,
      requests: completed,
      seconds: result.duration,
      throughput: completed / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      meanBatchSize: calls === 0 ? 0 : items / calls,
      modelCalls: calls,
      serverP99: bucketP99(before, after),
    };
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function line(r: Pick<ModeResult, "throughput" | "p50" | "p99" | "errors" | "non2xx" | "meanBatchSize">, label: string, extra = ""): string {
  return (
    `${label.padEnd(22)} ${r.throughput.toFixed(1).padStart(7)} req/s  p50 ${String(Math.round(r.p50)).padStart(5)} ms  ` +
    `p99 ${String(Math.round(r.p99)).padStart(5)} ms  errors ${r.errors + r.non2xx}  mean batch ${r.meanBatchSize.toFixed(2)}${extra}`
  );
}

async function main(): Promise<void> {
  console.log(`loadtest: ${args.model}, ${connections} connections, ${amount} requests per run (at most ${maxSeconds} s), ${rounds} rounds, ${cpus().length} CPUs`);
  const results: ModeResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? modes : [...modes].reverse();
    for (const mode of order) {
      const result = await runMode(mode);
      results.push(result);
      console.log(
        line(result, `round ${round} ${result.mode}`, ` (${result.modelCalls} model calls, ${result.requests} requests in ${result.seconds.toFixed(1)} s; server-side p99 ≤ ${result.serverP99} ms)`),
      );
    }
  }
  const summary = modes.map((mode) => {
    const runs = results.filter((r) => r.mode === mode.name);
    return {
      mode: mode.name,
      throughput: median(runs.map((r) => r.throughput)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      meanBatchSize: median(runs.map((r) => r.meanBatchSize)),
    };
  });
  for (const s of summary) console.log(line(s, `median ${s.mode}`, " (errors: total over rounds)"));
  const [on, off] = summary.map((s) => s.throughput);
  console.log(`throughput ratio, batching on / off (medians): ${((on ?? 0) / (off ?? 1)).toFixed(2)}×`);
  if (args.out !== undefined) {
    writeFileSync(args.out, `${JSON.stringify({ model: args.model, connections, amount, maxSeconds, rounds, cpus: cpus().length, results, summary }, null, 2)}\n`);
  }
  if (results.some((r) => r.errors + r.non2xx > 0)) process.exitCode = 1;
}

await main();
