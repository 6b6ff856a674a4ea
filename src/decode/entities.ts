/** ⑥ Word-index spans → entities with character offsets into the original text. */
import type { Word } from "../text/words.js";
import type { Entity } from "../types.js";
import type { Candidate } from "./candidates.js";

export function toEntities(
  spans: readonly Candidate[],
  words: readonly Word[],
  text: string,
  labels: readonly string[],
): Entity[] {
  return spans.map((span) => {
    const first = words[span.start];
    const last = words[span.end];
    const label = labels[span.label];
    if (first === undefined || last === undefined || label === undefined) {
      // Decoders only emit in-range spans; reaching this is a bug in gliner-ts, not bad input.
      throw new RangeError(`span ${span.start}..${span.end} (label ${span.label}) is outside the text`);
    }
    return { start: first.start, end: last.end, text: text.slice(first.start, last.end), label, score: span.score };
  });
}
