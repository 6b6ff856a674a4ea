/** ⑤ Shared decode types and the reference's float32 probability rule. */
import { InvalidInputError } from "../errors.js";

/** A scored span over word indices, `end` inclusive. `label` indexes the text's label list. */
export interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly label: number;
  readonly score: number;
}

/** What the decoders need to know about one text of the batch. */
export interface DecodeItem {
  /** Index of the text in the batch. */
  readonly batchIndex: number;
  /** Words the model saw for this text; positions beyond are padding and are never decoded. */
  readonly numWords: number;
  /** Labels of this text; label columns beyond are padding and are never decoded. */
  readonly numLabels: number;
  /** Per-label thresholds, already float32-rounded (the reference compares in float32). */
  readonly thresholds: Float32Array;
}

/** torch.sigmoid on a float32 logit, rounded to float32 as torch returns it. */
export function sigmoid32(logit: number): number {
  return Math.fround(1 / (1 + Math.exp(-logit)));
}

/** The candidate bound of one pass was reached: refused instead of spending minutes and gigabytes on it. */
export function tooManyCandidates(maxCandidates: number): InvalidInputError {
  return new InvalidInputError(
    "threshold",
    `One model pass produced more than ${maxCandidates} candidate spans: the threshold is too low for this text. ` +
      "Raise threshold (or labelThresholds), or use fewer labels per call.",
  );
}
