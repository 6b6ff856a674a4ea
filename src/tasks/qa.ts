/**
 * Question answering, as the reference's `GLiNERQuestionAnswerer`: the model reads
 * `"Answer the following question: {question} \n {text}"` with the label "answer"; answers are the spans,
 * best first. Unlike the reference, answers found inside the prompt (the question itself) are dropped, and
 * each answer carries its offsets in the caller's text.
 */
import { checkTemplate } from "./options.js";
import { QA_LABELS, QA_PROMPT } from "./prompts.js";
import { objectSchema } from "./schema.js";
import { defineTask, prompt, spanSchema, threshold, topK } from "./spec.js";
import type { Answer, AnswerOptions } from "./types.js";

export const qaTask = defineTask<{ text: string; question: string }, AnswerOptions, Answer[]>({
  name: "qa",
  summary: "Question answering",
  description: "Answers to `question` found in the text, best first.",
  input: objectSchema({ question: { type: "string", minLength: 1, pattern: "\\S", description: "The question.", examples: ["Who founded Microsoft?"] } }, ["question"]),
  options: objectSchema({ threshold: threshold(), topK, prompt: prompt(QA_PROMPT, "Prompt template with {question} (or the reference's {}).") }),
  result: { name: "answers", schema: { type: "array", items: spanSchema() } },
  async run(engine, inputs, options) {
    const fill = checkTemplate(options.prompt as string, "question");
    const predictions = await engine.predict(inputs.map(({ question, text }) => ({ prompt: fill(question), text, labels: QA_LABELS })), options);
    return predictions.map(({ entities }) => {
      // The reference: sorted(prediction, key=score, reverse=True), which keeps text order among equal scores.
      const answers = entities.map(({ text, start, end, score }) => ({ text, start, end, score })).sort((a, b) => b.score - a.score);
      return options.topK === undefined ? answers : answers.slice(0, options.topK);
    });
  },
});
