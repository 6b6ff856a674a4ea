/**
 * Extractive summarization, as the reference's `GLiNERSummarizer`: the model reads
 * `"Summarize the following text highlighting the most important information: \n {text}"` with the label
 * "summary" and threshold 0.25; the summary is the span texts in text order joined by spaces. Unlike the
 * reference, spans inside the prompt are not part of the summary, and the spans come with their offsets.
 */
import { runPrompted, type TaskModel } from "./prompted.js";
import { SUMMARY_LABELS, SUMMARY_PROMPT, SUMMARY_THRESHOLD } from "./prompts.js";
import { checkPrompt, runOptions } from "./options.js";
import type { Summary, SummarizeOptions } from "./types.js";
import { checkText } from "../validate.js";

export async function summarizeTexts(model: TaskModel, texts: readonly string[], options: SummarizeOptions = {}): Promise<Summary[]> {
  const prompt = checkPrompt(options.prompt ?? SUMMARY_PROMPT);
  const requests = texts.map((text, i) => ({
    prompt,
    text: checkText(text, texts.length === 1 ? "text" : `texts[${i}]`),
    labels: SUMMARY_LABELS,
  }));
  const results = await runPrompted(model, requests, runOptions(options, options.threshold ?? SUMMARY_THRESHOLD));
  return results.map(({ entities }) => {
    const spans = [...entities].sort((a, b) => a.start - b.start);
    return { summary: spans.map((s) => s.text).join(" "), spans };
  });
}
