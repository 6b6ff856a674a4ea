/**
 * The one place that chains the stages:
 * text → words (①) → passes (①) → prompt + tokens (②) → tensors (③) → session (④) → candidates (⑤)
 * → greedy selection (⑤) → window merge → entities (⑥).
 */
import type { Candidate, DecodeItem } from "./decode/candidates.js";
import { toEntities } from "./decode/entities.js";
import { greedySearch } from "./decode/greedy.js";
import { spanCandidates } from "./decode/span-logits.js";
import { tokenCandidates } from "./decode/token-logits.js";
import { runModel } from "./inference/run.js";
import { mergeWindows } from "./long/merge.js";
import { planPasses, type WordRange } from "./long/plan.js";
import type { LoadedModel } from "./model/load.js";
import { encodePrompt, type EncodedPrompt } from "./prompt/encode.js";
import { buildFeeds } from "./tensors/batch.js";
import { splitWords, type Word } from "./text/words.js";
import type { TextPrediction, Truncation } from "./types.js";

/** One text with its (de-duplicated) labels and thresholds. */
export interface TextRequest {
  readonly text: string;
  readonly labels: readonly string[];
  /** float32-rounded threshold per label. */
  readonly thresholds: Float32Array;
}

export interface PipelineOptions {
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
  readonly tokenScore: "min" | "mean";
  readonly batchSize: number;
  readonly truncation: Truncation;
  readonly window?: number | undefined;
  readonly overlap?: number | undefined;
}

interface Pass {
  readonly request: number;
  readonly range: WordRange;
  readonly encoded: EncodedPrompt;
}

/** Runs the model over texts; `results[i]` belongs to `requests[i]`. */
export async function predictTexts(
  model: LoadedModel,
  requests: readonly TextRequest[],
  options: PipelineOptions,
): Promise<TextPrediction[]> {
  const words = requests.map((r) => splitWords(r.text));
  const passes: Pass[] = [];
  const ranges: WordRange[][] = requests.map((request, index) => {
    const textWords = words[index] as Word[];
    if (textWords.length === 0) return []; // empty after strip(): no model call, as the reference
    const planned = planPasses(textWords.length, {
      truncation: options.truncation,
      maxWords: model.config.maxLen,
      window: options.window,
      overlap: options.overlap,
      index,
    });
    for (const range of planned) {
      const passWords = textWords.slice(range.from, range.to).map((w) => w.text);
      passes.push({ request: index, range, encoded: encodePrompt(request.labels, passWords, model.config, model.tokenizer) });
    }
    return planned;
  });

  const spansPerPass = await decodePasses(model, requests, passes, options);

  const byRequest = new Map<number, { range: WordRange; spans: Candidate[] }[]>();
  passes.forEach((pass, i) => {
    const list = byRequest.get(pass.request) ?? [];
    list.push({ range: pass.range, spans: spansPerPass[i] as Candidate[] });
    byRequest.set(pass.request, list);
  });

  return requests.map((request, index) => {
    const textWords = words[index] as Word[];
    const windows = byRequest.get(index) ?? [];
    const planned = ranges[index] as WordRange[];
    const spans =
      windows.length === 0
        ? []
        : windows.length === 1
          ? (windows[0] as { spans: Candidate[] }).spans
          : mergeWindows(windows, textWords.length, options);
    const modelWords = planned.length === 0 ? 0 : Math.max(...planned.map((r) => r.to)) - Math.min(...planned.map((r) => r.from));
    return {
      entities: toEntities(spans, textWords, request.text, request.labels),
      words: textWords.length,
      modelWords,
      truncated: modelWords < textWords.length,
      passes: windows.length,
    };
  });
}

/** Batches passes in order, runs them, and returns each pass's selected spans (pass-local word indices). */
async function decodePasses(
  model: LoadedModel,
  requests: readonly TextRequest[],
  passes: readonly Pass[],
  options: PipelineOptions,
): Promise<Candidate[][]> {
  const out: Candidate[][] = [];
  const spanWidth = model.config.mode === "span" ? model.config.maxWidth : undefined;
  for (let first = 0; first < passes.length; first += options.batchSize) {
    const batch = passes.slice(first, first + options.batchSize);
    const { feeds, shape } = buildFeeds(
      batch.map((p) => p.encoded),
      { padId: model.tokenizer.padId, ...(spanWidth === undefined ? {} : { spanWidth }) },
    );
    const logits = await runModel(model, feeds, shape);
    batch.forEach((pass, batchIndex) => {
      const request = requests[pass.request] as TextRequest;
      const item: DecodeItem = {
        batchIndex,
        numWords: pass.encoded.textLength,
        numLabels: request.labels.length,
        thresholds: request.thresholds,
      };
      const candidates =
        logits.layout === "span"
          ? spanCandidates(logits.tensor, item)
          : tokenCandidates(logits.tensor, logits.layout, item, options.tokenScore);
      out.push(greedySearch(candidates, options));
    });
  }
  return out;
}
