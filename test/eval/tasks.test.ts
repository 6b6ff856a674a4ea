/**
 * Relation and QA evaluation through the real task pipelines on the fixture model: the evaluator must score
 * exactly what `model.extractRelations` / `model.answer` return for each example (the outputs of a random model
 * mean nothing; the wiring, offsets and labels must be exact), and `gliner-ts eval --task ...` must write the
 * library's numbers.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { answererFor, relationExtractorFor } from "../../src/eval/adapters.js";
import { evaluateQa, readSquadJsonl } from "../../src/eval/qa.js";
import { evaluateRelations, readRelationDataset, scoreRelations, type Triple } from "../../src/eval/relations.js";
import { scoreAnswer } from "../../src/eval/squad.js";
import { GLiNER } from "../../src/node.js";
import { runCli } from "../helpers/cli.js";
import { FIXTURES, TOKEN_MODEL } from "../helpers/fixtures.js";

const RE_DATA = join(FIXTURES, "eval", "re", "conll04");
const QA_DATA = join(FIXTURES, "eval", "qa", "sample.jsonl");
const SENTENCES = 4;

let model: GLiNER;
let dir: string;
before(async () => {
  model = await GLiNER.fromPretrained(TOKEN_MODEL);
  dir = await mkdtemp(join(tmpdir(), "gliner-eval-tasks-"));
});
after(async () => {
  await model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("relation evaluation (CoNLL04 slice)", () => {
  test("scores exactly the triples model.extractRelations returns, with the dataset's labels", async () => {
    const dataset = await readRelationDataset(RE_DATA, SENTENCES);
    assert.equal(dataset.sentences.length, SENTENCES);
    assert.deepEqual(dataset.entityLabels, ["location", "organization", "person", "other"]);
    const results = await evaluateRelations(dataset, relationExtractorFor(model, { threshold: 0.5 }), { chunk: 4 });

    const oneByOne: Triple[][] = [];
    for (const sentence of dataset.sentences) {
      const relations = await model.extractRelations(sentence.text, {
        relations: dataset.relationLabels,
        entityLabels: dataset.entityLabels,
        entityThreshold: 0.5,
        relationThreshold: 0.5,
      });
      oneByOne.push(relations.map((r) => ({ head: mention(r.source), relation: r.relation, tail: mention(r.target) })));
    }
    const predicted = oneByOne.flat().length;
    assert.ok(predicted > 0, "the fixture model predicts some relations on these sentences");
    assert.deepEqual({ strict: results.strict, boundaries: results.boundaries }, scoreRelations(dataset.sentences.map((s) => s.triples), oneByOne));

    // With those very triples as gold, every one of them is right: offsets and types survive the round trip.
    const echo = { ...dataset, sentences: dataset.sentences.map((s, i) => ({ ...s, triples: oneByOne[i] as Triple[] })) };
    const perfect = await evaluateRelations(echo, relationExtractorFor(model, { threshold: 0.5 }));
    assert.deepEqual([perfect.strict.precision, perfect.strict.recall, perfect.strict.f1], [1, 1, 1]);
  });

  test("gliner-ts eval --task relations writes the library's numbers", async () => {
    const output = join(dir, "re.json");
    const run = await runCli(["eval", "--task", "relations", "-m", TOKEN_MODEL, "-d", RE_DATA, "--limit", String(SENTENCES), "-o", output]);
    assert.equal(run.code, 0, run.stderr);
    const written = JSON.parse(await readFile(output, "utf8")) as Record<string, unknown>;
    const dataset = await readRelationDataset(RE_DATA, SENTENCES);
    const library = await evaluateRelations(dataset, relationExtractorFor(model));
    assert.deepEqual(written, {
      model: TOKEN_MODEL,
      dtype: "fp32",
      task: "relations",
      thresholds: { entity: 0.5, relation: 0.5 },
      limit: SENTENCES,
      ...library,
    });
    assert.ok(run.stdout.startsWith(`conll04 (${SENTENCES} sentences)\nstrict      P `), run.stdout);
  });
});

describe("QA evaluation (SQuAD-format JSONL)", () => {
  test("the prediction is model.answer's best answer (\"\" for none); EM and F1 are SQuAD's means", async () => {
    const examples = await readSquadJsonl(QA_DATA);
    const results = await evaluateQa(examples, answererFor(model), { chunk: 4 });
    let em = 0;
    let f1 = 0;
    for (const [i, example] of examples.entries()) {
      const [best] = await model.answer(example.question, example.context);
      const prediction = best?.text ?? "";
      assert.equal(results.predictions[i]?.prediction, prediction, example.id);
      const score = scoreAnswer(prediction, example.answers);
      em += score.exactMatch;
      f1 += score.f1;
    }
    assert.equal(results.exactMatch, em / examples.length);
    assert.equal(results.f1, f1 / examples.length);
    assert.deepEqual([results.questions, results.answerable], [6, 5]);
  });

  test("gliner-ts eval --task qa writes the library's numbers", async () => {
    const output = join(dir, "qa.json");
    const run = await runCli(["eval", "--task", "qa", "-m", TOKEN_MODEL, "-d", QA_DATA, "-o", output, "--threshold", "0.3"]);
    assert.equal(run.code, 0, run.stderr);
    const written = JSON.parse(await readFile(output, "utf8")) as Record<string, unknown>;
    const library = await evaluateQa(await readSquadJsonl(QA_DATA), answererFor(model, { threshold: 0.3 }));
    assert.deepEqual(written, { model: TOKEN_MODEL, dtype: "fp32", task: "qa", data: QA_DATA, threshold: 0.3, limit: null, ...library });
    assert.match(run.stdout, /sample\.jsonl \(6 questions, 5 answerable\)\nexact match \d+\.\d\d%  F1 \d+\.\d\d%/);
  });
});

function mention(e: { start: number; end: number; label: string }) {
  return { start: e.start, end: e.end, label: e.label };
}
