/**
 * Graceful shutdown right after a burst (issue 16): 200 keep-alive clients on loopback, close() while about 60
 * requests are in flight. Every request the server received gets an HTTP answer (200, or 503 SHUTTING_DOWN for
 * those that arrive during shutdown); a client may only fail to connect, never lose a received request.
 */
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { type RunningServer, serve } from "../../src/server/serve.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { slowModel } from "./helpers.js";

interface Outcome {
  status?: number;
  error?: string;
}

function post(agent: Agent, port: number, body: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/v1/ner", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
      },
    );
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

describe("shutdown after a 200-client burst", () => {
  let model: GLiNER;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
  });
  after(() => model.dispose());

  test("every received request is answered; none is reset", async () => {
    const server: RunningServer = await serve(slowModel(model, 20), { port: 0, processMetrics: false, logger: false });
    const port = Number(new URL(server.url).port);
    let received = 0;
    server.app.server.on("request", () => void received++);
    const agent = new Agent({ keepAlive: true, maxSockets: 200 });
    const body = JSON.stringify({ text: "Bill Gates founded Microsoft.", labels: ["person", "organization"] });
    const outcomes: Outcome[] = [];
    let closing: Promise<void> | undefined;
    const client = async () => {
      // Each client keeps its connection and sends again, so shutdown meets both busy and idle keep-alive sockets.
      for (let i = 0; i < 3; i++) {
        const outcome = await post(agent, port, body);
        outcomes.push(outcome);
        if (outcome.error !== undefined || outcome.status !== 200) return;
        if (received >= 60) closing ??= server.app.close();
      }
    };
    await Promise.all(Array.from({ length: 200 }, client));
    await closing;
    agent.destroy();
    const answered = outcomes.filter((o) => o.status !== undefined);
    const resets = outcomes.filter((o) => o.error === "ECONNRESET" || o.error === "EPIPE");
    assert.ok(closing !== undefined, "the shutdown started during the burst");
    assert.equal(answered.length, received, `received ${received}, answered ${answered.length}, errors ${JSON.stringify(outcomes.filter((o) => o.error).slice(0, 5))}`);
    assert.deepEqual(resets, [], "no received request is reset");
    assert.ok(answered.every((o) => o.status === 200 || o.status === 503));
  });
});
