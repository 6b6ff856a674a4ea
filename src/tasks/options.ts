/** Checks shared by the task helpers, so every task reports bad input the same way. */
import { InvalidInputError } from "../errors.js";
import type { PredictOptions } from "../types.js";
import { checkPositiveInteger, checkText, checkThreshold, describe } from "../validate.js";
import type { TaskRunOptions } from "./types.js";

/** The pass-through core options of a task call plus its model-call threshold. */
export function runOptions(options: TaskRunOptions, threshold: number, argument = "threshold"): PredictOptions {
  return {
    threshold: checkThreshold(threshold, argument),
    truncation: options.truncation,
    window: options.window,
    overlap: options.overlap,
    batchSize: options.batchSize,
    onTruncate: options.onTruncate,
    tokenScore: options.tokenScore,
  };
}

/** A string that must hold words, e.g. a question. */
export function checkNonBlank(value: unknown, argument: string, example: string): string {
  const text = checkText(value, argument);
  if (text.trim() === "") throw new InvalidInputError(argument, `${argument} is empty; give ${example}.`);
  return text;
}

/** A prompt may be empty ("" is the reference's open-extraction default) but must be a string. */
export function checkPrompt(value: unknown, argument = "prompt"): string {
  return checkText(value, argument);
}

/** A template that must contain `{name}` exactly once. */
export function checkTemplate(value: unknown, placeholder: string, argument = "prompt"): string {
  const template = checkText(value, argument);
  const count = template.split(`{${placeholder}}`).length - 1;
  if (count !== 1) {
    throw new InvalidInputError(
      argument,
      `${argument} must contain the placeholder {${placeholder}} exactly once; got ${describe(template)} (${count} times).`,
    );
  }
  return template;
}

export function checkTopK(value: unknown): number | undefined {
  return value === undefined ? undefined : checkPositiveInteger(value, "topK");
}
