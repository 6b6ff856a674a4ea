/**
 * `model.streamRelations`: relex relations over a corpus, streamed as `model.stream` streams NER — results in input
 * order, equal to `batchPredictRelations` on the golden texts, the source read at most `lookAhead` texts ahead.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError, isGlinerError, type RelationStreamResult } from "../../src/node.js";
import { readGolden, type RelexGoldenFile, useConvertedRelex } from "../helpers/relex.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

async function collect(iterable: AsyncIterable<RelationStreamResult>): Promise<RelationStreamResult[]> {
  const out: RelationStreamResult[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

/** Every golden text with its own entity and relation labels (the case's, or its per-text list). */
function goldenRecords(name: "relex-span" | "relex-token") {
  const own = (lists: string[] | string[][], i: number) => (lists.length > 0 && Array.isArray(lists[0]) ? (lists as string[][])[i]! : (lists as string[]));
  return readGolden<RelexGoldenFile>(`${name}.json`).cases.flatMap((c) =>
    c.call.texts.map((text, i) => ({ text, labels: own(c.call.labels, i), relations: own(c.call.relations, i), id: `${c.id}/${i}` })),
  );
}

for (const name of ["relex-span", "relex-token"] as const) {
  describe(`streamRelations (${name})`, () => {
    const model = useConvertedRelex(name);
    const records = goldenRecords(name).filter((r) => r.labels.length > 0);
    const options = { threshold: 0.4, batchSize: 4, truncation: "truncate" as const, onTruncate: () => {} };

    test("the golden texts streamed equal batchPredictRelations, in input order, with their ids", async () => {
      const batch = await model().batchPredictRelations(records.map((r) => r.text), records.map((r) => r.labels), records.map((r) => r.relations), options);
      assert.ok(batch.reduce((n, r) => n + r.relations.length, 0) > 0);
      for (const lookAhead of [1, 7, 256]) {
        const streamed = await collect(model().streamRelations(records, undefined, undefined, { ...options, lookAhead }));
        assert.deepEqual(streamed.map((r) => [r.index, r.id]), records.map((r, i) => [i, r.id]));
        assert.deepEqual(streamed.map(({ entities, relations }) => ({ entities, relations })), batch, `lookAhead ${lookAhead}`);
      }
    });

    test("plain texts take the stream's labels; the source is read at most lookAhead texts ahead", async () => {
      const texts = records.slice(0, 10).map((r) => r.text);
      const [labels, relations] = [records[0]!.labels, records[0]!.relations];
      let pulled = 0;
      function* source() {
        for (const t of texts) {
          pulled++;
          yield t;
        }
      }
      const lookAhead = 3;
      const streamed: RelationStreamResult[] = [];
      for await (const result of model().streamRelations(source(), labels, relations, { ...options, lookAhead })) {
        assert.ok(pulled <= (Math.floor(result.index / lookAhead) + 1) * lookAhead, `result ${result.index} after ${pulled} reads`);
        streamed.push(result);
      }
      const batch = await model().batchPredictRelations(texts, labels, relations, options);
      assert.deepEqual(streamed.map(({ entities, relations: r }) => ({ entities, relations: r })), batch);
    });

    test("a record without labels or relations, in a stream given none, is refused with its position", async () => {
      await assert.rejects(collect(model().streamRelations([{ text: "x", labels: ["person"] }], undefined, undefined)), (e: unknown) =>
        e instanceof InvalidInputError && e.argument === "relations" && /source\[0\] has no relations/.test(e.message),
      );
      await assert.rejects(collect(model().streamRelations(["x", { text: "y", relations: [] }], undefined, ["founder of"])), (e: unknown) =>
        e instanceof InvalidInputError && e.argument === "labels" && /source\[0\] has no labels/.test(e.message),
      );
    });
  });
}

test("streamRelations on a model without a relation head is UNSUPPORTED", async () => {
  const { GLiNER } = await import("../../src/node.js");
  const uni = await GLiNER.fromPretrained(SPAN_MODEL);
  try {
    await assert.rejects(collect(uni.streamRelations(["x"], ["person"], ["founder of"])), (e: unknown) => isGlinerError(e) && e.code === "UNSUPPORTED");
  } finally {
    await uni.dispose();
  }
});
