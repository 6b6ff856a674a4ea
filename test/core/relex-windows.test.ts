/**
 * Relex relations of a windowed text (docs/relex.md, "Long texts"), against one-window calls on each window's words:
 * each window's relations are kept when both ends survive the entity merge; a (head, relation, tail) found by
 * several windows comes from one window only — where it scored best — with that window's occurrences (a token
 * model's repeats stay, as in a one-window call); window order, then the model's pair order.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RelationPrediction } from "../../src/node.js";
import { planPasses } from "../../src/long/plan.js";
import { splitWords } from "../../src/text/words.js";
import { readGolden, type RelexGoldenFile, useConvertedRelex } from "../helpers/relex.js";

/** A golden text repeated into a long one, and windows whose overlaps hold relations that two windows find. */
const SETUPS = {
  "relex-span": { id: "rel_multi_label", copies: 4, windows: 6, window: { window: 20, overlap: 10 } },
  "relex-token": { id: "rel_unicode", copies: 3, windows: 7, window: { window: 30, overlap: 15 } },
} as const;

for (const name of ["relex-span", "relex-token"] as const) {
  describe(`relations of a windowed text (${name})`, () => {
    const model = useConvertedRelex(name);
    const setup = SETUPS[name];
    const WINDOW = setup.window;
    const c = readGolden<RelexGoldenFile>(`${name}.json`).cases.find((k) => k.id === setup.id)!;
    const text = Array.from({ length: setup.copies }, () => c.call.texts[0]!).join(" ");
    const labels = c.call.labels as string[];
    const relationLabels = c.call.relations as string[];
    const options = { threshold: c.call.threshold, multiLabel: c.call.multi_label };

    test("each relation inside one window is found, once across windows, from the window where it scored best", async () => {
      const words = splitWords(text);
      const ranges = planPasses(words.length, { truncation: "window", maxLength: model().config.maxLength, ...WINDOW });
      const result = await model().predictRelations(text, labels, relationLabels, { ...options, ...WINDOW });
      assert.equal(ranges.length, setup.windows);

      // The oracle: each window's words as a text of its own (one pass, the reference's rule), ends mapped by
      // boundaries to the windowed result's entities.
      const entityAt = (start: number, end: number) => result.entities.findIndex((e) => e.start === start && e.end === end);
      const windows: { head: number; relation: string; tail: number; score: number }[][] = [];
      for (const range of ranges) {
        const from = words[range.from]!.start;
        const alone: RelationPrediction = await model().predictRelations(text.slice(from, words[range.to - 1]!.end), labels, relationLabels, options);
        windows.push(
          alone.relations
            .map((r) => ({ head: entityAt(r.head.start + from, r.head.end + from), relation: r.relation, tail: entityAt(r.tail.start + from, r.tail.end + from), score: r.score }))
            .filter((r) => r.head >= 0 && r.tail >= 0),
        );
      }
      const key = (r: { head: number; relation: string; tail: number }) => `${r.head}|${r.relation}|${r.tail}`;
      const bestWindow = new Map<string, number>();
      const bestScore = new Map<string, number>();
      windows.forEach((found, w) =>
        found.forEach((r) => {
          if (!(r.score <= (bestScore.get(key(r)) ?? -1))) {
            bestScore.set(key(r), r.score);
            bestWindow.set(key(r), w);
          }
        }),
      );
      const expected = windows.flatMap((found, w) => found.filter((r) => bestWindow.get(key(r)) === w));
      const foundBy = new Map<string, Set<number>>();
      windows.forEach((found, w) => found.forEach((r) => foundBy.set(key(r), (foundBy.get(key(r)) ?? new Set()).add(w))));
      assert.ok([...foundBy.values()].some((ws) => ws.size > 1), "some relations lie in an overlap and are found by two windows");

      assert.deepEqual(result.relations.map((r) => [r.head.entityIdx, r.relation, r.tail.entityIdx]), expected.map((r) => [r.head, r.relation, r.tail]));
      result.relations.forEach((r, j) => assert.ok(Math.abs(r.score - expected[j]!.score) <= 1e-5, `relation ${j}`));
      const distinct = new Set(result.relations.map((r) => key({ head: r.head.entityIdx, relation: r.relation, tail: r.tail.entityIdx }))).size;
      if (name === "relex-span") assert.equal(result.relations.length, distinct, "span models pair each span once: every triple once");
      else assert.ok(result.relations.length > distinct, "a token model's repeats within a window stay, as in a one-window call");
    });
  });
}
