/** The default threshold is one exported constant, the one every task's schema and the engine see. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_THRESHOLD, optionsSchema, SUMMARY_THRESHOLD, TASK_SPECS } from "../../src/index.js";
import { GLINER2_TASK_SPECS } from "../../src/tasks/registry.js";
import type { JsonSchema } from "../../src/tasks/schema.js";
import { fakeModel, run } from "./fake-model.js";

const defaultOf = (schema: JsonSchema | undefined): unknown => (schema as { default?: unknown } | undefined)?.default;

test("DEFAULT_THRESHOLD is the reference's 0.5 and every task's threshold default (summarize keeps its 0.25)", () => {
  assert.equal(DEFAULT_THRESHOLD, 0.5);
  for (const spec of [...TASK_SPECS, ...GLINER2_TASK_SPECS]) {
    const { properties } = optionsSchema(spec);
    for (const name of ["threshold", "entityThreshold", "relationThreshold"]) {
      if (properties[name] === undefined) continue;
      const expected = spec.name === "summarize" ? SUMMARY_THRESHOLD : DEFAULT_THRESHOLD;
      assert.equal(defaultOf(properties[name]), expected, `${spec.name}.${name}`);
    }
  }
});

test("a task run without a threshold passes DEFAULT_THRESHOLD to the model", async () => {
  const { model, calls } = fakeModel(() => []);
  await run(model, "ner", [{ text: "Ann met Bob.", labels: ["person"] }]);
  await run(model, "qa", [{ text: "Ann met Bob.", question: "Who?" }]);
  assert.deepEqual(calls.map((c) => c.options.threshold), [DEFAULT_THRESHOLD, DEFAULT_THRESHOLD]);
});
