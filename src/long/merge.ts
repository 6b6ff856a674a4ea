/**
 * Merging passes back into one result per text (documented in docs/long-documents.md).
 *
 * Windows: each window's result (its selected spans) is merged by
 * 1. mapping every span to document word indices;
 * 2. dropping a span that touches an inner window edge (the edge may cut it) when another window contains it
 *    without touching its own inner edges (that window sees it whole); a span no window sees whole (one that
 *    covers a whole overlap) is kept;
 * 3. keeping one copy of identical (start, end, label) spans, the best-scored;
 * 4. running the same greedy flat/nested/multi-label selection over the whole document.
 *
 * Label groups: the groups of one window saw the same words, so their raw candidates (before any greedy
 * selection) are pooled, with labels mapped back to the text's label list, and selected once, as a single
 * pass with every label would.
 */
import type { Candidate } from "../decode/candidates.js";
import { greedySearch } from "../decode/greedy.js";
import type { WordRange } from "./plan.js";

export interface SelectOptions {
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
}

export interface WindowResult {
  readonly range: WordRange;
  /** Selected spans in window-local word indices. */
  readonly spans: readonly Candidate[];
}

export function mergeWindows(windows: readonly WindowResult[], numWords: number, options: SelectOptions): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const { range, spans } of windows) {
    for (const local of spans) {
      const span = { ...local, start: local.start + range.from, end: local.end + range.from };
      if (touchesInnerEdge(span, range, numWords) && seenWholeElsewhere(span, windows, numWords)) continue;
      const key = `${span.start}:${span.end}:${span.label}`;
      const kept = best.get(key);
      if (kept === undefined || span.score > kept.score) best.set(key, span);
    }
  }
  return greedySearch(inDocumentOrder([...best.values()]), options);
}

/** True when the span starts on a window's first word or ends on its last one, and that edge is inside the text. */
export function touchesInnerEdge(span: { start: number; end: number }, range: WordRange, numWords: number): boolean {
  return (range.from > 0 && span.start === range.from) || (range.to < numWords && span.end === range.to - 1);
}

function seenWholeElsewhere(span: { start: number; end: number }, windows: readonly WindowResult[], numWords: number): boolean {
  return windows.some(
    ({ range }) => range.from <= span.start && span.end < range.to && !touchesInnerEdge(span, range, numWords),
  );
}

export interface GroupCandidates {
  /** Index in the text's label list of each label of the group, in prompt order. */
  readonly labels: readonly number[];
  /** Raw candidates of the pass; `label` indexes `labels`. */
  readonly candidates: readonly Candidate[];
}

/** One window's selected spans from the raw candidates of its label groups. */
export function selectAcrossGroups(groups: readonly GroupCandidates[], options: SelectOptions): Candidate[] {
  if (groups.length === 1) return greedySearch((groups[0] as GroupCandidates).candidates, options);
  const pooled = groups.flatMap(({ labels, candidates }) =>
    candidates.map((c) => ({ ...c, label: labels[c.label] as number })),
  );
  return greedySearch(inDocumentOrder(pooled), options);
}

/**
 * (start, end, label) order before greedy's stable score sort, so exact score ties resolve the same way
 * whatever the window or group a span came from (the span decoder emits this order within one pass).
 */
function inDocumentOrder(spans: Candidate[]): Candidate[] {
  return spans.sort((a, b) => a.start - b.start || a.end - b.end || a.label - b.label);
}
