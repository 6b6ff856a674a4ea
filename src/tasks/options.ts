/** Checks the tasks share beyond their schemas: prompt templates with one placeholder. */
import { InvalidInputError } from "../errors.js";
import { describe } from "../validate.js";

/**
 * A template with its placeholder exactly once: `{name}`, or the reference's positional `{}` (a Python user's
 * template works unchanged). Returns a filler for the placeholder.
 */
export function checkTemplate(template: string, name: string, argument = "prompt"): (value: string) => string {
  const named = template.split(`{${name}}`).length - 1;
  const positional = template.split("{}").length - 1;
  if (named + positional !== 1) {
    throw new InvalidInputError(
      argument,
      `${argument} must contain the placeholder {${name}} (or the reference's {}) exactly once; got ${describe(template)} (${named + positional} times).`,
    );
  }
  const placeholder = named === 1 ? `{${name}}` : "{}";
  const at = template.indexOf(placeholder);
  const before = template.slice(0, at);
  const after = template.slice(at + placeholder.length);
  return (value) => `${before}${value}${after}`;
}
