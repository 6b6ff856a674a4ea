/**
 * The model's task pipelines as the evaluators call them: relations through `batchExtractRelations`, QA through
 * the batched QA helper behind `model.answer` (same prompt, label and answer order), texts only, best first.
 */
import type { GLiNER } from "../gliner.js";
import type { Answerer } from "./qa.js";
import type { RelationExtractor } from "./relations.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export interface TaskEvalOptions {
  /** Threshold of the answer spans / relation targets (default 0.5). */
  readonly threshold?: number;
  /** Threshold of the relation pipeline's NER step (default: `threshold`). */
  readonly entityThreshold?: number;
  /** Texts per model call. */
  readonly batchSize?: number;
}

/** Relations with the dataset's entity labels for the NER step and its relation labels, no pair filters. */
export function relationExtractorFor(model: GLiNER, options: TaskEvalOptions = {}): RelationExtractor {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  return (texts, dataset) =>
    model.batchExtractRelations(texts, {
      relations: dataset.relationLabels,
      entityLabels: dataset.entityLabels,
      entityThreshold: options.entityThreshold ?? threshold,
      relationThreshold: threshold,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
}

export function answererFor(model: GLiNER, options: TaskEvalOptions = {}): Answerer {
  return async (questions) => {
    const answers = await model.run(
      "qa",
      questions.map(({ question, context }) => ({ question, text: context })),
      { threshold: options.threshold ?? DEFAULT_THRESHOLD, ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) },
    );
    return answers.map((list) => list.map((a) => a.text));
  };
}
