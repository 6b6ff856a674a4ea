/**
 * ⑤ Span-model logits `[B, W, K, C]` → candidates: `sigmoid > threshold` (strict, float32), spans that end
 * inside the text, in the reference's `torch.where` order (start, width, class).
 */
import type { FloatTensor } from "../runtime/runtime.js";
import { type Candidate, type DecodeItem, sigmoid32, tooManyCandidates } from "./candidates.js";
import { drain, type Steps } from "./slices.js";

export function spanCandidates(logits: FloatTensor, item: DecodeItem, maxCandidates = Infinity): Candidate[] {
  return drain(spanCandidateSteps(logits, item, maxCandidates));
}

/** `spanCandidates` with a pause point after each start position, to run in slices (decode/slices.ts). */
export function* spanCandidateSteps(logits: FloatTensor, item: DecodeItem, maxCandidates = Infinity): Steps<Candidate[]> {
  const [, maxWords = 0, width = 0, numClasses = 0] = logits.dims;
  const data = logits.data;
  const base = item.batchIndex * maxWords * width * numClasses;
  const out: Candidate[] = [];
  for (let s = 0; s < item.numWords; s++) {
    yield;
    for (let k = 0; k < width && s + k < item.numWords; k++) {
      const row = base + (s * width + k) * numClasses;
      for (let c = 0; c < item.numLabels; c++) {
        const score = sigmoid32(data[row + c] as number);
        if (!(score > (item.thresholds[c] as number))) continue;
        if (out.length >= maxCandidates) throw tooManyCandidates(maxCandidates);
        out.push({ start: s, end: s + k, label: c, score });
      }
    }
  }
  return out;
}
