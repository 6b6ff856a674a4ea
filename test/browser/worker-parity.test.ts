/**
 * The browser build in headless Chromium: the fixture models load in a Web Worker (from a URL folder) and give
 * the Node results on a set of golden cases of both models: same spans, labels and order, scores within 1e-5.
 * The one tolerance is the parity suite's: the random-weight fixtures have labels within ~1e-6 of each other,
 * where WASM and native kernels may pick differently; such a flip passes only when proven a near-tie.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GLiNER } from "../../src/node.js";
import type { Entity } from "../../src/types.js";
import { assertEntitiesMatch, SCORE_TOLERANCE } from "../helpers/entities.js";
import { type FixtureModel, type GoldenFile, modelDir, readGolden } from "../helpers/fixtures.js";
// The page's global where the tests keep their worker: one worker (one ORT WebAssembly compile) for the file.
import { describeInBrowser, type WorkerPageGlobals as PageGlobals } from "./setup.js";

interface Case {
  id: string;
  texts: string[];
  labels: string[];
  options: { threshold: number; flatNer: boolean; multiLabel: boolean; truncation: "truncate" };
}

const MODELS = ["span-markerv0", "token-level"] as const satisfies readonly FixtureModel[];
/**
 * The golden cases run in the browser: offsets outside the BMP and in CJK, zero-width characters, many labels,
 * nested and multi-label decoding, batches with an empty text. (The full set runs in Node in test/parity; the
 * 384/768-word long_text case would make this file slow without covering anything browser-specific.)
 */
const CASE_IDS = [
  "seed_ner",
  "whitespace_only",
  "unicode_accents",
  "emoji",
  "cjk",
  "zero_width",
  "thirty_labels",
  "nested_flat_false",
  "multi_label_true",
  "batch_5",
  "batch_with_empty",
];

function goldenCases(model: FixtureModel): Case[] {
  const all = readGolden<GoldenFile>(`${model}.json`).cases;
  const missing = CASE_IDS.filter((id) => !all.some((c) => c.id === id));
  assert.deepEqual(missing, [], `golden cases missing from ${model}.json`);
  return all.filter((c) => CASE_IDS.includes(c.id)).map((c) => ({
    id: c.id,
    texts: c.call.texts,
    labels: c.call.labels,
    options: { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label, truncation: "truncate" },
  }));
}

describeInBrowser("browser worker parity with Node", { worker: true }, (page) => {
  for (const model of MODELS) {
    // The second model replaces the first in the same worker.
    test(`${model}: golden cases in a worker equal Node`, async () => {
      const cases = goldenCases(model);
      const browserRun = await page().evaluate(
        async ({ modelUrl, cases }) => {
          const gliner = (globalThis as unknown as PageGlobals).testWorker;
          const progress: { file: string; loaded: number; total: number | undefined }[] = [];
          const info = await gliner.load(modelUrl, { onProgress: (p) => progress.push(p) });
          const loadedAt = performance.now();
          const results: Entity[][][] = [];
          for (const c of cases) results.push(await gliner.batchPredictEntities(c.texts, c.labels, { ...c.options, onTruncate: () => {} }));
          const predictMs = performance.now() - loadedAt;
          return { info, progress, results, predictMs };
        },
        { modelUrl: `/models/${model}`, cases },
      );

      const node = await GLiNER.fromPretrained(modelDir(model));
      try {
        assert.equal(browserRun.info.backend, "wasm");
        assert.equal(browserRun.info.onnxFile, "onnx/model.onnx");
        assert.deepEqual(browserRun.info.config, node.config);
        assert.equal(browserRun.results.length, cases.length);
        let entities = 0;
        let flips = 0;
        for (const [i, c] of cases.entries()) {
          const quiet = { onTruncate: () => {} };
          const ours = await node.batchPredictEntities(c.texts, c.labels, { ...c.options, ...quiet });
          const browserCase = browserRun.results[i] ?? [];
          // Every label of every span, only needed to prove that a label flip is a near-tie.
          const candidates = sameEntities(ours, browserCase)
            ? ours
            : await node.batchPredictEntities(c.texts, c.labels, { ...c.options, ...quiet, flatNer: false, multiLabel: true });
          c.texts.forEach((_, t) => {
            flips += assertEntitiesMatch(ours[t] ?? [], browserCase[t] ?? [], candidates[t] ?? [], `${model} ${c.id} text ${t}`);
          });
          entities += ours.flat().length;
        }
        // The comparison must have had something to compare.
        assert.ok(entities >= 20, `only ${entities} entities across the golden cases`);
        console.log(
          `# ${model}: ${cases.length} cases, ${entities} entities equal in the browser and in Node ` +
            `(${flips} proven near-tie label flips); ${browserRun.predictMs.toFixed(0)} ms of predict calls in the browser`,
        );
      } finally {
        await node.dispose();
      }

      // Progress events: every file the loader read, ending at its full size.
      const files = [...new Set(browserRun.progress.map((p) => p.file))].sort();
      assert.deepEqual(files, ["gliner_config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"]);
      const lastOnnx = browserRun.progress.filter((p) => p.file === "onnx/model.onnx").at(-1);
      assert.ok(lastOnnx && lastOnnx.total !== undefined && lastOnnx.total > 1_000_000 && lastOnnx.loaded === lastOnnx.total, JSON.stringify(lastOnnx));
    });
  }
});

function sameEntities(a: readonly (readonly Entity[])[], b: readonly (readonly Entity[])[]): boolean {
  return (
    a.length === b.length &&
    a.every((list, i) => {
      const other = b[i] ?? [];
      return (
        list.length === other.length &&
        list.every((e, j) => {
          const o = other[j];
          return o !== undefined && e.start === o.start && e.end === o.end && e.label === o.label && e.text === o.text && Math.abs(e.score - o.score) <= SCORE_TOLERANCE;
        })
      );
    })
  );
}
