/**
 * Work the batcher can coalesce. Requests whose options agree share a batch key; their texts go to the model
 * in one batched call. A batch that fails on one item's input is retried item by item, so one bad request
 * never fails the requests it happened to share a call with.
 */
import { type Entity, type GLiNERBase, isGlinerError } from "../index.js";
import type { TaskModel } from "../tasks/prompted.js";
import type { BatchGroup } from "./batcher.js";

/** A batch group running `runBatch`, with item-by-item retry after an input error. */
export function batchGroup<I, O>(
  key: string,
  runBatch: (items: readonly I[], signal?: AbortSignal) => Promise<readonly O[]>,
): BatchGroup<I, O> {
  return {
    key,
    async run(items, signal) {
      try {
        return await runBatch(items, signal);
      } catch (error) {
        if (items.length === 1 || !isInputError(error)) throw error;
        return Promise.all(items.map((item) => runBatch([item], signal).then((r) => r[0] as O, (e: unknown) => asError(e))));
      }
    },
  };
}

function isInputError(error: unknown): boolean {
  return isGlinerError(error) && (error.code === "INVALID_INPUT" || error.code === "TEXT_TOO_LONG");
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Batch key of a task and the options its items share: equal options, equal key. */
export function keyOf(task: string, shared: unknown): string {
  return `${task}:${JSON.stringify(shared)}`;
}

export interface NerItem {
  readonly text: string;
  readonly labels: readonly string[];
}

export interface NerSettings {
  readonly threshold: number;
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
}

/** NER items with equal settings coalesce; labels may differ per text (the library batches per-text label lists). */
export function nerGroup(model: GLiNERBase, settings: NerSettings, batchSize: number): BatchGroup<NerItem, Entity[]> {
  const options = { ...settings, batchSize, truncation: "window" as const };
  return batchGroup(keyOf("ner", settings), (items, signal) =>
    model.batchPredictEntities(
      items.map((item) => item.text),
      items.map((item) => item.labels),
      signal === undefined ? options : { ...options, signal },
    ),
  );
}

/**
 * The model as the task helpers see it: the same adapter `GLiNER`'s task methods use, over the public
 * `inference`. The server calls the helpers' batch functions (one model call for many clients' texts)
 * rather than the one-text methods.
 */
export function taskModel(model: GLiNERBase): TaskModel {
  return {
    config: model.config,
    inference: (texts, labels, options) => model.inference(texts, labels, options),
    relationHead: model.config.relex ? (texts, options) => model.batchExtractRelations(texts, options) : undefined,
  };
}
