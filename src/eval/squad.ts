/**
 * Extractive QA metrics as SQuAD's official evaluation script (v2.0) defines them: answers are normalised
 * (lowercase, ASCII punctuation removed, the articles a/an/the removed, whitespace collapsed); exact match is
 * normalised equality, F1 is the bag-of-tokens overlap; each question takes its best score over the gold answers.
 * A question without gold answers (SQuAD 2.0 "unanswerable") has the gold answer "": only an empty prediction
 * scores 1. For questions with answers this is identical to the v1.1 script.
 */

/** Python's `string.punctuation`. */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
/** The characters Python's `str.split()` splits on (str.isspace), which JS `\s` does not match exactly. */
const WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
/** `\b(a|an|the)\b` with Python's Unicode word characters (JS `\b` only knows ASCII ones). */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

export function normalizeAnswer(text: string): string {
  const lower = text.toLowerCase();
  const noPunctuation = [...lower].filter((ch) => !PUNCTUATION.has(ch)).join("");
  const noArticles = noPunctuation.replace(ARTICLES, " ");
  return splitWhitespace(noArticles).join(" ");
}

function splitWhitespace(text: string): string[] {
  return text.split(WHITESPACE).filter((t) => t !== "");
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

export function tokenF1(prediction: string, gold: string): number {
  const predicted = splitWhitespace(normalizeAnswer(prediction));
  const expected = splitWhitespace(normalizeAnswer(gold));
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      same++;
      counts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predicted.length;
  const recall = same / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Best exact match and F1 over the gold answers ([""] when there are none). */
export function scoreAnswer(prediction: string, goldAnswers: readonly string[]): { exactMatch: number; f1: number } {
  const golds = goldAnswers.filter((g) => normalizeAnswer(g) !== "");
  const candidates = golds.length === 0 ? [""] : golds;
  return {
    exactMatch: Math.max(...candidates.map((g) => exactMatch(prediction, g))),
    f1: Math.max(...candidates.map((g) => tokenF1(prediction, g))),
  };
}
