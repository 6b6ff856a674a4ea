/**
 * Health, readiness, metrics, OpenAPI, CORS, overload (429), timeouts (503), unexpected failures (500 without
 * internals) and the static page, through inject().
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GLiNER, type GLiNERBase } from "../../src/node.js";
import { createApp } from "../../src/server/app.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { get, post, slowModel } from "./helpers.js";

const REQUEST = { text: "Bill Gates founded Microsoft in Seattle.", labels: ["person", "organization"], threshold: 0.3 };

describe("server system routes", () => {
  let model: GLiNER;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
  });
  after(() => model.dispose());

  test("/healthz answers at once; /readyz and inference wait for the model", async () => {
    let resolveModel: (m: GLiNERBase) => void = () => {};
    const app = await createApp(new Promise<GLiNERBase>((resolve) => (resolveModel = resolve)), { processMetrics: false });
    assert.equal((await get(app, "/healthz")).statusCode, 200);
    const notReady = await get(app, "/readyz");
    assert.equal(notReady.statusCode, 503);
    assert.equal(notReady.json().code, "NOT_READY");
    const early = await post(app, "/v1/ner", REQUEST);
    assert.equal(early.status, 503);
    assert.equal(early.body["code"], "NOT_READY");
    assert.equal(early.headers["retry-after"], "2");
    resolveModel(model);
    await new Promise((resolve) => setImmediate(resolve));
    const ready = await get(app, "/readyz");
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: "ready", queued: 0, inFlight: 0 });
    assert.equal((await post(app, "/v1/ner", REQUEST)).status, 200);
    assert.equal((await get(app, "/v1/model")).json().mode, "span");
    assert.equal((await get(app, "/v1/model")).json().family, "uni-span");
    await app.close();
  });

  test("/v1/model names the words per pass maxLength, as the load option does, in its body and OpenAPI schema", async () => {
    const short = await GLiNER.fromPretrained(SPAN_MODEL, { maxLength: 100 });
    const app = await createApp(Promise.resolve(short), { processMetrics: false });
    try {
      const info = (await get(app, "/v1/model")).json() as Record<string, unknown>;
      assert.equal(info["maxLength"], 100);
      assert.equal("maxLen" in info, false);
      const spec = (await get(app, "/openapi.json")).json() as { paths: Record<string, { get?: { responses: Record<string, { content: Record<string, { schema: { required: string[]; properties: object } }> }> } }> };
      const schema = spec.paths["/v1/model"]?.get?.responses["200"]?.content["application/json"]?.schema;
      assert.ok(schema?.required.includes("maxLength") && "maxLength" in schema.properties);
    } finally {
      await app.close();
      await short.dispose();
    }
  });

  test("a model that fails to load keeps /readyz at 503 and says so", async () => {
    const failing = Promise.reject(new Error("no such model"));
    const app = await createApp(failing, { processMetrics: false });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await get(app, "/readyz")).statusCode, 503);
    const response = await post(app, "/v1/ner", REQUEST);
    assert.equal(response.status, 503);
    assert.match(String(response.body["message"]), /failed to load/);
    await app.close();
  });

  test("a full queue answers 429 with Retry-After; admitted requests still succeed", async () => {
    const slow = slowModel(model, 150);
    const app = await createApp(slow, { processMetrics: false, batching: { maxBatchSize: 1, maxWaitMs: 0, maxQueue: 1 } });
    const responses = await Promise.all([1, 2, 3].map(() => post(app, "/v1/ner", REQUEST)));
    assert.deepEqual(responses.map((r) => r.status).sort(), [200, 200, 429]);
    const refused = responses.find((r) => r.status === 429);
    assert.equal(refused?.body["code"], "QUEUE_FULL");
    assert.match(String(refused?.headers["retry-after"]), /^[1-9]\d*$/);
    assert.match(String(refused?.body["message"]), /busy/);
    assert.match((await get(app, "/metrics")).body, /gliner_rejected_total\{reason="queue_full"\} 1/);
    await app.close();
  });

  test("a request past its timeout answers 503 TIMEOUT with Retry-After", async () => {
    const app = await createApp(slowModel(model, 300), { processMetrics: false, batching: { timeoutMs: 50 } });
    const response = await post(app, "/v1/ner", REQUEST);
    assert.equal(response.status, 503);
    assert.equal(response.body["code"], "TIMEOUT");
    assert.match(String(response.body["message"]), /within 50 ms/);
    assert.ok(Number(response.headers["retry-after"]) >= 1);
    await app.close();
  });

  test("an unexpected failure is a generic 500: no message, path or stack from inside", async () => {
    const broken = Object.create(model) as GLiNERBase;
    broken.run = async () => {
      throw new Error("ENOENT /secret/path/model.onnx");
    };
    const app = await createApp(broken, { processMetrics: false });
    const response = await post(app, "/v1/ner", REQUEST);
    assert.equal(response.status, 500);
    assert.equal(response.body["code"], "INTERNAL");
    assert.doesNotMatch(response.raw, /secret|ENOENT|\.ts:|at /);
    await app.close();
  });

  test("/metrics: Prometheus text with requests, latency, batch sizes and queue depth", async () => {
    const app = await createApp(model);
    await post(app, "/v1/ner", REQUEST);
    await post(app, "/v1/ner", { ...REQUEST, labels: [] });
    const response = await get(app, "/metrics");
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
    const body = response.body;
    assert.match(body, /gliner_http_requests_total\{route="\/v1\/ner",method="POST",status="200"\} 1/);
    assert.match(body, /gliner_http_requests_total\{route="\/v1\/ner",method="POST",status="400"\} 1/);
    assert.match(body, /gliner_http_request_duration_seconds_bucket\{le="0.005",route="\/v1\/ner"\}/);
    assert.match(body, /gliner_batch_size_count\{task="ner"\} 1/);
    assert.match(body, /gliner_batch_duration_seconds_count\{task="ner"\} 1/);
    assert.match(body, /gliner_queue_depth 0/);
    assert.match(body, /gliner_process_resident_memory_bytes/, "process metrics are on by default");
    await app.close();
  });

  test("/openapi.json describes every route with its request and response schemas; /docs serves the UI", async () => {
    const app = await createApp(model, { processMetrics: false });
    const doc = (await get(app, "/openapi.json")).json();
    assert.equal(doc.openapi, "3.0.3");
    for (const path of ["/v1/ner", "/gliner", "/healthz", "/readyz", "/metrics", "/v1/model"]) assert.ok(doc.paths[path], `${path} documented`);
    const ner = doc.paths["/v1/ner"].post;
    const body = ner.requestBody.content["application/json"].schema;
    assert.deepEqual(body.required, ["labels"]);
    assert.equal(body.properties.threshold.exclusiveMaximum, 1);
    assert.ok(ner.responses["200"] && ner.responses["429"] && ner.responses["413"]);
    const docs = await get(app, "/docs");
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger-ui/i);
    assert.doesNotMatch(docs.body, /(src|href)="(https?:)?\/\//, "the API docs load nothing from a CDN");
    await app.close();
  });

  test("CORS is off by default and allows only the configured origins", async () => {
    const closed = await createApp(model, { processMetrics: false });
    const plain = await closed.inject({ method: "GET", url: "/healthz", headers: { origin: "https://a.example" } });
    assert.equal(plain.headers["access-control-allow-origin"], undefined);
    await closed.close();

    const open = await createApp(model, { processMetrics: false, cors: ["https://a.example"] });
    const allowed = await open.inject({ method: "GET", url: "/healthz", headers: { origin: "https://a.example" } });
    assert.equal(allowed.headers["access-control-allow-origin"], "https://a.example");
    const other = await open.inject({ method: "GET", url: "/healthz", headers: { origin: "https://b.example" } });
    assert.equal(other.headers["access-control-allow-origin"], undefined);
    const preflight = await open.inject({
      method: "OPTIONS",
      url: "/v1/ner",
      headers: { origin: "https://a.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    assert.equal(preflight.statusCode, 204);
    assert.match(String(preflight.headers["access-control-allow-methods"]), /POST/);
    await open.close();
  });

  test("the page, its assets, and dist-web under /web/ when present", async () => {
    const web = mkdtempSync(join(tmpdir(), "gliner-web-"));
    writeFileSync(join(web, "client.js"), "export const answer = 42;\n");
    const app = await createApp(model, { processMetrics: false, webDir: web });
    const page = await get(app, "/");
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers["content-type"]), /text\/html/);
    assert.equal(page.headers["cross-origin-opener-policy"], "same-origin", "cross-origin isolated: WASM threads for the browser engine");
    assert.equal(page.headers["cross-origin-embedder-policy"], "require-corp");
    assert.match(page.body, /<script type="module" src="\.\/app\.js">/);
    assert.doesNotMatch(page.body, /(src|href)="(https?:)?\/\//, "no CDN: everything comes from this server");
    for (const module of ["app.js", "engine.js", "render.js", "tasks.js", "chips.js"]) {
      const script = await get(app, `/${module}`);
      assert.equal(script.statusCode, 200, module);
      assert.doesNotMatch(script.body, /from\s+["']https?:|import\(["']https?:/, `${module} imports nothing from the network`);
    }
    assert.match(String((await get(app, "/app.js")).headers["content-type"]), /javascript/);
    assert.match(String((await get(app, "/style.css")).headers["content-type"]), /text\/css/);
    const client = await get(app, "/web/client.js");
    assert.equal(client.statusCode, 200);
    assert.match(client.body, /answer = 42/);
    assert.equal(client.headers["cross-origin-embedder-policy"], "require-corp");
    assert.equal((await get(app, "/web/../package.json")).statusCode, 404);
    await app.close();

    const noPage = await createApp(model, { processMetrics: false, page: false, webDir: join(web, "missing") });
    assert.equal((await get(noPage, "/")).statusCode, 404);
    assert.equal((await get(noPage, "/web/client.js")).statusCode, 404);
    await noPage.close();
  });
});
