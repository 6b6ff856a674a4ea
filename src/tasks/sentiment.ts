/**
 * Sentiment extraction: the spans that carry a positive, negative or neutral sentiment. No reference helper
 * or official prompt exists; the design (documented in docs/tasks.md) is one prompted call in the open-IE
 * style, with one descriptive label per polarity, so a span gets at most one polarity (flat decoding).
 */
import { InvalidInputError } from "../errors.js";
import { checkText, describe } from "../validate.js";
import { checkPrompt, runOptions } from "./options.js";
import { runPrompted, type TaskModel } from "./prompted.js";
import { SENTIMENT_LABELS, SENTIMENT_PROMPT } from "./prompts.js";
import type { Polarity, SentimentOptions, SentimentSpan } from "./types.js";

const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];

const isPolarity = (value: unknown): value is Polarity => POLARITIES.includes(value as Polarity);

/** The model label of each requested polarity, checked. */
export function sentimentLabels(options: SentimentOptions): Map<string, Polarity> {
  const polarities: unknown = options.polarities ?? POLARITIES;
  if (!Array.isArray(polarities) || polarities.length === 0) {
    throw new InvalidInputError("polarities", `polarities must be a non-empty array of "positive", "negative", "neutral"; got ${describe(polarities)}.`);
  }
  const byLabel = new Map<string, Polarity>();
  for (const polarity of polarities as unknown[]) {
    if (!isPolarity(polarity)) {
      throw new InvalidInputError("polarities", `unknown polarity ${describe(polarity)}; use "positive", "negative" or "neutral".`);
    }
    const label = options.labels?.[polarity] ?? SENTIMENT_LABELS[polarity];
    if (typeof label !== "string" || label.trim() === "") {
      throw new InvalidInputError("labels", `labels.${polarity} must be a non-empty string; got ${describe(label)}.`);
    }
    if (byLabel.has(label) && byLabel.get(label) !== polarity) {
      throw new InvalidInputError("labels", `polarities ${byLabel.get(label)} and ${polarity} share the label "${label}"; give each its own.`);
    }
    byLabel.set(label, polarity);
  }
  return byLabel;
}

export async function extractSentiments(
  model: TaskModel,
  texts: readonly string[],
  options: SentimentOptions = {},
): Promise<SentimentSpan[][]> {
  const prompt = checkPrompt(options.prompt ?? SENTIMENT_PROMPT);
  const byLabel = sentimentLabels(options);
  const labels = [...byLabel.keys()];
  const requests = texts.map((text, i) => ({ prompt, text: checkText(text, texts.length === 1 ? "text" : `texts[${i}]`), labels }));
  const results = await runPrompted(model, requests, runOptions(options, options.threshold ?? 0.5));
  return results.map(({ entities }) =>
    entities.map(({ text, start, end, label, score }) => ({ text, start, end, polarity: byLabel.get(label) as Polarity, score })),
  );
}
