/**
 * Relex models in the browser build: the graph gliner-ts' converter writes (span and pair selection inside the
 * graph: NonZero, ScatterND, CumSum, GatherND) runs in onnxruntime-web in a Web Worker, and the relations task
 * answers as in Node on the relation golden texts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { convertCheckpoint } from "../../src/convert/index.js";
import { GLiNER } from "../../src/node.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { readGolden, type RelexGoldenFile } from "../helpers/relex.js";
import { describeInBrowser, type WorkerPageGlobals as PageGlobals } from "./setup.js";

const CASE_IDS = ["rel_readme", "rel_kg_multi_sentence", "rel_unicode", "rel_multi_label"];
/** Scores within float noise of Node (WASM kernels differ in the last bits); everything else equal. */
function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number" && typeof actual === "number" && !Number.isInteger(expected)) {
    assert.ok(Math.abs(actual - expected) < 1e-4, `${where}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected), where);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

const converted = mkdtempSync(join(tmpdir(), "gliner-relex-web-"));

describeInBrowser("relex models in the browser", { worker: true, mounts: { "/converted/": converted } }, (page) => {
  // The static server reads files per request: the models may be converted after the page opened.
  before(async () => {
    for (const model of ["relex-span", "relex-token"]) await convertCheckpoint(join(FIXTURES, "models", model), join(converted, model));
  });
  after(() => rmSync(converted, { recursive: true, force: true }));

  for (const model of ["relex-span", "relex-token"] as const) {
    test(`${model}: the relations task in a worker equals Node`, async () => {
      const cases = readGolden<RelexGoldenFile>(`${model}.json`).cases.filter((c) => CASE_IDS.includes(c.id));
      assert.equal(cases.length, CASE_IDS.length);
      const calls = cases.map((c) => ({
        inputs: c.call.texts.map((text) => ({ text })),
        options: { relations: c.call.relations as string[], entityLabels: c.call.labels as string[], entityThreshold: c.call.threshold, relationThreshold: c.call.relation_threshold ?? c.call.threshold, multiLabel: c.call.multi_label },
      }));
      const inBrowser = await page().evaluate(
        async ({ modelUrl, calls }) => {
          const gliner = (globalThis as unknown as PageGlobals).testWorker;
          await gliner.load(modelUrl);
          const results: unknown[][] = [];
          for (const c of calls) results.push(await gliner.run("relations", c.inputs, c.options));
          return results;
        },
        { modelUrl: `/converted/${model}`, calls },
      );
      const node = await GLiNER.fromPretrained(join(converted, model));
      try {
        let relations = 0;
        for (const [i, c] of calls.entries()) {
          const expected = await node.run("relations", c.inputs, c.options);
          assertClose(inBrowser[i], expected, `${model} ${cases[i]?.id}`);
          relations += expected.flat().length;
        }
        assert.ok(relations >= 5, `only ${relations} relations: the comparison needs results`);
        console.log(`# ${model}: ${calls.length} cases, ${relations} relations equal in the browser and in Node`);
      } finally {
        await node.dispose();
      }
    });
  }
});
