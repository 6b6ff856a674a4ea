/** Label groups and token budgets, hand-computed. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../../src/errors.js";
import { DEFAULT_PROMPT_TOKENS, planLabelGroups, tokenBudgets } from "../../src/long/labels.js";

describe("planLabelGroups", () => {
  test("a prompt within the budget is one group of every label", () => {
    // 3 labels of 4 sub-tokens (<<ENT>> + 3) + <<SEP>> = 13 ≤ 13.
    assert.deepEqual(planLabelGroups({ labels: [4, 4, 4], separator: 1 }, 13), [[0, 1, 2]]);
  });

  test("one sub-token over the budget splits into two groups", () => {
    assert.deepEqual(planLabelGroups({ labels: [4, 4, 4], separator: 1 }, 12), [[0, 1], [2]]);
  });

  test("groups are contiguous, as few as possible, and balanced", () => {
    // Room 10 per group: first-fit would give [0..4] (10) + [5] (2); balanced: [0,1,2] + [3,4,5] (6 each).
    assert.deepEqual(planLabelGroups({ labels: [2, 2, 2, 2, 2, 2], separator: 1 }, 11), [[0, 1, 2], [3, 4, 5]]);
    // Uneven costs, room 9: first-fit needs 3 groups, [0,1] (8) [2,3] (8) [4] (2); the smallest cap that still
    // needs only 3 is 7: [0] (5) [1,2] (7) [3,4] (6).
    assert.deepEqual(planLabelGroups({ labels: [5, 3, 4, 4, 2], separator: 1 }, 10), [[0], [1, 2], [3, 4]]);
  });

  test("every group fits and every label is in exactly one group, in order", () => {
    const costs = Array.from({ length: 300 }, (_, i) => 2 + (i % 5));
    const groups = planLabelGroups({ labels: costs, separator: 1 }, 128);
    assert.deepEqual(groups.flat(), costs.map((_, i) => i));
    for (const group of groups) assert.ok(group.reduce((s, l) => s + (costs[l] as number), 1) <= 128);
    const sizes = groups.map((g) => g.reduce((s, l) => s + (costs[l] as number), 0));
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 6 + 6, `balanced: ${sizes.join(", ")}`);
  });

  test("a label that alone exceeds the budget is refused by name", () => {
    assert.throws(
      () => planLabelGroups({ labels: [3, 40], separator: 1 }, 32, ["person", "a very long label"]),
      (e: unknown) => e instanceof InvalidInputError && e.argument === "labels" && /"a very long label" takes 40 sub-tokens/.test(e.message),
    );
  });
});

describe("tokenBudgets", () => {
  test("no tokenizer limit: the default prompt budget and no sequence limit", () => {
    assert.deepEqual(tokenBudgets(Infinity), { prompt: DEFAULT_PROMPT_TOKENS, sequence: Infinity });
    assert.deepEqual(tokenBudgets(Infinity, 64), { prompt: 64, sequence: Infinity });
  });

  test("a real limit: the prompt takes at most half", () => {
    assert.deepEqual(tokenBudgets(512), { prompt: 256, sequence: 512 });
    assert.deepEqual(tokenBudgets(4096), { prompt: 512, sequence: 4096 });
  });
});
