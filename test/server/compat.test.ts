/**
 * The drop-in route for Python `gliner.serve` clients. Bodies are built exactly as `GLiNERClient` builds them
 * (`_build_payload` + `json.dumps`: snake_case keys, `flat_ner`/`multi_label` always present, `threshold` only
 * when given, non-ASCII escaped as \uXXXX), a list of texts is sent as concurrent single-text requests as the
 * client's thread pool does, and answers must equal the library's entities with offsets in code points.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Entity, GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";
import { get, pythonJsonDumps, pythonSlice } from "./helpers.js";

const TEXTS = [
  "🚀 Élodie Dupont a rejoint Mistral AI à Paris 🇫🇷 en 2023.",
  "Zoe\u0301 Saldaña met Björk in Reykjavík 🎶 on Tuesday.",
  "Tim Cook 👨‍💻 leads Apple in Cupertino, California.",
  "東京タワー 🗼 は東京にあります。",
];
const LABELS = ["person", "organization", "location", "date"];

/** `GLiNERClient._build_payload`. */
function clientPayload(text: string, labels: string[], options: { threshold?: number; flatNer?: boolean; multiLabel?: boolean; relations?: string[] } = {}) {
  const payload: Record<string, unknown> = { text, labels, flat_ner: options.flatNer ?? true, multi_label: options.multiLabel ?? false };
  if (options.relations !== undefined) payload["relations"] = options.relations;
  if (options.threshold !== undefined) payload["threshold"] = options.threshold;
  return payload;
}

/** `GLiNERClient._post`: `json.dumps(payload).encode()` with `Content-Type: application/json`. */
async function clientPost(app: GlinerApp, payload: unknown, route = "/gliner") {
  const response = await app.inject({ method: "POST", url: route, headers: { "content-type": "application/json" }, payload: pythonJsonDumps(payload) });
  return { status: response.statusCode, body: response.json() as { entities: Entity[]; code?: string; message?: string } };
}

/** The library's entities with offsets converted to code points, as the Python server reports them. */
function toCodePoints(text: string, entities: readonly Entity[]): Entity[] {
  const points = (utf16: number) => [...text.slice(0, utf16)].length;
  return entities.map((e) => ({ ...e, start: points(e.start), end: points(e.end) }));
}

describe("POST /gliner (Python gliner.serve clients)", () => {
  let model: GLiNER;
  let app: GlinerApp;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
    app = await createApp(model, { processMetrics: false, batching: { maxWaitMs: 40 } });
  });
  after(async () => {
    await app.close();
    await model.dispose();
  });

  test("the client's JSON escapes non-ASCII text; the payload helper matches json.dumps", () => {
    assert.equal(pythonJsonDumps({ text: "é🚀", labels: ["a"], flat_ner: true }), '{"text": "\\u00e9\\ud83d\\ude80", "labels": ["a"], "flat_ner": true}');
  });

  test("a list of texts, sent as concurrent requests like the client's thread pool, answers per text in code points", async () => {
    const responses = await Promise.all(TEXTS.map((text) => clientPost(app, clientPayload(text, LABELS, { threshold: 0.3 }))));
    let seen = 0;
    let shifted = 0;
    for (const [i, text] of TEXTS.entries()) {
      const response = responses[i];
      assert.equal(response?.status, 200);
      assert.deepEqual(Object.keys(response?.body ?? {}), ["entities"], "the reference's response shape");
      const expected = toCodePoints(text, await model.predictEntities(text, LABELS, { threshold: 0.3 }));
      assertSameEntities([response?.body.entities ?? []], [expected], text);
      for (const e of response?.body.entities ?? []) {
        assert.deepEqual(Object.keys(e), ["start", "end", "text", "label", "score"]);
        assert.equal(pythonSlice(text, e.start, e.end), e.text, "Python's text[start:end] is the entity text");
        if (text.slice(e.start, e.end) !== e.text) shifted++;
        seen++;
      }
    }
    assert.ok(seen >= 4 && shifted >= 1, `${seen} entities, ${shifted} after an astral character (offsets differ from UTF-16)`);
    const metrics = (await get(app, "/metrics")).body;
    const batches = Number(/gliner_batch_size_count\{task="ner"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(batches < TEXTS.length, `the ${TEXTS.length} concurrent requests shared model calls (${batches} calls)`);
  });

  test("flat_ner and multi_label reach the model; no threshold means the reference's 0.5", async () => {
    const text = TEXTS[2] as string;
    const nested = await clientPost(app, clientPayload(text, LABELS, { threshold: 0.2, flatNer: false, multiLabel: true }));
    const expected = await model.predictEntities(text, LABELS, { threshold: 0.2, flatNer: false, multiLabel: true });
    assertSameEntities([nested.body.entities], [toCodePoints(text, expected)], "nested");
    const defaults = await clientPost(app, clientPayload(text, LABELS));
    assertSameEntities([defaults.body.entities], [toCodePoints(text, await model.predictEntities(text, LABELS))], "defaults");
    const nulls = await clientPost(app, { ...clientPayload(text, LABELS), threshold: null, relations: null, relation_threshold: null, adapter_id: null });
    assert.equal(nulls.status, 200, "None values (json null) are the defaults, as payload.get() reads them");
    assert.deepEqual(nulls.body, defaults.body);
  });

  test("relations: the relex answer shape, head/tail pointing into entities, in code points", async () => {
    const text = "🚀 Apple CEO Tim Cook unveiled the iPhone in Cupertino; Élodie runs Mistral AI in Paris.";
    const relations = ["CEO of", "located in"];
    const response = await clientPost(app, { ...clientPayload(text, LABELS, { threshold: 0.3, relations }), relation_threshold: 0.3 });
    assert.equal(response.status, 200);
    const body = response.body as unknown as {
      entities: Entity[];
      relations: { head: Record<string, unknown>; tail: Record<string, unknown>; relation: string; score: number }[];
    };
    assert.deepEqual(Object.keys(body), ["entities", "relations"]);
    const entities = await model.predictEntities(text, LABELS, { threshold: 0.3 });
    assertSameEntities([body.entities], [toCodePoints(text, entities)], "entities");
    const expected = await model.extractRelations(text, { relations, entities, relationThreshold: 0.3 });
    assert.ok(expected.length > 0, "the fixture model links some relations at 0.3");
    assert.equal(body.relations.length, expected.length);
    body.relations.forEach((r, i) => {
      const want = expected[i];
      assert.equal(r.relation, want?.relation);
      assert.ok(Math.abs(r.score - (want?.score ?? 0)) < 1e-5);
      for (const [end, entity] of [[r.head, want?.source], [r.tail, want?.target]] as const) {
        assert.deepEqual(Object.keys(end), ["start", "end", "text", "type", "entity_idx"]);
        const [converted] = toCodePoints(text, [entity as Entity]);
        assert.deepEqual([end["start"], end["end"], end["text"], end["type"]], [converted?.start, converted?.end, entity?.text, entity?.label]);
        const pointed = body.entities[end["entity_idx"] as number];
        assert.deepEqual([pointed?.start, pointed?.end, pointed?.label], [end["start"], end["end"], end["type"]]);
      }
    });
    const none = await clientPost(app, { ...clientPayload(text, LABELS, { threshold: 0.3, relations: [] }) });
    assert.deepEqual(Object.keys(none.body), ["entities"], "an empty relations list asks for none, as in the reference");
  });

  test('adapter_id: "__base__" is the served model; any other adapter is a 400, never ignored', async () => {
    const text = TEXTS[0] as string;
    const base = await clientPost(app, { ...clientPayload(text, LABELS, { threshold: 0.3 }), adapter_id: "__base__" });
    assert.equal(base.status, 200);
    const lora = await clientPost(app, { ...clientPayload(text, LABELS), adapter_id: "customer-42" });
    assert.equal(lora.status, 400);
    assert.equal(lora.body.code, "UNSUPPORTED");
    assert.match(lora.body.message ?? "", /adapter_id "customer-42" cannot be loaded/);
  });

  test("unknown fields and bad values are 400s that name the field", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...clientPayload("a", LABELS), top_k: 3 }, /unknown field "top_k"/],
      [{ ...clientPayload("a", LABELS), threshold: 1.5 }, /body\.threshold must be < 1/],
      [{ ...clientPayload("a", []) }, /body\.labels must NOT have fewer than 1 items/],
      [{ labels: LABELS, flat_ner: true, multi_label: false }, /missing the required field "text"/],
      [{ ...clientPayload("a", LABELS), text: ["a", "b"] }, /body\.text must be string/],
    ];
    for (const [payload, message] of cases) {
      const response = await clientPost(app, payload);
      assert.equal(response.status, 400, JSON.stringify(payload));
      assert.match(response.body.message ?? "", message);
    }
  });

  test("the route prefix is configurable, a trailing slash is accepted, and the route can be turned off", async () => {
    const custom = await createApp(model, { processMetrics: false, compatRoute: "/api/ner/" });
    assert.equal((await clientPost(custom, clientPayload("Tim Cook", LABELS), "/api/ner")).status, 200);
    assert.equal((await clientPost(custom, clientPayload("Tim Cook", LABELS), "/api/ner/")).status, 200);
    assert.equal((await clientPost(custom, clientPayload("Tim Cook", LABELS), "/gliner")).status, 404);
    await custom.close();
    const off = await createApp(model, { processMetrics: false, compatRoute: false });
    assert.equal((await clientPost(off, clientPayload("Tim Cook", LABELS))).status, 404);
    await off.close();
    await assert.rejects(createApp(model, { compatRoute: "gliner" }), /must be a path starting with "\/"/);
  });
});
