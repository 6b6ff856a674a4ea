/**
 * ⑤ The reference's `greedy_search`: stable sort by score (descending), accept a span unless it conflicts
 * with an accepted one, then stable sort by start. Conflicts are on word indices:
 * - same boundaries: conflict unless `multiLabel`;
 * - `flatNer`: any overlap conflicts (sharing a word counts);
 * - nested (`flatNer: false`): only crossing spans conflict, containment is allowed.
 */
import type { Candidate } from "./candidates.js";

export function greedySearch<T extends Candidate>(
  candidates: readonly T[],
  options: { flatNer: boolean; multiLabel: boolean },
): T[] {
  const byScore = [...candidates].sort((a, b) => b.score - a.score);
  const accepted: T[] = [];
  for (const span of byScore) {
    if (!accepted.some((other) => conflicts(span, other, options))) accepted.push(span);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

function conflicts(a: Candidate, b: Candidate, options: { flatNer: boolean; multiLabel: boolean }): boolean {
  if (a.start === b.start && a.end === b.end) return !options.multiLabel;
  const disjoint = a.start > b.end || b.start > a.end;
  if (options.flatNer) return !disjoint;
  const nested = (a.start <= b.start && a.end >= b.end) || (b.start <= a.start && b.end >= a.end);
  return !(disjoint || nested);
}
