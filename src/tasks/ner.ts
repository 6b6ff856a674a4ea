/** NER, the model's own task: the spans of each text that match its labels. */
import { InvalidInputError } from "../errors.js";
import type { Word } from "../text/words.js";
import type { Entity } from "../types.js";
import { objectSchema } from "./schema.js";
import { defineTask, entitySchema, flatNer, labels, multiLabel, threshold } from "./spec.js";
import type { NerInput, NerOptions } from "./types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export const nerTask = defineTask<NerInput, NerOptions, Entity[]>({
  name: "ner",
  summary: "Named entities",
  description: "Zero-shot NER: the spans of the text that match the labels.",
  input: objectSchema(
    {
      labels: labels("Entity types.", ["person", "organization"]),
      words: {
        type: "array",
        items: { type: "string", minLength: 1, pattern: "^\\S+$" },
        description: 'The text\'s words, already split (e.g. a dataset\'s tokens); `text` must then be words.join(" ").',
      },
    },
    ["labels"],
  ),
  options: objectSchema({
    threshold: threshold(),
    labelThresholds: { type: "object", additionalProperties: threshold(DEFAULT_THRESHOLD, "Per-label threshold."), description: "Thresholds of single labels, overriding threshold." },
    flatNer,
    multiLabel,
  }),
  result: { name: "entities", schema: { type: "array", items: entitySchema } },
  run: async (engine, inputs, options) =>
    (await engine.predict(inputs.map(({ text, labels: l, words }, i) => ({ text, labels: l, ...(words === undefined ? {} : { words: givenWords(text, words, i) }) })), options)).map(
      (p) => p.entities,
    ),
});

/** Pre-split words with their offsets into `text`, which must be the words joined by single spaces. */
function givenWords(text: string, words: readonly string[], index: number): Word[] {
  if (text !== words.join(" ")) {
    throw new InvalidInputError("text", `inputs[${index}].text must be its words joined by single spaces when words are given.`);
  }
  let at = 0;
  return words.map((word) => {
    const start = at;
    at += word.length + 1;
    return { text: word, start, end: start + word.length };
  });
}
