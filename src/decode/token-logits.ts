/**
 * ⑤ Token-model logits (start, end, inside per word and class) → candidates, as the reference's
 * `TokenDecoder`: every start × end of the same class with end ≥ start whose inside probabilities all pass
 * (`< threshold` rejects, equality passes); score = min(inside ∪ start ∪ end) (current GLiNER) or the mean of
 * the inside probabilities (GLiNER ≤ 0.2.16, `tokenScore: "mean"`). Positions beyond the text are padding and
 * are never decoded (the reference does decode them: a bug, see the parity tests).
 * The reference tries every start × end pair and rescans the inside run for each (cubic); here each label's
 * inside runs and end positions are indexed once, so the work is O(words · log words + candidates) for the
 * `min` rule and O(words · window) for the `mean` rule, whose float64 sum must be added in position order.
 */
import type { FloatTensor } from "../runtime/runtime.js";
import { type Candidate, type DecodeItem, sigmoid32, tooManyCandidates } from "./candidates.js";
import { drain, type Steps } from "./slices.js";

import type { TokenLogitsLayout } from "../inference/run.js";

export type { TokenLogitsLayout };
export type TokenScore = "min" | "mean";

const START = 0;
const END = 1;
const INSIDE = 2;

export function tokenCandidates(
  logits: FloatTensor,
  layout: TokenLogitsLayout,
  item: DecodeItem,
  scoreRule: TokenScore,
  maxCandidates = Infinity,
): Candidate[] {
  return drain(tokenCandidateSteps(logits, layout, item, scoreRule, maxCandidates));
}

/** `tokenCandidates` with a pause point after each start position, to run in slices (decode/slices.ts). */
export function* tokenCandidateSteps(
  logits: FloatTensor,
  layout: TokenLogitsLayout,
  item: DecodeItem,
  scoreRule: TokenScore,
  maxCandidates = Infinity,
): Steps<Candidate[]> {
  const prob = probabilityReader(logits, layout, item);
  const n = item.numWords;
  const out: Candidate[] = [];
  const perLabel = Array.from({ length: item.numLabels }, (_, c) => labelIndex(prob, n, c, item.thresholds[c] as number));
  // The reference's order: starts by (position, label), then each start's ends by position.
  for (let st = 0; st < n; st++) {
    yield;
    for (let c = 0; c < item.numLabels; c++) {
      const { ends, reach, insideMin } = perLabel[c] as LabelIndex;
      if (!(prob(st, c, START) > (item.thresholds[c] as number))) continue;
      const last = reach[st] as number; // ends past `last` have an inside probability below the threshold
      let sum = 0;
      let summed = st; // next position to add to `sum` (mean rule)
      for (let i = lowerBound(ends, st); i < ends.length && (ends[i] as number) <= last; i++) {
        const ed = ends[i] as number;
        let score: number;
        if (scoreRule === "min") {
          score = Math.min(prob(st, c, START), prob(ed, c, END), insideMin.min(st, ed));
        } else {
          // Added in position order, as the reference's loop does, so the float64 sum is bit-identical.
          for (; summed <= ed; summed++) sum += prob(summed, c, INSIDE);
          score = Math.fround(sum / (ed - st + 1)); // torch's mean of a float32 tensor is float32
        }
        if (out.length >= maxCandidates) throw tooManyCandidates(maxCandidates);
        out.push({ start: st, end: ed, label: c, score });
      }
    }
  }
  return out;
}

interface LabelIndex {
  /** Positions whose end probability passes, ascending. */
  readonly ends: Int32Array;
  /** Last position q ≥ p such that every inside probability in [p, q] passes (`p - 1` when none does). */
  readonly reach: Int32Array;
  readonly insideMin: SparseMin;
}

function labelIndex(prob: ProbabilityReader, n: number, c: number, threshold: number): LabelIndex {
  const ends: number[] = [];
  const reach = new Int32Array(n);
  const inside = new Float32Array(n);
  for (let p = n - 1; p >= 0; p--) {
    const value = prob(p, c, INSIDE);
    // The reference's `<` and min comparisons both pass over NaN.
    inside[p] = Number.isNaN(value) ? Infinity : value;
    // `< threshold` rejects, equality passes (the reference's inside test).
    reach[p] = value < threshold ? p - 1 : p === n - 1 ? p : Math.max(p, reach[p + 1] as number);
  }
  for (let p = 0; p < n; p++) if (prob(p, c, END) > threshold) ends.push(p);
  return { ends: Int32Array.from(ends), reach, insideMin: new SparseMin(inside) };
}

/** First index whose value is ≥ target in an ascending array. */
function lowerBound(values: Int32Array, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Range minimum in O(1) after O(n log n) preparation (sparse table). */
class SparseMin {
  private readonly levels: Float32Array[];
  constructor(values: Float32Array) {
    this.levels = [values];
    for (let width = 2; width <= values.length; width *= 2) {
      const below = this.levels[this.levels.length - 1] as Float32Array;
      const level = new Float32Array(values.length - width + 1);
      for (let i = 0; i < level.length; i++) level[i] = Math.min(below[i] as number, below[i + width / 2] as number);
      this.levels.push(level);
    }
  }
  /** Minimum over [from, to]. */
  min(from: number, to: number): number {
    const k = 31 - Math.clz32(to - from + 1);
    const level = this.levels[k] as Float32Array;
    return Math.min(level[from] as number, level[to - (1 << k) + 1] as number);
  }
}

type ProbabilityReader = (position: number, label: number, channel: number) => number;

/** Sigmoids of the text's own positions and labels, computed once: the start × end search reads them often. */
function probabilityReader(
  logits: FloatTensor,
  layout: TokenLogitsLayout,
  item: DecodeItem,
): ProbabilityReader {
  const data = logits.data;
  const n = item.numWords;
  const labels = item.numLabels;
  const probs = new Float32Array(n * labels * 3);
  if (layout === "BWC3") {
    const [, w = 0, c = 0] = logits.dims;
    const base = item.batchIndex * w * c * 3;
    for (let p = 0; p < n; p++) {
      for (let l = 0; l < labels; l++) {
        for (let ch = 0; ch < 3; ch++) probs[(p * labels + l) * 3 + ch] = sigmoid32(data[base + (p * c + l) * 3 + ch] as number);
      }
    }
  } else {
    const [, b = 0, w = 0, c = 0] = logits.dims;
    const plane = b * w * c;
    const base = item.batchIndex * w * c;
    for (let ch = 0; ch < 3; ch++) {
      for (let p = 0; p < n; p++) {
        for (let l = 0; l < labels; l++) probs[(p * labels + l) * 3 + ch] = sigmoid32(data[ch * plane + base + p * c + l] as number);
      }
    }
  }
  return (p, l, ch) => probs[(p * labels + l) * 3 + ch] as number;
}
