/**
 * The prompted-text helper with a fake model: the reference's model text, offsets back into the caller's text,
 * prompt spans kept apart, and long texts (the prompt's words count; every window repeats the prompt).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError, TextTooLongError } from "../../src/errors.js";
import { promptedText, runPrompted } from "../../src/tasks/prompted.js";
import { splitWords } from "../../src/text/words.js";
import type { Entity } from "../../src/types.js";
import { fakeModel, occurrences } from "./fake-model.js";

/** The fake marks every capitalised word as "name" (score 0.9) and the span "Find names" as "match". */
const capitalised = (text: string, labels: readonly string[]): Entity[] => [
  ...splitWords(text)
    .filter((w) => /^[A-Z]/.test(w.text) && w.text !== "Find")
    .map((w) => ({ start: w.start, end: w.end, text: w.text, label: labels[0] as string, score: 0.9 })),
  ...occurrences(text, [["Find names", "match", 0.8]]),
  ...occurrences(text, [["names: \n Ann", "cross", 0.7]]),
];

describe("promptedText", () => {
  test("is the reference's f\"{prompt} \\n {text}\"", () => {
    assert.deepEqual(promptedText("Find names:", "Ann met Bob."), { prompted: "Find names: \n Ann met Bob.", textStart: 14 });
    assert.deepEqual(promptedText("", "x"), { prompted: " \n x", textStart: 3 });
  });
});

describe("runPrompted", () => {
  test("spans in the text move to its offsets; prompt spans are kept apart; spans across the boundary are in neither", async () => {
    const { model, calls } = fakeModel(capitalised);
    const text = "Ann met Bob in Rome.";
    const [result] = await runPrompted(model, [{ prompt: "Find names:", text, labels: ["name"] }], { threshold: 0.5 });
    assert.deepEqual(calls[0]?.texts, ["Find names: \n Ann met Bob in Rome."]);
    assert.deepEqual(calls[0]?.labels, [["name"]]);
    assert.deepEqual(result?.entities.map((e) => [e.text, e.start, e.end]), [["Ann", 0, 3], ["Bob", 8, 11], ["Rome", 15, 19]]);
    for (const e of result?.entities ?? []) assert.equal(text.slice(e.start, e.end), e.text);
    assert.deepEqual(result?.promptEntities.map((e) => [e.text, e.start, e.end, e.label]), [["Find names", 0, 10, "match"]]);
    assert.equal(result?.passes[0]?.entities.length, 5, "the raw call keeps all five spans");
  });

  test("a blank text makes no model call", async () => {
    const { model, calls } = fakeModel(capitalised);
    const results = await runPrompted(model, [{ prompt: "Find names:", text: "  \n ", labels: ["name"] }], {});
    assert.equal(calls.length, 0);
    assert.deepEqual(results, [{ entities: [], promptEntities: [], passes: [] }]);
  });

  test("many texts go in one batched call, one result each", async () => {
    const { model, calls } = fakeModel(capitalised);
    const results = await runPrompted(model, ["Ann ran.", "", "Bob sat."].map((text) => ({ prompt: "Find names:", text, labels: ["name"] })), {});
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.texts, ["Find names: \n Ann ran.", "Find names: \n Bob sat."]);
    assert.deepEqual(results.map((r) => r.entities.map((e) => e.text)), [["Ann"], [], ["Bob"]]);
  });

  describe("long texts: max_len 10 words, the prompt takes 3 (Find, names, :), 7 are left for the text", () => {
    // 16 words; capitalised ones at word indices 0, 5, 6, 12 and 15.
    const text = "Ann saw a red cat Bob Cid ate a big pie and Dan sat on Eve";
    const words = splitWords(text);

    test("truncation error: TextTooLongError counting the words left next to the prompt", async () => {
      const { model } = fakeModel(capitalised, 10);
      await assert.rejects(runPrompted(model, [{ prompt: "Find names:", text, labels: ["name"] }], { truncation: "error" }), (e: unknown) => {
        return e instanceof TextTooLongError && e.words === 16 && e.maxWords === 7;
      });
    });

    test("truncation truncate: the first 7 words with the prompt, reported through onTruncate", async () => {
      const { model, calls } = fakeModel(capitalised, 10);
      const reports: unknown[] = [];
      const [result] = await runPrompted(model, [{ prompt: "Find names:", text, labels: ["name"] }], { truncation: "truncate", onTruncate: (info) => reports.push(info) });
      assert.deepEqual(calls[0]?.texts, ["Find names: \n Ann saw a red cat Bob Cid"]);
      assert.deepEqual(reports, [{ index: 0, words: 16, keptWords: 7 }]);
      assert.deepEqual(result?.entities.map((e) => e.text), ["Ann", "Bob", "Cid"]);
    });

    test("truncation window: every window carries the prompt and at most 7 words; results merge back in place", async () => {
      const { model, calls } = fakeModel(capitalised, 10);
      const [result] = await runPrompted(model, [{ prompt: "Find names:", text, labels: ["name"] }], { truncation: "window", window: 7, overlap: 3 });
      const texts = calls[0]?.texts ?? [];
      assert.ok(texts.length >= 3, `${texts.length} windows`);
      for (const prompted of texts) {
        assert.ok(prompted.startsWith("Find names: \n "));
        assert.ok(splitWords(prompted).length <= 10);
      }
      assert.ok(texts.at(-1)?.endsWith("on Eve"), "the last window ends with the text");
      assert.deepEqual(result?.entities.map((e) => [e.text, e.start]), [0, 5, 6, 12, 15].map((i) => [words[i]?.text, words[i]?.start]));
      assert.deepEqual(result?.promptEntities.map((e) => e.text), ["Find names"], "the same prompt span of every window, once");
    });

    test("a prompt of max_len words leaves no room: a clear error", async () => {
      const { model } = fakeModel(capitalised, 3);
      await assert.rejects(runPrompted(model, [{ prompt: "Find names:", text: "Ann", labels: ["name"] }], {}), (e: unknown) => {
        return e instanceof InvalidInputError && e.argument === "prompt" && /3 words/.test(e.message);
      });
    });
  });
});
