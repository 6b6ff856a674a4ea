/** The NER metric and data reader against hand-computed numbers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { meanScores, scoresFromCounts } from "../../src/eval/metrics.js";
import { parseLabels, parseNerJsonl } from "../../src/eval/ner-data.js";
import { scoreNer } from "../../src/eval/ner-eval.js";
import { parseInstructUie, UNALIGNED } from "../../src/eval/instructuie.js";
import { flatNerFor } from "../../src/eval/run-ner.js";

const span = (start: number, end: number, label: string) => ({ start, end, label });

describe("scoreNer (micro P/R/F1 over distinct (sentence, start, end, label))", () => {
  test("partial overlap: 2 of 3 predictions right, 2 of 4 gold found", () => {
    const gold = [[span(0, 1, "person"), span(3, 3, "location")], [span(2, 4, "organization"), span(5, 5, "date")]];
    const predicted = [[span(0, 1, "person"), span(3, 3, "person")], [span(2, 4, "organization")]];
    const s = scoreNer(gold, predicted);
    assert.deepEqual({ gold: s.gold, predicted: s.predicted, correct: s.correct }, { gold: 4, predicted: 3, correct: 2 });
    assert.equal(s.precision, 2 / 3);
    assert.equal(s.recall, 2 / 4);
    // 2PR/(P+R) = 2·(2/3)(1/2)/(2/3+1/2) = (2/3)/(7/6) = 4/7
    assert.ok(Math.abs(s.f1 - 4 / 7) < 1e-15);
  });

  test("a span in another sentence, with other boundaries or another label does not match", () => {
    const gold = [[span(0, 1, "person")], []];
    for (const predicted of [[[], [span(0, 1, "person")]], [[span(0, 0, "person")], []], [[span(0, 1, "persons")], []]]) {
      const s = scoreNer(gold, predicted);
      assert.deepEqual([s.correct, s.precision, s.recall, s.f1], [0, 0, 0, 0]);
    }
  });

  test("empty predictions: precision 0 (not NaN), recall 0, F1 0", () => {
    const s = scoreNer([[span(0, 0, "a")], [span(1, 2, "b")]], [[], []]);
    assert.deepEqual(s, { gold: 2, predicted: 0, correct: 0, precision: 0, recall: 0, f1: 0 });
  });

  test("empty gold: recall 0 (not NaN), precision 0", () => {
    const s = scoreNer([[], []], [[span(0, 0, "a")], []]);
    assert.deepEqual(s, { gold: 0, predicted: 1, correct: 0, precision: 0, recall: 0, f1: 0 });
  });

  test("nothing at all: every number 0", () => {
    assert.deepEqual(scoreNer([[]], [[]]), { gold: 0, predicted: 0, correct: 0, precision: 0, recall: 0, f1: 0 });
    assert.deepEqual(scoreNer([], []), { gold: 0, predicted: 0, correct: 0, precision: 0, recall: 0, f1: 0 });
  });

  test("duplicates collapse on both sides, as the reference's sets do", () => {
    const gold = [[span(0, 1, "a"), span(0, 1, "a"), span(4, 4, "b")]];
    const predicted = [[span(0, 1, "a"), span(0, 1, "a"), span(0, 1, "a"), span(2, 2, "b")]];
    const s = scoreNer(gold, predicted);
    assert.deepEqual({ gold: s.gold, predicted: s.predicted, correct: s.correct }, { gold: 2, predicted: 2, correct: 1 });
    assert.equal(s.precision, 0.5);
    assert.equal(s.recall, 0.5);
    assert.equal(s.f1, 0.5);
  });

  test("the same span with two labels is two items", () => {
    const s = scoreNer([[span(0, 0, "a"), span(0, 0, "b")]], [[span(0, 0, "a")]]);
    assert.deepEqual([s.gold, s.predicted, s.correct, s.precision, s.recall], [2, 1, 1, 1, 0.5]);
    assert.ok(Math.abs(s.f1 - 2 / 3) < 1e-15);
  });

  test("perfect predictions score 1", () => {
    const gold = [[span(0, 2, "x")], [span(1, 1, "y")]];
    assert.deepEqual(scoreNer(gold, gold), { gold: 2, predicted: 2, correct: 2, precision: 1, recall: 1, f1: 1 });
  });

  test("mismatched sentence counts are a programming error, not a silent zip", () => {
    assert.throws(() => scoreNer([[]], []), RangeError);
  });
});

describe("scores and averages", () => {
  test("F1 is 2PR/(P+R) from the ratios", () => {
    const s = scoresFromCounts({ gold: 383, predicted: 617, correct: 5 });
    assert.equal(s.precision, 5 / 617);
    assert.equal(s.recall, 5 / 383);
    assert.equal(s.f1, (2 * ((5 / 617) * (5 / 383))) / (5 / 617 + 5 / 383));
    assert.ok(Math.abs(s.f1 - 0.01) < 1e-15); // the reference's CrossNER_AI golden: 0.01
  });

  test("the average row is the arithmetic mean of each column (macro over datasets)", () => {
    const m = meanScores([
      { precision: 0.5, recall: 0.25, f1: 0.4 },
      { precision: 1, recall: 0.75, f1: 0.6 },
    ]);
    assert.deepEqual(m, { precision: 0.75, recall: 0.5, f1: 0.5 });
    assert.deepEqual(meanScores([]), { precision: 0, recall: 0, f1: 0 });
  });
});

describe("NER data: label case and validation", () => {
  test("labels and gold labels are lowercased (GLiNER's create_dataset), label order kept, duplicates dropped", () => {
    assert.deepEqual(parseLabels('["Restaurant Name", "Rating", "rating"]', "labels.json"), ["restaurant name", "rating"]);
    const [sentence] = parseNerJsonl('{"tokens": ["Joe", "\'s"], "entities": [{"start": 0, "end": 1, "label": "Restaurant Name"}]}', "t.jsonl");
    assert.deepEqual(sentence?.entities, [{ start: 0, end: 1, label: "restaurant name" }]);
    // So an upper-case gold label matches the lowercased prompt label the model predicts.
    const s = scoreNer([sentence?.entities ?? []], [[span(0, 1, "restaurant name")]]);
    assert.equal(s.f1, 1);
  });

  test("blank lines are skipped; limit keeps the first sentences", () => {
    const content = '{"tokens": ["a"]}\n\n{"tokens": ["b"], "entities": []}\n{"tokens": ["c"]}\n';
    assert.deepEqual(parseNerJsonl(content, "t.jsonl").map((s) => s.tokens[0]), ["a", "b", "c"]);
    assert.deepEqual(parseNerJsonl(content, "t.jsonl", 2).map((s) => s.tokens[0]), ["a", "b"]);
  });

  test("bad data is refused with the file, line and fix", () => {
    const bad: [string, RegExp][] = [
      ["{not json", /t\.jsonl line 1 is not valid JSON/],
      ['{"tokens": "a b"}', /line 1: "tokens" must be an array of non-empty word strings/],
      ['{"tokens": ["a", ""]}', /non-empty word strings/],
      ['{"tokens": ["a"], "entities": [{"start": 0, "end": 1, "label": "x"}]}', /entity 0 spans words 0\.\.1 \(inclusive\) but the sentence has 1 words/],
      ['{"tokens": ["a"], "entities": [{"start": 0, "end": 0}]}', /"label": string/],
      ['{"tokens": ["a", "b"], "entities": [{"start": 1, "end": 0, "label": "x"}]}', /spans words 1\.\.0/],
    ];
    for (const [line, message] of bad) {
      assert.throws(() => parseNerJsonl(line, "t.jsonl"), (e: unknown) => {
        assert.ok(e instanceof InvalidInputError);
        assert.match(e.message, message);
        return true;
      });
    }
    assert.throws(() => parseLabels("[]", "labels.json"), /non-empty JSON array of label strings/);
    assert.throws(() => parseLabels('{"a": 1}', "labels.json"), /non-empty JSON array/);
  });
});

describe("GLiNER's raw test.json (InstructUIE layout), read as the reference's process() reads it", () => {
  test("the fixture JSONL converted back to the raw layout reads to the same sentences", async () => {
    const { readFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { FIXTURES } = await import("../helpers/fixtures.js");
    const path = join(FIXTURES, "eval", "ner", "mit-restaurant", "test.jsonl");
    const sentences = parseNerJsonl(await readFile(path, "utf8"), path);
    const raw = sentences.map(({ tokens, entities }) => {
      const starts = tokens.map((_, i) => tokens.slice(0, i).join(" ").length + (i > 0 ? 1 : 0));
      return {
        sentence: tokens.join(" "),
        entities: entities.map((e) => ({
          name: tokens.slice(e.start, e.end + 1).join(" "),
          type: e.label.toUpperCase(),
          pos: [starts[e.start], (starts[e.end] as number) + (tokens[e.end] as string).length],
        })),
      };
    });
    assert.deepEqual(parseInstructUie(JSON.stringify(raw), "test.json"), sentences);
    assert.equal(parseInstructUie(JSON.stringify(raw), "test.json", 7).length, 7);
  });

  test("a boundary inside a word stays unaligned (-1): counted as gold, never matched", () => {
    // mit-movie's "r" (rating) at characters 8..9: the "r" of "rated". The start aligns with "rated", the end does not.
    const raw = [{ sentence: "whats a  rated r movie", entities: [{ name: "r", type: "RATING", pos: [8, 9] }, { name: "movie", type: "genre", pos: [16, 21] }] }];
    const [sentence] = parseInstructUie(JSON.stringify(raw), "test.json");
    assert.deepEqual(sentence?.tokens, ["whats", "a", "rated", "r", "movie"]); // split() drops the double space...
    // ...and offsets assume single spaces, as the reference's: "movie" is at 16..21 there, so it aligns (4..4).
    assert.deepEqual(sentence?.entities, [{ start: 2, end: UNALIGNED, label: "rating" }, { start: 4, end: 4, label: "genre" }]);
    const s = scoreNer([sentence?.entities ?? []], [[span(2, 2, "rating"), span(4, 4, "genre")]]);
    assert.deepEqual([s.gold, s.predicted, s.correct], [2, 2, 1]);
  });

  test("malformed raw data names the item and the fix", () => {
    assert.throws(() => parseInstructUie('{"sentence": "a"}', "test.json"), /test\.json must be a JSON list/);
    assert.throws(() => parseInstructUie('[{"entities": []}]', "test.json"), /test\.json item 0 has no "sentence" string/);
    assert.throws(() => parseInstructUie('[{"sentence": "a b", "entities": [{"type": "x", "pos": [0]}]}]', "test.json"), /item 0, entity 0 must be \{"type": string, "pos": \[startChar, endChar\]\}/);
  });

  test("nested NER only for ACE, GENIA and Corpus datasets (the reference's get_for_one_path)", () => {
    assert.deepEqual(["ACE 2004", "GENIA_NER", "Corpus_x", "CrossNER_AI", "mit-movie"].map(flatNerFor), [false, false, false, true, true]);
  });
});
