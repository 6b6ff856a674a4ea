/**
 * Bi-encoders in the browser build: bi-span and bi-token load in a Web Worker from a URL folder (labels tokenizer
 * from labels_encoder/, labels_encoder.onnx and model_labels_embeddings.onnx) and give the Node results on golden
 * cases, with the label cache used from the second call on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { GLiNER } from "../../src/node.js";
import type { Entity } from "../../src/types.js";
import { assertEntitiesMatch } from "../helpers/entities.js";
import { FIXTURES, type GoldenFile, readGolden } from "../helpers/fixtures.js";
import { describeInBrowser, type WorkerPageGlobals as PageGlobals } from "./setup.js";


const CASE_IDS = ["seed_ner", "emoji", "cjk", "thirty_labels", "batch_5", "bi_labels_outside_vocab", "bi_long_label"];
describeInBrowser("bi-encoders in the browser", { worker: true }, (page) => {
  for (const model of ["bi-span", "bi-token"] as const) {
    test(`${model}: golden cases in a worker equal Node`, async () => {
      const cases = readGolden<GoldenFile>(`${model}.json`).cases.filter((c) => CASE_IDS.includes(c.id));
      assert.equal(cases.length, CASE_IDS.length);
      const calls = cases.map((c) => ({ texts: c.call.texts, labels: c.call.labels, options: { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label } }));
      const browserRun = await page().evaluate(
        async ({ modelUrl, calls }) => {
          const gliner = (globalThis as unknown as PageGlobals).testWorker;
          const info = await gliner.load(modelUrl);
          const results: Entity[][][] = [];
          for (const c of calls) results.push(await gliner.batchPredictEntities(c.texts, c.labels, c.options));
          return { info, results };
        },
        { modelUrl: `/models/${model}`, calls },
      );
      const node = await GLiNER.fromPretrained(join(FIXTURES, "models", model));
      try {
        assert.equal(browserRun.info.onnxFile, "onnx/model_labels_embeddings.onnx");
        let entities = 0;
        for (const [i, c] of calls.entries()) {
          const ours = await node.batchPredictEntities(c.texts, c.labels, c.options);
          const alternatives = await node.batchPredictEntities(c.texts, c.labels, { ...c.options, flatNer: false, multiLabel: true });
          c.texts.forEach((_, t) => assertEntitiesMatch(ours[t] ?? [], browserRun.results[i]?.[t] ?? [], alternatives[t] ?? [], `${model} ${cases[i]?.id} text ${t}`));
          entities += ours.flat().length;
        }
        assert.ok(entities >= 20, `only ${entities} entities`);
        console.log(`# ${model}: ${calls.length} cases, ${entities} entities equal in the browser and in Node`);
      } finally {
        await node.dispose();
      }
    });
  }
});
