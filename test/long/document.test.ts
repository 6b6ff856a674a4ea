/**
 * Long documents end to end on the fixture models: the windowed result equals the documented merge of the
 * windows run one by one, entities on both sides of every seam come back with correct offsets, entities
 * across a window edge are recovered, and texts within the budget give exactly the core's result.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { planWindows, type WordRange } from "../../src/long/plan.js";
import { GLiNER } from "../../src/node.js";
import { splitWords, type Word } from "../../src/text/words.js";
import type { Entity } from "../../src/types.js";
import { assertSameEntities } from "../helpers/entities.js";
import { SPAN_MODEL, TOKEN_MODEL } from "../helpers/fixtures.js";
import { coreOf, mergeByRule, perWindowEntities } from "./window-oracle.js";

const SENTENCES = [
  "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975, in Albuquerque, New Mexico.",
  "Marie Curie won the Nobel Prize in Physics in 1903 together with Pierre Curie and Henri Becquerel.",
  "The Amazon River flows through Brazil, Peru and Colombia before reaching the Atlantic Ocean.",
  "Apple unveiled the iPhone at the Macworld Conference in San Francisco in January 2007.",
  "Angela Merkel served as Chancellor of Germany from 2005 to 2021 and led the Christian Democratic Union.",
  "The Eiffel Tower in Paris was designed by the engineering company of Gustave Eiffel for the 1889 World's Fair.",
];
const LABELS = ["person", "organization", "location", "date"];
/** ~1,100 words, with sentences in a varying order so that every window sees different text. */
const DOCUMENT = Array.from({ length: 60 }, (_, i) => SENTENCES[(i * 5 + Math.floor(i / 6)) % SENTENCES.length]).join(" ");
const WORDS = splitWords(DOCUMENT);
const OPTIONS = { threshold: 0.3 } as const;
const SMALL = { window: 60, overlap: 15 } as const;

/** Word indices of an entity, checking that its offsets fall on word boundaries of the document. */
function wordSpan(e: Entity, words: readonly Word[]): { start: number; end: number } {
  const start = words.findIndex((w) => w.start === e.start);
  const end = words.findIndex((w) => w.end === e.end);
  assert.ok(start >= 0 && end >= start, `${e.start}-${e.end} "${e.text}" is not a run of document words`);
  assert.equal(DOCUMENT.slice(e.start, e.end), e.text);
  return { start, end };
}

for (const dir of [SPAN_MODEL, TOKEN_MODEL]) {
  describe(`long documents (${dir.split("/").pop()})`, () => {
    let model: GLiNER;
    before(async () => {
      model = await GLiNER.fromPretrained(dir);
    });
    after(() => model.dispose());

    test("the document result is the documented merge of its windows, each run on its own", async () => {
      for (const sizes of [SMALL, { window: 200, overlap: 50 }]) {
        const ranges = planWindows(WORDS.length, sizes);
        const [result] = await model.inference([DOCUMENT], LABELS, { ...OPTIONS, ...sizes });
        assert.equal(result?.passes, ranges.length);
        assert.equal(result?.modelWords, WORDS.length);
        assert.equal(result?.truncated, false);
        const windows = await perWindowEntities(model, DOCUMENT, LABELS, ranges, OPTIONS);
        const expected = mergeByRule(windows, DOCUMENT, LABELS, { flatNer: true, multiLabel: false });
        assertSameEntities([result?.entities ?? []], [expected], `window ${sizes.window}`);
        for (const e of result?.entities ?? []) wordSpan(e, WORDS);
      }
    });

    test("nested and multi-label selection run over the whole document too", async () => {
      const options = { ...OPTIONS, ...SMALL, flatNer: false, multiLabel: true };
      const ranges = planWindows(WORDS.length, SMALL);
      const [result] = await model.inference([DOCUMENT], LABELS, options);
      const windows = await perWindowEntities(model, DOCUMENT, LABELS, ranges, options);
      assertSameEntities([result?.entities ?? []], [mergeByRule(windows, DOCUMENT, LABELS, options)], "nested");
    });

    test("entities on both sides of every seam, and entities across window edges, are found", async () => {
      const ranges = planWindows(WORDS.length, SMALL);
      const [result] = await model.inference([DOCUMENT], LABELS, { ...OPTIONS, ...SMALL });
      const spans = (result?.entities ?? []).map((e) => wordSpan(e, WORDS));
      let crossing = 0;
      ranges.slice(0, -1).forEach((range, i) => {
        const seam = range.to; // where a chunker without overlap would cut
        if (seam + 15 > WORDS.length) return; // the end-aligned last window leaves no room after this one
        assert.ok(spans.some((s) => s.end < seam && s.end >= seam - 15), `an entity ends just before seam ${i} (word ${seam})`);
        assert.ok(spans.some((s) => s.start >= seam && s.start < seam + 15), `an entity starts just after seam ${i} (word ${seam})`);
        if (spans.some((s) => s.start < seam && s.end >= seam)) crossing++;
      });
      assert.ok(crossing > 0, "some entities cross a window edge; they are recovered from the next window");
    });

    test("what a window finds in its own core is kept, or loses only to a better-scored conflicting entity", async () => {
      const ranges = planWindows(WORDS.length, SMALL);
      const [result] = await model.inference([DOCUMENT], LABELS, { ...OPTIONS, ...SMALL });
      const final = result?.entities ?? [];
      const windows = await perWindowEntities(model, DOCUMENT, LABELS, ranges, OPTIONS);
      let checked = 0;
      windows.forEach(({ entities }, i) => {
        const core = coreOf(ranges, i, WORDS.length) as WordRange;
        for (const e of entities) {
          const span = wordSpan(e, WORDS);
          if (span.start < core.from || span.end >= core.to) continue;
          checked++;
          const kept = final.find((f) => f.start === e.start && f.end === e.end && f.label === e.label);
          const beaten = final.find((f) => f.score >= e.score && f.start < e.end && e.start < f.end);
          assert.ok(kept !== undefined || beaten !== undefined, `window ${i}: "${e.text}" (${e.label}) vanished`);
        }
      });
      assert.ok(checked > 50, `checked ${checked} core entities`);
    });

    test("texts within the budget: one pass, the same result whatever the truncation mode", async () => {
      const text = SENTENCES.join(" ");
      const [windowed] = await model.inference([text], LABELS, OPTIONS);
      assert.equal(windowed?.passes, 1);
      for (const truncation of ["truncate", "error"] as const) {
        assert.deepEqual(await model.predictEntities(text, LABELS, { ...OPTIONS, truncation }), windowed?.entities);
      }
    });

    test('truncation: "truncate" reads only the first max_len words, as the reference', async () => {
      const reports: unknown[] = [];
      const [cut] = await model.inference([DOCUMENT], LABELS, { ...OPTIONS, truncation: "truncate", onTruncate: (i) => reports.push(i) });
      const maxLen = model.config.maxLength;
      assert.equal(cut?.modelWords, Math.min(maxLen, WORDS.length));
      const last = WORDS[Math.min(maxLen, WORDS.length) - 1] as Word;
      const [head] = await model.batchPredictEntities([DOCUMENT.slice(0, last.end)], LABELS, OPTIONS);
      assert.deepEqual(cut?.entities, head);
      assert.equal(reports.length, WORDS.length > maxLen ? 1 : 0);
    });
  });
}
