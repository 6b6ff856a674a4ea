/**
 * Corpora as streams: texts (or records with their own labels) in, results out in input order, with memory
 * bounded by the look-ahead. The stream reads `lookAhead` texts, runs them together (their passes bucketed
 * by length, so a corpus of mixed lengths wastes little on padding), yields their results in order, and only
 * then reads on.
 */
import { reportTruncation } from "../warnings.js";
import { InvalidInputError } from "../errors.js";
import type { TextRequest } from "../pipeline.js";
import type { PredictOptions, TextPrediction } from "../types.js";
import { checkLabels, checkPositiveInteger, checkText, describe, labelThresholds } from "../validate.js";

/** A text with, optionally, its own labels and an id that is passed through to its result. */
export interface TextRecord {
  readonly text: string;
  /** Labels for this text; the stream's labels when absent. */
  readonly labels?: readonly string[];
  readonly id?: unknown;
}

export type StreamInput = string | TextRecord;
export type StreamSource = AsyncIterable<StreamInput> | Iterable<StreamInput>;

export interface StreamOptions extends PredictOptions {
  /** Texts read ahead and run together (default 256). Memory holds at most this many texts and their results. */
  lookAhead?: number;
}

/** One text's result; `index` is its position in the stream, `id` the record's id (undefined for plain strings). */
export interface StreamResult extends TextPrediction {
  readonly index: number;
  readonly id: unknown;
}

export const DEFAULT_LOOK_AHEAD = 256;

export async function* streamPredictions(
  source: StreamSource,
  labels: readonly string[] | undefined,
  options: StreamOptions,
  predict: (requests: readonly TextRequest[]) => Promise<TextPrediction[]>,
): AsyncGenerator<StreamResult> {
  const thresholdOptions = { threshold: options.threshold, labelThresholds: options.labelThresholds };
  const shared = labels === undefined ? undefined : checkLabels(labels);
  const sharedThresholds = shared === undefined ? undefined : labelThresholds(shared, thresholdOptions);
  const request = (record: TextRecord, text: string, index: number): TextRequest => {
    if (record.labels !== undefined) {
      const own = checkLabels(record.labels, `source[${index}].labels`);
      return { text, labels: own, thresholds: labelThresholds(own, thresholdOptions) };
    }
    if (shared !== undefined && sharedThresholds !== undefined) return { text, labels: shared, thresholds: sharedThresholds };
    throw new InvalidInputError("labels", `source[${index}] has no labels and the stream was given none; pass labels or give each record its own.`);
  };
  yield* streamInChunks(source, options, "{ text, labels?, id? }", request, predict);
}

/**
 * The stream's loop, for any call that runs texts in batches (NER, relex relations): reads `lookAhead` records,
 * turns each into a request (`request` checks its own fields), runs them together, yields each result in input
 * order with its index and id (truncations reported), and only then reads on.
 */
export async function* streamInChunks<R extends TextRecord, Q, O extends { truncated: boolean; words: number; modelWords: number }>(
  source: AsyncIterable<string | R> | Iterable<string | R>,
  options: { lookAhead?: number | undefined; onTruncate?: PredictOptions["onTruncate"] },
  recordShape: string,
  request: (record: R, text: string, index: number) => Q,
  run: (requests: readonly Q[]) => Promise<O[]>,
): AsyncGenerator<O & { index: number; id: unknown }> {
  if (typeof source !== "object" || source === null || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
    throw new InvalidInputError("source", `source must be an iterable or async iterable of texts or records; got ${describe(source)}.`);
  }
  const lookAhead = checkPositiveInteger(options.lookAhead ?? DEFAULT_LOOK_AHEAD, "lookAhead");
  let chunk: { id: unknown; request: Q }[] = [];
  let first = 0;

  async function* flush(): AsyncGenerator<O & { index: number; id: unknown }> {
    const results = await run(chunk.map((c) => c.request));
    for (const [i, result] of results.entries()) {
      const index = first + i;
      reportTruncation(index, result, options.onTruncate);
      yield { ...result, index, id: (chunk[i] as { id: unknown }).id };
    }
    first += chunk.length;
    chunk = [];
  }

  for await (const item of source) {
    const index = first + chunk.length;
    const record = (typeof item === "string" ? { text: item } : item) as R;
    if (typeof record !== "object" || record === null) {
      throw new InvalidInputError(`source[${index}]`, `source[${index}] must be a string or a ${recordShape} record; got ${describe(record)}.`);
    }
    const text = checkText(record.text, `source[${index}].text`);
    chunk.push({ id: record.id, request: request(record, text, index) });
    if (chunk.length >= lookAhead) yield* flush();
  }
  if (chunk.length > 0) yield* flush();
}
