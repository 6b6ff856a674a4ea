/**
 * The one place that chains the GLiNER2 stages: schema + text → sequence → tensors → session → outputs →
 * results. Texts are grouped by sequence length into batches (less padding); results keep the input order.
 */
import { InferenceError } from "../errors.js";
import type { Session } from "../runtime/runtime.js";
import { CodePointIndex } from "../text/offsets.js";
import type { Word } from "../text/words.js";
import { decodeRecord, type DecodeFlags } from "./decode.js";
import { Gliner2Outputs } from "./outputs.js";
import type { CompiledSchema } from "./schema.js";
import type { EncodedRecord, SequenceEncoder } from "./sequence.js";
import { buildGliner2Feeds, GLINER2_OUTPUTS } from "./tensors.js";
import type { ExtractResult } from "./types.js";
import { punctuate } from "./words.js";

export interface Gliner2Engine {
  readonly encoder: SequenceEncoder;
  readonly session: Session;
}

export interface SchemaRequest {
  readonly text: string;
  readonly schema: CompiledSchema;
}

export interface RunSettings extends DecodeFlags {
  readonly maxLength: number | undefined;
  readonly splitWords: (text: string) => Word[];
  readonly batchSize: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function runRequests(engine: Gliner2Engine, requests: readonly SchemaRequest[], settings: RunSettings): Promise<ExtractResult[]> {
  const records = requests.map((r) => engine.encoder.encode(r.text, r.schema, settings.maxLength, settings.splitWords));
  const results: ExtractResult[] = new Array<ExtractResult>(requests.length);
  const batches = lengthBuckets(records, settings.batchSize);
  let done = 0;
  const runBatch = async (indices: readonly number[]) => {
    const batch = indices.map((i) => records[i] as EncodedRecord);
    const outputs = await runBatchRecords(engine.session, batch);
    indices.forEach((i, b) => {
      results[i] = decodeRecord(records[i] as EncodedRecord, (requests[i] as SchemaRequest).schema, outputs, b, settings);
    });
    done += indices.length;
    settings.onProgress?.(done, requests.length);
  };
  const lanes = Math.max(1, engine.session.concurrency ?? 1);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, batches.length) }, async () => {
      while (next < batches.length) await runBatch(batches[next++] as number[]);
    }),
  );
  return results;
}

/** One padded batch through the graph. */
export async function runBatchRecords(session: Session, batch: readonly EncodedRecord[]): Promise<Gliner2Outputs> {
  const { feeds, shape } = buildGliner2Feeds(batch);
  let outputs;
  try {
    outputs = await session.run(feeds, GLINER2_OUTPUTS);
  } catch (cause) {
    throw new InferenceError(`The GLiNER2 model failed on a batch of ${batch.length} texts: ${String(cause)}`, { cause });
  }
  return new Gliner2Outputs(outputs, shape);
}

/** Indices grouped by sequence length (stable), `size` per batch: similar lengths pad less. */
export function lengthBuckets(records: readonly EncodedRecord[], size: number): number[][] {
  const order = records.map((_, i) => i).sort((a, b) => (records[a]?.inputIds.length ?? 0) - (records[b]?.inputIds.length ?? 0) || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += size) batches.push(order.slice(i, i + size));
  return batches;
}

/** UTF-16 offsets → code points (Python string indices), in place, for every span object of a result. */
export function toCodePointOffsets<T>(result: T, text: string): T {
  const index = new CodePointIndex(punctuate(text));
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === "object" && value !== null) {
      const span = value as { text?: unknown; start?: unknown; end?: unknown };
      if (typeof span.text === "string" && typeof span.start === "number" && typeof span.end === "number") {
        span.start = index.toCodePoint(span.start);
        span.end = index.toCodePoint(span.end);
      }
      Object.values(value).forEach(walk);
    }
  };
  walk(result);
  return result;
}
