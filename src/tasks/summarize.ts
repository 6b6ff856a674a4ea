/**
 * Extractive summarization, as the reference's `GLiNERSummarizer`: the model reads
 * `"Summarize the following text highlighting the most important information: \n {text}"` with the label
 * "summary" and threshold 0.25; the summary is the span texts in text order joined by spaces. Unlike the
 * reference, spans inside the prompt are not part of the summary, and the spans come with their offsets.
 */
import { SUMMARY_LABELS, SUMMARY_PROMPT, SUMMARY_THRESHOLD } from "./prompts.js";
import { objectSchema } from "./schema.js";
import { defineTask, entitySchema, prompt, threshold } from "./spec.js";
import type { SummarizeOptions, Summary } from "./types.js";

export const summarizeTask = defineTask<{ text: string }, SummarizeOptions, Summary>({
  name: "summarize",
  summary: "Extractive summary",
  description: "The important spans of the text, in text order, and their texts joined by spaces.",
  input: objectSchema({}),
  options: objectSchema({ threshold: threshold(SUMMARY_THRESHOLD), prompt: prompt(SUMMARY_PROMPT, "Prompt before the text.") }),
  result: {
    name: "summary",
    spread: true,
    schema: { type: "object", required: ["summary", "spans"], properties: { summary: { type: "string" }, spans: { type: "array", items: entitySchema } } },
  },
  async run(engine, inputs, options) {
    const predictions = await engine.predict(inputs.map(({ text }) => ({ prompt: options.prompt as string, text, labels: SUMMARY_LABELS })), options);
    return predictions.map(({ entities }) => {
      const spans = [...entities].sort((a, b) => a.start - b.start);
      return { summary: spans.map((s) => s.text).join(" "), spans };
    });
  },
});
