/**
 * The server listening for real on 127.0.0.1: graceful shutdown finishes in-flight requests, and the
 * `gliner-ts serve` process answers, exits 0 on SIGTERM after finishing its work, and exits 3 when the model
 * cannot be loaded.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Entity, GLiNER } from "../../src/node.js";
import { serve } from "../../src/server/serve.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { slowModel } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const REQUEST = { text: "Bill Gates founded Microsoft in Seattle.", labels: ["person", "organization"], threshold: 0.3 };

async function postJson(url: string, body: unknown): Promise<{ status: number; body: { entities?: Entity[]; code?: string } }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { entities?: Entity[] } };
}

/** Starts `gliner-ts serve` through tsx; resolves with the URL it prints once listening. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; url: Promise<string>; stderr: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", "serve", "--port", "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
  url.catch(() => {});
  return { child, url, stderr: () => stderr };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

describe("listening server", () => {
  let model: GLiNER;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
  });
  after(() => model.dispose());

  test("close() finishes every request already received, promptly, then refuses connections", async () => {
    // A long wait window keeps the requests queued until close() flushes them.
    const server = await serve(model, { port: 0, processMetrics: false, batching: { maxBatchSize: 8, maxWaitMs: 60_000 } });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const inFlight = [1, 2, 3, 4, 5].map(() => postJson(`${server.url}/v1/ner`, REQUEST));
    await until(() => server.app.batcher.depth === 5);
    const started = performance.now();
    await server.app.close(); // not server.close(): the model belongs to this test
    const responses = await Promise.all(inFlight);
    assert.ok(performance.now() - started < 10_000, "keep-alive connections do not hold the shutdown open");
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200, 200]);
    const expected = await model.predictEntities(REQUEST.text, REQUEST.labels, { threshold: 0.3 });
    for (const r of responses) assert.deepEqual(r.body.entities?.map((e) => e.text), expected.map((e) => e.text));
    await assert.rejects(fetch(`${server.url}/healthz`), "no new connections after close");
  });

  test("a request whose body arrives during shutdown gets 503 SHUTTING_DOWN and a closed connection", async () => {
    const server = await serve(slowModel(model, 300), { port: 0, processMetrics: false, batching: { maxWaitMs: 0 } });
    const first = postJson(`${server.url}/v1/ner`, REQUEST);
    await until(() => server.app.batcher.inFlight === 1);
    // A second client has sent its headers but not yet its body when the shutdown starts.
    const body = JSON.stringify(REQUEST);
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    await once(socket, "connect");
    socket.write(`POST /v1/ner HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.app.close();
    socket.end(body);
    let raw = "";
    socket.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    await once(socket, "close");
    assert.match(raw, /^HTTP\/1\.1 503/);
    assert.match(raw, /connection: close/i);
    assert.match(raw, /"code":"SHUTTING_DOWN"/);
    assert.equal((await first).status, 200, "the request already running still gets its answer");
    await closing;
  });
});

describe("gliner-ts serve (a real process)", () => {
  test("serves, then exits 0 on SIGTERM after answering what it had received", async () => {
    const { child, url: listening, stderr } = await startCli(["--model", SPAN_MODEL, "--max-wait-ms", "60000"]);
    try {
      const url = await listening;
      await waitReady(url);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const pending = [1, 2, 3].map(() => postJson(`${url}/v1/ner`, REQUEST));
      const queued = async () => ((await (await fetch(`${url}/readyz`)).json()) as { queued: number }).queued;
      while ((await queued()) < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill("SIGTERM");
      const responses = await Promise.all(pending);
      assert.deepEqual(responses.map((r) => r.status), [200, 200, 200]);
      const [code] = await once(child, "exit");
      assert.equal(code, 0, stderr());
      assert.match(stderr(), /ready \(.*span-markerv0, span model\)/);
      assert.match(stderr(), /SIGTERM: finishing 3 queued/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  test("exits 3 with a clear message when the model cannot be loaded", async () => {
    const empty = mkdtempSync(join(tmpdir(), "gliner-no-model-"));
    const { child, stderr } = await startCli(["--model", empty]);
    const [code] = await once(child, "exit");
    assert.equal(code, 3, stderr());
    assert.match(stderr(), /gliner-ts: .*gliner_config\.json/);
  });
});
