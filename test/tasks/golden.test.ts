/**
 * Task-golden suite: every call of ../shared/fixtures/golden/tasks-*.json (the reference's multitask helpers,
 * gliner 0.2.27) on both fixture models. For each: our helper makes the same model calls (prompted texts,
 * labels, threshold, flat/multi-label), the calls give the same raw entities (near-ties aside), the reference's
 * rule on them gives the recorded output, and our output equals that rule after the documented deviations.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER } from "../../src/node.js";
import { type FixtureModel, modelDir, readGolden } from "../helpers/fixtures.js";
import { checkClassifier, checkOpenExtractor, checkQuestionAnswerer, checkSummarizer } from "./golden-helpers.js";
import { checkDocRed, checkRelationExtractor } from "./golden-relations.js";
import { counts, type TaskGolden } from "./support.js";

for (const name of ["span-markerv0", "token-level"] as const satisfies readonly FixtureModel[]) {
  describe(`task goldens: ${name}`, () => {
    const golden = readGolden<TaskGolden>(`tasks-${name}.json`);
    let model: GLiNER;
    const found = { relations: 0, classes: [] as string[] };
    const start = { ...counts };
    before(async () => {
      Object.assign(start, counts);
      model = await GLiNER.fromPretrained(modelDir(name));
    });
    after(async () => {
      await model.dispose();
      const delta = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v - start[k as keyof typeof counts]]));
      console.log(`# tasks ${name}: ${golden.calls.length} calls, ${JSON.stringify(delta)}, relations ${found.relations}, classes found ${JSON.stringify(found.classes)}`);
    });

    test("covers all 16 reference calls", () => assert.equal(golden.calls.length, 16));

    for (const c of golden.calls) {
      test(`${c.id}: ${c.helper}.${c.method}`, async () => {
        switch (c.helper) {
          case "GLiNERRelationExtractor":
            return checkRelationExtractor(model, c, found);
          case "GLiNERDocREDEvaluator":
            return checkDocRed(model, c);
          case "GLiNERQuestionAnswerer":
            return checkQuestionAnswerer(model, c);
          case "GLiNERSummarizer":
            return checkSummarizer(model, c);
          case "GLiNERClassifier":
            return checkClassifier(model, c, found.classes);
          case "GLiNEROpenExtractor":
            return checkOpenExtractor(model, c);
          default:
            assert.fail(`no check for helper ${c.helper}`);
        }
      });
    }
  });
}
