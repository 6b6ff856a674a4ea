/**
 * Question answering, as the reference's `GLiNERQuestionAnswerer`: the model reads
 * `"Answer the following question: {question} \n {text}"` with the label "answer"; answers are the spans,
 * best first. Unlike the reference, answers found inside the prompt (the question itself) are dropped, and
 * each answer carries its offsets in the caller's text.
 */
import { fillTemplate, QA_LABELS, QA_PROMPT } from "./prompts.js";
import { runPrompted, type TaskModel } from "./prompted.js";
import { checkNonBlank, checkTemplate, checkTopK, runOptions } from "./options.js";
import type { Answer, AnswerOptions } from "./types.js";
import { checkText } from "../validate.js";

export interface QuestionRequest {
  readonly question: string;
  readonly text: string;
}

/** Answers for many (question, text) pairs in one batched run. */
export async function answerQuestions(
  model: TaskModel,
  requests: readonly QuestionRequest[],
  options: AnswerOptions = {},
): Promise<Answer[][]> {
  const template = checkTemplate(options.prompt ?? QA_PROMPT, "question");
  const topK = checkTopK(options.topK);
  const prompted = requests.map(({ question, text }, i) => {
    const where = requests.length === 1 ? "" : `[${i}]`;
    return {
      prompt: fillTemplate(template, { question: checkNonBlank(question, `question${where}`, 'a question, e.g. "Who founded Microsoft?"') }),
      text: checkText(text, `text${where}`),
      labels: QA_LABELS,
    };
  });
  const results = await runPrompted(model, prompted, runOptions(options, options.threshold ?? 0.5));
  return results.map(({ entities }) => {
    // The reference: sorted(prediction, key=score, reverse=True), which keeps text order among equal scores.
    const answers = entities
      .map(({ text, start, end, score }) => ({ text, start, end, score }))
      .sort((a, b) => b.score - a.score);
    return topK === undefined ? answers : answers.slice(0, topK);
  });
}
