/**
 * Shared pieces of the task tests: the task-golden schema (../shared/fixtures/README.md, "Multitask task
 * goldens"), a recording task model, and raw model-call parity against the reference.
 */
import assert from "node:assert/strict";
import type { GLiNER } from "../../src/node.js";
import type { TaskEngine } from "../../src/tasks/spec.js";
import { modelEngine } from "../helpers/internals.js";
import type { Entity, PredictOptions } from "../../src/types.js";
import { assertEntitiesMatch, assertSameEntities, toUtf16 } from "../helpers/entities.js";
import { type GoldenEntity, utf16Offset } from "../helpers/fixtures.js";

export interface TaskModelCall {
  texts: string[];
  labels: string[] | string[][];
  flat_ner: boolean;
  multi_label: boolean;
  threshold: number;
  batch_size: number;
  entities: GoldenEntity[][] | null;
  error: string | null;
}

export interface TaskCall {
  id: string;
  helper: string;
  method: "__call__" | "evaluate";
  description: string;
  constructor: Record<string, unknown>;
  prompt_template: string;
  call: Record<string, unknown>;
  dataset_rows?: Record<string, unknown>[];
  model_calls: TaskModelCall[];
  output: unknown;
  error: string | null;
}

export interface TaskGolden {
  model: string;
  calls: TaskCall[];
}

/** The labels of text `i` of a model call (one list for all, or one per text). */
export function labelsOf(call: TaskModelCall, i: number): string[] {
  const { labels } = call;
  return Array.isArray(labels[0]) ? ((labels as string[][])[i] as string[]) : (labels as string[]);
}

/** The call's texts as a list (the reference accepts a string or a list). */
export function textsOf(call: TaskCall): string[] {
  const texts = call.call["texts"];
  return typeof texts === "string" ? [texts] : (texts as string[]);
}

export interface RecordedCall {
  texts: string[];
  labels: string[][];
  options: PredictOptions;
}

/**
 * A task engine over a real GLiNER that records every pipeline call with its model texts (`"{prompt} \n {text}"`,
 * the reference's prepared texts). `reorder` may return the label order to use for a call (same multiset), to
 * reproduce a reference call whose label order came from a Python set.
 */
export function recordingModel(
  model: GLiNER,
  reorder?: (call: RecordedCall) => string[][] | undefined,
): { taskModel: TaskEngine; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const engine = modelEngine(model);
  const taskModel: TaskEngine = {
    config: model.config,
    predict: async (requests, options) => {
      const texts = requests.map((r) => (r.prompt === undefined ? r.text : `${r.prompt} \n ${r.text}`));
      const call = { texts, labels: requests.map((r) => [...r.labels]), options };
      calls.push(call);
      const labels = reorder?.(call);
      return engine.predict(labels === undefined ? requests : requests.map((r, i) => ({ ...r, labels: labels[i] as string[] })), options);
    },
  };
  return { taskModel, calls };
}

const sorted = (labels: readonly string[]) => [...labels].sort();

/** Our helper made the reference's model call: same texts, labels (as multisets when asked), threshold, flags. */
export function assertSameCall(ours: RecordedCall | undefined, reference: TaskModelCall, context: string, multiset = false): void {
  assert.ok(ours, `${context}: we made no model call`);
  assert.deepEqual(ours.texts, reference.texts, `${context}: model texts`);
  reference.texts.forEach((_, i) => {
    const theirs = labelsOf(reference, i);
    const mine = ours.labels[i] ?? [];
    if (multiset) assert.deepEqual(sorted(mine), sorted(theirs), `${context}: label multiset of text ${i}`);
    else assert.deepEqual(mine, theirs, `${context}: labels of text ${i}`);
  });
  assert.equal(ours.options.threshold, reference.threshold, `${context}: threshold`);
  assert.equal(ours.options.flatNer ?? true, reference.flat_ner, `${context}: flat_ner`);
  assert.equal(ours.options.multiLabel ?? false, reference.multi_label, `${context}: multi_label`);
}

export const counts = { modelCalls: 0, rawMatches: 0, referenceErrorsAnswered: 0, outputs: 0, nearTieFlips: 0 };

const quiet = { truncation: "truncate" as const, onTruncate: () => {} };

/**
 * Runs a reference model call with its recorded labels and checks the raw entities (offsets into the prompted
 * texts). Where the reference crashed (span model, per-text label lists of different lengths: KeyError,
 * HEAD issues #382/#383), gliner-ts answers, and the batched answer equals one-by-one calls.
 * Returns the reference's raw entities in UTF-16 offsets (ours where it crashed), and ours.
 */
export async function assertRawCall(model: GLiNER, call: TaskModelCall, context: string): Promise<Entity[][] & { ours: Entity[][] }> {
  counts.modelCalls++;
  const options = { threshold: call.threshold, flatNer: call.flat_ner, multiLabel: call.multi_label, ...quiet };
  const ours = await model.batchPredictEntities(call.texts, call.labels, options);
  if (call.error !== null) {
    assert.match(call.error, /^KeyError/, `${context}: the only reference crash recorded is the span model's KeyError`);
    assert.equal(call.entities, null);
    const oneByOne = await Promise.all(call.texts.map((text, i) => model.predictEntities(text, labelsOf(call, i), options)));
    assertSameEntities(ours, oneByOne, `${context} (reference: ${call.error}; ours: batched = one by one)`);
    assert.ok(ours.some((list) => list.length > 0), `${context}: we find spans where the reference crashed`);
    counts.referenceErrorsAnswered++;
    return Object.assign(ours.map((list) => [...list]), { ours });
  }
  const alternatives = await model.batchPredictEntities(call.texts, call.labels, { ...options, flatNer: false, multiLabel: true });
  const expected = call.texts.map((text, i) => toUtf16(text, (call.entities ?? [])[i] ?? []));
  call.texts.forEach((_, i) => {
    counts.nearTieFlips += assertEntitiesMatch(ours[i] ?? [], expected[i] ?? [], alternatives[i] ?? [], `${context} text ${i}`);
  });
  counts.rawMatches++;
  return Object.assign(expected, { ours });
}

/** Where the caller's text starts in the reference's prompted text `f"{prompt} \n {text}"`, in UTF-16 units. */
export function textStartIn(prompted: string, text: string): number {
  assert.ok(prompted.endsWith(` \n ${text}`), "the prompted text ends with ' \\n ' + text");
  return prompted.length - text.length;
}

/** The documented deviation: spans inside the prompt are dropped; the others move to offsets in the caller's text. */
export function inUserText(raw: readonly Entity[], textStart: number): Entity[] {
  return raw.filter((e) => e.start >= textStart).map((e) => ({ ...e, start: e.start - textStart, end: e.end - textStart }));
}

export function assertScoresClose(actual: number, expected: number, context: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-5, `${context}: score ${actual} vs ${expected}`);
}

export { utf16Offset };
