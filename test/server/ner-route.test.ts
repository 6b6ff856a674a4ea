/** POST /v1/ner through fastify's inject(): results equal the library's, batching, and every limit and error. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Entity, GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { get, post } from "./helpers.js";

const TEXTS = [
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975.",
  "Le musée du Louvre 🏛️ est à Paris, en France.",
  "東京タワーは東京にあります。",
];
const LABELS = ["person", "organization", "location", "date"];
const T = 0.3;

describe("POST /v1/ner", () => {
  let model: GLiNER;
  let app: GlinerApp;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
    app = await createApp(model, { processMetrics: false });
  });
  after(async () => {
    await app.close();
    await model.dispose();
  });

  test("one text: the library's entities, UTF-16 offsets", async () => {
    for (const text of TEXTS) {
      const { status, body } = await post<{ entities: Entity[] }>(app, "/v1/ner", { text, labels: LABELS, threshold: T });
      assert.equal(status, 200);
      assertSameEntities([body.entities], [await model.predictEntities(text, LABELS, { threshold: T })], text);
      for (const e of body.entities) assert.equal(text.slice(e.start, e.end), e.text);
    }
    const { body } = await post<{ entities: Entity[] }>(app, "/v1/ner", { text: TEXTS[0], labels: LABELS, threshold: T });
    assert.ok(body.entities.length > 0, "the fixture model finds spans at 0.3");
    assert.deepEqual(Object.keys(body.entities[0] as Entity), ["start", "end", "text", "label", "score"]);
  });

  test("several texts: one list per text, in order", async () => {
    const { status, body } = await post<{ entities: Entity[][] }>(app, "/v1/ner", { texts: TEXTS, labels: LABELS, threshold: T });
    assert.equal(status, 200);
    assertSameEntities(body.entities, await model.batchPredictEntities(TEXTS, LABELS, { threshold: T }), "texts");
  });

  test("flatNer and multiLabel reach the model; the default threshold is 0.5", async () => {
    const text = TEXTS[0] as string;
    const options = { threshold: 0.2, flatNer: false, multiLabel: true };
    const nested = await post<{ entities: Entity[] }>(app, "/v1/ner", { text, labels: LABELS, ...options });
    const expected = await model.predictEntities(text, LABELS, options);
    assertSameEntities([nested.body.entities], [expected], "nested multi-label");
    assert.ok(expected.length > (await model.predictEntities(text, LABELS, { threshold: 0.2 })).length, "the options change the result");
    const defaults = await post<{ entities: Entity[] }>(app, "/v1/ner", { text, labels: LABELS });
    assertSameEntities([defaults.body.entities], [await model.predictEntities(text, LABELS)], "defaults");
  });

  test("a text longer than the model's window goes through the windowed path, not rejected", async () => {
    const long = Array.from({ length: 900 }, (_, i) => (i % 7 === 0 ? "Paris" : "word")).join(" ");
    const { status, body } = await post<{ entities: Entity[] }>(app, "/v1/ner", { text: long, labels: ["location"], threshold: T });
    assert.equal(status, 200);
    const [detail] = await model.inference([long], ["location"], { threshold: T });
    assert.ok((detail?.passes ?? 0) > 1, "900 words exceed max_len 384");
    assertSameEntities([body.entities], [detail?.entities ?? []], "windowed");
  });

  test("concurrent requests with the same options share model calls; each gets its own entities", async () => {
    const batched = await createApp(model, { processMetrics: false, batching: { maxWaitMs: 50, maxBatchSize: 8 } });
    const labelSets = [["person"], ["location", "date"], ["organization"], LABELS, ["person", "location"], ["date"]];
    const responses = await Promise.all(
      labelSets.map((labels, i) => post<{ entities: Entity[] }>(batched, "/v1/ner", { text: TEXTS[i % 3], labels, threshold: T })),
    );
    for (const [i, labels] of labelSets.entries()) {
      assertSameEntities([responses[i]?.body.entities ?? []], [await model.predictEntities(TEXTS[i % 3] as string, labels, { threshold: T })], `request ${i}`);
    }
    const metrics = (await get(batched, "/metrics")).body;
    assert.match(metrics, /gliner_batch_size_count\{task="ner"\} 1\n/, "six requests, one model call");
    assert.match(metrics, /gliner_batch_size_sum\{task="ner"\} 6\n/);
    await batched.close();
  });

  test("different thresholds never share a call", async () => {
    const batched = await createApp(model, { processMetrics: false, batching: { maxWaitMs: 30 } });
    const [low, high] = await Promise.all([
      post<{ entities: Entity[] }>(batched, "/v1/ner", { text: TEXTS[0], labels: LABELS, threshold: 0.2 }),
      post<{ entities: Entity[] }>(batched, "/v1/ner", { text: TEXTS[0], labels: LABELS, threshold: 0.6 }),
    ]);
    assert.ok((low?.body.entities.length ?? 0) > (high?.body.entities.length ?? 0));
    assert.match((await get(batched, "/metrics")).body, /gliner_batch_size_count\{task="ner"\} 2\n/);
    await batched.close();
  });

  describe("limits", () => {
    let small: GlinerApp;
    before(async () => {
      small = await createApp(model, {
        processMetrics: false,
        limits: { bodyLimit: 4096, maxTextLength: 1000, maxTexts: 3, maxLabels: 4, maxLabelLength: 20 },
      });
    });
    after(() => small.close());

    const cases: [string, unknown, number, string, RegExp][] = [
      ["body over bodyLimit", { text: "x".repeat(5000), labels: ["a"] }, 413, "BODY_TOO_LARGE", /larger than the server's limit/],
      ["text over maxTextLength", { text: "word ".repeat(250), labels: ["a"] }, 413, "TEXT_TOO_LONG", /text has 1250 characters .* at most 1000/],
      ["one of texts over maxTextLength", { texts: ["ok", "word ".repeat(250)], labels: ["a"] }, 413, "TEXT_TOO_LONG", /texts\[1\] has 1250/],
      ["too many texts", { texts: ["a", "b", "c", "d"], labels: ["a"] }, 400, "INVALID_INPUT", /body\.texts must NOT have more than 3 items/],
      ["too many labels", { text: "a", labels: ["a", "b", "c", "d", "e"] }, 400, "INVALID_INPUT", /body\.labels must NOT have more than 4 items/],
      ["label too long", { text: "a", labels: ["a", "x".repeat(21)] }, 400, "INVALID_INPUT", /body\.labels\[1\] must NOT have more than 20 characters/],
      ["empty labels", { text: "a", labels: [] }, 400, "INVALID_INPUT", /body\.labels must NOT have fewer than 1 items/],
      ["blank label", { text: "a", labels: ["  "] }, 400, "INVALID_INPUT", /body\.labels\[0\] must contain a non-space character/],
      ["missing labels", { text: "a" }, 400, "INVALID_INPUT", /missing the required field "labels"/],
      ["text and texts", { text: "a", texts: ["b"], labels: ["a"] }, 400, "INVALID_INPUT", /either "text" .* or "texts"/],
      ["neither text nor texts", { labels: ["a"] }, 400, "INVALID_INPUT", /either "text"/],
      ["misspelt field", { text: "a", labels: ["a"], treshold: 0.3 }, 400, "INVALID_INPUT", /unknown field "treshold"/],
      ["threshold 1", { text: "a", labels: ["a"], threshold: 1 }, 400, "INVALID_INPUT", /body\.threshold must be < 1/],
      ["threshold as a string", { text: "a", labels: ["a"], threshold: "0.5" }, 400, "INVALID_INPUT", /body\.threshold must be number/],
      ["text not a string", { text: 5, labels: ["a"] }, 400, "INVALID_INPUT", /body\.text must be string/],
    ];
    for (const [name, payload, status, code, message] of cases) {
      test(`${name} → ${status} ${code}`, async () => {
        const response = await post<{ statusCode: number; code: string; message: string }>(small, "/v1/ner", payload);
        assert.equal(response.status, status, response.raw);
        assert.equal(response.body.code, code);
        assert.equal(response.body.statusCode, status);
        assert.match(response.body.message, message);
      });
    }

    test("a text at the cap is accepted", async () => {
      const { status } = await post(small, "/v1/ner", { text: "word ".repeat(200), labels: ["a"] });
      assert.equal(status, 200);
    });
  });

  test("malformed bodies: invalid JSON → 400, not JSON → 415", async () => {
    const bad = await app.inject({ method: "POST", url: "/v1/ner", headers: { "content-type": "application/json" }, payload: '{"text": ' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, "INVALID_INPUT");
    const text = await app.inject({ method: "POST", url: "/v1/ner", headers: { "content-type": "text/plain" }, payload: "hello" });
    assert.equal(text.statusCode, 415);
    assert.match(text.json().message, /application\/json/);
  });

  test("unknown routes and methods answer a JSON 404", async () => {
    for (const response of [await get(app, "/v1/nope"), await get(app, "/v1/ner")]) {
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().code, "NOT_FOUND");
      assert.match(response.json().message, /openapi\.json/);
    }
  });
});
