/** `POST /v1/schema` with a GLiNER2 model next to the GLiNER one: results, OpenAPI, errors. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, GLiNER2 } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { GLINER2_MODEL } from "../gliner2/golden-helpers.js";
import { get, post } from "./helpers.js";

const TEXT = "Order #4521: two Dell XPS 13 laptops shipped to Berlin by DHL Express.";
const SCHEMA = { entities: ["product", "location"], classifications: { intent: ["purchase", "complaint"] }, structures: { order: ["id::str", "carrier::[dhl|ups]::str"] }, relations: ["shipped_to"] };

describe("POST /v1/schema", () => {
  let gliner: GLiNER;
  let gliner2: GLiNER2;
  let app: GlinerApp;
  before(async () => {
    gliner = await GLiNER.fromPretrained(SPAN_MODEL);
    gliner2 = await GLiNER2.fromPretrained(GLINER2_MODEL);
    app = await createApp(gliner, { gliner2, page: false });
  });
  after(async () => {
    await app.close();
    await gliner.dispose();
    await gliner2.dispose();
  });

  test("one text and many: the library's results", async () => {
    const one = await post(app, "/v1/schema", { text: TEXT, schema: SCHEMA, includeSpans: true, includeConfidence: true, threshold: 0.4 });
    assert.equal(one.status, 200, one.raw);
    assert.deepEqual(one.body, { result: await gliner2.extract(TEXT, SCHEMA, { includeSpans: true, includeConfidence: true, threshold: 0.4 }) });
    const many = await post(app, "/v1/schema", { texts: [TEXT, "Berlin"], schema: SCHEMA, offsets: "codePoints", chunkSize: 6, chunkOverlap: 1 });
    assert.equal(many.status, 200, many.raw);
    assert.deepEqual(many.body, { results: await gliner2.batchExtractLong([TEXT, "Berlin"], SCHEMA, { offsets: "codePoints", chunkSize: 6, chunkOverlap: 1 }) });
  });

  test("the body's JSON schema is in the OpenAPI document and /v1/model lists the task", async () => {
    const doc = (await get(app, "/openapi.json")).json() as { paths: Record<string, { post?: { requestBody?: unknown } }>; components?: { schemas?: Record<string, unknown> } };
    assert.ok(doc.paths["/v1/schema"]?.post?.requestBody);
    assert.match(JSON.stringify(doc), /Gliner2Schema|structures/);
    const model = (await get(app, "/v1/model")).json() as { tasks: string[] };
    assert.ok(model.tasks.includes("schema"));
  });

  test("bad schemas are 400s naming the field", async () => {
    const dup = await post(app, "/v1/schema", { text: TEXT, schema: { structures: { order: ["id", "id::str"] } } });
    assert.equal(dup.status, 400);
    assert.match(String(dup.body["message"]), /field "id" twice/);
    const unknown = await post(app, "/v1/schema", { text: TEXT, schema: { entity: ["x"] } });
    assert.equal(unknown.status, 400);
    const dtype = await post(app, "/v1/schema", { text: TEXT, schema: { structures: { order: { id: { dtype: "int" } } } } });
    assert.equal(dtype.status, 400);
    assert.match(String(dtype.body["message"]), /structures\.order/);
  });

  test("a server without a GLiNER2 model has no schema route", async () => {
    const plain = await createApp(gliner, { page: false });
    try {
      assert.equal((await post(plain, "/v1/schema", { text: TEXT, schema: SCHEMA })).status, 404);
    } finally {
      await plain.close();
    }
  });
});
