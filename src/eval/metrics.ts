/**
 * Micro precision / recall / F1 over sets of items, as GLiNER's evaluator (`compute_prf` with
 * `average="micro"`): every gold or predicted item is a key; duplicate keys collapse (the reference groups
 * items into Python sets per label); a zero denominator gives 0, as scikit-learn's `_prf_divide` does.
 */

export interface Scores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface Counts {
  /** Distinct gold items. */
  readonly gold: number;
  /** Distinct predicted items. */
  readonly predicted: number;
  /** Distinct items both gold and predicted. */
  readonly correct: number;
}

/** P, R and F1 from counts; every ratio with a zero denominator is 0. */
export function scoresFromCounts(counts: Counts): Scores {
  const precision = counts.predicted === 0 ? 0 : counts.correct / counts.predicted;
  const recall = counts.gold === 0 ? 0 : counts.correct / counts.gold;
  // The reference computes 2PR/(P+R) from the rounded ratios (not 2TP/(G+P)); same order of operations here.
  const f1 = precision + recall === 0 ? 0 : (2 * (precision * recall)) / (precision + recall);
  return { precision, recall, f1 };
}

/** Counts over two key lists; keys are compared as strings, duplicates count once. */
export function countMatches(gold: Iterable<string>, predicted: Iterable<string>): Counts {
  const goldSet = new Set(gold);
  const predictedSet = new Set(predicted);
  let correct = 0;
  for (const key of predictedSet) if (goldSet.has(key)) correct++;
  return { gold: goldSet.size, predicted: predictedSet.size, correct };
}

/** Adds counts of independent parts (e.g. datasets or documents) for a micro average over all of them. */
export function addCounts(parts: readonly Counts[]): Counts {
  return parts.reduce(
    (sum, c) => ({ gold: sum.gold + c.gold, predicted: sum.predicted + c.predicted, correct: sum.correct + c.correct }),
    { gold: 0, predicted: 0, correct: 0 },
  );
}

/** Arithmetic mean of each score: the "Average" row of GLiNER's zero-shot table (a macro average over datasets). */
export function meanScores(scores: readonly Scores[]): Scores {
  if (scores.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const mean = (pick: (s: Scores) => number) => scores.reduce((sum, s) => sum + pick(s), 0) / scores.length;
  return { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1) };
}
