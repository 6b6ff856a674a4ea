/**
 * The multitask routes through inject(): each answers what the library's task method returns for the same
 * text and options (token-level fixture model, the multitask models' kind), per text with `texts`, batched
 * across concurrent clients, with 400s for bad task input.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";
import { get, post } from "./helpers.js";

const TEXTS = [
  "Apple CEO Tim Cook unveiled the iPhone 15 in Cupertino on September 12, 2023.",
  "Élodie Dupont 🚀 a rejoint Mistral AI à Paris, et les analystes sont ravis.",
];
const T = 0.3;

/** Scores within 1e-5 (batch padding moves float32 sums slightly); everything else equal. */
function assertClose(actual: unknown, expected: unknown, path = "answer"): void {
  if (typeof expected === "number" && !Number.isInteger(expected)) {
    assert.ok(typeof actual === "number" && Math.abs(actual - expected) <= 1e-5, `${path}: ${String(actual)} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is a list`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${path}[${i}]`));
  } else if (typeof expected === "object" && expected !== null) {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: fields`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

describe("task routes", () => {
  let model: GLiNER;
  let app: GlinerApp;
  before(async () => {
    model = await GLiNER.fromPretrained(TOKEN_MODEL);
    app = await createApp(model, { processMetrics: false });
  });
  after(async () => {
    await app.close();
    await model.dispose();
  });

  const relationOptions = {
    relations: ["CEO of", { relation: "located in", pairsFilter: [["organization", "location"]] as [string, string][], distanceThreshold: 200 }],
    entityLabels: ["person", "organization", "location"],
    entityThreshold: T,
    relationThreshold: T,
  };

  // [route, request fields, the library call for one text, the answer field]
  const cases: [string, Record<string, unknown>, (text: string) => Promise<unknown>, string][] = [
    ["relations", relationOptions, (text) => model.extractRelations(text, relationOptions), "relations"],
    ["qa", { question: "Who leads Apple?", threshold: T, topK: 3 }, (text) => model.answer("Who leads Apple?", text, { threshold: T, topK: 3 }), "answers"],
    ["summarize", { threshold: T }, (text) => model.summarize(text, { threshold: T }), ""],
    ["classify", { classes: ["technology", "sports", "politics"], threshold: T, multiLabel: true }, (text) => model.classify(text, ["technology", "sports", "politics"], { threshold: T, multiLabel: true }), "classifications"],
    ["extract", { instruction: "Find every product:", labels: ["product", "company"], threshold: T }, (text) => model.extract("Find every product:", text, { labels: ["product", "company"], threshold: T }), "entities"],
    ["sentiment", { threshold: T, polarities: ["positive", "negative"] }, (text) => model.extractSentiment(text, { threshold: T, polarities: ["positive", "negative"] }), "sentiments"],
    ["keyphrases", { threshold: T, topK: 4 }, (text) => model.extractKeyphrases(text, { threshold: T, topK: 4 }), "keyphrases"],
  ];

  for (const [route, fields, library, field] of cases) {
    test(`/v1/${route}: the library's answer, for one text and for several`, async () => {
      const expected = await Promise.all(TEXTS.map((text) => library(text)));
      const one = await post(app, `/v1/${route}`, { text: TEXTS[0], ...fields });
      assert.equal(one.status, 200, one.raw);
      assertClose(one.body, field === "" ? expected[0] : { [field]: expected[0] });
      const many = await post(app, `/v1/${route}`, { texts: TEXTS, ...fields });
      assert.equal(many.status, 200, many.raw);
      if (field === "") {
        const summaries = expected as { summary: string; spans: unknown[] }[];
        assertClose(many.body, { summary: summaries.map((s) => s.summary), spans: summaries.map((s) => s.spans) });
      } else {
        assertClose(many.body, { [field]: expected });
      }
    });
  }

  test("the fixture finds something for every task (the comparisons above are not all empty)", async () => {
    const relations = await model.extractRelations(TEXTS[0] as string, relationOptions);
    const answers = await model.answer("Who leads Apple?", TEXTS[0] as string, { threshold: T });
    const summary = await model.summarize(TEXTS[0] as string, { threshold: T });
    assert.ok(relations.length > 0 && answers.length > 0 && summary.spans.length > 0);
  });

  test("concurrent questions about different texts share one model call", async () => {
    const batched = await createApp(model, { processMetrics: false, batching: { maxWaitMs: 50 } });
    const questions = ["Who leads Apple?", "Where was the iPhone unveiled?", "Qui a rejoint Mistral AI ?"];
    const responses = await Promise.all(questions.map((question, i) => post(batched, "/v1/qa", { text: TEXTS[i % 2], question, threshold: T })));
    for (const [i, question] of questions.entries()) {
      assertClose(responses[i]?.body, { answers: await model.answer(question, TEXTS[i % 2] as string, { threshold: T }) }, question);
    }
    assert.match((await get(batched, "/metrics")).body, /gliner_batch_size_count\{task="qa"\} 1\n/);
    await batched.close();
  });

  test("bad task input is a 400 naming the problem; a bad request does not fail its batch neighbours", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["qa", { text: "a" }, /missing the required field "question"/],
      ["qa", { text: "a", question: "   " }, /body\.question must contain a non-space character/],
      ["qa", { text: "a", question: "Who?", topK: 0 }, /body\.topK must be >= 1/],
      ["classify", { text: "a", classes: [] }, /body\.classes must NOT have fewer than 1 items/],
      ["classify", { text: "a", classes: ["x, y"] }, /class "x, y" contains ", "/],
      ["relations", { text: "a", relations: [{ relation: "r", pairsFilter: [["person", "city"]] }] }, /"person", which is not among the entity labels/],
      ["relations", { text: "a", relations: [{ relation: "r", extra: 1 }] }, /body\.relations\[0\]/],
      ["sentiment", { text: "a", polarities: ["happy"] }, /body\.polarities\[0\] must be equal to one of the allowed values/],
      ["extract", { text: "a" }, /missing the required field "instruction"/],
      ["summarize", { text: "a", question: "why?" }, /unknown field "question"/],
    ];
    for (const [route, payload, message] of cases) {
      const response = await post(app, `/v1/${route}`, payload);
      assert.equal(response.status, 400, `${route} ${JSON.stringify(payload)}: ${response.raw}`);
      assert.match(String(response.body["message"]), message, route);
    }
    const batched = await createApp(model, { processMetrics: false, batching: { maxWaitMs: 50 } });
    const [bad, good] = await Promise.all([
      post(batched, "/v1/classify", { text: TEXTS[0], classes: ["x, y"], threshold: T }),
      post(batched, "/v1/classify", { text: TEXTS[1], classes: ["technology", "sports"], threshold: T }),
    ]);
    assert.equal(bad?.status, 400);
    assert.equal(good?.status, 200);
    assertClose(good?.body, { classifications: await model.classify(TEXTS[1] as string, ["technology", "sports"], { threshold: T }) });
    await batched.close();
  });

  test("/v1/model lists every task route and /openapi.json documents them", async () => {
    const info = (await get(app, "/v1/model")).json();
    assert.deepEqual(info.tasks, ["ner", "relations", "qa", "summarize", "classify", "extract", "sentiment", "keyphrases"]);
    const doc = (await get(app, "/openapi.json")).json();
    for (const task of info.tasks) assert.ok(doc.paths[`/v1/${task}`]?.post?.requestBody, `/v1/${task} documented`);
  });
});
