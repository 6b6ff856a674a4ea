/** SQuAD exact match / token F1 and strict relation triples, against hand-computed numbers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { evaluateQa, parseSquadJsonl } from "../../src/eval/qa.js";
import { evaluateRelations, parseRelationSentence, scoreRelations, type Triple } from "../../src/eval/relations.js";
import { exactMatch, normalizeAnswer, scoreAnswer, tokenF1 } from "../../src/eval/squad.js";

describe("SQuAD normalisation and scores", () => {
  test("lowercase, ASCII punctuation out, articles out, whitespace collapsed", () => {
    assert.equal(normalizeAnswer("The  Eiffel-Tower!"), "eiffeltower");
    assert.equal(normalizeAnswer("a cat, an owl and THE dog"), "cat owl and dog");
    assert.equal(normalizeAnswer("theory of an atom"), "theory of atom"); // "the" inside a word stays
    assert.equal(normalizeAnswer("«Paris»\u00a0\u3000 France"), "«paris» france"); // non-ASCII punctuation stays; Unicode spaces split
    assert.equal(normalizeAnswer("thé"), "thé"); // Python's Unicode \b: "the" in "thé" is no article
    // ...and a combining mark is no word character in Python either, so "a" + U+0301 loses its "a".
    assert.equal(normalizeAnswer("a\u0301 b"), "\u0301 b");
  });

  test("exact match is normalised equality", () => {
    assert.equal(exactMatch("the Denver Broncos", "Denver Broncos."), 1);
    assert.equal(exactMatch("Denver", "Denver Broncos"), 0);
  });

  test("token F1: bag-of-tokens overlap", () => {
    // pred {denver, broncos, team}, gold {denver, broncos}: P 2/3, R 1, F1 0.8
    assert.ok(Math.abs(tokenF1("Denver Broncos team", "the Denver Broncos") - 0.8) < 1e-15);
    // repeated tokens count as often as both sides have them: pred [a1 a1 b], gold [a1 c]: same 1, P 1/3, R 1/2, F1 0.4
    assert.ok(Math.abs(tokenF1("x x y", "x z") - 0.4) < 1e-15);
    assert.equal(tokenF1("Broncos", "Panthers"), 0);
    assert.equal(tokenF1("", "Panthers"), 0);
    assert.equal(tokenF1("", "the"), 1); // both normalise to nothing (SQuAD 2.0 rule)
  });

  test("best over gold answers; no gold answer means only an empty prediction is right", () => {
    assert.deepEqual(scoreAnswer("Broncos", ["Denver Broncos", "Broncos"]), { exactMatch: 1, f1: 1 });
    const partial = scoreAnswer("Denver", ["Denver Broncos", "Carolina"]);
    assert.equal(partial.exactMatch, 0);
    assert.ok(Math.abs(partial.f1 - 2 / 3) < 1e-15);
    assert.deepEqual(scoreAnswer("", []), { exactMatch: 1, f1: 1 });
    assert.deepEqual(scoreAnswer("anything", []), { exactMatch: 0, f1: 0 });
    assert.deepEqual(scoreAnswer("", ["a"]), { exactMatch: 1, f1: 1 }); // "a" normalises to "": unanswerable, as SQuAD 2.0
  });
});

describe("SQuAD JSONL and the QA loop", () => {
  const lines = [
    JSON.stringify({ id: "q1", question: "Who?", context: "Ada wrote it.", answers: { text: ["Ada", "Ada Lovelace"], answer_start: [0, 0] } }),
    JSON.stringify({ question: "When?", context: "In 1843.", answers: [{ text: "1843", answer_start: 3 }] }),
    JSON.stringify({ id: 7, question: "Why?", context: "No reason.", answers: [] }),
    JSON.stringify({ id: "q4", question: "Where?", context: "In London.", answers: ["London"] }),
  ].join("\n");

  test("three answer layouts, ids (line numbers when absent), limit", () => {
    const examples = parseSquadJsonl(lines, "dev.jsonl");
    assert.deepEqual(examples.map((e) => [e.id, e.answers]), [["q1", ["Ada", "Ada Lovelace"]], ["2", ["1843"]], ["7", []], ["q4", ["London"]]]);
    assert.equal(parseSquadJsonl(lines, "dev.jsonl", 2).length, 2);
  });

  test("EM and F1 are means over questions; no answer from the model is the empty prediction", async () => {
    const answers: Record<string, string[]> = { "Who?": ["Ada Lovelace", "Ada"], "When?": ["in 1843 too"], "Why?": [], "Where?": ["Paris"] };
    const results = await evaluateQa(parseSquadJsonl(lines, "dev.jsonl"), async (batch) => batch.map(({ question }) => answers[question] ?? []), { chunk: 3 });
    // q1 EM 1 F1 1 (best answer only: "Ada Lovelace"); q2 EM 0, F1: pred {in,1843,too} gold {1843} → P 1/3 R 1 → 0.5;
    // q3 unanswerable, no answer → 1/1; q4 0/0.
    assert.deepEqual(results.predictions.map((p) => [p.prediction, p.exactMatch]), [["Ada Lovelace", 1], ["in 1843 too", 0], ["", 1], ["Paris", 0]]);
    assert.equal(results.exactMatch, 2 / 4);
    assert.ok(Math.abs(results.f1 - (1 + 0.5 + 1 + 0) / 4) < 1e-15);
    assert.equal(results.questions, 4);
    assert.equal(results.answerable, 3);
  });

  test("bad lines name the file and line", () => {
    assert.throws(() => parseSquadJsonl('{"question": "q"}', "dev.jsonl"), (e: unknown) => e instanceof InvalidInputError && /dev\.jsonl line 1 needs "question" and "context"/.test(e.message));
    assert.throws(() => parseSquadJsonl('{"question": "q", "context": "c"}', "dev.jsonl"), /has no "answers" \(use \[\] for an unanswerable question\)/);
    assert.throws(() => parseSquadJsonl('{"question": "q", "context": "c", "answers": [1]}', "dev.jsonl"), /"answers" must be/);
    assert.throws(() => parseSquadJsonl("\n", "dev.jsonl"), /holds no questions/);
  });
});

describe("relation triples (strict and boundaries)", () => {
  // "John Smith works for IBM in Armonk ." → chars: John 0-4, Smith 5-10, works 11-16, for 17-20, IBM 21-24, in 25-27, Armonk 28-34
  const sentence = parseRelationSentence(
    {
      tokens: ["John", "Smith", "works", "for", "IBM", "in", "Armonk", "."],
      entities: [
        { start: 0, end: 1, label: "Person" },
        { start: 4, end: 4, label: "organization" },
        { start: 6, end: 6, label: "location" },
      ],
      relations: [
        { head: 0, tail: 1, label: "work for" },
        { head: 1, tail: 2, label: "organization based in" },
      ],
    },
    "test.jsonl line 1",
  );
  const person = { start: 0, end: 10, label: "person" };
  const ibm = { start: 21, end: 24, label: "organization" };
  const armonk = { start: 28, end: 34, label: "location" };

  test("gold mentions become character ranges of the space-joined tokens, labels lowercased", () => {
    assert.equal(sentence.text, "John Smith works for IBM in Armonk .");
    assert.deepEqual(sentence.triples, [
      { head: person, relation: "work for", tail: ibm },
      { head: ibm, relation: "organization based in", tail: armonk },
    ]);
  });

  test("strict needs relation, both spans and both types; boundaries ignores the types; direction matters", () => {
    const predicted: Triple[] = [
      { head: person, relation: "work for", tail: ibm }, // right
      { head: ibm, relation: "organization based in", tail: { ...armonk, label: "organization" } }, // wrong tail type
      { head: armonk, relation: "organization based in", tail: ibm }, // reversed
      { head: person, relation: "work for", tail: ibm }, // duplicate: counts once
    ];
    const s = scoreRelations([sentence.triples], [predicted]);
    // strict: 3 distinct predictions, 1 right, 2 gold → P 1/3, R 1/2, F1 0.4
    assert.deepEqual([s.strict.predicted, s.strict.correct, s.strict.gold], [3, 1, 2]);
    assert.equal(s.strict.precision, 1 / 3);
    assert.equal(s.strict.recall, 1 / 2);
    assert.ok(Math.abs(s.strict.f1 - 0.4) < 1e-15);
    // boundaries: the wrong-type one now counts → 2 of 3, 2 of 2 → F1 0.8
    assert.deepEqual([s.boundaries.predicted, s.boundaries.correct, s.boundaries.gold], [3, 2, 2]);
    assert.ok(Math.abs(s.boundaries.f1 - 0.8) < 1e-15);
  });

  test("no predictions and no gold give 0, not NaN; a partial-word mention matches nothing", async () => {
    assert.deepEqual(scoreRelations([[]], [[]]).strict, { gold: 0, predicted: 0, correct: 0, precision: 0, recall: 0, f1: 0 });
    const dataset = { name: "x", entityLabels: ["person"], relationLabels: ["work for"], sentences: [sentence] };
    const results = await evaluateRelations(dataset, async (texts) =>
      texts.map(() => [{ source: { ...person, end: 9 }, relation: "Work For", target: { ...ibm, label: "Organization" } }]),
    );
    assert.deepEqual([results.strict.predicted, results.strict.correct], [1, 0]);
    const right = await evaluateRelations(dataset, async (texts) => texts.map(() => [{ source: person, relation: "Work For", target: { ...ibm, label: "Organization" } }]));
    assert.deepEqual([right.strict.correct, right.strict.precision, right.strict.recall], [1, 1, 0.5]); // labels compare lowercased
  });

  test("bad relation data names the line and the fix", () => {
    assert.throws(() => parseRelationSentence({ tokens: ["a"], entities: [{ start: 0, end: 0, label: "x" }], relations: [{ head: 0, tail: 3, label: "r" }] }, "re.jsonl line 4"), /re\.jsonl line 4, relation 0 must be \{"head", "tail" \(indices into the 1 entities\)/);
    assert.throws(() => parseRelationSentence({ tokens: ["a"], entities: [{ start: 0, end: 1, label: "x" }] }, "re.jsonl line 2"), /entity 0 must be .*within the 1 tokens/);
  });
});
