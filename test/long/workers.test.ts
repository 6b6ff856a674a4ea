/** Worker-thread sessions (`session.workers`): the same results, batches in parallel, clean failure and release. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, ModelLoadError } from "../../src/node.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";
import { modelInternals } from "../helpers/internals.js";

const TEXTS = [
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975.",
  "Tim Cook is the CEO of Apple, based in Cupertino.",
  "Paris",
  "Angela Merkel served as Chancellor of Germany from 2005 to 2021 and led the Christian Democratic Union.",
  "",
  "Marie Curie won the Nobel Prize in Physics in 1903.",
];
const LABELS = ["person", "organization", "location", "date"];

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`worker-thread sessions (${dir.split("/").pop()})`, () => {
    let inProcess: GLiNER;
    let pooled: GLiNER;
    before(async () => {
      inProcess = await GLiNER.fromPretrained(dir);
      pooled = await GLiNER.fromPretrained(dir, { session: { workers: 2 } });
    });
    after(async () => {
      await inProcess.dispose();
      await pooled.dispose();
    });

    test("the pool reports its concurrency and gives the in-process results", async () => {
      assert.equal(modelInternals(pooled).session.concurrency, 2);
      assert.deepEqual(modelInternals(pooled).session.inputNames, modelInternals(inProcess).session.inputNames);
      for (const batchSize of [1, 2]) {
        const expected = await inProcess.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3, batchSize });
        assertSameEntities(await pooled.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3, batchSize }), expected, `batchSize ${batchSize}`);
      }
    });

    test("long documents and streams run through the pool too", async () => {
      const doc = Array.from({ length: 12 }, () => TEXTS.join(" ")).join(" ");
      const options = { threshold: 0.3, window: 50, overlap: 12 };
      const [expected] = await inProcess.inference([doc], LABELS, options);
      const [actual] = await pooled.inference([doc], LABELS, options);
      assert.equal(actual?.passes, expected?.passes);
      assertSameEntities([actual?.entities ?? []], [expected?.entities ?? []]);
      const streamed = [];
      for await (const r of pooled.stream(TEXTS, LABELS, { threshold: 0.3, lookAhead: 4 })) streamed.push(r.entities);
      assertSameEntities(streamed, await inProcess.batchPredictEntities(TEXTS, LABELS, { threshold: 0.3 }));
    });
  });
}

test("a model the workers cannot load fails with a ModelLoadError and leaves no thread behind", async () => {
  await assert.rejects(
    GLiNER.fromPretrained(SPAN_MODEL, { onnxFile: "tokenizer.json", session: { workers: 2 } }),
    (e: unknown) => e instanceof ModelLoadError && /worker thread/.test(e.message),
  );
});
