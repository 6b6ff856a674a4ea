/**
 * POST /gliner on a relex model answers as the reference's relex server: `entities` and `relations` (head/tail
 * with entity_idx), offsets in code points — checked against the relex-span goldens themselves, which hold the
 * Python library's answers in exactly that shape. Concurrent single-text requests are coalesced by the batcher.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { SCORE_TOLERANCE } from "../helpers/entities.js";
import { convertedRelex, readGolden, type RelexGoldenCase, type RelexGoldenFile } from "../helpers/relex.js";
import { pythonJsonDumps } from "./helpers.js";

interface Answer {
  entities: { start: number; end: number; text: string; label: string; score: number }[];
  relations: { head: object; tail: object; relation: string; score: number }[];
}

/** Scores within float noise, everything else equal. */
function assertSameAnswer(actual: Answer, c: RelexGoldenCase, i: number): void {
  const strip = <T extends { score: number }>(items: readonly T[]) => items.map(({ score: _, ...rest }) => rest);
  assert.deepEqual(strip(actual.entities), strip(c.entities![i]!), `${c.id}: entities`);
  assert.deepEqual(strip(actual.relations), strip(c.relations![i]!), `${c.id}: relations`);
  const scores = [...actual.entities, ...actual.relations].map((x) => x.score);
  const expected = [...c.entities![i]!, ...c.relations![i]!].map((x) => x.score);
  scores.forEach((s, k) => assert.ok(Math.abs(s - expected[k]!) <= SCORE_TOLERANCE, `${c.id}: score ${s} vs ${expected[k]}`));
}

describe("server routes on a relex model", () => {
  const cases = readGolden<RelexGoldenFile>("relex-span.json").cases;
  let converted: Awaited<ReturnType<typeof convertedRelex>>;
  let model: GLiNER;
  let app: GlinerApp;
  before(async () => {
    converted = await convertedRelex("relex-span");
    model = await GLiNER.fromPretrained(converted.dir);
    app = await createApp(model, { processMetrics: false, batching: { maxWaitMs: 40 } });
  });
  after(async () => {
    await app.close();
    await model.dispose();
    await converted.remove();
  });

  const post = async (payload: Record<string, unknown>) => {
    const response = await app.inject({ method: "POST", url: "/gliner", headers: { "content-type": "application/json" }, payload: pythonJsonDumps(payload) });
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Answer;
  };

  test("a relex request answers the reference's entities and relations (code points, entity_idx)", async () => {
    for (const id of ["rel_unicode", "rel_seed_relation_threshold_0.3", "rel_multi_label"]) {
      const c = cases.find((k) => k.id === id)!;
      const payload = {
        text: c.call.texts[0],
        labels: c.call.labels,
        relations: c.call.relations,
        flat_ner: c.call.flat_ner,
        multi_label: c.call.multi_label,
        threshold: c.call.threshold,
        ...(c.call.relation_threshold === null ? {} : { relation_threshold: c.call.relation_threshold }),
      };
      const answer = await post(payload);
      assert.deepEqual(Object.keys(answer), ["entities", "relations"]);
      assertSameAnswer(answer, c, 0);
    }
  });

  test("/v1/relations uses the relation head: the answer equals extractRelations, labelThresholds included", async () => {
    const c = cases.find((k) => k.id === "rel_multi_label")!;
    const options = { relations: c.call.relations as string[], entityLabels: c.call.labels as string[], entityThreshold: 0.3, multiLabel: true };
    const answers: unknown[] = [];
    // Every label at 0.5 drops the golden's "is" (0.4355 for each label) and its relations (test/core/relex-thresholds.test.ts).
    for (const extra of [{}, { labelThresholds: Object.fromEntries(options.entityLabels.map((l) => [l, 0.5])) }]) {
      const response = await app.inject({ method: "POST", url: "/v1/relations", payload: { text: c.call.texts[0], ...options, ...extra } });
      assert.equal(response.statusCode, 200, response.body);
      const expected = await model.extractRelations(c.call.texts[0]!, { ...options, ...extra });
      assert.ok(expected.length > 0);
      assert.deepEqual((response.json() as { relations: unknown }).relations, expected);
      answers.push(expected);
    }
    assert.notDeepEqual(answers[0], answers[1]);
  });

  test("a relex request's deadline reaches the relation call, whose signal stops its remaining passes", async () => {
    const c = cases.find((k) => k.id === "rel_unicode")!;
    const signals: unknown[] = [];
    const original = model.batchPredictRelations.bind(model);
    model.batchPredictRelations = (texts, labels, relations, options) => {
      signals.push(options?.signal);
      return original(texts, labels, relations, options);
    };
    try {
      await post({ text: c.call.texts[0], labels: c.call.labels, relations: c.call.relations, flat_ner: true, multi_label: false });
    } finally {
      Reflect.deleteProperty(model, "batchPredictRelations");
    }
    assert.equal(signals.length, 1);
    assert.ok(signals[0] instanceof AbortSignal);
  });

  test("concurrent requests (the client's thread pool) each get their own text's answer; no relations asked: relations []", async () => {
    const c = cases.find((k) => k.id === "batch_5")!;
    const answers = await Promise.all(
      c.call.texts.map((text) => post({ text, labels: c.call.labels, relations: c.call.relations, flat_ner: true, multi_label: false })),
    );
    answers.forEach((answer, i) => assertSameAnswer(answer, c, i));
    const none = await post({ text: c.call.texts[0], labels: c.call.labels, flat_ner: true, multi_label: false });
    assert.deepEqual(none.relations, []);
  });
});
