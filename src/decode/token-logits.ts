/**
 * ⑤ Token-model logits (start, end, inside per word and class) → candidates, as the reference's
 * `TokenDecoder`: every start × end of the same class with end ≥ start whose inside probabilities all pass
 * (`< threshold` rejects, equality passes); score = min(inside ∪ start ∪ end) (current GLiNER) or the mean of
 * the inside probabilities (GLiNER ≤ 0.2.16, `tokenScore: "mean"`). Positions beyond the text are padding and
 * are never decoded (the reference does decode them: a bug, see the parity tests).
 */
import type { FloatTensor } from "../runtime/runtime.js";
import { type Candidate, type DecodeItem, sigmoid32 } from "./candidates.js";

/** `[B, W, C, 3]` (GLiNER ≥ 0.2.21 exports) or `[3, B, W, C]` (2024 exports, e.g. onnx-community's). */
export type TokenLogitsLayout = "BWC3" | "3BWC";
export type TokenScore = "min" | "mean";

const START = 0;
const END = 1;
const INSIDE = 2;

export function tokenCandidates(
  logits: FloatTensor,
  layout: TokenLogitsLayout,
  item: DecodeItem,
  scoreRule: TokenScore,
): Candidate[] {
  const prob = probabilityReader(logits, layout, item);
  const n = item.numWords;
  const out: Candidate[] = [];
  const starts: Array<[number, number]> = [];
  const ends: Array<[number, number]> = [];
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < item.numLabels; c++) {
      const t = item.thresholds[c] as number;
      if (prob(p, c, START) > t) starts.push([p, c]);
      if (prob(p, c, END) > t) ends.push([p, c]);
    }
  }
  for (const [st, c] of starts) {
    const t = item.thresholds[c] as number;
    for (const [ed, cEnd] of ends) {
      if (cEnd !== c || ed < st) continue;
      let min = Math.min(prob(st, c, START), prob(ed, c, END));
      let sum = 0;
      let rejected = false;
      for (let p = st; p <= ed; p++) {
        const inside = prob(p, c, INSIDE);
        if (inside < t) {
          rejected = true;
          break;
        }
        if (inside < min) min = inside;
        sum += inside;
      }
      if (rejected) continue;
      // torch's mean of a float32 tensor is float32.
      const score = scoreRule === "min" ? min : Math.fround(sum / (ed - st + 1));
      out.push({ start: st, end: ed, label: c, score });
    }
  }
  return out;
}

/** Sigmoids of the text's own positions and labels, computed once: the start × end search reads them often. */
function probabilityReader(
  logits: FloatTensor,
  layout: TokenLogitsLayout,
  item: DecodeItem,
): (position: number, label: number, channel: number) => number {
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

/**
 * Which layout a token-logits tensor has, from its dims and the batch's known sizes; undefined when both
 * layouts fit (e.g. B = W = C = 3), in which case the caller resolves it once per model.
 */
export function detectTokenLayout(
  dims: readonly number[],
  expected: { batchSize: number; maxWords: number; numClasses: number },
): TokenLogitsLayout | undefined {
  const { batchSize: b, maxWords: w, numClasses: c } = expected;
  const same = (a: readonly number[]) => a.length === dims.length && a.every((v, i) => v === dims[i]);
  const bwc3 = same([b, w, c, 3]);
  const threeBwc = same([3, b, w, c]);
  if (bwc3 && !threeBwc) return "BWC3";
  if (threeBwc && !bwc3) return "3BWC";
  return undefined;
}
