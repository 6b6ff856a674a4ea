/** Checks on caller input, so bad input fails early with an {@link InvalidInputError} that says how to fix it. */
import { InvalidInputError } from "./errors.js";
import { parseWordSplitter, type WordSplitterSpec } from "./text/words.js";
import type { PredictOptions } from "./types.js";
import { DEFAULT_THRESHOLD } from "./defaults.js";

export function checkText(text: unknown, argument = "text"): string {
  if (typeof text !== "string") {
    throw new InvalidInputError(argument, `${argument} must be a string; got ${describe(text)}.`);
  }
  return text;
}

export function checkTexts(texts: unknown): string[] {
  if (!Array.isArray(texts)) throw new InvalidInputError("texts", `texts must be an array of strings; got ${describe(texts)}.`);
  return texts.map((t, i) => checkText(t, `texts[${i}]`));
}

/** Labels de-duplicated keeping the first occurrence (the reference's `dict.fromkeys`); never lower-cased. */
export function checkLabels(labels: unknown, argument = "labels"): string[] {
  if (!Array.isArray(labels)) {
    throw new InvalidInputError(argument, `${argument} must be an array of label strings, e.g. ["person", "organization"]; got ${describe(labels)}.`);
  }
  if (labels.length === 0) {
    throw new InvalidInputError(argument, `${argument} is empty; give at least one label, e.g. ["person"].`);
  }
  labels.forEach((label, i) => {
    if (typeof label !== "string" || label.trim() === "") {
      throw new InvalidInputError(argument, `${argument}[${i}] must be a non-empty string; got ${describe(label)}.`);
    }
  });
  return [...new Set(labels as string[])];
}

export function checkThreshold(value: unknown, argument = "threshold"): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new InvalidInputError(argument, `${argument} must be a number strictly between 0 and 1; got ${describe(value)}.`);
  }
  return value;
}

export function checkPositiveInteger(value: unknown, argument: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(argument, `${argument} must be a positive integer; got ${describe(value)}.`);
  }
  return value;
}

/** float32 thresholds per label, since the reference compares float32 probabilities with them. */
export function labelThresholds(labels: readonly string[], options: PredictOptions): Float32Array {
  const base = checkThreshold(options.threshold ?? DEFAULT_THRESHOLD);
  const perLabel = options.labelThresholds ?? {};
  if (typeof perLabel !== "object" || Array.isArray(perLabel)) {
    throw new InvalidInputError("labelThresholds", `labelThresholds must be an object of label → threshold; got ${describe(perLabel)}.`);
  }
  for (const [label, value] of Object.entries(perLabel)) checkThreshold(value, `labelThresholds["${label}"]`);
  // Own properties only: a label may be named "constructor" or "__proto__".
  return Float32Array.from(labels, (label) => (Object.hasOwn(perLabel, label) ? (perLabel[label] as number) : base));
}

/**
 * Labels must not contain the model's special tokens (`<<ENT>>`, `<<SEP>>`, `[CLS]`, ...): the tokenizer would
 * turn them into prompt markers and the prompt would no longer match the labels.
 */
export function checkLabelTokens(labels: readonly string[], specialTokens: readonly string[], argument = "labels"): void {
  for (const [i, label] of labels.entries()) {
    const token = specialTokens.find((t) => label.includes(t));
    if (token !== undefined) {
      throw new InvalidInputError(
        argument,
        `${argument}[${i}] ${describe(label)} contains the model's special token "${token}"; remove it from the label.`,
      );
    }
  }
}

/** `null` is not "use the default": options set to null are refused so that a caller's bug is not hidden. */
export function rejectNullOptions(options: object, argument = "options"): void {
  for (const [key, value] of Object.entries(options)) {
    if (value === null) {
      throw new InvalidInputError(key, `${argument}.${key} is null; give a value or leave ${key} out to use its default.`);
    }
  }
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], argument: string): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidInputError(argument, `${argument} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${describe(value)}.`);
  }
  return value as T;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** A `wordSplitter` option ("whitespace", "intl", "auto", optionally "intl:<locale>") as its parsed spec. */
export function checkWordSplitter(value: unknown, name = "wordSplitter"): WordSplitterSpec {
  if (typeof value !== "string") {
    throw new InvalidInputError(name, `${name} must be a string such as "whitespace", "intl", "auto" or "intl:ja".`);
  }
  try {
    return parseWordSplitter(value);
  } catch (error) {
    throw new InvalidInputError(name, `${name}: ${(error as Error).message}`);
  }
}
