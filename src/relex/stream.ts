/**
 * Relations of a corpus, streamed (`model.streamRelations`): the NER stream's loop (long/stream.ts: `lookAhead`
 * records read, run together, yielded in input order, then read on) over the relex pipeline.
 */
import { InvalidInputError } from "../errors.js";
import { streamInChunks, type TextRecord } from "../long/stream.js";
import type { LoadedModel } from "../model/load.js";
import { checkLabels } from "../validate.js";
import { checkRelationLabels, relexRequest, requireRelex, runOptions } from "./api.js";
import { predictRelexTexts, type RelexRequest } from "./pipeline.js";
import type { RelationStreamOptions, RelationStreamResult } from "./types.js";

/** A text with, optionally, its own entity labels and relation labels, and an id passed through to its result. */
export interface RelationRecord extends TextRecord {
  /** Relation labels for this text; the stream's when absent. */
  readonly relations?: readonly string[];
}

export type RelationStreamSource = AsyncIterable<string | RelationRecord> | Iterable<string | RelationRecord>;

export async function* streamRelationsFor(
  model: LoadedModel,
  source: RelationStreamSource,
  labels: readonly string[] | undefined,
  relations: readonly string[] | undefined,
  options: RelationStreamOptions,
): AsyncGenerator<RelationStreamResult> {
  requireRelex(model, "streamRelations");
  const run = runOptions({ ...options, batchSize: options.batchSize ?? "auto" });
  const shared = { labels: labels === undefined ? undefined : checkLabels(labels), relations: relations === undefined ? undefined : checkRelationLabels(relations) };
  const request = (record: RelationRecord, text: string, index: number): RelexRequest => {
    const own = {
      labels: record.labels === undefined ? shared.labels : checkLabels(record.labels, `source[${index}].labels`),
      relations: record.relations === undefined ? shared.relations : checkRelationLabels(record.relations, `source[${index}].relations`),
    };
    for (const name of ["labels", "relations"] as const) {
      if (own[name] === undefined) {
        throw new InvalidInputError(name, `source[${index}] has no ${name} and the stream was given none; pass ${name} or give each record its own.`);
      }
    }
    return relexRequest(text, own.labels as string[], own.relations as string[], run.threshold, options.labelThresholds);
  };
  for await (const { entities, relations: found, index, id, words, modelWords, truncated, passes } of streamInChunks(
    source,
    options,
    "{ text, labels?, relations?, id? }",
    request,
    (requests) => predictRelexTexts(model, requests, run),
  )) {
    yield { index, id, entities, relations: found, words, modelWords, truncated, passes };
  }
}
