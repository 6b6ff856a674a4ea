/**
 * ① Label lists too long for one prompt → label groups, one pass per group over the same words.
 *
 * The prompt `<<ENT>> l1 … <<ENT>> lC <<SEP>>` shares the encoder's sequence with the text, so hundreds of labels
 * crowd the text out (and go far beyond the few dozen labels GLiNER models are trained with). When its
 * sub-tokens exceed the prompt budget, the labels are split, in order, into the fewest contiguous groups that
 * fit, balanced so that no group is much larger than the others. Cost: one encoder pass per group and window.
 */
import { InvalidInputError } from "../errors.js";

/** The prompt budget, in sub-tokens, when the tokenizer declares no limit. */
export const DEFAULT_PROMPT_TOKENS = 512;

export interface PromptCosts {
  /** Sub-tokens of `<<ENT>> label` for each label. */
  readonly labels: readonly number[];
  /** Sub-tokens of `<<SEP>>`. */
  readonly separator: number;
}

/** Groups of label indices; a single group `[0..C)` when the whole prompt fits. */
export function planLabelGroups(costs: PromptCosts, budget: number, labelNames?: readonly string[]): number[][] {
  const room = budget - costs.separator;
  costs.labels.forEach((cost, i) => {
    if (cost > room) {
      const name = labelNames?.[i] === undefined ? `label ${i}` : `label "${labelNames[i]}"`;
      throw new InvalidInputError(
        "labels",
        `${name} takes ${cost} sub-tokens in the prompt, more than the prompt budget of ${budget}; shorten it.`,
      );
    }
  });
  const fewest = split(costs.labels, room);
  if (fewest.length === 1) return fewest;
  // Smallest per-group cap that still needs no more groups: balanced groups, so each pass is as short as possible.
  let low = Math.max(...costs.labels);
  let high = room;
  while (low < high) {
    const cap = Math.floor((low + high) / 2);
    if (split(costs.labels, cap).length <= fewest.length) high = cap;
    else low = cap + 1;
  }
  return split(costs.labels, low);
}

/** Contiguous groups, each closed when the next label would take it past `cap`. */
function split(costs: readonly number[], cap: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let used = 0;
  costs.forEach((cost, i) => {
    if (current.length > 0 && used + cost > cap) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(i);
    used += cost;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The prompt budget and the sub-tokens left for text, from the tokenizer's `model_max_length` (`Infinity` when
 * it declares none). With a real limit, the prompt may take at most half of it.
 */
export function tokenBudgets(maxTokens: number, promptTokens = DEFAULT_PROMPT_TOKENS): { prompt: number; sequence: number } {
  if (!Number.isFinite(maxTokens)) return { prompt: promptTokens, sequence: Infinity };
  return { prompt: Math.min(promptTokens, Math.floor(maxTokens / 2)), sequence: maxTokens };
}
