/** The server keeps a bi-encoder's label-embedding cache across requests (/v1/ner, /gliner) and reports it. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { get, post } from "./helpers.js";

let model: GLiNER;
let app: GlinerApp;
before(async () => {
  model = await GLiNER.fromPretrained(join(FIXTURES, "models", "bi-span"));
  app = await createApp(model, { processMetrics: false });
});
after(async () => {
  await app.close();
  await model.dispose();
});

test("a second request with the same labels does not run the labels encoder", async () => {
  const request = { text: "Tim Cook is the CEO of Apple.", labels: ["person", "organization", "location"], threshold: 0.3 };
  const info = (await get(app, "/v1/model")).json();
  assert.equal(info.family, "bi-span");
  const first = await post(app, "/v1/ner", request);
  assert.equal(first.status, 200);
  const afterFirst = (await get(app, "/v1/model")).json().labelCache;
  const second = await post(app, "/v1/ner", { ...request, text: "Angela Merkel visited Paris." });
  assert.equal(second.status, 200);
  const afterSecond = (await get(app, "/v1/model")).json().labelCache;
  assert.equal(afterSecond.misses, afterFirst.misses, "no label encoded again");
  assert.equal(afterSecond.hits, afterFirst.hits + 3);
  assert.equal(afterSecond.size, 3);
  assert.deepEqual(first.body["entities"], await model.predictEntities(request.text, request.labels, { threshold: 0.3 }));
});
