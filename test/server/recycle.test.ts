/**
 * The memory policy on a real server (issue 16): after a large request has grown the process past
 * `recycleAfterMb` and the model has idled `recycleIdleMs`, the ONNX session (in its worker thread, as
 * `gliner-ts serve` loads it) is re-created, which /v1/model and /metrics show; requests that arrive while the
 * new session is being created are answered normally. Observed through the counters, not RSS (noisy); the
 * re-creation is held open by the test (a gate in the runtime) so that requests certainly arrive during it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Entity, GLiNER } from "../../src/node.js";
import { nodeRuntime } from "../../src/runtime/node.js";
import type { Runtime, SessionRecycling } from "../../src/runtime/runtime.js";
import { type RunningServer, serve } from "../../src/server/serve.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";

const SENTENCE = "Bill Gates founded Microsoft in Seattle with Paul Allen. ";
const LABELS = ["person", "organization", "location"];
/** 2 texts × 1,000 words grow the process by ~800 MB (ONNX Runtime's arena); a one-sentence request by < 10 MB. */
const RECYCLE_AFTER_MB = 256;
const IDLE_MS = 100;
const BOUND_MS = 60_000;

let creations = 0;
let releases = 0;
let openGate = () => {};
const gate = new Promise<void>((resolve) => (openGate = resolve));
const base = nodeRuntime();
const gatedRuntime: Runtime = {
  ...base,
  async createSession(model, options) {
    if (creations++ > 0) await gate;
    const session = await base.createSession(model, options);
    return { ...session, run: session.run.bind(session), release: async () => (releases++, session.release()) };
  },
};

let server: RunningServer;
before(async () => {
  const model = await GLiNER.load(gatedRuntime, TOKEN_MODEL, {
    session: { offMainThread: true, recycleAfterMb: RECYCLE_AFTER_MB, recycleIdleMs: IDLE_MS },
  });
  server = await serve(model, { port: 0, processMetrics: false });
});
after(async () => {
  openGate();
  await server.close();
});

async function ner(text: string | string[]): Promise<{ status: number; entities: Entity[] }> {
  const body = typeof text === "string" ? { text, labels: LABELS } : { texts: text, labels: LABELS };
  const response = await fetch(`${server.url}/v1/ner`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json()) as { entities?: Entity[]; results?: unknown[] };
  return { status: response.status, entities: json.entities ?? [] };
}
async function recycling(): Promise<SessionRecycling> {
  return ((await (await fetch(`${server.url}/v1/model`)).json()) as { sessionRecycling: SessionRecycling }).sessionRecycling;
}
/** Polls /v1/model until `done` holds (event-driven, with a generous bound). */
async function until(done: (r: SessionRecycling) => boolean): Promise<SessionRecycling> {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const state = await recycling();
    if (done(state)) return state;
    assert.ok(Date.now() < deadline, `no change within ${BOUND_MS} ms: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("a large request, then idle: the session is re-created while requests meanwhile are answered as before", async () => {
  const small = await ner(SENTENCE);
  assert.equal(small.status, 200);
  assert.ok(small.entities.length > 0);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 5));
  assert.deepEqual(await recycling(), { thresholdMb: RECYCLE_AFTER_MB, count: 0, failures: 0, recreating: false }, "a small request does not recycle");

  const large = await ner([SENTENCE.repeat(111), SENTENCE.repeat(111)]);
  assert.equal(large.status, 200);
  // The re-creation starts once idle, and waits at the gate: requests now arrive during it.
  await until((r) => r.recreating);
  const during = await Promise.all([ner(SENTENCE), ner(SENTENCE), ner(SENTENCE)]);
  for (const answer of during) assert.deepEqual(answer, small, "answered by the old session, unchanged");
  assert.equal(creations, 2);
  assert.equal(releases, 0, "the old session is still in service");

  openGate();
  const done = await until((r) => r.count === 1 && !r.recreating);
  assert.equal(done.failures, 0);
  assert.ok(typeof done.lastMs === "number" && done.lastMs > 0);
  assert.equal(releases, 1, "the old session was released");
  assert.deepEqual(await ner(SENTENCE), small, "the new session answers the same");
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^gliner_session_recycles_total 1$/m);
});
