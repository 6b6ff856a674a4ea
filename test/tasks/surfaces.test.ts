/**
 * Every surface gives the same bytes for the same task: for every task in the registry, the library call
 * (`model.run` + `resultFields`), `POST /v1/<task>`, the CLI command, a batch job and the web page engine's answer
 * (what the worker sends back to the page) are byte-identical JSON on the same input (token-level fixture model,
 * the multitask models' kind).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { type BatchSettings, DEFAULT_SETTINGS, getTask } from "../../src/batch/tasks.js";
import { main } from "../../src/cli/main.js";
import { GLiNER, resultFields, TASK_SPECS } from "../../src/node.js";
import { createApp, type GlinerApp } from "../../src/server/app.js";
import { answerRequest } from "../../src/web/page-engine.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";

const TEXT = "Bill Gates founded Microsoft in Albuquerque in 1975; the new phone has a wonderful screen but a terrible battery.";
const T = 0.2;

interface Case {
  /** Per-text input fields besides `text`. */
  readonly input: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  /** The same call as CLI flags. */
  readonly cli: string[];
  /** The same call as `gliner-ts batch` settings. */
  readonly batch: Partial<BatchSettings>;
}

const relations = ["founder", { relation: "located in", pairsFilter: [["organization", "location"]], distanceThreshold: 200 }];
const CASES: Record<string, Case> = {
  ner: { input: { labels: ["person", "organization"] }, options: { threshold: T }, cli: ["-l", "person,organization", "-t", `${T}`], batch: { labels: ["person", "organization"], threshold: T } },
  relations: {
    input: {},
    options: { relations, entityLabels: ["person", "organization", "location"], entityThreshold: T, relationThreshold: T },
    cli: ["-r", JSON.stringify(relations), "-e", "person,organization,location", "--entity-threshold", `${T}`, "--relation-threshold", `${T}`],
    batch: { relations: relations as BatchSettings["relations"], entityLabels: ["person", "organization", "location"], entityThreshold: T, relationThreshold: T },
  },
  qa: { input: { question: "Who founded Microsoft?" }, options: { threshold: T, topK: 3 }, cli: ["-q", "Who founded Microsoft?", "-t", `${T}`, "-k", "3"], batch: { question: "Who founded Microsoft?", threshold: T, topK: 3 } },
  summarize: { input: {}, options: { threshold: T }, cli: ["-t", `${T}`], batch: { threshold: T } },
  classify: {
    input: { classes: ["technology", "sports", "politics"] },
    options: { threshold: T, multiLabel: true },
    cli: ["-c", "technology,sports,politics", "--multi-label", "-t", `${T}`],
    batch: { classes: ["technology", "sports", "politics"], multiLabel: true, threshold: T },
  },
  extract: {
    input: { instruction: "Find every product:" },
    options: { labels: ["product", "company"], threshold: T },
    cli: ["--instruction", "Find every product:", "-l", "product,company", "-t", `${T}`],
    batch: { instruction: "Find every product:", labels: ["product", "company"], threshold: T },
  },
  sentiment: { input: {}, options: { threshold: T, polarities: ["positive", "negative"] }, cli: ["--polarities", "positive,negative", "-t", `${T}`], batch: { polarities: ["positive", "negative"], threshold: T } },
  keyphrases: { input: {}, options: { threshold: T, topK: 4 }, cli: ["-k", "4", "-t", `${T}`], batch: { threshold: T, topK: 4 } },
};

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
