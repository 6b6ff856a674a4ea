/**
 * The relex chain (UniEncoderSpanRelex / UniEncoderTokenRelex): text → words → windows → relex prompt
 * (`<<ENT>> l… <<SEP>> <<REL>> r… <<SEP>>` + words) → batches → the converted relex graph (thresholds as inputs)
 * → entities (the ordinary decoders + greedy selection) → relations (decode.ts) → character offsets.
 *
 * Long texts: windows as in the NER pipeline; entities are merged across windows as there, a relation is kept
 * when both its ends survive the merge, and a relation several windows found comes from one window, its best.
 * Label lists are never split into groups: the relation head pairs spans across all labels of one pass.
 */
import type { Candidate, DecodeItem } from "../decode/candidates.js";
import { toEntities } from "../decode/entities.js";
import { greedySearchSteps } from "../decode/greedy.js";
import { inSlices, STEP, type Steps } from "../decode/slices.js";
import { spanCandidateSteps } from "../decode/span-logits.js";
import { tokenCandidateSteps } from "../decode/token-logits.js";
import { InferenceError } from "../errors.js";
import { type BatchSize, planBatches } from "../long/batches.js";
import { tokenBudgets } from "../long/labels.js";
import { mergeWindowSteps } from "../long/merge.js";
import { planPasses, type WordRange } from "../long/plan.js";
import type { LoadedModel } from "../model/load.js";
import { MAX_CANDIDATES_PER_PASS } from "../pipeline.js";
import { encodePrompt, type EncodedPrompt } from "../prompt/encode.js";
import type { TensorData } from "../runtime/runtime.js";
import { buildFeeds } from "../tensors/batch.js";
import { type Word, type WordSplitterSpec, wordSplitterFor } from "../text/words.js";
import type { Truncation } from "../types.js";
import { type DecodedRelation, decodeRelationSteps, type RelexOutputs, uniqueRelations } from "./decode.js";
import { RELEX_OUTPUTS } from "./model-check.js";
import type { RelationPrediction } from "./types.js";

export interface RelexRequest {
  readonly text: string;
  /** De-duplicated entity labels. */
  readonly labels: readonly string[];
  /** float32 entity threshold of each label (`threshold`, or its `labelThresholds` entry). */
  readonly thresholds: Float32Array;
  /** De-duplicated relation labels (may be empty). */
  readonly relations: readonly string[];
}

export interface RelexRunOptions {
  readonly threshold: number;
  readonly relationThreshold: number;
  readonly adjacencyThreshold: number;
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
  readonly uniqueRelations: boolean;
  readonly batchSize: BatchSize;
  readonly truncation: Truncation;
  readonly window?: number | undefined;
  readonly overlap?: number | undefined;
  readonly wordSplitter?: WordSplitterSpec | undefined;
  /** Aborting stops the call before its next pass or decoding slice. */
  readonly signal?: AbortSignal | undefined;
}

/** Per text: the words, its windows, and per window the decoded entities and relations (window-local). */
interface Pass {
  readonly request: number;
  readonly range: WordRange;
  readonly encoded: EncodedPrompt;
  entities?: Candidate[];
  relations?: DecodedRelation[];
}

export interface RelexTextResult extends RelationPrediction {
  readonly words: number;
  readonly modelWords: number;
  readonly truncated: boolean;
  readonly passes: number;
}

export async function predictRelexTexts(
  model: LoadedModel,
  requests: readonly RelexRequest[],
  options: RelexRunOptions,
): Promise<RelexTextResult[]> {
  const passes: Pass[] = [];
  const words = requests.map((request, index) => {
    const textWords = wordSplitterFor(options.wordSplitter ?? model.config.wordSplitter)(request.text);
    for (const range of planRanges(model, request, textWords, index, options)) {
      const passWords = textWords.slice(range.from, range.to).map((w) => w.text);
      passes.push({ request: index, range, encoded: encodePrompt(request.labels, passWords, model.config, model.tokenizer, request.relations) });
    }
    return textWords;
  });
  // The graph pairs the spans above one scalar threshold per batch: each text's lowest entity threshold, so that
  // every entity it can return is paired. Texts are batched with those of the same pairing threshold only, so a
  // text's relations never depend on the other texts of the call.
  const pairing = requests.map((r) => r.thresholds.reduce((low, t) => Math.min(low, t), Math.fround(options.threshold)));
  for (const threshold of new Set(pairing)) {
    const own = passes.flatMap((p, i) => (pairing[p.request] === threshold ? [i] : []));
    for (const batch of planBatches(own.map((i) => (passes[i] as Pass).encoded.inputIds.length), options.batchSize)) {
      await runBatch(model, batch.map((b) => passes[own[b] as number] as Pass), requests, threshold, options);
    }
  }
  const results: RelexTextResult[] = [];
  for (const [index, request] of requests.entries()) {
    const own = passes.filter((p) => p.request === index);
    const textWords = words[index] as Word[];
    const { entities, relations } = await inSlices(mergePassSteps(own, textWords.length, options), options.signal);
    const kept = options.uniqueRelations ? uniqueRelations(relations) : relations;
    const mapped = toEntities(entities, textWords, request.text, request.labels);
    const end = (i: number) => {
      const e = mapped[i]!;
      return { start: e.start, end: e.end, text: e.text, type: e.label, entityIdx: i };
    };
    const modelWords = own.length === 0 ? 0 : Math.max(...own.map((p) => p.range.to)) - Math.min(...own.map((p) => p.range.from));
    results.push({
      entities: mapped,
      relations: kept.map((r) => ({ head: end(r.head), tail: end(r.tail), relation: request.relations[r.relation] as string, score: r.score })),
      words: textWords.length,
      modelWords,
      truncated: modelWords < textWords.length,
      passes: own.length,
    });
  }
  return results;
}

function planRanges(model: LoadedModel, request: RelexRequest, words: readonly Word[], index: number, options: RelexRunOptions): WordRange[] {
  if (words.length === 0) return []; // empty after strip(): no model call, as the reference
  const { tokenizer, config } = model;
  const budgets = tokenBudgets(tokenizer.maxTokens ?? Infinity);
  const finite = Number.isFinite(budgets.sequence);
  const prompt = encodePrompt(request.labels, [], config, tokenizer, request.relations).inputIds.length; // [CLS] + prompt + [SEP]
  return planPasses(words.length, {
    truncation: options.truncation,
    maxLength: config.maxLength,
    window: options.window,
    overlap: options.overlap,
    maxTextTokens: finite ? budgets.sequence - prompt : Infinity,
    wordTokens: finite ? words.map((w) => tokenizer.encodeWord(w.text).length) : undefined,
    index,
  });
}

async function runBatch(model: LoadedModel, batch: Pass[], requests: readonly RelexRequest[], pairThreshold: number, options: RelexRunOptions): Promise<void> {
  options.signal?.throwIfAborted();
  const spanWidth = model.config.mode === "span" ? { spanWidth: model.config.maxWidth } : {};
  const { feeds } = buildFeeds(batch.map((p) => p.encoded), { padId: model.tokenizer.padId, ...spanWidth });
  const scalar = (value: number): TensorData => ({ type: "float32", data: Float32Array.of(value), dims: [1] });
  feeds["threshold"] = scalar(pairThreshold);
  feeds["adjacency_threshold"] = scalar(options.adjacencyThreshold);
  let out: Record<string, { data: Float32Array; dims: readonly number[] }>;
  try {
    out = await model.session.run(feeds, RELEX_OUTPUTS);
  } catch (cause) {
    throw new InferenceError(`ONNX Runtime failed on a relex batch of ${batch.length}: ${String(cause)}`, { cause });
  }
  const [logits, relIdx, relLogits, relMask, entitySpans] = RELEX_OUTPUTS.map((name) => {
    const t = out[name];
    if (t === undefined) throw new InferenceError(`The relex graph returned no "${name}" output.`);
    return t;
  });
  const outputs: RelexOutputs = { relIdx: relIdx!, relLogits: relLogits!, relMask: relMask!, entitySpans: entitySpans! };
  // Decoding runs in slices (src/decode/slices.ts), so the event loop (a server's /healthz) answers in between.
  for (const [batchIndex, pass] of batch.entries()) {
    const request = requests[pass.request] as RelexRequest;
    const item: DecodeItem = { batchIndex, numWords: pass.encoded.textLength, numLabels: pass.encoded.numLabels, thresholds: request.thresholds };
    const candidates = await inSlices(
      model.config.mode === "span"
        ? spanCandidateSteps(logits!, item, MAX_CANDIDATES_PER_PASS)
        : tokenCandidateSteps(logits!, "BWC3", item, "min", MAX_CANDIDATES_PER_PASS),
      options.signal,
    );
    pass.entities = await inSlices(greedySearchSteps(candidates, options), options.signal);
    pass.relations = await inSlices(decodeRelationSteps(outputs, batchIndex, pass.entities, request.relations.length, options.relationThreshold), options.signal);
  }
}

/** One text's passes → its entities (document word indices) and relations over them. */
function* mergePassSteps(passes: readonly Pass[], numWords: number, options: RelexRunOptions): Steps<{ entities: Candidate[]; relations: DecodedRelation[] }> {
  if (passes.length === 0) return { entities: [], relations: [] };
  if (passes.length === 1) {
    const only = passes[0] as Pass;
    const shift = only.range.from;
    return { entities: (only.entities ?? []).map((e) => ({ ...e, start: e.start + shift, end: e.end + shift })), relations: only.relations ?? [] };
  }
  const entities = yield* mergeWindowSteps(passes.map((p) => ({ range: p.range, spans: p.entities ?? [] })), numWords, options);
  const index = new Map<string, number>();
  entities.forEach((e, i) => {
    const key = `${e.start}:${e.end}`;
    if (!index.has(key)) index.set(key, i);
  });
  // Each window's relations over the merged entities (ends mapped by boundaries; a relation whose end did not
  // survive the merge is dropped). A triple several windows found is taken from ONE window, the one where it
  // scored best (the first on a tie), with that window's occurrences: a triple is found once across windows, and a
  // token model's repeats within a window stay, as in a one-window call.
  const perWindow: DecodedRelation[][] = [];
  const best = new Map<string, { window: number; score: number }>();
  const key = (r: DecodedRelation) => `${r.head}:${r.relation}:${r.tail}`;
  let steps = 0;
  for (const [window, pass] of passes.entries()) {
    const at = (local: number): number | undefined => {
      const e = (pass.entities ?? [])[local] as Candidate;
      return index.get(`${e.start + pass.range.from}:${e.end + pass.range.from}`);
    };
    const mapped: DecodedRelation[] = [];
    for (const r of pass.relations ?? []) {
      if (++steps % STEP === 0) yield;
      const head = at(r.head);
      const tail = at(r.tail);
      if (head === undefined || tail === undefined) continue;
      const relation = { ...r, head, tail };
      mapped.push(relation);
      const seen = best.get(key(relation));
      if (seen === undefined || relation.score > seen.score) best.set(key(relation), { window, score: relation.score });
    }
    perWindow.push(mapped);
  }
  const relations = perWindow.flatMap((mapped, window) => mapped.filter((r) => best.get(key(r))?.window === window));
  return { entities, relations };
}
