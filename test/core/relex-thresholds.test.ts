/**
 * `labelThresholds` on relex models: per-label entity thresholds, as in `predictEntities`. The graph pairs the spans
 * above one threshold (the text's lowest entity threshold); a relation is returned when both its ends are returned
 * entities. Expectations are computed from the goldens by hand.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RelationPrediction } from "../../src/node.js";
import { toUtf16 } from "../helpers/entities.js";
import { readGolden, type RelexFixture, type RelexGoldenCase, type RelexGoldenFile, useConvertedRelex } from "../helpers/relex.js";
import { utf16Offset } from "../helpers/fixtures.js";

function goldenCase(name: RelexFixture, id: string): RelexGoldenCase {
  return readGolden<RelexGoldenFile>(`${name}.json`).cases.find((c) => c.id === id)!;
}

/** Entities as [start, end, label] and relations as [head, relation, tail] (entity indices), scores kept apart. */
function shape(result: RelationPrediction) {
  return {
    entities: result.entities.map((e) => [e.start, e.end, e.label]),
    relations: result.relations.map((r) => [r.head.entityIdx, r.relation, r.tail.entityIdx]),
  };
}

describe("labelThresholds on a relex model (relex-span)", () => {
  const model = useConvertedRelex("relex-span");

  // Golden rel_multi_label (multiLabel, threshold 0.3): four spans, each with all four labels, and twelve relations.
  const CASE = "rel_multi_label";

  /** The golden result with the entities `drop` rejects removed, each relation end re-mapped by its boundaries. */
  function expectedWithout(c: RelexGoldenCase, drop: (e: { label: string; score: number }) => boolean) {
    const text = c.call.texts[0]!;
    const entities = toUtf16(text, c.entities![0]!).filter((e) => !drop(e));
    // The reference's rule: a pair's span goes to the FIRST returned entity with its boundaries, if any.
    const at = (end: { start: number; end: number }) =>
      entities.findIndex((e) => e.start === utf16Offset(text, end.start) && e.end === utf16Offset(text, end.end));
    const relations = c.relations![0]!.map((r) => ({ ...r, head: at(r.head), tail: at(r.tail) })).filter((r) => r.head >= 0 && r.tail >= 0);
    return { entities: entities.map((e) => [e.start, e.end, e.label]), relations: relations.map((r) => [r.head, r.relation, r.tail]), scores: relations.map((r) => r.score) };
  }

  async function predict(c: RelexGoldenCase, labelThresholds: Record<string, number>) {
    const options = { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label, truncation: "truncate" as const, onTruncate: () => {} };
    return model().predictRelations(c.call.texts[0]!, c.call.labels as string[], c.call.relations as string[], { ...options, labelThresholds });
  }

  test("label thresholds above a span's scores remove its entities and every relation that uses it", async () => {
    const c = goldenCase("relex-span", CASE);
    // "is" (9-11) scores 0.4355 for every label: at 0.5 it goes, with the six relations it is an end of.
    const everyLabel = Object.fromEntries((c.call.labels as string[]).map((l) => [l, 0.5]));
    const expected = expectedWithout(c, (e) => e.score <= 0.5);
    assert.deepEqual([expected.entities.length, expected.relations.length], [12, 6]);
    const result = await predict(c, everyLabel);
    assert.deepEqual(shape(result), { entities: expected.entities, relations: expected.relations });
    result.relations.forEach((r, j) => assert.ok(Math.abs(r.score - expected.scores[j]!) <= 1e-5, `relation ${j}: ${r.score}`));
  });

  test("one label's threshold removes that label's entities; a relation moves to the span's first remaining entity", async () => {
    const c = goldenCase("relex-span", CASE);
    // "person" is the first entity of "the CEO of" (12-22), the head of four relations: they now start at "location".
    const expected = expectedWithout(c, (e) => e.label === "person");
    assert.deepEqual([expected.entities.length, expected.relations.length], [12, 12]);
    const result = await predict(c, { person: 0.95 });
    assert.deepEqual(shape(result), { entities: expected.entities, relations: expected.relations });
    assert.ok(result.relations.some((r) => r.head.text === "the CEO of" && r.head.type === "location"));
  });

  test("the same through run(\"relations\") (server, CLI, batch): labelThresholds is a relations task option", async () => {
    const c = goldenCase("relex-span", CASE);
    const text = c.call.texts[0]!;
    const labels = c.call.labels as string[];
    const options = { entityLabels: labels, relations: c.call.relations as string[], entityThreshold: 0.3, relationThreshold: 0.3, multiLabel: true };
    const everyLabel = Object.fromEntries(labels.map((l) => [l, 0.5]));
    const found = await model().extractRelations(text, { ...options, labelThresholds: everyLabel });
    const expected = await model().predictRelations(text, labels, c.call.relations as string[], { threshold: 0.3, multiLabel: true, labelThresholds: everyLabel, uniqueRelations: true });
    assert.ok(found.length > 0 && found.every((r) => r.source.text !== "is" && r.target.text !== "is"));
    assert.deepEqual(
      found.map((r) => [r.source.text, r.source.label, r.relation, r.target.text, r.target.label, r.score]),
      expected.relations.map((r) => [r.head.text, r.head.type, r.relation, r.tail.text, r.tail.type, r.score]),
    );
  });
});

for (const name of ["relex-span", "relex-token"] as const) {
  describe(`labelThresholds below threshold (${name})`, () => {
    const model = useConvertedRelex(name);

    test("every label at 0.3 pairs and returns exactly what threshold 0.3 does (golden rel_multi_label)", async () => {
      const c = goldenCase(name, "rel_multi_label");
      const [text] = c.call.texts as [string];
      const labels = c.call.labels as string[];
      const relations = c.call.relations as string[];
      const held = { relationThreshold: 0.3, adjacencyThreshold: 0.3, multiLabel: true };
      const low = await model().predictRelations(text, labels, relations, { ...held, threshold: 0.3 });
      const base = await model().predictRelations(text, labels, relations, { ...held, threshold: 0.5 });
      const perLabel = await model().predictRelations(text, labels, relations, { ...held, threshold: 0.5, labelThresholds: Object.fromEntries(labels.map((l) => [l, 0.3])) });
      assert.equal(low.relations.length, c.relations![0]!.length, "the golden call");
      assert.ok(low.relations.length > base.relations.length, "threshold 0.3 finds more relations on this text");
      assert.deepEqual(perLabel, low);
    });

    test("a batch mixing texts of different pairing thresholds equals one call per text", async () => {
      const c = goldenCase(name, "rel_multi_label");
      const [text] = c.call.texts as [string];
      const relations = c.call.relations as string[];
      const perText = [["person", "organization"], ["location", "company"], ["person", "company"]];
      const options = { threshold: 0.5, relationThreshold: 0.4, multiLabel: true, labelThresholds: { company: 0.3, organization: 0.35 } };
      const batch = await model().batchPredictRelations([text, text, text], perText, relations, options);
      for (const [i, labels] of perText.entries()) assert.deepEqual(batch[i], await model().predictRelations(text, labels, relations, options));
      const without = await model().batchPredictRelations([text, text, text], perText, relations, { ...options, labelThresholds: {} });
      assert.notDeepEqual(batch, without, "the label thresholds change these results");
    });
  });
}
