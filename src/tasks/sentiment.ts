/**
 * Sentiment extraction: the spans that carry a positive, negative or neutral sentiment. No reference helper
 * or official prompt exists; the design (documented in docs/tasks.md) is one prompted call in the open-IE
 * style, with one descriptive label per polarity, so a span gets at most one polarity (flat decoding).
 */
import { InvalidInputError } from "../errors.js";
import { SENTIMENT_LABELS, SENTIMENT_PROMPT } from "./prompts.js";
import { objectSchema } from "./schema.js";
import { defineTask, label, prompt, spanSchema, threshold } from "./spec.js";
import type { Polarity, SentimentOptions, SentimentSpan } from "./types.js";

const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];

/** The model label of each requested polarity (schema-checked options). */
export function sentimentLabels(options: SentimentOptions): Map<string, Polarity> {
  const byLabel = new Map<string, Polarity>();
  for (const polarity of options.polarities ?? POLARITIES) {
    const name = options.labels?.[polarity] ?? SENTIMENT_LABELS[polarity];
    if (byLabel.has(name) && byLabel.get(name) !== polarity) {
      throw new InvalidInputError("labels", `polarities ${byLabel.get(name)} and ${polarity} share the label "${name}"; give each its own.`);
    }
    byLabel.set(name, polarity);
  }
  return byLabel;
}

export const sentimentTask = defineTask<{ text: string }, SentimentOptions, SentimentSpan[]>({
  name: "sentiment",
  summary: "Sentiment spans",
  description: "Spans that carry a positive, negative or neutral sentiment.",
  input: objectSchema({}),
  options: objectSchema({
    threshold: threshold(),
    prompt: prompt(SENTIMENT_PROMPT, "Prompt before the text."),
    polarities: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", enum: POLARITIES }, default: POLARITIES, description: "Polarities to look for (default all three)." },
    labels: { type: "object", additionalProperties: false, properties: { positive: label, negative: label, neutral: label }, description: "The model label of each polarity." },
  }),
  result: { name: "sentiments", schema: { type: "array", items: spanSchema({ polarity: { type: "string", enum: POLARITIES } }) } },
  async run(engine, inputs, options) {
    const byLabel = sentimentLabels(options);
    const requests = inputs.map(({ text }) => ({ prompt: options.prompt as string, text, labels: [...byLabel.keys()] }));
    return (await engine.predict(requests, options)).map(({ entities }) =>
      entities.map(({ text, start, end, label: name, score }) => ({ text, start, end, polarity: byLabel.get(name) as Polarity, score })),
    );
  },
});
