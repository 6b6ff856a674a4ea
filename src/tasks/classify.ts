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
import { checkTemplate } from "./options.js";
import { CLASSES_SEPARATOR, CLASSIFY_LABELS, CLASSIFY_PROMPT, NO_CLASS } from "./prompts.js";
import { objectSchema } from "./schema.js";
import { defineTask, labels, prompt, threshold } from "./spec.js";
import type { Classification, ClassifyOptions } from "./types.js";

export interface ClassPrompt {
  readonly prompt: string;
  /** Where each class name lies in the prompt. */
  readonly ranges: readonly { readonly label: string; readonly start: number; readonly end: number }[];
}

/** The prompt for a class list and where each class lands in it (`template`: one `{classes}` or `{}`). */
export function classPrompt(template: string, classes: readonly string[]): ClassPrompt {
  const marker = "\u0000";
  const [before = "", after = ""] = checkTemplate(template, "classes")(marker).split(marker);
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

export const classifyTask = defineTask<{ text: string; classes: readonly string[] }, ClassifyOptions, Classification[]>({
  name: "classify",
  summary: "Text classification",
  description: 'The class of the text among `classes` (with `multiLabel`, every class found), or "other".',
  input: objectSchema({ classes: labels("Class names.", ["sports", "politics"]) }, ["classes"]),
  options: objectSchema({
    threshold: threshold(),
    multiLabel: { type: "boolean", default: false, description: "Every class found with its probability, instead of the best one." },
    prompt: prompt(CLASSIFY_PROMPT, "Prompt template with {classes} (or the reference's {})."),
  }),
  result: {
    name: "classifications",
    schema: { type: "array", items: { type: "object", required: ["label", "score"], properties: { label: { type: "string" }, score: { type: "number" } } } },
  },
  async run(engine, inputs, options) {
    const prompts = inputs.map(({ classes }, i) => {
      const checked = [...new Set(classes)];
      const ambiguous = checked.find((c) => c !== c.trim() || c.includes(CLASSES_SEPARATOR));
      if (ambiguous !== undefined) {
        throw new InvalidInputError(
          "classes",
          `${inputs.length === 1 ? "classes" : `inputs[${i}].classes`}: class "${ambiguous}" contains "${CLASSES_SEPARATOR}" or surrounding spaces, so it cannot be told apart in the prompt; rename it.`,
        );
      }
      return classPrompt(options.prompt as string, checked);
    });
    // multiLabel is post-processing only: the model call is flat and single-label, as the reference's.
    const callOptions = { ...options, flatNer: true, multiLabel: false };
    const predictions = await engine.predict(inputs.map(({ text }, i) => ({ prompt: (prompts[i] as ClassPrompt).prompt, text, labels: CLASSIFY_LABELS })), callOptions);
    return predictions.map(({ promptEntities }, i) => {
      const found: Classification[] = [];
      for (const span of promptEntities) {
        const name = classOfSpan(span, prompts[i] as ClassPrompt);
        if (name !== undefined) found.push({ label: name, score: span.score });
      }
      return classifications(found, options.multiLabel === true);
    });
  },
});
