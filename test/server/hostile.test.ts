/**
 * Hostile requests against the server (issue 16): hostile labels, one error shape for errors raised before
 * routing (raw sockets on loopback), no absolute paths, and deadlines that cancel the rest of a running batch.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, mock, test } from "node:test";
import { type Entity, GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { Batcher, type BatchGroup, DeadlineError } from "../../src/server/batcher.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { get, post } from "./helpers.js";

const TEXT = "Bill Gates founded Microsoft in Seattle with Paul Allen.";
const ERROR_KEYS = ["statusCode", "code", "error", "message"];

/** Sends raw bytes to the listening app and returns the raw HTTP answer. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
    socket.end(bytes);
  });
}
function jsonBody(answer: string): Record<string, unknown> {
  return JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
}

describe("hostile HTTP requests", () => {
  let model: GLiNER;
  let app: GlinerApp;
  let port: number;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
    app = await createApp(model, { processMetrics: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  after(async () => {
    await app.close();
    await model.dispose();
  });

  test("labels named like Object members work over HTTP; special-token labels are a 400 on /v1/ner and /gliner", async () => {
    for (const label of ["constructor", "__proto__", "toString"]) {
      const { status, body } = await post<{ entities: Entity[] }>(app, "/v1/ner", { text: TEXT, labels: [label], threshold: 0.3 });
      assert.equal(status, 200);
      assert.ok(body.entities.length > 0 && body.entities.every((e) => e.label === label), label);
    }
    const ner = await post(app, "/v1/ner", { text: TEXT, labels: ["person", "<<ENT>>"] });
    assert.equal(ner.status, 400);
    assert.equal(ner.body["code"], "INVALID_INPUT");
    const compat = await post(app, "/gliner", { text: TEXT, labels: ["a<<SEP>>b"] });
    assert.equal(compat.status, 400);
  });

  test("errors raised before routing leave in the one error shape", async () => {
    const garbage = await rawRequest(port, "HELLO THERE\r\n\r\n");
    assert.match(garbage, /^HTTP\/1\.1 400/);
    assert.deepEqual(Object.keys(jsonBody(garbage)), ERROR_KEYS);
    assert.equal(jsonBody(garbage)["code"], "INVALID_INPUT");

    const huge = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431/);
    assert.deepEqual(Object.keys(jsonBody(huge)), ERROR_KEYS);

    const badUrl = await get(app, "/v1/%zz");
    assert.ok(badUrl.statusCode >= 400 && badUrl.statusCode < 500);
    assert.deepEqual(Object.keys(badUrl.json() as object), ERROR_KEYS);
  });

  test("GET /v1/model names a local model folder without its absolute path", async () => {
    const body = (await get(app, "/v1/model")).json() as { source: string };
    assert.equal(body.source, "span-markerv0");
    assert.ok(!body.source.includes("/"));
  });
});

describe("deadlines cancel the rest of a running batch", () => {
  test("once every item of a running batch has expired, its signal aborts (mocked clock)", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const batcher = new Batcher({ maxBatchSize: 2, maxWaitMs: 0, maxQueue: 10, timeoutMs: 1000 });
      let signal: AbortSignal | undefined;
      let finish: (value: number[]) => void = () => {};
      const group: BatchGroup<number, number> = {
        key: "slow",
        run(inputs, s) {
          signal = s;
          return new Promise((resolve) => (finish = () => resolve(inputs.map((n) => n))));
        },
      };
      const first = batcher.submit(group, 1);
      const second = batcher.submit(group, 2);
      const outcomes = Promise.allSettled([first, second]);
      mock.timers.tick(1); // the batch goes out
      await Promise.resolve();
      assert.ok(signal !== undefined && !signal.aborted);
      mock.timers.tick(1000);
      const [a, b] = await outcomes;
      assert.ok(a.status === "rejected" && a.reason instanceof DeadlineError);
      assert.ok(b.status === "rejected" && b.reason instanceof DeadlineError);
      assert.equal(signal.aborted, true, "the remaining passes are cancelled");
      finish([1, 2]);
    } finally {
      mock.timers.reset();
    }
  });
});
