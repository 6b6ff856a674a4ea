/**
 * Every surface gives the same bytes for the same task: for every task in the registry, the library call
 * (`model.run` + `resultFields`), `POST /v1/<task>`, the CLI command, a batch job and the web page engine's answer
 * (what the worker sends back to the page) are byte-identical JSON on the same input (token-level fixture model,
 * the multitask models' kind). The same cases run in a real Web Worker in Chromium in test/browser/surfaces.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { main } from "../../src/cli/main.js";
import { GLiNER, resultFields, TASK_SPECS } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { answerRequest } from "../../src/web/page-engine.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";
import { SURFACE_CASES as CASES, SURFACE_TEXT as TEXT } from "../helpers/task-cases.js";

let model: GLiNER;
let app: GlinerApp;
let dir: string;
before(async () => {
  model = await GLiNER.fromPretrained(TOKEN_MODEL);
  app = await createApp(model, { processMetrics: false });
  dir = await mkdtemp(join(tmpdir(), "gliner-surfaces-"));
});
after(async () => {
  await app.close();
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

const withoutId = (line: string) => {
  const { id: _id, ...fields } = JSON.parse(line) as Record<string, unknown>;
  return JSON.stringify(fields);
};

test("every registered task has a case here", () => {
  assert.deepEqual(Object.keys(CASES).sort(), TASK_SPECS.map((s) => s.name).sort());
});

for (const [task, c] of Object.entries(CASES)) {
  test(`${task}: library, server, CLI, batch and page engine answer the same bytes`, async () => {
    const [result] = await model.run(task, [{ text: TEXT, ...c.input }], c.options);
    const library = JSON.stringify(resultFields(task, result));
    assert.ok(library.includes('"score"') || library.includes('"summary"'), `${task}: ${library}`);

    const response = await app.inject({ method: "POST", url: `/v1/${task}`, payload: { text: TEXT, ...c.input, ...c.options } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.body, library, `${task}: POST /v1/${task}`);

    const cliOut = join(dir, `${task}-cli.jsonl`);
    assert.equal(await main(["node", "gliner-ts", task, TEXT, "-m", TOKEN_MODEL, "-o", cliOut, ...c.cli]), 0);
    assert.equal((await readFile(cliOut, "utf8")).trim(), library, `${task}: gliner-ts ${task}`);

    const input = join(dir, `${task}-in.jsonl`);
    const output = join(dir, `${task}-batch.jsonl`);
    await writeFile(input, `${JSON.stringify({ id: 1, text: TEXT })}\n`);
    await runLocalBatch({ model, task: getTask(task), settings: { ...DEFAULT_SETTINGS, ...c.batch }, input, output, chunkSize: 4, progress: "off" });
    assert.equal(withoutId((await readFile(output, "utf8")).trim()), library, `${task}: gliner-ts batch --task ${task}`);

    const page = await answerRequest(task, { text: TEXT, ...c.input, ...c.options }, (name, inputs, options) => model.run(name, inputs, options));
    assert.equal(JSON.stringify(page), library, `${task}: the web worker's answer to the page`);
  });
}
