/**
 * Merging the results of overlapping windows into one document result. The rule, documented in the README:
 * 1. map every window's spans to document word indices;
 * 2. drop a span that touches an inner window edge (it may be cut by the edge; the neighbouring window,
 *    which extends past that edge, sees it whole);
 * 3. keep one copy of identical (start, end, label) spans, the best-scored;
 * 4. run the same greedy flat/nested/multi-label selection over the whole document.
 */
import type { Candidate } from "../decode/candidates.js";
import { greedySearch } from "../decode/greedy.js";
import type { WordRange } from "./plan.js";

export interface WindowResult {
  readonly range: WordRange;
  /** Spans in window-local word indices. */
  readonly spans: readonly Candidate[];
}

export function mergeWindows(
  windows: readonly WindowResult[],
  numWords: number,
  options: { flatNer: boolean; multiLabel: boolean },
): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const { range, spans } of windows) {
    for (const local of spans) {
      const span = { ...local, start: local.start + range.from, end: local.end + range.from };
      const cutAtStart = range.from > 0 && span.start === range.from;
      const cutAtEnd = range.to < numWords && span.end === range.to - 1;
      if (cutAtStart || cutAtEnd) continue;
      const key = `${span.start}:${span.end}:${span.label}`;
      const kept = best.get(key);
      if (kept === undefined || span.score > kept.score) best.set(key, span);
    }
  }
  // Document order (start, end, label) before the stable score sort, so ties resolve as in one pass.
  const merged = [...best.values()].sort((a, b) => a.start - b.start || a.end - b.end || a.label - b.label);
  return greedySearch(merged, options);
}
