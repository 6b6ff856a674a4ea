/** Merging windows and label groups, hand-computed. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Candidate } from "../../src/decode/candidates.js";
import { mergeWindows, selectAcrossGroups, touchesInnerEdge } from "../../src/long/merge.js";

const c = (start: number, end: number, label: number, score: number): Candidate => ({ start, end, label, score });
const flat = { flatNer: true, multiLabel: false };
const nested = { flatNer: false, multiLabel: false };

describe("mergeWindows", () => {
  // A 20-word text in windows 0-10 and 6-16 and 12-20 (seams inside 6-10 and 12-16).
  const w1 = { from: 0, to: 10 };
  const w2 = { from: 6, to: 16 };
  const w3 = { from: 12, to: 20 };

  test("spans map to document words; the same span from two windows is kept once, best-scored", () => {
    const merged = mergeWindows(
      [
        { range: w1, spans: [c(1, 2, 0, 0.9), c(7, 8, 1, 0.6)] },
        { range: w2, spans: [c(1, 2, 1, 0.7)] }, // = document 7-8, label 1
      ],
      16,
      flat,
    );
    assert.deepEqual(merged, [c(1, 2, 0, 0.9), c(7, 8, 1, 0.7)]);
  });

  test("a span touching an inner window edge is dropped; the text's own edges are not inner", () => {
    assert.equal(touchesInnerEdge({ start: 6, end: 7 }, w2, 20), true); // starts on w2's first word
    assert.equal(touchesInnerEdge({ start: 14, end: 15 }, w2, 20), true); // ends on w2's last word
    assert.equal(touchesInnerEdge({ start: 0, end: 1 }, w1, 20), false); // the text starts there
    assert.equal(touchesInnerEdge({ start: 18, end: 19 }, w3, 20), false); // the text ends there
    const merged = mergeWindows(
      [
        { range: w1, spans: [c(0, 0, 0, 0.8), c(8, 9, 0, 0.99)] }, // 8-9 ends on w1's last word: maybe cut
        { range: w2, spans: [c(2, 4, 0, 0.7)] }, // document 8-10: the whole entity, seen by w2
        { range: w3, spans: [c(6, 7, 1, 0.6)] }, // document 18-19: ends on the text's last word: kept
      ],
      20,
      flat,
    );
    assert.deepEqual(merged, [c(0, 0, 0, 0.8), c(8, 10, 0, 0.7), c(18, 19, 1, 0.6)]);
  });

  test("a span no window sees whole (it covers a whole overlap) is kept, not dropped from both", () => {
    // Windows 0-10 and 6-16 share words 6-9. Span 6-9 ends on w1's last word and starts on w2's first word:
    // it touches an inner edge in both windows, and no window contains it away from its inner edges.
    const merged = mergeWindows(
      [
        { range: w1, spans: [c(6, 9, 0, 0.9)] },
        { range: w2, spans: [c(0, 3, 0, 0.8)] }, // = document 6-9
      ],
      16,
      flat,
    );
    assert.deepEqual(merged, [c(6, 9, 0, 0.9)]);
    // With a third window 4-14 that holds 6-9 away from its edges, the edge copies give way to it.
    const seen = mergeWindows(
      [
        { range: w1, spans: [c(6, 9, 0, 0.9)] },
        { range: { from: 4, to: 14 }, spans: [c(2, 4, 0, 0.7)] }, // document 6-8: the entity as that window sees it
      ],
      16,
      flat,
    );
    assert.deepEqual(seen, [c(6, 8, 0, 0.7)]);
  });

  test("conflicts across windows are resolved by the greedy rule over the whole document", () => {
    const windows = [
      { range: w1, spans: [c(7, 8, 0, 0.6)] },
      { range: w2, spans: [c(2, 3, 1, 0.8), c(1, 1, 0, 0.5)] }, // document 8-9 (0.8) and 7-7 (0.5)
    ];
    // Flat: 8-9 wins, 7-8 overlaps it (shares word 8), 7-7 does not.
    assert.deepEqual(mergeWindows(windows, 16, flat), [c(7, 7, 0, 0.5), c(8, 9, 1, 0.8)]);
    // Nested: 7-8 and 8-9 cross, so 7-8 still loses; 7-7 conflicts with nothing accepted.
    assert.deepEqual(mergeWindows(windows, 16, nested), [c(7, 7, 0, 0.5), c(8, 9, 1, 0.8)]);
  });

  test("multi-label keeps two labels of one span, each once", () => {
    const merged = mergeWindows(
      [
        { range: w1, spans: [c(7, 8, 0, 0.6), c(7, 8, 1, 0.55)] },
        { range: w2, spans: [c(1, 2, 0, 0.65)] },
      ],
      16,
      { flatNer: true, multiLabel: true },
    );
    assert.deepEqual(merged, [c(7, 8, 0, 0.65), c(7, 8, 1, 0.55)]);
  });

  test("equal scores resolve in document order, whatever window they came from", () => {
    const a = mergeWindows([{ range: w1, spans: [c(7, 7, 0, 0.5)] }, { range: w2, spans: [c(1, 2, 0, 0.5)] }], 16, flat);
    const b = mergeWindows([{ range: w2, spans: [c(1, 2, 0, 0.5)] }, { range: w1, spans: [c(7, 7, 0, 0.5)] }], 16, flat);
    assert.deepEqual(a, [c(7, 7, 0, 0.5)]);
    assert.deepEqual(b, a);
  });
});

describe("selectAcrossGroups", () => {
  test("one group is the core's greedy selection", () => {
    const candidates = [c(0, 1, 0, 0.6), c(1, 2, 1, 0.7)];
    assert.deepEqual(selectAcrossGroups([{ labels: [0, 1], candidates }], flat), [c(1, 2, 1, 0.7)]);
  });

  test("groups pool raw candidates with labels mapped back, then select once", () => {
    // Group A (labels 0, 1) proposes X = 0-1 (0.9) and Y = 3-4 (0.8), which do not conflict with each other;
    // group B (labels 2, 3) proposes Z = 1-3 (0.95), which crosses both. One selection over the pool keeps Z only.
    const groups = [
      { labels: [0, 1], candidates: [c(0, 1, 0, 0.9), c(3, 4, 1, 0.8)] },
      { labels: [2, 3], candidates: [c(1, 3, 1, 0.95), c(5, 5, 0, 0.51)] },
    ];
    assert.deepEqual(selectAcrossGroups(groups, flat), [c(1, 3, 3, 0.95), c(5, 5, 2, 0.51)]);
  });

  test("a chain a per-group selection would get wrong", () => {
    // Group A: X = 0-1 (0.9) and W = 1-2 (0.85) share word 1, so a selection within A keeps X and drops W.
    // Group B: Z = 0-0 (0.95) conflicts with X only.
    // Pooled: Z, then X (conflicts Z) is rejected, W (1-2) is accepted: a per-group selection would have lost W.
    const groups = [
      { labels: [0], candidates: [c(0, 1, 0, 0.9), c(1, 2, 0, 0.85)] },
      { labels: [1], candidates: [c(0, 0, 0, 0.95)] },
    ];
    assert.deepEqual(selectAcrossGroups(groups, flat), [c(0, 0, 1, 0.95), c(1, 2, 0, 0.85)]);
  });
});
