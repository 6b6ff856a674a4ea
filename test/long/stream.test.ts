/** `model.stream`: input order, ids, per-record labels, bounded look-ahead, errors, truncation reports. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, InvalidInputError } from "../../src/node.js";
import type { StreamResult } from "../../src/long/stream.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL } from "../helpers/fixtures.js";

const TEXTS = [
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975.",
  "Paris",
  "Le musée du Louvre 🏛️ est à Paris, en France, et reçoit des millions de visiteurs chaque année.",
  "",
  "Tim Cook is the CEO of Apple, based in Cupertino, California, since 2011, after Steve Jobs.",
  "Angela Merkel led Germany.",
  "東京タワーは東京にあります。",
];
const LABELS = ["person", "organization", "location", "date"];
const OPTIONS = { threshold: 0.3 } as const;

async function collect(iterable: AsyncIterable<StreamResult>): Promise<StreamResult[]> {
  const out: StreamResult[] = [];
  for await (const result of iterable) out.push(result);
  return out;
}

describe("model.stream", () => {
  let model: GLiNER;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
  });
  after(() => model.dispose());

  test("results come in input order and equal one-by-one predictions", async () => {
    const expected = await model.inference(TEXTS, LABELS, { ...OPTIONS, batchSize: 1 });
    for (const options of [{}, { batchSize: 2 }, { lookAhead: 3 }, { lookAhead: 1, batchSize: 4 }]) {
      const results = await collect(model.stream(TEXTS, LABELS, { ...OPTIONS, ...options }));
      assert.deepEqual(results.map((r) => r.index), TEXTS.map((_, i) => i));
      assertSameEntities(results.map((r) => r.entities), expected.map((r) => r.entities), JSON.stringify(options));
      assert.deepEqual(
        results.map(({ words, modelWords, truncated, passes }) => ({ words, modelWords, truncated, passes })),
        expected.map(({ words, modelWords, truncated, passes }) => ({ words, modelWords, truncated, passes })),
      );
    }
  });

  test("records carry their own labels and ids; async sources work", async () => {
    async function* source() {
      yield { id: "a", text: TEXTS[0] as string };
      yield TEXTS[4] as string;
      yield { id: 7, text: TEXTS[2] as string, labels: ["location"] };
    }
    const results = await collect(model.stream(source(), LABELS, OPTIONS));
    assert.deepEqual(results.map((r) => r.id), ["a", undefined, 7]);
    // Batched with texts of 4 labels, the 1-label text's label axis is padded: scores move by float rounding only.
    assertSameEntities(
      [results[0]?.entities ?? [], results[2]?.entities ?? []],
      [await model.predictEntities(TEXTS[0] as string, LABELS, OPTIONS), await model.predictEntities(TEXTS[2] as string, ["location"], OPTIONS)],
    );
    assert.ok(results[2]?.entities.every((e) => e.label === "location"));
  });

  test("memory is bounded: the source is read at most lookAhead texts ahead of the results", async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 20; i++) {
        pulled++;
        yield TEXTS[i % TEXTS.length] as string;
      }
    }
    const lookAhead = 6;
    for await (const result of model.stream(source(), LABELS, { ...OPTIONS, lookAhead })) {
      assert.ok(pulled <= (Math.floor(result.index / lookAhead) + 1) * lookAhead, `result ${result.index} after ${pulled} reads`);
    }
    assert.equal(pulled, 20);
  });

  test("per-label thresholds apply to every record", async () => {
    const strict = { ...OPTIONS, flatNer: false, multiLabel: true, labelThresholds: { person: 0.9, location: 0.35 } };
    const results = await collect(model.stream(TEXTS, LABELS, strict));
    const alone = await Promise.all(TEXTS.map((t) => model.predictEntities(t, LABELS, strict)));
    assertSameEntities(results.map((r) => r.entities), alone);
    const loose = await model.batchPredictEntities(TEXTS, LABELS, { ...OPTIONS, flatNer: false, multiLabel: true });
    const bound = (label: string) => Math.fround(label === "person" ? 0.9 : label === "location" ? 0.35 : 0.3);
    assert.deepEqual(alone, loose.map((list) => list.filter((e) => e.score > bound(e.label))));
  });

  test("bad input is refused with the record's position", async () => {
    const rejects = (source: Iterable<unknown>, labels: string[] | undefined, argument: string, pattern: RegExp, options = {}) =>
      assert.rejects(collect(model.stream(source as Iterable<string>, labels, options)), (e: unknown) => e instanceof InvalidInputError && e.argument === argument && pattern.test(e.message));
    await rejects(["ok", 42], LABELS, "source[1]", /string or a \{ text, labels\?, id\? \} record/);
    await rejects(["ok", { text: 5 }], LABELS, "source[1].text", /must be a string/);
    await rejects([{ text: "x" }], undefined, "labels", /source\[0\] has no labels/);
    await rejects([{ text: "x", labels: [] }], LABELS, "source[0].labels", /is empty/);
    await rejects(["x"], LABELS, "lookAhead", /positive integer/, { lookAhead: 0 });
    await rejects(["x"], LABELS, "batchSize", /positive integer/, { batchSize: 0 });
    await assert.rejects(collect(model.stream(42 as unknown as string[], LABELS)), (e: unknown) => e instanceof InvalidInputError && e.argument === "source");
  });

  test("truncation reports carry the stream index", async () => {
    const long = Array.from({ length: model.config.maxLength + 5 }, (_, i) => `w${i}`).join(" ");
    const reports: unknown[] = [];
    const results = await collect(model.stream(["short", long], LABELS, { truncation: "truncate", lookAhead: 1, onTruncate: (info) => reports.push(info) }));
    assert.deepEqual(reports, [{ index: 1, words: model.config.maxLength + 5, keptWords: model.config.maxLength }]);
    assert.equal(results[1]?.truncated, true);
  });
});
