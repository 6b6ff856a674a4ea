/**
 * The pipeline's task prompt and pre-split words, on the fixture models: a prompted request gives what the core
 * gives on the reference's model text `"{prompt} \n {text}"` (spans moved into the caller's text, prompt spans
 * apart); long texts count the prompt's words and every window repeats the prompt; pre-split words are read as
 * given; input-order batches change nothing but float rounding.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GLiNER, InvalidInputError, TextTooLongError } from "../../src/node.js";
import type { TaskEngine } from "../../src/tasks/spec.js";
import { splitWords } from "../../src/text/words.js";
import type { Entity } from "../../src/types.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";
import { modelEngine } from "../helpers/internals.js";

const PROMPT = "Find every person and company:";
const TEXT = "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975 in Albuquerque.";
const LABELS = ["person", "organization", "match"];
const LOW = { threshold: 0.2, onTruncate: () => {} };

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`pipeline prompt prefix (${dir.split("/").pop()})`, () => {
    let model: GLiNER;
    let engine: TaskEngine;
    before(async () => {
      model = await GLiNER.fromPretrained(dir);
      engine = modelEngine(model);
    });
    after(() => model.dispose());

    test("a prompted request = the core on the prompted text, split into text spans and prompt spans", async () => {
      const prompted = `${PROMPT} \n ${TEXT}`;
      const textStart = PROMPT.length + 3;
      const [direct = []] = await model.batchPredictEntities([prompted], LABELS, LOW);
      const [ours] = await engine.predict([{ prompt: PROMPT, text: TEXT, labels: LABELS }], LOW);
      const inText = direct.filter((e) => e.start >= textStart).map((e) => ({ ...e, start: e.start - textStart, end: e.end - textStart }));
      const inPrompt = direct.filter((e) => e.end <= PROMPT.length);
      assert.ok(inText.length > 0 && inPrompt.length > 0, "the random model finds spans on both sides at 0.2");
      assertSameEntities([ours?.entities ?? []], [inText], "text spans");
      assertSameEntities([ours?.promptEntities ?? []], [inPrompt], "prompt spans");
      for (const e of ours?.entities ?? []) assert.equal(TEXT.slice(e.start, e.end), e.text);
      assert.equal(ours?.words, splitWords(TEXT).length, "words counts the caller's text only");
    });

    describe("long texts: the prompt's words count against max_len; windows repeat the prompt", () => {
      const promptWords = splitWords(PROMPT).length; // 6
      let long: string;
      let words: number;
      before(() => {
        long = Array.from({ length: Math.ceil(model.config.maxLength / 8) + 3 }, (_, i) => `Paul Allen met Bill Gates in town ${i}.`).join(" ");
        words = splitWords(long).length;
      });

      test("error: TextTooLongError with max_len minus the prompt's words", async () => {
        await assert.rejects(engine.predict([{ prompt: PROMPT, text: long, labels: LABELS }], { truncation: "error" }), (e: unknown) => {
          return e instanceof TextTooLongError && e.words === words && e.maxLength === model.config.maxLength - promptWords;
        });
      });

      test("truncate: the first max_len - promptWords words, reported", async () => {
        const reports: unknown[] = [];
        const [result] = await engine.predict([{ prompt: PROMPT, text: long, labels: LABELS }], { ...LOW, truncation: "truncate", onTruncate: (i) => reports.push(i) });
        assert.deepEqual(reports, [{ index: 0, words, keptWords: model.config.maxLength - promptWords }]);
        assert.equal(result?.modelWords, model.config.maxLength - promptWords);
      });

      test("window: each window is the prompt + its words, merged as the core merges windows", async () => {
        const window = 40;
        const [windowed] = await engine.predict([{ prompt: PROMPT, text: long, labels: LABELS }], { ...LOW, window, overlap: 10 });
        assert.ok((windowed?.passes ?? 0) > 2, `${windowed?.passes} windows`);
        // The first window alone, prompted as the reference would: the same spans where it is not cut by the edge.
        const textWords = splitWords(long);
        const firstSlice = long.slice(0, (textWords[window - 1] as { end: number }).end);
        const [first] = await engine.predict([{ prompt: PROMPT, text: firstSlice, labels: LABELS }], LOW);
        const inner = (list: readonly Entity[]) => list.filter((e) => e.end < (textWords[window - 11] as { end: number }).end);
        assertSameEntities([inner(windowed?.entities ?? [])], [inner(first?.entities ?? [])], "first window");
        assert.ok((windowed?.entities ?? []).some((e) => e.start > long.length - 60), "spans in the last window");
        for (const e of windowed?.entities ?? []) assert.equal(long.slice(e.start, e.end), e.text);
      });

      test("a prompt of max_len words leaves no room: a clear error", async () => {
        const huge = Array.from({ length: model.config.maxLength }, () => "w").join(" ");
        await assert.rejects(engine.predict([{ prompt: huge, text: "Ann", labels: LABELS }], {}), (e: unknown) => {
          return e instanceof InvalidInputError && e.argument === "prompt" && /shorten the prompt/.test(e.message);
        });
      });
    });

    test("pre-split words are read as given; input-order batches give the same spans", async () => {
      const tokens = ["Bill", "Gates", "founded", "Microsoft", "in", "Albuquerque."];
      const text = tokens.join(" ");
      let at = 0;
      const given = tokens.map((w) => {
        const word = { text: w, start: at, end: at + w.length };
        at += w.length + 1;
        return word;
      });
      const [asGiven] = await engine.predict([{ text, words: given, labels: LABELS }], LOW);
      assert.equal(asGiven?.words, tokens.length);
      const [split] = await engine.predict([{ text, labels: LABELS }], LOW);
      assert.equal(split?.words, splitWords(text).length);
      assert.notEqual(split?.words, tokens.length, 'the reference splitter cuts "Albuquerque." in two');
      const texts = ["Paul Allen", "", "Tim Cook runs Apple in Cupertino.", TEXT];
      const requests = texts.map((t) => ({ text: t, labels: LABELS }));
      const byLength = await engine.predict(requests, { ...LOW, batchSize: 2 });
      const inOrder = await engine.predict(requests, { ...LOW, batchSize: 2, batchOrder: "input" });
      assertSameEntities(inOrder.map((r) => r.entities), byLength.map((r) => r.entities), "input order");
    });
  });
}
