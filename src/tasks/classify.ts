/**
 * Text classification, as the reference's `GLiNERClassifier`: the model reads
 * `"Classify text into the following classes: {class1}, {class2}, … \n {text}"` with the label "match" and
 * marks the class it chooses *in the prompt*. Single-label: the best class, scored by a softmax over the
 * scores found; multi-label: every class found with its probability; nothing found: `{label: "other", score: 1}`.
 *
 * Deviation (documented): the reference takes the text of whatever span scores best, which may be any words
 * of the prompt or of the text. Here only spans that are one of the class names of the prompt count (a
 * span is trimmed of the ", " separators around it first), so the label is always a class or "other".
 */
import { InvalidInputError } from "../errors.js";
import type { Entity } from "../types.js";
import { checkLabels, checkText } from "../validate.js";
import { checkTemplate, runOptions } from "./options.js";
import { runPrompted, type TaskModel } from "./prompted.js";
import { CLASSES_SEPARATOR, CLASSIFY_LABELS, CLASSIFY_PROMPT, NO_CLASS } from "./prompts.js";
import type { Classification, ClassifyOptions } from "./types.js";

export interface ClassPrompt {
  readonly prompt: string;
  /** Where each class name lies in the prompt. */
  readonly ranges: readonly { readonly label: string; readonly start: number; readonly end: number }[];
}

/** The prompt for a class list and where each class lands in it. */
export function classPrompt(template: string, classes: readonly string[]): ClassPrompt {
  const [before = "", after = ""] = template.split("{classes}");
  const ranges: { label: string; start: number; end: number }[] = [];
  let at = before.length;
  for (const label of classes) {
    ranges.push({ label, start: at, end: at + label.length });
    at += label.length + CLASSES_SEPARATOR.length;
  }
  return { prompt: `${before}${classes.join(CLASSES_SEPARATOR)}${after}`, ranges };
}

/** The class a prompt span names, if any: the span trimmed of separators and spaces must be exactly one class. */
export function classOfSpan(span: Pick<Entity, "start" | "end">, classPrompt: ClassPrompt): string | undefined {
  const { prompt } = classPrompt;
  let { start, end } = span;
  const trimmable = (ch: string | undefined) => ch !== undefined && (ch.trim() === "" || CLASSES_SEPARATOR.includes(ch));
  while (start < end && trimmable(prompt[start])) start++;
  while (end > start && trimmable(prompt[end - 1])) end--;
  return classPrompt.ranges.find((r) => r.start === start && r.end === end)?.label;
}

/** The reference's output rule over (class, score) candidates. */
export function classifications(found: readonly Classification[], multiLabel: boolean): Classification[] {
  // Best score per class; then sorted by score, stable (Python's sorted(..., reverse=True)).
  const best = new Map<string, number>();
  for (const { label, score } of found) best.set(label, Math.max(score, best.get(label) ?? -Infinity));
  const sorted = [...best].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
  const top = sorted[0];
  if (top === undefined) return [{ label: NO_CLASS, score: 1 }];
  if (multiLabel) return sorted;
  return [{ label: top.label, score: softmaxFirst(sorted.map((c) => c.score)) }];
}

/** torch.softmax(float32 scores)[0] for scores sorted in descending order. */
function softmaxFirst(scores: readonly number[]): number {
  const max = scores[0] as number;
  const sum = scores.reduce((acc, s) => acc + Math.exp(s - max), 0);
  return Math.fround(1 / sum);
}

export interface ClassifyRequest {
  readonly text: string;
  readonly classes: readonly string[];
}

export async function classifyTexts(
  model: TaskModel,
  requests: readonly ClassifyRequest[],
  options: ClassifyOptions = {},
): Promise<Classification[][]> {
  const template = checkTemplate(options.prompt ?? CLASSIFY_PROMPT, "classes");
  const prompts = requests.map(({ text, classes }, i) => {
    const where = requests.length === 1 ? "" : `[${i}]`;
    checkText(text, `text${where}`);
    const checked = checkLabels(classes, `classes${where}`);
    const ambiguous = checked.find((c) => c !== c.trim() || c.includes(CLASSES_SEPARATOR));
    if (ambiguous !== undefined) {
      throw new InvalidInputError(
        `classes${where}`,
        `class "${ambiguous}" contains "${CLASSES_SEPARATOR}" or surrounding spaces, so it cannot be told apart in the prompt; rename it.`,
      );
    }
    return classPrompt(template, checked);
  });
  const results = await runPrompted(
    model,
    requests.map(({ text }, i) => ({ prompt: (prompts[i] as ClassPrompt).prompt, text, labels: CLASSIFY_LABELS })),
    runOptions(options, options.threshold ?? 0.5),
  );
  return results.map(({ promptEntities }, i) => {
    const found: Classification[] = [];
    for (const span of promptEntities) {
      const label = classOfSpan(span, prompts[i] as ClassPrompt);
      if (label !== undefined) found.push({ label, score: span.score });
    }
    return classifications(found, options.multiLabel === true);
  });
}
