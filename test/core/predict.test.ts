/** The public NER API: input checks, empty texts, batching, per-text labels and thresholds, truncation. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, InvalidInputError, TextTooLongError } from "../../src/node.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";

const TEXTS = [
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975.",
  "Le musée du Louvre 🏛️ est à Paris, en France.",
  "",
  "東京タワーは東京にあります。",
  "Tim Cook is the CEO of Apple, based in Cupertino.",
];
const LABELS = ["person", "organization", "location", "date"];

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`predict API (${dir.split("/").pop()})`, () => {
    let model: GLiNER;
    before(async () => {
      model = await GLiNER.fromPretrained(dir);
    });
    after(() => model.dispose());

    test("entities carry UTF-16 offsets into the input", async () => {
      const results = await model.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3 });
      let seen = 0;
      results.forEach((entities, i) => {
        for (const e of entities) {
          assert.equal(TEXTS[i]?.slice(e.start, e.end), e.text);
          assert.ok(LABELS.includes(e.label));
          assert.ok(e.score > 0.3 && e.score < 1);
          seen++;
        }
      });
      assert.ok(seen > 0, "the random fixture model finds spans at 0.3");
    });

    test("batched results equal one-by-one results, whatever the batch size", async () => {
      const single = await Promise.all(TEXTS.map((t) => model.predictEntities(t, LABELS, { threshold: 0.3 })));
      for (const batchSize of [1, 2, 8, "auto"] as const) {
        assertSameEntities(await model.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3, batchSize }), single, `batchSize ${batchSize}`);
      }
    });

    test("empty and whitespace-only texts give no entities without a model call", async () => {
      assert.deepEqual(await model.predictEntities("", LABELS, { threshold: 0.01 }), []);
      assert.deepEqual(await model.predictEntities(" \n\t\u3000", LABELS, { threshold: 0.01 }), []);
    });

    test("per-text label lists of different lengths work (the reference crashes: GLiNER #382)", async () => {
      const perText = [["person"], ["location", "organization", "date"]];
      const texts = [TEXTS[0] as string, TEXTS[1] as string];
      const batched = await model.batchPredictEntities(texts, perText, { threshold: 0.3 });
      const alone = [
        await model.predictEntities(texts[0] as string, ["person"], { threshold: 0.3 }),
        await model.predictEntities(texts[1] as string, ["location", "organization", "date"], { threshold: 0.3 }),
      ];
      assertSameEntities(batched, alone, "per-text labels");
      assert.ok(batched[0]?.every((e) => e.label === "person"));
    });

    test("per-label thresholds override the global one", async () => {
      const all = await model.predictEntities(TEXTS[0] as string, LABELS, { threshold: 0.3, multiLabel: true, flatNer: false });
      const strict = await model.predictEntities(TEXTS[0] as string, LABELS, {
        threshold: 0.3,
        labelThresholds: { person: 0.99 },
        multiLabel: true,
        flatNer: false,
      });
      assert.deepEqual(strict, all.filter((e) => e.label !== "person" || e.score > Math.fround(0.99)));
    });

    test("duplicate labels are merged keeping the first, and case is kept", async () => {
      assert.deepEqual(
        await model.predictEntities(TEXTS[0] as string, ["Person", "date", "Person"], { threshold: 0.3 }),
        await model.predictEntities(TEXTS[0] as string, ["Person", "date"], { threshold: 0.3 }),
      );
    });

    test("relation-style labels are ordinary labels", async () => {
      const entities = await model.predictEntities(TEXTS[0] as string, ["Microsoft <> founder"], { threshold: 0.3 });
      for (const e of entities) assert.equal(e.label, "Microsoft <> founder");
    });

    test("truncate reports what it cut; error refuses", async () => {
      const long = Array.from({ length: model.config.maxLength + 10 }, (_, i) => `word${i}`).join(" ");
      const reports: unknown[] = [];
      const [result] = await model.inference([long], LABELS, { truncation: "truncate", onTruncate: (info) => reports.push(info) });
      assert.deepEqual(reports, [{ index: 0, words: model.config.maxLength + 10, keptWords: model.config.maxLength }]);
      assert.equal(result?.truncated, true);
      await assert.rejects(model.predictEntities(long, LABELS, { truncation: "error" }), TextTooLongError);
    });
  });
}

describe("input errors", () => {
  let model: GLiNER;
  before(async () => {
    model = await GLiNER.fromPretrained(SPAN_MODEL);
  });
  after(() => model.dispose());

  const rejects = (promise: Promise<unknown>, argument: string, pattern: RegExp) =>
    assert.rejects(promise, (e: unknown) => e instanceof InvalidInputError && e.argument === argument && pattern.test(e.message));

  test("bad labels", async () => {
    await rejects(model.predictEntities("x", []), "labels", /is empty/);
    await rejects(model.predictEntities("x", ["ok", ""]), "labels", /labels\[1\] must be a non-empty string/);
    await rejects(model.predictEntities("x", "person" as unknown as string[]), "labels", /must be an array/);
    await rejects(model.batchPredictEntities(["a", "b"], [["x"]]), "labels", /1 lists but there are 2 texts/);
  });

  test("bad text", async () => {
    await rejects(model.predictEntities(42 as unknown as string, ["x"]), "text", /must be a string; got number 42/);
    await rejects(model.batchPredictEntities(["ok", null as unknown as string], ["x"]), "texts[1]", /must be a string; got null/);
  });

  test("bad options", async () => {
    await rejects(model.predictEntities("x", ["a"], { threshold: 1 }), "threshold", /strictly between 0 and 1/);
    await rejects(model.predictEntities("x", ["a"], { threshold: 0 }), "threshold", /strictly between 0 and 1/);
    await rejects(model.predictEntities("x", ["a"], { labelThresholds: { a: 2 } }), 'labelThresholds["a"]', /between 0 and 1/);
    await rejects(model.predictEntities("x", ["a"], { batchSize: 0 }), "batchSize", /positive integer/);
    await rejects(model.predictEntities("x", ["a"], { truncation: "cut" as "error" }), "truncation", /"window", "truncate", "error"/);
  });
});
