/**
 * The one place that chains the stages:
 * text → words (①) → label groups × windows = passes (①) → prompt + tokens (②) → length-bucketed batches and
 * tensors (③) → session (④) → candidates (⑤) → selection across label groups, then across windows (⑤)
 * → entities (⑥).
 *
 * A request may carry a task prompt (the multitask helpers' `"{prompt} \n {text}"`): its words are read before
 * the text's in every pass and count against `max_len`, so windows hold `max_len - promptWords` text words and
 * the prompt itself is never windowed. Spans inside the prompt come back apart (`promptEntities`); spans across
 * the boundary are dropped. A request may also bring its words already split (evaluation datasets).
 */
import type { Candidate, DecodeItem } from "./decode/candidates.js";
import { InvalidInputError } from "./errors.js";
import { toEntities } from "./decode/entities.js";
import { inSlices, type Steps } from "./decode/slices.js";
import { spanCandidateSteps } from "./decode/span-logits.js";
import { tokenCandidateSteps } from "./decode/token-logits.js";
import { runModel } from "./inference/run.js";
import { biLabelChunks, sameLabelBatches } from "./labels/batches.js";
import type { LabelEmbeddings } from "./labels/encoder.js";
import { type BatchSize, inputOrderBatches, planBatches } from "./long/batches.js";
import { planLabelGroups, tokenBudgets } from "./long/labels.js";
import { mergeWindowSteps, selectAcrossGroupSteps, type WindowResult } from "./long/merge.js";
import { planPasses, type WordRange } from "./long/plan.js";
import type { LoadedModel } from "./model/load.js";
import { isBiEncoder } from "./model/config.js";
import { encodePrompt, type EncodedPrompt } from "./prompt/encode.js";
import { buildFeeds } from "./tensors/batch.js";
import { type Word, type WordSplitterSpec, wordSplitterFor } from "./text/words.js";
import type { Entity, TextPrediction, Truncation } from "./types.js";
import { checkLabelTokens } from "./validate.js";

/**
 * Candidate spans one pass may produce before the call is refused (InvalidInputError on `threshold`): a
 * near-zero threshold on a long window makes every start × end pair a candidate, which costs memory and time
 * for no useful result (2M is above any full 768-word window with 6 labels: 768·769/2·6 ≈ 1.8M).
 * Decoding and selection are O(c · log c): about a second per million candidates (bench/decode-worst.ts).
 */
export const MAX_CANDIDATES_PER_PASS = 2_000_000;

/** One text with its (de-duplicated) labels and thresholds. */
export interface TextRequest {
  readonly text: string;
  readonly labels: readonly string[];
  /** float32-rounded threshold per label. */
  readonly thresholds: Float32Array;
  /** Words of `text` with their offsets, already split; the reference's splitter runs when absent. */
  readonly words?: readonly Word[] | undefined;
  /** A task prompt read before the text in every pass (see the top of this file). */
  readonly prompt?: string | undefined;
}

/** A prediction with the spans found inside the request's prompt (offsets into the prompt, best per span). */
export interface PromptedPrediction extends TextPrediction {
  readonly promptEntities: Entity[];
}

export interface PipelineOptions {
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
  readonly tokenScore: "min" | "mean";
  /** Passes per model call, or "auto" (sized by sub-tokens, see long/batches.ts). */
  readonly batchSize: BatchSize;
  readonly truncation: Truncation;
  readonly window?: number | undefined;
  readonly overlap?: number | undefined;
  /** Sub-tokens a label prompt may take before the labels are split into groups (default 512). */
  readonly maxPromptTokens?: number | undefined;
  /** Overrides the model's word splitter. */
  readonly wordSplitter?: WordSplitterSpec | undefined;
  /** Bi-encoders: label embeddings to use instead of encoding those labels (from `encodeLabels`). */
  readonly labelEmbeddings?: LabelEmbeddings | undefined;
  /** Aborting stops the call before its next pass (the passes not yet run are never run). */
  readonly signal?: AbortSignal | undefined;
  /**
   * `"length"` (default): passes bucketed by sub-tokens. `"input"`: batches of the passes of `batchSize`
   * consecutive requests, as the reference's evaluator feeds them (numeric `batchSize` only).
   */
  readonly batchOrder?: "length" | "input" | undefined;
}

/** How one text is cut into passes: label groups × word windows. */
interface TextPlan {
  readonly words: readonly Word[];
  readonly promptWords: readonly Word[];
  /** Label indices per group; a single group holds every label. */
  readonly groups: number[][];
  readonly ranges: WordRange[];
  /** Index of the text's first pass; pass (window w, group g) is `firstPass + w * groups.length + g`. */
  readonly firstPass: number;
}

interface Pass {
  readonly request: number;
  readonly group: number;
  readonly labels: readonly string[];
  readonly encoded: EncodedPrompt;
}

/** Runs the model over texts; `results[i]` belongs to `requests[i]`. */
export async function predictTexts(
  model: LoadedModel,
  requests: readonly TextRequest[],
  options: PipelineOptions,
): Promise<PromptedPrediction[]> {
  if (!isBiEncoder(model.config.family)) {
    // Labels go into the prompt, where a special token inside one would become a prompt marker.
    const special = [...new Set([model.config.entToken, model.config.sepToken, ...model.tokenizer.specialTokens])];
    requests.forEach((request, index) => checkLabelTokens(request.labels, special, requests.length === 1 ? "labels" : `labels (text ${index})`));
  }
  const passes: Pass[] = [];
  // Planning long texts (words, sub-token counts, one encoded prompt per pass) is tens of milliseconds per
  // 8,000 words: it pauses after each text and pass, like decoding, so the event loop is never held long.
  const plans = await inSlices(planAll(model, requests, options, passes), options.signal);

  // Each window's label groups are selected as soon as all of them are decoded, so at most one window's raw
  // candidates per lane are held at a time (a low threshold can make hundreds of thousands per pass).
  const selected = plans.map((plan) => plan.ranges.map((): Candidate[] | undefined => undefined));
  const raw: Candidate[][] = new Array<Candidate[]>(passes.length);
  await decodePasses(model, requests, plans, passes, options, async (passIndex, candidates) => {
    const pass = passes[passIndex] as Pass;
    const { groups, firstPass } = plans[pass.request] as TextPlan;
    const window = Math.floor((passIndex - firstPass) / groups.length);
    const first = firstPass + window * groups.length;
    raw[passIndex] = candidates;
    if (groups.some((_, g) => raw[first + g] === undefined)) return;
    const pooled = groups.map((labels, g) => ({ labels, candidates: raw[first + g] as Candidate[] }));
    for (let g = 0; g < groups.length; g++) raw[first + g] = [];
    (selected[pass.request] as (Candidate[] | undefined)[])[window] = await inSlices(selectAcrossGroupSteps(pooled, options), options.signal);
  });

  const results: PromptedPrediction[] = [];
  for (const [index, request] of requests.entries()) {
    const { words, promptWords, groups, ranges } = plans[index] as TextPlan;
    const inPrompt: Candidate[] = [];
    const p = promptWords.length;
    const windows: WindowResult[] = ranges.map((range, w) => {
      // Selection ran over the whole pass, prompt included, as the reference selects over the prompted text.
      const spans = (selected[index] as Candidate[][])[w] as Candidate[];
      if (p === 0) return { range, spans };
      inPrompt.push(...spans.filter((c) => c.end < p));
      return { range, spans: spans.filter((c) => c.start >= p).map((c) => ({ ...c, start: c.start - p, end: c.end - p })) };
    });
    const spans =
      windows.length === 0
        ? []
        : windows.length === 1
          ? (windows[0] as WindowResult).spans
          : await inSlices(mergeWindowSteps(windows, words.length, options), options.signal);
    const modelWords = ranges.length === 0 ? 0 : Math.max(...ranges.map((r) => r.to)) - Math.min(...ranges.map((r) => r.from));
    results.push({
      entities: toEntities(spans, words, request.text, request.labels),
      promptEntities: toEntities(bestPerSpan(inPrompt), promptWords, request.prompt ?? "", request.labels),
      words: words.length,
      modelWords,
      truncated: modelWords < words.length,
      passes: ranges.length * groups.length,
    });
  }
  return results;
}

/** Every text's plan, and its passes appended to `passes`, with a pause point after each text and pass. */
function* planAll(model: LoadedModel, requests: readonly TextRequest[], options: PipelineOptions, passes: Pass[]): Steps<TextPlan[]> {
  const plans: TextPlan[] = [];
  for (const [index, request] of requests.entries()) {
    const plan = planText(model, request, index, options, passes.length);
    plans.push(plan);
    yield;
    const prefix = plan.promptWords.map((w) => w.text);
    for (const range of plan.ranges) {
      const passWords = [...prefix, ...plan.words.slice(range.from, range.to).map((w) => w.text)];
      for (const [g, group] of plan.groups.entries()) {
        const labels = plan.groups.length === 1 ? request.labels : group.map((l) => request.labels[l] as string);
        passes.push({ request: index, group: g, labels, encoded: encodePrompt(labels, passWords, model.config, model.tokenizer) });
        yield;
      }
    }
  }
  return plans;
}

/** One span per (start, end, label), the best-scored (windows repeat the prompt), in prompt order. */
function bestPerSpan(spans: readonly Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of spans) {
    const key = `${c.start}:${c.end}:${c.label}`;
    const kept = best.get(key);
    if (kept === undefined || c.score > kept.score) best.set(key, c);
  }
  return [...best.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Label groups from the prompt budget, then word windows from what the largest group's prompt leaves. */
function planText(model: LoadedModel, request: TextRequest, index: number, options: PipelineOptions, firstPass: number): TextPlan {
  const { tokenizer, config } = model;
  const split = wordSplitterFor(options.wordSplitter ?? config.wordSplitter);
  const promptWords = request.prompt === undefined ? [] : split(request.prompt);
  const textWords = config.maxLength - promptWords.length;
  if (textWords < 1) {
    throw new InvalidInputError(
      "prompt",
      `The prompt has ${promptWords.length} words but the model reads at most ${config.maxLength} words per pass, prompt included; shorten the prompt.`,
    );
  }
  const words = request.words ?? split(request.text);
  // Empty after strip(): no model call, as the reference.
  if (words.length === 0) return { words, promptWords, groups: [], ranges: [], firstPass };
  const budgets = tokenBudgets(tokenizer.maxTokens ?? Infinity, options.maxPromptTokens);
  // Bi-encoders: labels never enter the text's sequence and cost no text tokens; they are split only to bound
  // the logits of a pass (scores unchanged, see labels/batches.ts).
  const { groups, promptTokens } =
    model.labels === undefined
      ? labelPrompt(model, request, budgets.prompt)
      : {
          groups: biLabelChunks(request.labels.length, Math.min(words.length, options.window ?? config.maxLength), config.mode === "span" ? config.maxWidth : 3),
          promptTokens: 0,
        };
  const finite = Number.isFinite(budgets.sequence);
  const prefixTokens = finite ? promptWords.reduce((sum, w) => sum + tokenizer.encodeWord(w.text).length, 0) : 0;
  const ranges = planPasses(words.length, {
    truncation: options.truncation,
    maxLength: textWords,
    window: options.window,
    overlap: options.overlap,
    maxTextTokens: finite ? budgets.sequence - promptTokens - prefixTokens - 2 : Infinity, // 2: [CLS] and [SEP]
    wordTokens: finite ? words.map((w) => tokenizer.encodeWord(w.text).length) : undefined,
    index,
  });
  return { words, promptWords, groups, ranges, firstPass };
}

/** Label groups that fit the prompt budget, and the sub-tokens of the largest group's prompt. */
function labelPrompt(model: LoadedModel, request: TextRequest, budget: number): { groups: number[][]; promptTokens: number } {
  const { tokenizer, config } = model;
  const entTokens = tokenizer.encodeWord(config.entToken).length;
  const labelCosts = request.labels.map((label) => entTokens + tokenizer.encodeWord(label).length);
  const separator = tokenizer.encodeWord(config.sepToken).length;
  const groups = planLabelGroups({ labels: labelCosts, separator }, budget, request.labels);
  return { groups, promptTokens: Math.max(...groups.map((g) => g.reduce((sum, l) => sum + (labelCosts[l] as number), separator))) };
}

/**
 * Runs every pass in length-bucketed batches, as many at once as the session takes (worker-thread sessions);
 * hands each pass's raw candidates (group-local label indices) to `onPass`.
 */
async function decodePasses(
  model: LoadedModel,
  requests: readonly TextRequest[],
  plans: readonly TextPlan[],
  passes: readonly Pass[],
  options: PipelineOptions,
  onPass: (passIndex: number, candidates: Candidate[]) => Promise<void>,
): Promise<void> {
  const spanWidth = model.config.mode === "span" ? model.config.maxWidth : undefined;
  const thresholds = groupThresholds(requests, plans);
  const lengths = passes.map((p) => p.encoded.inputIds.length);
  const batches =
    model.labels !== undefined
      ? sameLabelBatches(passes.map((p) => p.labels), lengths, options.batchSize)
      : options.batchOrder === "input" && options.batchSize !== "auto"
        ? inputOrderBatches(passes.map((p) => p.request), lengths, options.batchSize)
        : planBatches(lengths, options.batchSize);
  let next = 0;
  const runBatches = async () => {
    for (let indices = batches[next++]; indices !== undefined; indices = batches[next++]) await runBatch(indices);
  };
  const runBatch = async (indices: readonly number[]) => {
    options.signal?.throwIfAborted();
    const batch = indices.map((i) => passes[i] as Pass);
    const { feeds, shape } = buildFeeds(
      batch.map((p) => p.encoded),
      { padId: model.tokenizer.padId, ...(spanWidth === undefined ? {} : { spanWidth }) },
    );
    if (model.labels !== undefined) Object.assign(feeds, await model.labels.feeds((batch[0] as Pass).labels, options.labelEmbeddings));
    const logits = await runModel(model, feeds, shape);
    for (const [batchIndex, pass] of batch.entries()) {
      options.signal?.throwIfAborted();
      const item: DecodeItem = {
        batchIndex,
        numWords: pass.encoded.textLength,
        numLabels: pass.encoded.numLabels,
        thresholds: (thresholds[pass.request] as Float32Array[])[pass.group] as Float32Array,
      };
      // Decoding a pass can take seconds at a low threshold: it runs in slices, so timers and other requests
      // (the server's /healthz) run in between.
      const candidates = await inSlices(
        logits.layout === "span"
          ? spanCandidateSteps(logits.tensor, item, MAX_CANDIDATES_PER_PASS)
          : tokenCandidateSteps(logits.tensor, logits.layout, item, options.tokenScore, MAX_CANDIDATES_PER_PASS),
        options.signal,
      );
      await onPass(indices[batchIndex] as number, candidates);
    }
  };
  const lanes = Math.min(batches.length, Math.max(1, model.session.concurrency ?? 1));
  await Promise.all(Array.from({ length: lanes }, runBatches));
}

/** Each label group's thresholds, in the group's prompt order. */
function groupThresholds(requests: readonly TextRequest[], plans: readonly TextPlan[]): Float32Array[][] {
  return plans.map(({ groups }, i) => {
    const all = (requests[i] as TextRequest).thresholds;
    return groups.length === 1 ? [all] : groups.map((group) => Float32Array.from(group, (l) => all[l] as number));
  });
}
