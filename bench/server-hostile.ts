/**
 * The server under the heaviest requests (issue 16): `npx tsx bench/server-hostile.ts [--model token-level]
 * [--out bench/results/server-hostile.json]`. Uses the fixture models (no ../shared needed).
 *
 * A real `gliner-ts serve` child process on loopback. Measured:
 * 1. /healthz latency (polled every 20 ms) while one worst-case request runs: 900 words, 3 labels,
 *    `threshold: 1e-9`, nested (`flatNer: false`), the most candidates a text can produce; and the request's
 *    own status and time;
 * 2. the server's RSS (/proc) at baseline (model loaded, one small request), peak during a large in-limit request
 *    (4 texts × 8,000 words), and 5 s after it.
 * Timings on a shared machine are noisy.
 */
import { spawn } from "node:child_process";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    model: { type: "string", default: "token-level" },
    out: { type: "string", default: join(ROOT, "bench", "results", "server-hostile.json") },
  },
});
const SENTENCE = "Bill Gates founded Microsoft in Seattle with Paul Allen. ";
const LABELS = ["person", "organization", "location"];

const child = spawn(
  process.execPath,
  ["--import", "tsx", "src/cli/bin.ts", "serve", "--port", "0", "--model", join(ROOT, "test", "fixtures", "models", values.model), "--max-text-length", "100000"],
  { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
);
let stderr = "";
const url = await new Promise<string>((resolvePromise, reject) => {
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (match?.[1]) resolvePromise(match[1]);
  });
  child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
});
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const post = async (body: unknown) => {
  const started = performance.now();
  const response = await fetch(`${url}/v1/ner`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json()) as { code?: string; entities?: unknown[] };
  return { status: response.status, code: json.code, entities: json.entities?.length, seconds: (performance.now() - started) / 1000 };
};
while ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 200));
await post({ text: SENTENCE, labels: LABELS });
const baselineRss = rssMb();

/** Polls /healthz until `work` settles; returns the latencies. */
async function healthzDuring<T>(work: Promise<T>): Promise<{ result: T; latenciesMs: number[]; peakRssMb: number }> {
  let done = false;
  let peakRssMb = 0;
  const latenciesMs: number[] = [];
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`${url}/healthz`);
      latenciesMs.push(performance.now() - started);
      peakRssMb = Math.max(peakRssMb, rssMb());
      await new Promise((r) => setTimeout(r, 20));
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

const worst = await healthzDuring(post({ text: SENTENCE.repeat(90), labels: LABELS, threshold: 1e-9, flatNer: false }));
console.log("worst-case request", worst.result, "healthz ms", summary(worst.latenciesMs));
const large = await healthzDuring(post({ texts: Array.from({ length: 4 }, () => SENTENCE.repeat(800)), labels: LABELS }));
await new Promise((r) => setTimeout(r, 5000));
const afterRss = rssMb();
console.log("large request", large.result, "rss MB", { baseline: baselineRss, peak: large.peakRssMb, after5s: afterRss });

child.kill("SIGTERM");
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify({ model: values.model, machine: "shared, noisy", worst: { request: worst.result, healthzMs: summary(worst.latenciesMs) }, large: { request: large.result, healthzMs: summary(large.latenciesMs), rssMb: { baseline: baselineRss, peak: large.peakRssMb, after5s: afterRss } } }, null, 2)}\n`,
);
