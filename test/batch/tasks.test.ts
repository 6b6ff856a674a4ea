/**
 * Every batch task equals the matching `GLiNER` method called one text at a time (the batch runs them batched
 * and grouped by per-record options), with the result fields of `gliner-ts <task> --input`.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runLocalBatch } from "../../src/batch/local.js";
import { type BatchSettings, DEFAULT_SETTINGS, getTask, TASKS } from "../../src/batch/tasks.js";
import { GLiNER, InvalidInputError } from "../../src/node.js";
import { TOKEN_MODEL } from "../helpers/fixtures.js";
import { readJsonl } from "./helpers.js";

const TEXTS = [
  "Bill Gates founded Microsoft in Albuquerque in 1975, and the company later moved to Redmond.",
  "The new phone has a wonderful screen but the battery life is terrible.",
  "Marie Curie won the Nobel Prize in Physics in 1903 together with Pierre Curie.",
  "Apple opened a store in Paris; customers praised the staff and complained about the queues.",
];

let model: GLiNER;
let dir: string;
let counter = 0;
before(async () => {
  model = await GLiNER.fromPretrained(TOKEN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-batch-tasks-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `task` over `records` locally; returns result lines and dead letters. */
async function batch(task: string, records: object[], settings: Partial<BatchSettings>) {
  const input = join(dir, `in-${++counter}.jsonl`);
  const output = join(dir, `out-${counter}.jsonl`);
  await writeFile(input, records.map((r) => JSON.stringify(r)).join("\n"));
  await runLocalBatch({ model, task: getTask(task), settings: { ...DEFAULT_SETTINGS, batchSize: 3, ...settings }, input, output, chunkSize: 16, progress: "off" });
  return { results: readJsonl(output), dead: readJsonl(join(dir, `out-${counter}.dead-letters.jsonl`)) };
}

const LABELS_FOR_SETTINGS = ["person"];

describe("batch tasks equal the GLiNER methods", () => {
  test("the registry lists ner, the seven multitask tasks and the GLiNER2 schema task", () => {
    assert.deepEqual(Object.keys(TASKS).sort(), ["classify", "extract", "keyphrases", "ner", "qa", "relations", "schema", "sentiment", "summarize"]);
  });

  test("a setting the chosen task does not take is refused before any document runs, naming it and the task's settings", async () => {
    await getTask("ner").checkSettings({ ...DEFAULT_SETTINGS, labels: LABELS_FOR_SETTINGS });
    await assert.rejects(getTask("ner").checkSettings({ ...DEFAULT_SETTINGS, labels: LABELS_FOR_SETTINGS, question: "Who?" }), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.match(e.message, /^the ner task takes no --question; its settings are .*--labels.*\. Drop it or choose the task that uses it\.$/);
      return true;
    });
    await assert.rejects(getTask("qa").checkSettings({ ...DEFAULT_SETTINGS, question: "Who?", classes: ["a"], labels: ["x"] }), /the qa task takes no --classes, --labels;/);
  });

  test("a job naming an Object member as its task is refused like any unknown task (a queue job is input)", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      assert.throws(() => getTask(name), (e: unknown) => e instanceof InvalidInputError && e.message.startsWith(`unknown task "${name}"; choose one of: `), name);
    }
  });

  test("relations, with a record bringing its own relations (a second group)", async () => {
    const settings = { relations: ["founder", "located in"], entityLabels: ["person", "organization", "location"], entityThreshold: 0.2, relationThreshold: 0.2 };
    const records = TEXTS.map((text, i) => (i === 2 ? { id: i, text, relations: ["award"] } : { id: i, text }));
    const { results } = await batch("relations", records, settings);
    for (const [i, text] of TEXTS.entries()) {
      const relations = await model.extractRelations(text, { ...settings, relations: i === 2 ? ["award"] : settings.relations });
      assert.deepEqual(results[i], { id: i, relations }, `text ${i}`);
    }
    assert.ok(results.some((r) => (r["relations"] as unknown[]).length > 0), "some relations found");
  });

  test("qa with per-record questions; a record without one and no --question is a dead letter", async () => {
    const questions = ["Who founded Microsoft?", "What is bad?", "Who won the prize?"];
    const records = [...questions.map((question, i) => ({ id: i, text: TEXTS[i], question })), { id: "none", text: TEXTS[3] }];
    const { results, dead } = await batch("qa", records, { threshold: 0.2, topK: 2 });
    for (const [i, question] of questions.entries()) {
      assert.deepEqual(results[i], { id: i, answers: await model.answer(question, TEXTS[i] as string, { threshold: 0.2, topK: 2 }) });
    }
    assert.equal(results.length, 3);
    assert.ok(results.some((r) => (r["answers"] as unknown[]).length > 0), "some answers found");
    assert.match(String(dead[0]?.["reason"]), /^line 4 has no "question" and the run has no --question; add "question": "\.\.\." to the line or pass --question\.$/);
  });

  test("summarize, classify, extract, sentiment, keyphrases", async () => {
    const cases: [string, Partial<BatchSettings>, object, (text: string) => Promise<object>][] = [
      ["summarize", { threshold: 0.2 }, {}, async (t) => ({ ...(await model.summarize(t, { threshold: 0.2 })) })],
      ["classify", { classes: ["technology", "science", "shopping"], multiLabel: true, threshold: 0.2 }, {}, async (t) => ({ classifications: await model.classify(t, ["technology", "science", "shopping"], { multiLabel: true, threshold: 0.2 }) })],
      ["extract", { instruction: "Find the people:", labels: ["person"], threshold: 0.2 }, {}, async (t) => ({ entities: await model.extract("Find the people:", t, { labels: ["person"], threshold: 0.2 }) })],
      ["sentiment", { threshold: 0.2 }, {}, async (t) => ({ sentiments: await model.extractSentiment(t, { threshold: 0.2 }) })],
      ["keyphrases", { threshold: 0.2, topK: 3 }, {}, async (t) => ({ keyphrases: await model.extractKeyphrases(t, { threshold: 0.2, topK: 3 }) })],
    ];
    for (const [task, settings, extra, expected] of cases) {
      const { results, dead } = await batch(task, TEXTS.map((text, i) => ({ id: i, text, ...extra })), settings);
      assert.equal(dead.length, 0, task);
      for (const [i, text] of TEXTS.entries()) assert.deepEqual(results[i], { id: i, ...(await expected(text)) }, `${task} text ${i}`);
      assert.ok(results.some((r) => JSON.stringify(r).includes('"start"') || JSON.stringify(r).includes('"label"')), `${task} found something`);
    }
  });

  test("settings the task cannot use fail before any document runs", async () => {
    const input = join(dir, "never.jsonl");
    await writeFile(input, JSON.stringify({ text: "x" }));
    const run = (task: string, settings: Partial<BatchSettings>) =>
      runLocalBatch({ model, task: getTask(task), settings: { ...DEFAULT_SETTINGS, ...settings }, input, output: join(dir, "never-out.jsonl"), chunkSize: 4, progress: "off" });
    await assert.rejects(
      run("relations", { entityLabels: ["person"], relations: [{ relation: "founder", pairsFilter: [["person", "spaceship"]] }] }),
      /pairsFilter\[0\] names the entity type "spaceship", which is not among the entity labels/,
    );
    await assert.rejects(run("qa", { prompt: "no placeholder here" }), /must contain the placeholder \{question\} \(or the reference's \{\}\) exactly once/);
    await assert.rejects(run("ner", { labels: [] }), /--labels must be a non-empty array of non-empty strings/);
    assert.deepEqual(readJsonl(join(dir, "never-out.jsonl")), []);
  });
});
