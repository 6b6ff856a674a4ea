/**
 * Batching on the fixture models: length-bucketed and automatic batches give the results of unbatched runs,
 * per-text labels and per-label thresholds hold inside batches, and batches really are bucketed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, nodeRuntime } from "../../src/node.js";
import type { Runtime, TensorData } from "../../src/runtime/runtime.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";

const SENTENCE = "Bill Gates and Paul Allen founded Microsoft in Albuquerque on April 4, 1975.";
/** Lengths from 1 to ~200 words, shuffled so that input order is not length order. */
const TEXTS = [3, 1, 14, 0, 7, 2, 5, 11, 1, 4].map((n, i) =>
  n === 0 ? "" : Array.from({ length: n }, (_, k) => SENTENCE.split(" ").slice(0, 3 + ((i + k) % 10)).join(" ")).join(" "),
);
const LABELS = ["person", "organization", "location", "date"];
const OPTIONS = { threshold: 0.3 } as const;

/** Records the padded [batch, sequence] shape of every session run. */
function recordingRuntime(shapes: number[][]): Runtime {
  const base = nodeRuntime();
  return {
    ...base,
    async createSession(model, options) {
      const session = await base.createSession(model, options);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        release: () => session.release(),
        run(feeds: Readonly<Record<string, TensorData>>, outputs: readonly string[]) {
          shapes.push([...(feeds["input_ids"]?.dims ?? [])]);
          return session.run(feeds, outputs);
        },
      };
    },
  };
}

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`batching (${dir.split("/").pop()})`, () => {
    let model: GLiNER;
    const shapes: number[][] = [];
    before(async () => {
      model = await GLiNER.fromPretrained(dir, { runtime: recordingRuntime(shapes) });
    });
    after(() => model.dispose());

    test("bucketed batches of any size, and automatic ones, equal one text per run", async () => {
      const alone = await model.batchPredictEntities(TEXTS, LABELS, { ...OPTIONS, batchSize: 1 });
      assert.ok(alone.flat().length > 20, "the fixture model finds spans at 0.3");
      for (const batchSize of [2, 3, 8, 64]) {
        assertSameEntities(await model.batchPredictEntities(TEXTS, LABELS, { ...OPTIONS, batchSize }), alone, `batchSize ${batchSize}`);
      }
      const streamed: (typeof alone)[number][] = [];
      for await (const r of model.stream(TEXTS, LABELS, { ...OPTIONS, batchSize: "auto" })) streamed.push(r.entities);
      assertSameEntities(streamed, alone, "auto");
    });

    test("batches hold passes of similar length: sequence lengths never decrease from batch to batch", async () => {
      shapes.length = 0;
      await model.batchPredictEntities(TEXTS, LABELS, { ...OPTIONS, batchSize: 3 });
      // 9 non-empty texts in batches of 3, shortest first.
      assert.deepEqual(shapes.map((s) => s[0]), [3, 3, 3]);
      const lengths = shapes.map((s) => s[1] as number);
      assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b));
    });

    test("per-text labels and per-label thresholds hold inside batches", async () => {
      const perText = TEXTS.map((_, i) => (i % 2 === 0 ? ["person", "date"] : ["location", "organization", "person"]));
      const options = { ...OPTIONS, flatNer: false, multiLabel: true, labelThresholds: { person: 0.6, date: 0.4 } };
      const batched = await model.batchPredictEntities(TEXTS, perText, { ...options, batchSize: 4 });
      const alone = await Promise.all(TEXTS.map((t, i) => model.predictEntities(t, perText[i] as string[], options)));
      assertSameEntities(batched, alone, "per-text labels");
      const bound: Record<string, number> = { person: 0.6, date: 0.4, location: 0.3, organization: 0.3 };
      batched.forEach((list, i) =>
        list.forEach((e) => {
          assert.ok(perText[i]?.includes(e.label), `text ${i} has no label ${e.label}`);
          assert.ok(e.score > Math.fround(bound[e.label] as number), `${e.label} ${e.score} passes its own threshold`);
        }),
      );
      // The thresholds really bite: without them, the same batch has more person entities.
      const loose = await model.batchPredictEntities(TEXTS, perText, { ...OPTIONS, flatNer: false, multiLabel: true, batchSize: 4 });
      const count = (lists: typeof loose, label: string) => lists.flat().filter((e) => e.label === label).length;
      assert.ok(count(loose, "person") > count(batched, "person"));
    });
  });
}
