/** Checks shared by the golden parity suites. */
import assert from "node:assert/strict";
import { CodePointIndex } from "../../src/text/offsets.js";
import { splitWords } from "../../src/text/words.js";
import type { GoldenCase } from "./fixtures.js";

/** Our words and their code-point offsets equal the reference's, text by text. */
export function assertWords(c: Pick<GoldenCase, "call" | "words">): void {
  c.call.texts.forEach((text, i) => {
    const index = new CodePointIndex(text);
    const ours = splitWords(text).map((w) => [w.text, index.toCodePoint(w.start), index.toCodePoint(w.end)]);
    assert.deepEqual(ours, c.words[i], `words of text ${i}`);
  });
}

/** Largest |reference[i] - ours[i]|; the lengths must agree. */
export function maxAbsDelta(reference: readonly number[], ours: ArrayLike<number>): number {
  assert.equal(ours.length, reference.length, "value count");
  let max = 0;
  reference.forEach((v, i) => (max = Math.max(max, Math.abs(v - (ours[i] as number)))));
  return max;
}
