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
import { greedySearchSteps } from "../decode/greedy.js";
import { drain, sortSteps, type Steps } from "../decode/slices.js";
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
  return drain(mergeWindowSteps(windows, numWords, options));
}

/** `mergeWindows` with pause points, to run in slices (decode/slices.ts). */
export function* mergeWindowSteps(windows: readonly WindowResult[], numWords: number, options: SelectOptions): Steps<Candidate[]> {
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
  return yield* greedySearchSteps(yield* inDocumentOrder([...best.values()]), options);
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
  return drain(selectAcrossGroupSteps(groups, options));
}

/** `selectAcrossGroups` with pause points, to run in slices (decode/slices.ts). */
export function* selectAcrossGroupSteps(groups: readonly GroupCandidates[], options: SelectOptions): Steps<Candidate[]> {
  if (groups.length === 1) return yield* greedySearchSteps((groups[0] as GroupCandidates).candidates, options);
  const pooled = groups.flatMap(({ labels, candidates }) =>
    candidates.map((c) => ({ ...c, label: labels[c.label] as number })),
  );
  return yield* greedySearchSteps(yield* inDocumentOrder(pooled), options);
}

/**
 * (start, end, label) order before greedy's stable score sort, so exact score ties resolve the same way
 * whatever the window or group a span came from (the span decoder emits this order within one pass).
 */
function inDocumentOrder(spans: Candidate[]): Steps<Candidate[]> {
  return sortSteps(spans, (a, b) => a.start - b.start || a.end - b.end || a.label - b.label);
}
