/**
 * The web surface of the cross-surface check (issue 14), in a real browser: in headless Chromium, the web build's
 * Web Worker (dist-web, `createGlinerWorker` — the worker the page engine uses) runs every registered task on the
 * cases of test/helpers/task-cases.ts, answered as the page answers (`answerRequest` of /web/page-engine.js), and
 * its result JSON must equal the library's (`model.run` + `resultFields` in Node) byte for byte.
 *
 * The one allowance is the browser parity tests' (worker-parity, page-engine): onnxruntime-web's WASM kernels and
 * onnxruntime-node's round differently, so a non-integer number may differ from Node's by at most 1e-5
 * (SCORE_TOLERANCE). The check: each such number in the browser's JSON is replaced by Node's, and the resulting
 * `JSON.stringify` must equal the library's string — every key, its order, every string, integer offset and array
 * length is compared as bytes. How many tasks were byte-identical with no allowance at all is printed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GLiNER, resultFields, TASK_SPECS } from "../../src/node.js";
import { SCORE_TOLERANCE } from "../helpers/entities.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";
import { SURFACE_CASES, SURFACE_TEXT } from "../helpers/task-cases.js";
import { describeInBrowser, type WorkerPageGlobals } from "./setup.js";

type EngineModule = typeof import("../../src/web/page-engine.js");

/**
 * `browser` with every non-integer number within SCORE_TOLERANCE of Node's set to Node's; anything else left as
 * is. `deltas` collects the differences it allowed.
 */
function withNodeScores(browser: unknown, node: unknown, deltas: number[]): unknown {
  if (typeof browser === "number" && typeof node === "number" && !Number.isInteger(node)) {
    const delta = Math.abs(browser - node);
    if (delta > SCORE_TOLERANCE) return browser;
    deltas.push(delta);
    return node;
  }
  if (Array.isArray(browser) && Array.isArray(node)) return browser.map((item, i) => withNodeScores(item, node[i], deltas));
  if (browser !== null && typeof browser === "object" && node !== null && typeof node === "object") {
    const other = node as Record<string, unknown>;
    return Object.fromEntries(Object.entries(browser).map(([key, value]) => [key, withNodeScores(value, other[key], deltas)]));
  }
  return browser;
}

describeInBrowser("every task in a Chromium Web Worker answers the library's JSON", { worker: true }, (page) => {
  test("token-level fixture: every registered task, worker JSON equal to Node's", async () => {
    const tasks = TASK_SPECS.map((spec) => spec.name);
    assert.deepEqual([...tasks].sort(), Object.keys(SURFACE_CASES).sort(), "a registered task without a case in test/helpers/task-cases.ts");
    const requests = Object.fromEntries(tasks.map((task) => [task, { text: SURFACE_TEXT, ...SURFACE_CASES[task]?.input, ...SURFACE_CASES[task]?.options }]));

    const inBrowser = await page().evaluate(
      async ({ modelUrl, tasks, requests }) => {
        const { answerRequest } = (await import("/web/page-engine.js" as string)) as EngineModule;
        const worker = (globalThis as unknown as WorkerPageGlobals).testWorker;
        const info = await worker.load(modelUrl);
        const answers: Record<string, string> = {};
        for (const task of tasks) {
          answers[task] = JSON.stringify(await answerRequest(task, requests[task] as Record<string, unknown>, (name, inputs, options) => worker.run(name, inputs, options)));
        }
        return { backend: info.backend, answers };
      },
      { modelUrl: "/models/token-level", tasks, requests },
    );
    assert.equal(inBrowser.backend, "wasm");

    const model = await GLiNER.fromPretrained(TOKEN_MODEL);
    const exact: string[] = [];
    const deltas: number[] = [];
    let scores = 0;
    try {
      for (const task of tasks) {
        const c = SURFACE_CASES[task]!;
        const [result] = await model.run(task, [{ text: SURFACE_TEXT, ...c.input }], c.options);
        const library = JSON.stringify(resultFields(task, result));
        const browser = inBrowser.answers[task]!;
        scores += library.match(/"score":/g)?.length ?? 0;
        if (browser === library) {
          exact.push(task);
          continue;
        }
        const patched = JSON.stringify(withNodeScores(JSON.parse(browser), JSON.parse(library), deltas));
        assert.equal(patched, library, `${task}: the worker's JSON (scores within ${SCORE_TOLERANCE} set to Node's) vs the library's`);
      }
    } finally {
      await model.dispose();
    }
    // The comparison must have had results to compare.
    assert.ok(scores >= 10, `only ${scores} scored items across the tasks`);
    console.log(
      `# ${tasks.length} tasks, ${scores} scored items: ${exact.length} byte-identical as sent (${exact.join(", ") || "none"}), the rest equal ` +
        `with ${deltas.filter((d) => d > 0).length} numbers off by at most ${Math.max(0, ...deltas).toExponential(1)}`,
    );
  });
});
