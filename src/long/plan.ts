/**
 * ① Long texts → model passes. A pass is a run of consecutive words that fits the model's word budget.
 * `truncate` keeps the first `maxLen` words (the reference), `error` refuses, `window` covers the whole
 * text with overlapping windows whose results are merged (see merge.ts).
 */
import { InvalidInputError, TextTooLongError } from "../errors.js";
import type { Truncation } from "../types.js";

export interface WordRange {
  /** First word of the pass (index into the text's words). */
  readonly from: number;
  /** One past the last word. */
  readonly to: number;
}

export interface PlanOptions {
  readonly truncation: Truncation;
  /** The model's word budget (`max_len`). */
  readonly maxWords: number;
  readonly window?: number | undefined;
  readonly overlap?: number | undefined;
  /** Index of the text in the call, for error messages. */
  readonly index?: number | undefined;
}

export function planPasses(numWords: number, options: PlanOptions): WordRange[] {
  if (numWords <= options.maxWords) return [{ from: 0, to: numWords }];
  switch (options.truncation) {
    case "truncate":
      return [{ from: 0, to: options.maxWords }];
    case "error":
      throw new TextTooLongError(numWords, options.maxWords, options.index);
    case "window":
      return planWindows(numWords, windowSizes(options));
  }
}

export function windowSizes(options: Pick<PlanOptions, "maxWords" | "window" | "overlap">): {
  window: number;
  overlap: number;
} {
  const window = options.window ?? options.maxWords;
  if (!Number.isInteger(window) || window < 2 || window > options.maxWords) {
    throw new InvalidInputError(
      "window",
      `window must be an integer between 2 and the model's max_len (${options.maxWords}); got ${window}.`,
    );
  }
  const overlap = options.overlap ?? Math.floor(window / 4);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= window) {
    throw new InvalidInputError("overlap", `overlap must be an integer in [0, window); got ${overlap} with window ${window}.`);
  }
  return { window, overlap };
}

/** Windows of `window` words, each starting `window - overlap` after the previous; the last one ends at the text's end. */
export function planWindows(numWords: number, sizes: { window: number; overlap: number }): WordRange[] {
  const { window, overlap } = sizes;
  if (numWords <= window) return [{ from: 0, to: numWords }];
  const stride = window - overlap;
  const ranges: WordRange[] = [];
  for (let from = 0; ; from += stride) {
    const to = Math.min(from + window, numWords);
    // The last window is aligned to the end so it is full size and never a sliver.
    if (to === numWords) {
      ranges.push({ from: Math.max(0, numWords - window), to });
      break;
    }
    ranges.push({ from, to });
  }
  return ranges;
}
