/**
 * ① Long texts → model passes. A pass is a run of consecutive words that fits the model's budget: at most
 * `window` words (default: the model's `maxLength`) and, when the tokenizer declares a real `model_max_length`,
 * at most that many sub-tokens together with the label prompt.
 * `truncate` keeps the first words that fit (the reference), `error` refuses, `window` covers the whole text
 * with overlapping windows whose results are merged (see merge.ts).
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
  /** Words of text per pass: the model's `maxLength` (config `max_len`), less a task prompt's words. */
  readonly maxLength: number;
  readonly window?: number | undefined;
  readonly overlap?: number | undefined;
  /**
   * Sub-tokens left for the text in one pass (the tokenizer's limit minus the prompt and [CLS]/[SEP]);
   * `Infinity` (default) when the tokenizer declares no limit, as GLiNER tokenizers do.
   */
  readonly maxTextTokens?: number | undefined;
  /** Sub-tokens of each word; required when `maxTextTokens` is finite. */
  readonly wordTokens?: readonly number[] | undefined;
  /** Index of the text in the call, for error messages. */
  readonly index?: number | undefined;
}

export function planPasses(numWords: number, options: PlanOptions): WordRange[] {
  const sizes = windowSizes(options);
  const budget = new TokenBudget(numWords, options);
  const perPass = options.truncation === "window" ? sizes.window : options.maxLength;
  if (numWords <= perPass && budget.fits(0, numWords)) return [{ from: 0, to: numWords }];
  switch (options.truncation) {
    case "truncate":
      return [{ from: 0, to: budget.reach(0, options.maxLength) }];
    case "error":
      if (numWords > options.maxLength) throw new TextTooLongError(numWords, options.maxLength, options.index);
      throw new InvalidInputError(
        "text",
        `${options.index === undefined ? "The text" : `Text ${options.index}`} has ${budget.tokens(0, numWords)} sub-tokens but ` +
          `the tokenizer leaves ${budget.maxTokens} for the text next to the label prompt. Use truncation: "window" or "truncate".`,
      );
    case "window":
      return planWindows(numWords, sizes, budget);
  }
}

/** The window and overlap in words, checked; the defaults are the model's `maxLength` and a quarter of it. */
export function windowSizes(options: Pick<PlanOptions, "maxLength" | "window" | "overlap">): {
  window: number;
  overlap: number;
} {
  const window = options.window ?? options.maxLength;
  if (!Number.isInteger(window) || window < 2 || window > options.maxLength) {
    throw new InvalidInputError(
      "window",
      `window must be an integer between 2 and the model's maxLength (${options.maxLength}); got ${window}.`,
    );
  }
  const overlap = options.overlap ?? Math.floor(window / 4);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= window) {
    throw new InvalidInputError("overlap", `overlap must be an integer in [0, window); got ${overlap} with window ${window}.`);
  }
  return { window, overlap };
}

/**
 * Windows of at most `window` words (fewer when sub-tokens run out), each starting `overlap` words before the
 * previous one ends (scaled down with a window shortened by the token budget, so the stride stays positive);
 * the last window is aligned to the end of the text, so it is as large as the budget allows and never a sliver.
 */
export function planWindows(
  numWords: number,
  sizes: { window: number; overlap: number },
  budget: TokenBudget = new TokenBudget(numWords, {}),
): WordRange[] {
  const { window, overlap } = sizes;
  const ranges: WordRange[] = [];
  for (let from = 0; ; ) {
    const to = budget.reach(from, window);
    if (to === numWords) {
      ranges.push({ from: ranges.length === 0 ? from : budget.back(numWords, window), to });
      return ranges;
    }
    ranges.push({ from, to });
    const shared = Math.min(overlap, Math.floor(((to - from) * overlap) / window));
    from = Math.max(from + 1, to - shared);
  }
}

/** Prefix sums of the words' sub-tokens, to find how far a window can reach under the token limit. */
export class TokenBudget {
  readonly maxTokens: number;
  private readonly prefix: Float64Array | undefined;

  constructor(
    private readonly numWords: number,
    options: Pick<PlanOptions, "maxTextTokens" | "wordTokens" | "index">,
  ) {
    this.maxTokens = options.maxTextTokens ?? Infinity;
    if (!Number.isFinite(this.maxTokens)) return;
    const tokens = options.wordTokens;
    if (tokens === undefined || tokens.length !== numWords) {
      throw new RangeError("a finite token budget needs the sub-token count of every word"); // a gliner-ts bug
    }
    this.prefix = new Float64Array(numWords + 1);
    tokens.forEach((count, i) => {
      if (count > this.maxTokens) {
        throw new InvalidInputError(
          "text",
          `word ${i} of ${options.index === undefined ? "the text" : `text ${options.index}`} alone takes ${count} sub-tokens, ` +
            `more than the ${this.maxTokens} the tokenizer leaves for the text next to the label prompt; use fewer labels or split that word.`,
        );
      }
      (this.prefix as Float64Array)[i + 1] = ((this.prefix as Float64Array)[i] as number) + count;
    });
  }

  tokens(from: number, to: number): number {
    return this.prefix === undefined ? 0 : (this.prefix[to] as number) - (this.prefix[from] as number);
  }

  fits(from: number, to: number): boolean {
    return this.tokens(from, to) <= this.maxTokens;
  }

  /** The furthest end ≤ `from + maxWords` whose words fit. */
  reach(from: number, maxWords: number): number {
    let to = Math.min(this.numWords, from + maxWords);
    while (!this.fits(from, to)) to--;
    return to;
  }

  /** The earliest start ≥ `to - maxWords` whose words up to `to` fit. */
  back(to: number, maxWords: number): number {
    let from = Math.max(0, to - maxWords);
    while (!this.fits(from, to)) from++;
    return from;
  }
}
