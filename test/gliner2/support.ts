/** Hand-computable stand-ins for the GLiNER2 stages: a one-id-per-piece tokenizer and synthetic graph outputs. */
import type { WordTokenizer } from "../../src/model/tokenizer.js";
import { Gliner2Outputs } from "../../src/gliner2/outputs.js";
import { type EncodedRecord, SequenceEncoder, SPECIAL_TOKENS } from "../../src/gliner2/sequence.js";
import { buildGliner2Feeds } from "../../src/gliner2/tensors.js";

export const PIECE_ID = 100;
const SPECIAL_IDS = new Map<string, number>(SPECIAL_TOKENS.map((t, i) => [t, 8001 + i]));

/** Special tokens are one id each; any other element gives one id per space-separated piece. */
export function stubEncoder(): SequenceEncoder {
  const tokenizer = {
    tokenId: (t: string) => SPECIAL_IDS.get(t),
    tokenOf: () => undefined,
    encodeWord: (w: string) => {
      const special = SPECIAL_IDS.get(w);
      return special !== undefined ? [special] : w.split(" ").filter(Boolean).map(() => PIECE_ID);
    },
  };
  return new SequenceEncoder(tokenizer as unknown as WordTokenizer);
}

export interface FakeRun {
  /** Predicted count per [sample][task]. */
  counts: number[][];
  /** Span logit of (sample, task, slot, field, word incl. prefix, width); default −10. */
  span?: (b: number, t: number, c: number, f: number, l: number, w: number) => number | undefined;
  cls?: (b: number, t: number, f: number) => number;
  widths?: number;
}

/** Outputs shaped exactly as the boundary graph returns them for these records. */
export function fakeOutputs(records: readonly EncodedRecord[], run: FakeRun): Gliner2Outputs {
  const { shape } = buildGliner2Feeds(records);
  const { batchSize: B, maxTasks: T, maxFields: F, maxWords: L } = shape;
  const W = run.widths ?? 3;
  const C = Math.max(1, ...run.counts.flat());
  const count = new Float32Array(B * T * 20);
  const cls = new Float32Array(B * T * F);
  const span = new Float32Array(B * T * C * F * L * W).fill(-10);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      count[(b * T + t) * 20 + (run.counts[b]?.[t] ?? 0)] = 5;
      for (let f = 0; f < F; f++) cls[(b * T + t) * F + f] = run.cls?.(b, t, f) ?? 0;
      for (let c = 0; c < C; c++)
        for (let f = 0; f < F; f++)
          for (let l = 0; l < L; l++)
            for (let w = 0; w < W; w++) {
              const value = run.span?.(b, t, c, f, l, w);
              if (value !== undefined) span[((((b * T + t) * C + c) * F + f) * L + l) * W + w] = value;
            }
    }
  return new Gliner2Outputs(
    {
      count_logits: { data: count, dims: [B, T, 20] },
      cls_logits: { data: cls, dims: [B, T, F] },
      span_logits: { data: span, dims: [B, T, C, F, L, W] },
    },
    shape,
  );
}

export const sigmoid = (x: number) => Math.fround(1 / (1 + Math.exp(-x)));
