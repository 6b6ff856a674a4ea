/**
 * Work the batcher can coalesce. Requests whose options agree share a batch key; their texts go to the model
 * in one batched call. A batch that fails on one item's input is retried item by item, so one bad request
 * never fails the requests it happened to share a call with.
 */
import { isGlinerError } from "../index.js";
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
