/** Window planning, hand-computed: word windows, overlap, the end-aligned last window, the token budget. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError, TextTooLongError } from "../../src/errors.js";
import { planPasses, planWindows, TokenBudget, windowSizes, type WordRange } from "../../src/long/plan.js";

const r = (from: number, to: number): WordRange => ({ from, to });

describe("planWindows (words only)", () => {
  test("a text no longer than the window is one window", () => {
    assert.deepEqual(planWindows(4, { window: 4, overlap: 1 }), [r(0, 4)]);
  });

  test("stride = window - overlap; the last window ends at the text's end", () => {
    // 0-4, then 4-1 = 3 → 3-7, then 6 → 6-10 reaches the end.
    assert.deepEqual(planWindows(10, { window: 4, overlap: 1 }), [r(0, 4), r(3, 7), r(6, 10)]);
  });

  test("the last window is moved back to full size instead of being a sliver", () => {
    // 6-10 does not reach 11, the next start is 9: 9-11 would be 2 words, so the last window is 7-11.
    assert.deepEqual(planWindows(11, { window: 4, overlap: 1 }), [r(0, 4), r(3, 7), r(6, 10), r(7, 11)]);
  });

  test("no overlap gives back-to-back windows", () => {
    assert.deepEqual(planWindows(9, { window: 3, overlap: 0 }), [r(0, 3), r(3, 6), r(6, 9)]);
  });

  test("a large overlap still advances", () => {
    assert.deepEqual(planWindows(6, { window: 3, overlap: 2 }), [r(0, 3), r(1, 4), r(2, 5), r(3, 6)]);
  });

  test("windows cover every word, overlap as asked, and stay within the window", () => {
    for (const [n, window, overlap] of [[1000, 384, 96], [769, 768, 192], [5000, 100, 0], [123, 10, 9]] as const) {
      const ranges = planWindows(n, { window, overlap });
      assert.equal(ranges[0]?.from, 0);
      assert.equal(ranges.at(-1)?.to, n);
      ranges.forEach((range, i) => {
        assert.ok(range.to - range.from <= window && range.to > range.from);
        const next = ranges[i + 1];
        if (next === undefined) return;
        assert.ok(next.from > range.from, "progress");
        assert.ok(range.to - next.from >= overlap, `windows ${i} and ${i + 1} share at least ${overlap} words`);
      });
    }
  });
});

describe("planWindows with a token budget", () => {
  // Words cost 1,2,3,1,1,1,2,1 sub-tokens; at most 5 sub-tokens per window.
  const costs = [1, 2, 3, 1, 1, 1, 2, 1];
  const budget = new TokenBudget(costs.length, { maxTextTokens: 5, wordTokens: costs });

  test("reach and back follow the prefix sums", () => {
    assert.equal(budget.reach(0, 10), 2); // 1+2 = 3, +3 = 6 > 5
    assert.equal(budget.reach(2, 10), 5); // 3+1+1 = 5
    assert.equal(budget.reach(3, 2), 5); // the word limit binds first
    assert.equal(budget.back(8, 10), 4); // words 4..7 cost 1+1+2+1 = 5; word 3 would make 6
  });

  test("windows shrink to the budget and the overlap shrinks with them", () => {
    // window 4, overlap 2: 0-2 (2 words: shared = min(2, floor(2*2/4)) = 1) → from 1: 1-3 (2+3) → shared 1 → 2:
    // 2-5 (3+1+1) → shared min(2, floor(3*2/4)) = 1 → 4: 4-8 would be 1+1+2+1 = 5, reaches the end:
    // last window = back(8) = 4-8.
    assert.deepEqual(planWindows(costs.length, { window: 4, overlap: 2 }, budget), [r(0, 2), r(1, 3), r(2, 5), r(4, 8)]);
  });

  test("every planned window fits the budget", () => {
    const lengths = Array.from({ length: 500 }, (_, i) => 1 + ((i * 7) % 5));
    const b = new TokenBudget(lengths.length, { maxTextTokens: 40, wordTokens: lengths });
    const ranges = planWindows(lengths.length, { window: 30, overlap: 7 }, b);
    for (const range of ranges) assert.ok(b.tokens(range.from, range.to) <= 40 && range.to - range.from <= 30);
    assert.equal(ranges.at(-1)?.to, lengths.length);
  });

  test("a word larger than the whole budget is refused with its position", () => {
    assert.throws(
      () => new TokenBudget(3, { maxTextTokens: 5, wordTokens: [1, 9, 1], index: 2 }),
      (e: unknown) => e instanceof InvalidInputError && /word 1 of text 2 alone takes 9 sub-tokens/.test(e.message),
    );
  });
});

describe("planPasses", () => {
  test("within the budget: one pass whatever the truncation mode", () => {
    for (const truncation of ["window", "truncate", "error"] as const) {
      assert.deepEqual(planPasses(384, { truncation, maxLength: 384 }), [r(0, 384)]);
    }
  });

  test("defaults: window = max_len, overlap = a quarter of it", () => {
    assert.deepEqual(windowSizes({ maxLength: 384 }), { window: 384, overlap: 96 });
    // 0-384, stride 288 → 288-672, then 576-700 would be short: the last window is 316-700.
    assert.deepEqual(planPasses(700, { truncation: "window", maxLength: 384 }), [r(0, 384), r(288, 672), r(316, 700)]);
  });

  test("an explicit window smaller than max_len windows texts longer than it", () => {
    assert.deepEqual(planPasses(10, { truncation: "window", maxLength: 384, window: 4, overlap: 1 }), [r(0, 4), r(3, 7), r(6, 10)]);
  });

  test("truncate keeps the first max_len words, or fewer when sub-tokens run out", () => {
    assert.deepEqual(planPasses(500, { truncation: "truncate", maxLength: 384 }), [r(0, 384)]);
    const wordTokens = [2, 2, 2, 2, 2];
    assert.deepEqual(planPasses(5, { truncation: "truncate", maxLength: 384, maxTextTokens: 7, wordTokens }), [r(0, 3)]);
  });

  test("error refuses too many words, and too many sub-tokens", () => {
    assert.throws(() => planPasses(385, { truncation: "error", maxLength: 384, index: 3 }), (e: unknown) => e instanceof TextTooLongError && e.words === 385 && /Text 3/.test(e.message));
    assert.throws(
      () => planPasses(5, { truncation: "error", maxLength: 384, maxTextTokens: 7, wordTokens: [2, 2, 2, 2, 2] }),
      (e: unknown) => e instanceof InvalidInputError && /10 sub-tokens/.test(e.message),
    );
  });

  test("bad window and overlap values are refused with the allowed range", () => {
    const bad = (window: number | undefined, overlap: number | undefined, argument: string) =>
      assert.throws(() => planPasses(10, { truncation: "window", maxLength: 8, window, overlap }), (e: unknown) => e instanceof InvalidInputError && e.argument === argument);
    bad(1, undefined, "window");
    bad(9, undefined, "window");
    bad(4.5, undefined, "window");
    bad(4, 4, "overlap");
    bad(4, -1, "overlap");
  });
});
