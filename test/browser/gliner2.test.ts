/**
 * GLiNER2 in the browser build: `GLiNER2` from dist-web/web.js loads the fixture model from a URL folder in
 * headless Chromium (onnxruntime-web, WASM) and gives the golden results of four reference calls — entities
 * with offsets, classification, a structure with choices, relations — equal to the Python reference's.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertResultEqual, callOptions, readGliner2Golden } from "../gliner2/golden-helpers.js";
import { describeInBrowser } from "./setup.js";

type WebEntry = typeof import("../../src/web.js");
const CASES = ["ent_confidence_spans", "cls_multi", "json_choices", "rel_confidence_spans"];
describeInBrowser("GLiNER2 in the browser build", {}, (page) => {
  test("web.js GLiNER2 reproduces the reference's results", async () => {
    const golden = readGliner2Golden().cases.filter((c) => CASES.includes(c.id));
    assert.equal(golden.length, CASES.length);
    const calls = golden.map((c) => {
      const call = c.call;
      const camel = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase()), v]));
      const schema =
        c.method === "extract_entities"
          ? { entities: call["entity_types"] }
          : c.method === "classify_text"
            ? { classifications: Object.fromEntries(Object.entries(call["tasks"] as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v : camel(v as Record<string, unknown>)])) }
            : c.method === "extract_json"
              ? { structures: inPromptOrder(call["structures"] as Record<string, string[]>, c.batches[0]?.samples[0]?.schema_tokens_list ?? []) }
              : { relations: call["relation_types"] };
      return { text: call["text"] as string, schema, options: callOptions(call) };
    });
    const results = await page().evaluate(
      async ({ webUrl, calls }) => {
        const { GLiNER2 } = (await import(webUrl)) as WebEntry;
        const model = await GLiNER2.fromPretrained("/models/gliner2-span");
        const out = [];
        for (const c of calls) out.push(await model.extract(c.text, c.schema as never, c.options));
        await model.dispose();
        return { out, backend: model.backend };
      },
      { webUrl: "/web/web.js", calls },
    );
    assert.equal(results.backend, "wasm");
    golden.forEach((c, i) => assertResultEqual(inKeyOrder(results.out[i], c.result), c.result, c.id));
  });
});

/**
 * The reference prompts structure fields in Python set order (recorded in schema_tokens_list); declaring them in
 * that order gives the same model input (the choice prefix keeps its relative order here).
 */
function inPromptOrder(structures: Record<string, string[]>, tokens: string[][]): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(structures).map(([name, specs]) => {
      const order = tokens.find((t) => t[2] === name)?.flatMap((tok, i, all) => (tok === "[C]" ? [all[i + 1] as string] : [])) ?? [];
      return [name, [...specs].sort((a, b) => order.indexOf(a.split("::")[0] as string) - order.indexOf(b.split("::")[0] as string))];
    }),
  );
}

/** Our objects with their keys in the reference's order (results follow declaration order). */
function inKeyOrder(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(actual) && Array.isArray(expected)) return actual.map((a, i) => inKeyOrder(a, expected[i]));
  if (actual && expected && typeof actual === "object" && typeof expected === "object" && !Array.isArray(actual)) {
    const a = actual as Record<string, unknown>;
    const keys = [...Object.keys(expected), ...Object.keys(a).filter((k) => !(k in (expected as object)))];
    return Object.fromEntries(keys.filter((k) => k in a).map((k) => [k, inKeyOrder(a[k], (expected as Record<string, unknown>)[k])]));
  }
  return actual;
}
