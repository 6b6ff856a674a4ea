/**
 * ④ Encoded records → the six inputs of the GLiNER2 boundary graph (fixture README, "gliner2-span"):
 * ids/masks [B,S], word_idx/word_mask [B,L], schema_idx/schema_mask [B,T,1+F], all right-padded with 0/false.
 */
import type { TensorData } from "../runtime/runtime.js";
import type { EncodedRecord } from "./sequence.js";

export const GLINER2_INPUTS = ["input_ids", "attention_mask", "word_idx", "word_mask", "schema_idx", "schema_mask"] as const;
export const GLINER2_OUTPUTS = ["count_logits", "cls_logits", "span_logits"] as const;

export interface Gliner2BatchShape {
  readonly batchSize: number;
  readonly maxWords: number;
  readonly maxTasks: number;
  /** Most fields of any task (F). */
  readonly maxFields: number;
}

export function buildGliner2Feeds(records: readonly EncodedRecord[]): { feeds: Record<string, TensorData>; shape: Gliner2BatchShape } {
  const batchSize = records.length;
  const seqLen = Math.max(...records.map((r) => r.inputIds.length));
  const maxWords = Math.max(...records.map((r) => r.wordPositions.length));
  const maxTasks = Math.max(...records.map((r) => r.schemaPositions.length));
  const width = Math.max(...records.flatMap((r) => r.schemaPositions.map((p) => p.length)));

  const inputIds = new BigInt64Array(batchSize * seqLen);
  const attentionMask = new BigInt64Array(batchSize * seqLen);
  const wordIdx = new BigInt64Array(batchSize * maxWords);
  const wordMask = new Uint8Array(batchSize * maxWords);
  const schemaIdx = new BigInt64Array(batchSize * maxTasks * width);
  const schemaMask = new Uint8Array(batchSize * maxTasks * width);
  records.forEach((r, b) => {
    r.inputIds.forEach((id, i) => {
      inputIds[b * seqLen + i] = BigInt(id);
      attentionMask[b * seqLen + i] = 1n;
    });
    r.wordPositions.forEach((p, i) => {
      wordIdx[b * maxWords + i] = BigInt(p);
      wordMask[b * maxWords + i] = 1;
    });
    r.schemaPositions.forEach((positions, t) => {
      positions.forEach((p, j) => {
        const at = (b * maxTasks + t) * width + j;
        schemaIdx[at] = BigInt(p);
        schemaMask[at] = 1;
      });
    });
  });
  const feeds: Record<string, TensorData> = {
    input_ids: { type: "int64", data: inputIds, dims: [batchSize, seqLen] },
    attention_mask: { type: "int64", data: attentionMask, dims: [batchSize, seqLen] },
    word_idx: { type: "int64", data: wordIdx, dims: [batchSize, maxWords] },
    word_mask: { type: "bool", data: wordMask, dims: [batchSize, maxWords] },
    schema_idx: { type: "int64", data: schemaIdx, dims: [batchSize, maxTasks, width] },
    schema_mask: { type: "bool", data: schemaMask, dims: [batchSize, maxTasks, width] },
  };
  return { feeds, shape: { batchSize, maxWords, maxTasks, maxFields: width - 1 } };
}
