/**
 * Prompted model calls, shared by every task: the model reads `${prompt} \n ${text}` (the reference's
 * `prepare_texts`), and each span it returns is mapped back to the caller's text, or kept apart when it lies
 * in the prompt.
 *
 * Long texts follow the core's policy with the prompt in mind: the prompt's words count against `max_len`
 * (the reference truncates the prompted text), so a text may have `max_len - promptWords` words per pass.
 * With `truncation: "window"` every window carries the whole prompt, so the instruction is never lost.
 */
import type { Candidate } from "../decode/candidates.js";
import { toEntities } from "../decode/entities.js";
import { InvalidInputError, TextTooLongError } from "../errors.js";
import { mergeWindows } from "../long/merge.js";
import { planWindows, windowSizes, type WordRange } from "../long/plan.js";
import type { ModelConfig } from "../model/config.js";
import { splitWords, type Word } from "../text/words.js";
import type { Entity, PredictOptions, TextPrediction } from "../types.js";
import { PROMPT_SEPARATOR } from "./prompts.js";
import type { Relation, RelationOptions } from "./types.js";

/** What the tasks need from a model: the `GLiNER` class provides it. */
export interface TaskModel {
  readonly config: ModelConfig;
  inference(
    texts: readonly string[],
    labels: readonly (readonly string[])[],
    options: PredictOptions,
  ): Promise<TextPrediction[]>;
  /** Relex models: relations from the model's own relation head (src/relex/extract.ts) instead of prompts. */
  readonly relationHead?: ((texts: readonly string[], options: RelationOptions) => Promise<Relation[][]>) | undefined;
}

export interface PromptedRequest {
  readonly prompt: string;
  readonly text: string;
  /** Labels of the call; the core splits a prompt longer than its budget into label groups itself. */
  readonly labels: readonly string[];
}

/** One model call as made: the prompted text, its labels and its raw entities (offsets into `prompted`). */
export interface PromptedPass {
  readonly prompted: string;
  readonly labels: readonly string[];
  readonly entities: readonly Entity[];
  /** Where the caller's text (or this window's slice of it) starts in `prompted`. */
  readonly textStart: number;
  /** Where this window's slice starts in the caller's text (0 without windows). */
  readonly sliceStart: number;
}

export interface PromptedResult {
  /** Spans inside the caller's text, offsets into it. */
  readonly entities: Entity[];
  /** Spans wholly inside the prompt, offsets into the prompt. Spans across the boundary are in neither list. */
  readonly promptEntities: Entity[];
  readonly passes: PromptedPass[];
}

interface Window {
  readonly range: WordRange;
  readonly sliceStart: number;
  readonly slice: string;
}

/** The model text of a prompt and a text, and where the text starts in it. */
export function promptedText(prompt: string, text: string): { prompted: string; textStart: number } {
  return { prompted: `${prompt}${PROMPT_SEPARATOR}${text}`, textStart: prompt.length + PROMPT_SEPARATOR.length };
}

/** Runs all requests in one batched `inference` call and maps every span back. `results[i]` is `requests[i]`'s. */
export async function runPrompted(
  model: TaskModel,
  requests: readonly PromptedRequest[],
  options: PredictOptions,
): Promise<PromptedResult[]> {
  const plans = requests.map((request, index) => planRequest(model.config, request, options, index));
  const texts: string[] = [];
  const labels: (readonly string[])[] = [];
  plans.forEach((plan, r) => {
    const request = requests[r] as PromptedRequest;
    for (const window of plan.windows) {
      texts.push(promptedText(request.prompt, window.slice).prompted);
      labels.push(request.labels);
    }
  });
  // Windows fit the word budget by construction. The caller's window size is not passed on: it counts text
  // words, and the core would apply it to prompt + text. The core's truncation policy stays on only for
  // tokenizers that also declare a sub-token limit.
  const coreOptions = { ...options, window: undefined, overlap: undefined };
  const predictions = texts.length === 0 ? [] : await model.inference(texts, labels, coreOptions);

  let next = 0;
  return plans.map((plan, r) => {
    const request = requests[r] as PromptedRequest;
    const passes: PromptedPass[] = [];
    for (const window of plan.windows) {
      const { prompted, textStart } = promptedText(request.prompt, window.slice);
      const prediction = predictions[next++] as TextPrediction;
      passes.push({ prompted, labels: request.labels, entities: prediction.entities, textStart, sliceStart: window.sliceStart });
    }
    return collect(request, plan, passes, options);
  });
}

interface Plan {
  readonly words: Word[];
  readonly windows: Window[];
}

function planRequest(config: ModelConfig, request: PromptedRequest, options: PredictOptions, index: number): Plan {
  const promptWords = splitWords(request.prompt).length;
  const budget = config.maxLen - promptWords;
  if (budget < 1) {
    throw new InvalidInputError(
      "prompt",
      `The prompt has ${promptWords} words but the model reads at most ${config.maxLen} words per pass, prompt included; shorten the prompt.`,
    );
  }
  const words = splitWords(request.text);
  const { text } = request;
  if (words.length === 0) return { words, windows: [] }; // nothing to find in the caller's text: no model call
  if (words.length <= budget) return { words, windows: [{ range: { from: 0, to: words.length }, sliceStart: 0, slice: text }] };
  switch (options.truncation ?? "window") {
    case "error":
      throw new TextTooLongError(words.length, budget, index);
    case "truncate": {
      reportTruncation(options, { index, words: words.length, keptWords: budget });
      return { words, windows: [{ range: { from: 0, to: budget }, sliceStart: 0, slice: text.slice(0, (words[budget - 1] as Word).end) }] };
    }
    case "window": {
      const ranges = planWindows(words.length, windowSizes({ maxWords: budget, window: options.window, overlap: options.overlap }));
      return {
        words,
        windows: ranges.map((range) => {
          const sliceStart = (words[range.from] as Word).start;
          return { range, sliceStart, slice: text.slice(sliceStart, (words[range.to - 1] as Word).end) };
        }),
      };
    }
  }
}

function collect(request: PromptedRequest, plan: Plan, passes: PromptedPass[], options: PredictOptions): PromptedResult {
  const promptEnd = request.prompt.length;
  const inText = (pass: PromptedPass) =>
    pass.entities
      .filter((e) => e.start >= pass.textStart)
      .map((e) => ({ ...e, start: e.start - pass.textStart + pass.sliceStart, end: e.end - pass.textStart + pass.sliceStart }));
  const promptEntities = bestPerSpan(passes.flatMap((pass) => pass.entities.filter((e) => e.end <= promptEnd)));
  if (passes.length === 1) return { entities: inText(passes[0] as PromptedPass), promptEntities, passes };
  if (passes.length === 0) return { entities: [], promptEntities, passes };

  // Windows: back to word-index candidates, merged by the core's rule (edges, duplicates, one greedy pass).
  const labels = [...new Set(request.labels)];
  const wordAtStart = new Map(plan.words.map((w, i) => [w.start, i]));
  const wordAtEnd = new Map(plan.words.map((w, i) => [w.end, i]));
  const windows = plan.windows.map((window, p) => ({
    range: window.range,
    spans: inText(passes[p] as PromptedPass).map((e): Candidate => {
      const start = wordAtStart.get(e.start);
      const end = wordAtEnd.get(e.end);
      if (start === undefined || end === undefined) throw new RangeError(`span ${e.start}-${e.end} is not word-aligned`); // a gliner-ts bug
      return { start: start - window.range.from, end: end - window.range.from, label: labels.indexOf(e.label), score: e.score };
    }),
  }));
  const merged = mergeWindows(windows, plan.words.length, { flatNer: options.flatNer ?? true, multiLabel: options.multiLabel ?? false });
  return { entities: toEntities(merged, plan.words, request.text, labels), promptEntities, passes };
}

/** One entity per (start, end, label), the best-scored, in text order. */
function bestPerSpan(entities: readonly Entity[]): Entity[] {
  const best = new Map<string, Entity>();
  for (const e of entities) {
    const key = `${e.start}:${e.end}:${e.label}`;
    const kept = best.get(key);
    if (kept === undefined || e.score > kept.score) best.set(key, e);
  }
  return [...best.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

function reportTruncation(options: PredictOptions, info: { index: number; words: number; keptWords: number }): void {
  if (options.onTruncate) {
    options.onTruncate(info);
    return;
  }
  const message = `gliner-ts: text ${info.index} has ${info.words} words; only the first ${info.keptWords} were read with the task prompt (truncation: "truncate").`;
  const proc = (globalThis as { process?: { emitWarning?: (m: string, type: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, "GlinerTruncationWarning");
  else console.warn(message);
}
