/**
 * ⑤ The reference's `greedy_search`: stable sort by score (descending), accept a span unless it conflicts
 * with an accepted one, then stable sort by start. Conflicts are on word indices:
 * - same boundaries: conflict unless `multiLabel`;
 * - `flatNer`: any overlap conflicts (sharing a word counts);
 * - nested (`flatNer: false`): only crossing spans conflict, containment is allowed.
 * The reference compares each span with every accepted one (quadratic); here the accepted set is kept in
 * index structures over word positions, so each check is O(log words) and the whole search O(c · log c).
 */
import type { Candidate } from "./candidates.js";
import { drain, sortSteps, STEP, type Steps } from "./slices.js";

export function greedySearch<T extends Candidate>(
  candidates: readonly T[],
  options: { flatNer: boolean; multiLabel: boolean },
): T[] {
  return drain(greedySearchSteps(candidates, options));
}

/** `greedySearch` with pause points, to run in slices (decode/slices.ts). */
export function* greedySearchSteps<T extends Candidate>(
  candidates: readonly T[],
  options: { flatNer: boolean; multiLabel: boolean },
): Steps<T[]> {
  const byScore = yield* sortSteps([...candidates], (a, b) => b.score - a.score);
  let words = 0;
  for (const c of candidates) words = Math.max(words, c.end + 1);
  const accepted = options.flatNer ? new FlatSet(words) : new NestedSet(words);
  const out: T[] = [];
  for (const [index, span] of byScore.entries()) {
    if (index % STEP === STEP - 1) yield;
    if (accepted.conflicts(span, options.multiLabel)) continue;
    accepted.add(span);
    out.push(span);
  }
  return yield* sortSteps(out, (a, b) => a.start - b.start);
}

interface AcceptedSet {
  conflicts(span: Candidate, multiLabel: boolean): boolean;
  add(span: Candidate): void;
}

/** Flat: accepted spans never share a word, except copies of one span under `multiLabel`. */
class FlatSet implements AcceptedSet {
  /** Occupied words, for range counts. */
  private readonly used: Fenwick;
  /** End of the accepted span starting at each word, -1 if none. */
  private readonly endAt: Int32Array;

  constructor(words: number) {
    this.used = new Fenwick(words);
    this.endAt = new Int32Array(words).fill(-1);
  }

  conflicts(span: Candidate, multiLabel: boolean): boolean {
    if (this.used.count(span.start, span.end) === 0) return false;
    // Accepted spans are disjoint, so an identical accepted span is the only occupant of these words.
    return !(multiLabel && this.endAt[span.start] === span.end);
  }

  add(span: Candidate): void {
    if (this.endAt[span.start] === span.end) return; // a second label on the same words
    this.endAt[span.start] = span.end;
    for (let w = span.start; w <= span.end; w++) this.used.add(w);
  }
}

/**
 * Nested: a span [s, e] crosses an accepted [a, b] when a < s ≤ b < e (an accepted span ending inside it,
 * starting before it) or s < a ≤ e < b (one starting inside it, ending after it).
 */
class NestedSet implements AcceptedSet {
  /** Smallest accepted start per end word. */
  private readonly minStartByEnd: RangeTree;
  /** Largest accepted end per start word, stored negated so both trees take minima. */
  private readonly negMaxEndByStart: RangeTree;
  private readonly same = new Set<number>();
  private readonly words: number;

  constructor(words: number) {
    this.words = words;
    this.minStartByEnd = new RangeTree(words);
    this.negMaxEndByStart = new RangeTree(words);
  }

  conflicts(span: Candidate, multiLabel: boolean): boolean {
    const { start: s, end: e } = span;
    if (!multiLabel && this.same.has(s * this.words + e)) return true;
    if (e > s && this.minStartByEnd.min(s, e - 1) < s) return true;
    return e > s && -this.negMaxEndByStart.min(s + 1, e) > e;
  }

  add(span: Candidate): void {
    this.same.add(span.start * this.words + span.end);
    this.minStartByEnd.lower(span.end, span.start);
    this.negMaxEndByStart.lower(span.start, -span.end);
  }
}

/** Counts of marked positions, O(log n) per update and range query. */
class Fenwick {
  private readonly tree: Int32Array;
  constructor(size: number) {
    this.tree = new Int32Array(size + 1);
  }
  add(position: number): void {
    for (let i = position + 1; i < this.tree.length; i += i & -i) this.tree[i] = (this.tree[i] as number) + 1;
  }
  /** Marked positions in [from, to]. */
  count(from: number, to: number): number {
    return this.prefix(to + 1) - this.prefix(from);
  }
  private prefix(end: number): number {
    let sum = 0;
    for (let i = end; i > 0; i -= i & -i) sum += this.tree[i] as number;
    return sum;
  }
}

/** Point "lower to at most v", range minimum; O(log n) each. Empty positions hold +Infinity. */
class RangeTree {
  private readonly size: number;
  private readonly tree: Float64Array;
  constructor(n: number) {
    let size = 1;
    while (size < n) size *= 2;
    this.size = size;
    this.tree = new Float64Array(2 * size).fill(Infinity);
  }
  lower(position: number, value: number): void {
    let i = position + this.size;
    if (value >= (this.tree[i] as number)) return;
    this.tree[i] = value;
    for (i >>= 1; i >= 1; i >>= 1) this.tree[i] = Math.min(this.tree[2 * i] as number, this.tree[2 * i + 1] as number);
  }
  /** Minimum over [from, to]. */
  min(from: number, to: number): number {
    let result = Infinity;
    for (let lo = from + this.size, hi = to + this.size + 1; lo < hi; lo >>= 1, hi >>= 1) {
      if (lo & 1) result = Math.min(result, this.tree[lo++] as number);
      if (hi & 1) result = Math.min(result, this.tree[--hi] as number);
    }
    return result;
  }
}
