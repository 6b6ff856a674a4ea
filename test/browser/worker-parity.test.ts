/**
 * The browser build in headless Chromium: the fixture models load in a Web Worker (from a URL folder) and give
 * exactly the Node results on every golden case of both models (same spans, labels and order; scores within 1e-5).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { GLiNER } from "../../src/node.js";
import type { Entity } from "../../src/types.js";
import { assertEntitiesMatch } from "../helpers/entities.js";
import { type FixtureModel, type GoldenFile, modelDir, readGolden } from "../helpers/fixtures.js";
import { chromiumPath, ensureWebBuild, launchChromium, openTestPage, type StaticServer, startStaticServer } from "./setup.js";

type Client = typeof import("../../src/web/client.js");

interface Case {
  id: string;
  texts: string[];
  labels: string[];
  options: { threshold: number; flatNer: boolean; multiLabel: boolean; truncation: "truncate" };
}

const MODELS = ["span-markerv0", "token-level"] as const satisfies readonly FixtureModel[];

function goldenCases(model: FixtureModel): Case[] {
  return readGolden<GoldenFile>(`${model}.json`).cases.map((c) => ({
    id: c.id,
    texts: c.call.texts,
    labels: c.call.labels,
    options: { threshold: c.call.threshold, flatNer: c.call.flat_ner, multiLabel: c.call.multi_label, truncation: "truncate" },
  }));
}

const chromium = chromiumPath();

describe("browser worker parity with Node", { skip: "skip" in chromium ? chromium.skip : false }, () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureWebBuild();
    server = await startStaticServer();
    browser = await launchChromium((chromium as { path: string }).path);
    page = await openTestPage(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const model of MODELS) {
    test(`${model}: every golden case equals Node`, async () => {
      const cases = goldenCases(model);
      const browserRun = await page.evaluate(
        async ({ clientUrl, modelUrl, cases }) => {
          const client = (await import(clientUrl)) as Client;
          const gliner = client.createGlinerWorker();
          const progress: { file: string; loaded: number; total: number | undefined }[] = [];
          const info = await gliner.load(modelUrl, { onProgress: (p) => progress.push(p) });
          const loadedAt = performance.now();
          const results: Entity[][][] = [];
          for (const c of cases) results.push(await gliner.batchPredictEntities(c.texts, c.labels, { ...c.options, onTruncate: () => {} }));
          const predictMs = performance.now() - loadedAt;
          gliner.terminate();
          return { info, progress, results, predictMs };
        },
        { clientUrl: "/web/client.js", modelUrl: `/models/${model}`, cases },
      );

      const node = await GLiNER.fromPretrained(modelDir(model));
      try {
        assert.equal(browserRun.info.backend, "wasm");
        assert.equal(browserRun.info.onnxFile, "onnx/model.onnx");
        assert.deepEqual(browserRun.info.config, node.config);
        assert.equal(browserRun.results.length, cases.length);
        let entities = 0;
        let flips = 0;
        const started = performance.now();
        for (const [i, c] of cases.entries()) {
          const quiet = { onTruncate: () => {} };
          const ours = await node.batchPredictEntities(c.texts, c.labels, { ...c.options, ...quiet });
          const candidates = await node.batchPredictEntities(c.texts, c.labels, { ...c.options, ...quiet, flatNer: false, multiLabel: true });
          c.texts.forEach((_, t) => {
            const inBrowser = browserRun.results[i]?.[t] ?? [];
            flips += assertEntitiesMatch(ours[t] ?? [], inBrowser, candidates[t] ?? [], `${model} ${c.id} text ${t}`);
          });
          entities += ours.flat().length;
        }
        const nodeMs = performance.now() - started;
        // The comparison must have had something to compare.
        assert.ok(entities >= 20, `only ${entities} entities across the golden cases`);
        console.log(
          `# ${model}: ${cases.length} cases, ${entities} entities equal in the browser and in Node ` +
            `(${flips} proven near-tie label flips); predict ${browserRun.predictMs.toFixed(0)} ms in the browser, ${nodeMs.toFixed(0)} ms in Node (x2 calls)`,
        );
      } finally {
        await node.dispose();
      }

      // Progress: every file the loader read, ending at its full size.
      const files = [...new Set(browserRun.progress.map((p) => p.file))].sort();
      assert.deepEqual(files, ["gliner_config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"]);
      const lastOnnx = browserRun.progress.filter((p) => p.file === "onnx/model.onnx").at(-1);
      assert.ok(lastOnnx && lastOnnx.total !== undefined && lastOnnx.total > 1_000_000 && lastOnnx.loaded === lastOnnx.total, JSON.stringify(lastOnnx));
    });
  }
});
