/**
 * ③ Encoded prompts → model feeds: right padding, int64 ids and masks, `text_lengths [B,1]`, and for span
 * models `span_idx [B, W·K, 2]` / `span_mask [B, W·K]` exactly as the reference builds them.
 */
import type { EncodedPrompt } from "../prompt/encode.js";
import type { TensorData } from "../runtime/runtime.js";

export interface BatchShape {
  readonly batchSize: number;
  /** Longest text in words (W). */
  readonly maxWords: number;
  /** Most labels of any text (C). */
  readonly maxLabels: number;
}

export function buildFeeds(
  encoded: readonly EncodedPrompt[],
  options: { padId: number; spanWidth?: number },
): { feeds: Record<string, TensorData>; shape: BatchShape } {
  const batchSize = encoded.length;
  const seqLen = Math.max(...encoded.map((e) => e.inputIds.length));
  const maxWords = Math.max(...encoded.map((e) => e.textLength));
  const maxLabels = Math.max(...encoded.map((e) => e.numLabels));

  const inputIds = new BigInt64Array(batchSize * seqLen).fill(BigInt(options.padId));
  const attentionMask = new BigInt64Array(batchSize * seqLen);
  const wordsMask = new BigInt64Array(batchSize * seqLen);
  const textLengths = new BigInt64Array(batchSize);
  encoded.forEach((e, b) => {
    const row = b * seqLen;
    for (let t = 0; t < e.inputIds.length; t++) {
      inputIds[row + t] = BigInt(e.inputIds[t] as number);
      attentionMask[row + t] = 1n;
      wordsMask[row + t] = BigInt(e.wordsMask[t] as number);
    }
    textLengths[b] = BigInt(e.textLength);
  });
  const dims = [batchSize, seqLen];
  const feeds: Record<string, TensorData> = {
    input_ids: { type: "int64", data: inputIds, dims },
    attention_mask: { type: "int64", data: attentionMask, dims },
    words_mask: { type: "int64", data: wordsMask, dims },
    text_lengths: { type: "int64", data: textLengths, dims: [batchSize, 1] },
  };
  if (options.spanWidth !== undefined) Object.assign(feeds, spanFeeds(encoded, maxWords, options.spanWidth));
  return { feeds, shape: { batchSize, maxWords, maxLabels } };
}

/** span (s, s+k) for every start s < n and width k < K; invalid ends keep their indices but mask false. */
function spanFeeds(encoded: readonly EncodedPrompt[], maxWords: number, width: number): Record<string, TensorData> {
  const batchSize = encoded.length;
  const numSpans = maxWords * width;
  const spanIdx = new BigInt64Array(batchSize * numSpans * 2);
  const spanMask = new Uint8Array(batchSize * numSpans);
  encoded.forEach((e, b) => {
    const n = e.textLength;
    for (let s = 0; s < n; s++) {
      for (let k = 0; k < width; k++) {
        const row = b * numSpans + s * width + k;
        spanIdx[row * 2] = BigInt(s);
        spanIdx[row * 2 + 1] = BigInt(s + k);
        spanMask[row] = s + k < n ? 1 : 0;
      }
    }
  });
  return {
    span_idx: { type: "int64", data: spanIdx, dims: [batchSize, numSpans, 2] },
    span_mask: { type: "bool", data: spanMask, dims: [batchSize, numSpans] },
  };
}
