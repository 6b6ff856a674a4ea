/**
 * The server stays responsive during the heaviest allowed request (issue 16): the token model, 900 words,
 * 3 labels, `threshold: 1e-9`, nested, about 800,000 candidates in one pass. The session runs off the main
 * thread (as `gliner-ts serve` loads it) and the decode runs in slices, so the event loop is never held long.
 * Measured as event-loop blocking (monitorEventLoopDelay), not as a race between requests: before the decode
 * ran in slices it blocked for ~2 s; a slice is ~10 ms, so 250 ms leaves room for a loaded machine.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { type Entity, GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";
import { get, post } from "./helpers.js";

const SENTENCE = "Bill Gates founded Microsoft in Seattle with Paul Allen. ";
const MAX_BLOCKING_MS = 250;

let model: GLiNER;
let app: GlinerApp;
before(async () => {
  model = await GLiNER.fromPretrained(TOKEN_MODEL, { session: { offMainThread: true } });
  app = await createApp(model, { processMetrics: false });
});
after(async () => {
  await app.close();
  await model.dispose();
});

test("/healthz keeps answering and the event loop is never blocked long while the worst request runs", async () => {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const heavy = post<{ entities: Entity[] }>(app, "/v1/ner", {
    text: SENTENCE.repeat(90),
    labels: ["person", "organization", "location"],
    threshold: 1e-9,
    flatNer: false,
  });
  let settled = false;
  void heavy.finally(() => (settled = true));
  let healthzDuring = 0;
  while (!settled) {
    const health = await get(app, "/healthz");
    assert.equal(health.statusCode, 200);
    if (!settled) healthzDuring++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  histogram.disable();
  const response = await heavy;
  assert.equal(response.status, 200);
  assert.ok(response.body.entities.length > 1000, `${response.body.entities.length} entities`);
  assert.ok(healthzDuring > 0);
  const maxBlockingMs = histogram.max / 1e6;
  assert.ok(maxBlockingMs < MAX_BLOCKING_MS, `event loop blocked ${maxBlockingMs.toFixed(0)} ms (limit ${MAX_BLOCKING_MS})`);
});
