/**
 * An independent implementation of the documented window merge rule, on character offsets and the public
 * API only: each window is run as a text of its own, its entities are shifted into the document, and the
 * rule of docs/long-documents.md is applied. Used by the long-document tests and bench/seams.ts.
 */
import type { GLiNERBase } from "../../src/index.js";
import type { WordRange } from "../../src/long/plan.js";
import { splitWords } from "../../src/text/words.js";
import type { Entity, PredictOptions } from "../../src/types.js";

export interface WindowEntities {
  readonly range: WordRange;
  /** The window's own result, offsets into the document. */
  readonly entities: Entity[];
}

/** Runs every window of `text` as a separate text and maps its entities to document offsets. */
export async function perWindowEntities(
  model: GLiNERBase,
  text: string,
  labels: readonly string[],
  ranges: readonly WordRange[],
  options: PredictOptions,
): Promise<WindowEntities[]> {
  const words = splitWords(text);
  const bounds = ranges.map((r) => ({ start: words[r.from]?.start ?? 0, end: words[r.to - 1]?.end ?? 0 }));
  const results = await model.batchPredictEntities(
    bounds.map((b) => text.slice(b.start, b.end)),
    labels,
    { ...options, truncation: "error" },
  );
  return results.map((entities, i) => {
    const shift = (bounds[i] as { start: number }).start;
    return { range: ranges[i] as WordRange, entities: entities.map((e) => ({ ...e, start: e.start + shift, end: e.end + shift })) };
  });
}

/**
 * The merge rule: drop entities that start on an inner window's first word or end on its last word when some
 * window contains them without touching its own inner edges; keep the
 * best score of identical (start, end, label); greedy selection by score (ties in document order), flat or nested.
 */
export function mergeByRule(
  windows: readonly WindowEntities[],
  text: string,
  labels: readonly string[],
  options: { flatNer: boolean; multiLabel: boolean },
): Entity[] {
  const words = splitWords(text);
  const best = new Map<string, Entity>();
  const edges = windows.map(({ range }) => ({
    first: words[range.from]?.start ?? 0,
    last: words[range.to - 1]?.end ?? 0,
    innerStart: range.from > 0 ? words[range.from]?.start : undefined,
    innerEnd: range.to < words.length ? words[range.to - 1]?.end : undefined,
  }));
  const touches = (e: Entity, w: (typeof edges)[number]) => e.start === w.innerStart || e.end === w.innerEnd;
  const seenWhole = (e: Entity) => edges.some((w) => w.first <= e.start && e.end <= w.last && !touches(e, w));
  for (const [i, { entities }] of windows.entries()) {
    for (const e of entities) {
      if (touches(e, edges[i] as (typeof edges)[number]) && seenWhole(e)) continue;
      const key = `${e.start}:${e.end}:${e.label}`;
      const kept = best.get(key);
      if (kept === undefined || e.score > kept.score) best.set(key, e);
    }
  }
  const ordered = [...best.values()]
    .sort((a, b) => a.start - b.start || a.end - b.end || labels.indexOf(a.label) - labels.indexOf(b.label))
    .sort((a, b) => b.score - a.score);
  const accepted: Entity[] = [];
  for (const e of ordered) if (!accepted.some((other) => conflict(e, other, options))) accepted.push(e);
  return accepted.sort((a, b) => a.start - b.start);
}

function conflict(a: Entity, b: Entity, options: { flatNer: boolean; multiLabel: boolean }): boolean {
  if (a.start === b.start && a.end === b.end) return !options.multiLabel;
  const overlap = a.start < b.end && b.start < a.end;
  if (options.flatNer || !overlap) return overlap;
  const nested = (a.start <= b.start && a.end >= b.end) || (b.start <= a.start && b.end >= a.end);
  return !nested;
}

/** Words [from, to) of the window that no neighbouring window shares. */
export function coreOf(ranges: readonly WordRange[], i: number, numWords: number): WordRange {
  return { from: i > 0 ? (ranges[i - 1] as WordRange).to : 0, to: i < ranges.length - 1 ? (ranges[i + 1] as WordRange).from : numWords };
}
