/** NER as batchable work: concurrent requests with the same options share one `batchPredictEntities` call. */
import type { Entity, GLiNERBase } from "../index.js";
import type { BatchGroup } from "./batcher.js";

export interface NerItem {
  readonly text: string;
  readonly labels: readonly string[];
}

export interface NerSettings {
  readonly threshold: number;
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
}

/**
 * Items with equal settings coalesce (labels may differ per text: the library batches per-text label lists).
 * If a batch fails, its items are retried one by one so one bad request cannot fail its neighbours.
 */
export function nerGroup(model: GLiNERBase, settings: NerSettings, batchSize: number): BatchGroup<NerItem, Entity[]> {
  const options = { ...settings, batchSize, truncation: "window" as const };
  return {
    key: `ner:${settings.threshold}:${settings.flatNer}:${settings.multiLabel}`,
    async run(items) {
      const predict = (batch: readonly NerItem[]) =>
        model.batchPredictEntities(
          batch.map((item) => item.text),
          batch.map((item) => item.labels),
          options,
        );
      try {
        return await predict(items);
      } catch (error) {
        if (items.length === 1) throw error;
        return Promise.all(items.map((item) => predict([item]).then((r) => r[0] as Entity[], (e: unknown) => asError(e))));
      }
    },
  };
}

export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
