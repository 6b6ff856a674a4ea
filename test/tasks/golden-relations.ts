/**
 * Golden checks of relation extraction. The reference's relation labels come from a Python set (order set by
 * PYTHONHASHSEED=0), so our calls are compared as label multisets and the model is fed the recorded order to
 * reproduce the reference's call; everything after that is compared exactly, up to the documented deviations:
 * targets inside the prompt give no relation, a target must lie in an extracted entity (the tightest one, not
 * the source's own span), sources are mentions (one relation per mention of the source text), duplicates merge.
 */
import assert from "node:assert/strict";
import type { GLiNER } from "../../src/node.js";
import { RELATION_PROMPT } from "../../src/tasks/prompts.js";
import { parseRelationLabel } from "../../src/tasks/relation-link.js";
import type { Relation } from "../../src/tasks/types.js";
import type { Entity } from "../../src/types.js";
import { run } from "./fake-model.js";
import {
  assertRawCall,
  assertSameCall,
  assertScoresClose,
  counts,
  inUserText,
  labelsOf,
  recordingModel,
  type TaskCall,
  type TaskModelCall,
  textsOf,
  textStartIn,
} from "./support.js";

const quiet = { truncation: "truncate" as const, onTruncate: () => {} };

interface ReferenceTriple {
  source: string;
  relation: string;
  target: string;
  score: number;
  start?: number;
  end?: number;
}

/** The reference's process_predictions over raw spans (offsets in code points, as its return_index gives them). */
function referenceRule(raw: readonly Entity[], prompted: string, prompt: string, returnIndex: boolean): ReferenceTriple[] {
  const codePoints = (utf16: number) => [...prompted.slice(0, utf16)].length;
  return raw.map((e) => {
    const [source = "", relation = ""] = e.label.split("<>");
    const triple: ReferenceTriple = { source: source.trim(), relation: relation.trim(), target: e.text.trim(), score: e.score };
    if (returnIndex) Object.assign(triple, { start: codePoints(e.start) - [...prompt].length - 3, end: codePoints(e.end) - [...prompt].length - 3 });
    return triple;
  });
}

function assertTriples(actual: readonly ReferenceTriple[], expected: readonly ReferenceTriple[], context: string): void {
  const strip = (list: readonly ReferenceTriple[]) => list.map(({ score: _score, ...rest }) => rest);
  assert.deepEqual(strip(actual), strip(expected), `${context}: reference rule`);
  actual.forEach((t, i) => assertScoresClose(t.score, (expected[i] as ReferenceTriple).score, `${context}: reference rule`));
}

/** Our output derived from the reference's triples and raw spans, with the deviations applied. */
function expectedRelations(triples: readonly ReferenceTriple[], raw: readonly Entity[], textStart: number, entities: readonly Entity[]): Relation[] {
  const best = new Map<string, Relation>();
  triples.forEach((triple, k) => {
    const span = raw[k] as Entity;
    if (span.start < textStart) return; // the target lies in the prompt
    const [inText] = inUserText([span], textStart) as [Entity];
    for (const source of entities.filter((e) => e.text === triple.source)) {
      const containing = entities
        .filter((e) => e.start <= inText.start && inText.end <= e.end && !(e.start === source.start && e.end === source.end))
        .sort((a, b) => a.end - a.start - (b.end - b.start));
      const target = containing[0];
      if (target === undefined) continue; // the target is no extracted entity
      const key = `${source.start}:${source.end}:${source.label}:${triple.relation}:${target.start}:${target.end}:${target.label}`;
      const kept = best.get(key);
      if (kept === undefined || triple.score > kept.score) best.set(key, { source, relation: triple.relation, target, score: triple.score });
    }
  });
  return [...best.values()];
}

function assertRelations(actual: readonly Relation[], expected: readonly Relation[], context: string): void {
  const key = (r: Relation) => `${r.source.start}:${r.source.end}:${r.source.label} ${r.relation} ${r.target.start}:${r.target.end}:${r.target.label}`;
  const expectedByKey = new Map(expected.map((r) => [key(r), r]));
  assert.deepEqual(actual.map(key).sort(), [...expectedByKey.keys()].sort(), `${context}: relations`);
  for (const r of actual) assertScoresClose(r.score, (expectedByKey.get(key(r)) as Relation).score, `${context}: ${key(r)}`);
}

export async function checkRelationExtractor(model: GLiNER, c: TaskCall, found: { relations: number }): Promise<void> {
  const prompt = (c.constructor["prompt"] as string | undefined) ?? RELATION_PROMPT;
  assert.equal(c.prompt_template, prompt);
  if (c.call["relation_labels"] !== undefined) return checkGivenLabels(model, c, prompt);
  const texts = textsOf(c);
  const [nerCall, relationCall] = c.model_calls as [TaskModelCall, TaskModelCall];
  // Feed the reference's label order to the relation call (same multiset, checked below).
  const { taskModel, calls } = recordingModel(model, (call) => (call.texts[0]?.startsWith(prompt) ? relationCall.texts.map((_, i) => labelsOf(relationCall, i)) : undefined));
  // The constructor's ner_threshold/rel_threshold are ignored by the reference's __call__: not passed here either.
  const ours = await run<Relation[]>(taskModel, "relations", texts.map((text) => ({ text })), {
    relations: c.call["relations"] as string[],
    ...(c.call["entities"] === undefined ? {} : { entityLabels: c.call["entities"] as string[] }),
    entityThreshold: (c.call["ner_threshold"] as number | undefined) ?? 0.5,
    relationThreshold: (c.call["rel_threshold"] as number | undefined) ?? 0.5,
    prompt,
    ...quiet,
  });
  assertSameCall(calls[0], nerCall, `${c.id} NER step`);
  assertSameCall(calls[1], relationCall, `${c.id} relation step`, true);
  // Our NER entities feed our relation step; they equal the reference's up to proven near-tie label flips.
  const { ours: entities } = await assertRawCall(model, nerCall, `${c.id} NER step`);
  const raw = await assertRawCall(model, relationCall, `${c.id} relation step`);
  texts.forEach((text, i) => {
    const prompted = relationCall.texts[i] as string;
    const triples = referenceRule(raw[i] ?? [], prompted, prompt, c.constructor["return_index"] === true);
    if (c.output !== null) assertTriples(triples, (c.output as ReferenceTriple[][])[i] ?? [], `${c.id} text ${i}`);
    else assert.match(c.error ?? "", /^KeyError/, `${c.id}: the reference crashed; ours is checked against our own raw call`);
    const expected = expectedRelations(triples, raw[i] ?? [], textStartIn(prompted, text), entities[i] ?? []);
    assertRelations(ours[i] ?? [], expected, `${c.id} text ${i}`);
    found.relations += expected.length;
  });
  counts.outputs++;
}

/** `relation_labels` given (the card's labels): no NER step, labels on the prompted text, source = label text. */
async function checkGivenLabels(model: GLiNER, c: TaskCall, prompt: string): Promise<void> {
  const texts = textsOf(c);
  const labels = c.call["relation_labels"] as string[][];
  const { taskModel, calls } = recordingModel(model);
  const results = await taskModel.predict(texts.map((text, i) => ({ prompt, text, labels: labels[i] as string[] })), { threshold: 0.5, ...quiet });
  const [call] = c.model_calls as [TaskModelCall];
  assertSameCall(calls[0], call, c.id);
  const raw = await assertRawCall(model, call, c.id);
  texts.forEach((text, i) => {
    const triples = referenceRule(raw[i] ?? [], call.texts[i] as string, prompt, false);
    assertTriples(triples, (c.output as ReferenceTriple[][])[i] ?? [], `${c.id} text ${i}`);
    const expected = inUserText(raw[i] ?? [], textStartIn(call.texts[i] as string, text));
    const ours = results[i]?.entities ?? [];
    const view = (list: readonly Entity[]) => list.map((e) => ({ ...parseRelationLabel(e.label), target: e.text, start: e.start, end: e.end }));
    assert.deepEqual(view(ours), view(expected), `${c.id} text ${i}`);
    ours.forEach((e, j) => assertScoresClose(e.score, (expected[j] as Entity).score, `${c.id} text ${i} span ${j}`));
    for (const e of ours) assert.equal(text.slice(e.start, e.end), e.text, "offsets into the caller's text");
  });
  counts.outputs++;
}

/** GLiNERDocREDEvaluator.evaluate: labels "<head> <> <relation>" per gold triple, set-based P/R/F1. */
export async function checkDocRed(model: GLiNER, c: TaskCall): Promise<void> {
  const rows = c.dataset_rows ?? [];
  const [call] = c.model_calls as [TaskModelCall];
  const gold: string[] = [];
  rows.forEach((row, i) => {
    const vertexSet = row["vertexSet"] as { name: string }[][];
    const sents = row["sents"] as string[][];
    const rel = row["labels"] as { head: number[]; tail: number[]; relation_text: string[] };
    const name = (id: number | undefined) => (vertexSet[id as number] as { name: string }[])[0]?.name;
    const labels = rel.head.map((h, j) => `${name(h)} <> ${rel.relation_text[j]}`);
    rel.head.forEach((h, j) => gold.push(`${name(h)} <> ${rel.relation_text[j]} <> ${name(rel.tail[j])}`));
    assert.equal(call.texts[i], `${RELATION_PROMPT} \n ${sents.flat().join(" ")}`, `${c.id}: document ${i} prompted text`);
    assert.deepEqual(labelsOf(call, i), labels, `${c.id}: document ${i} labels`);
  });
  const raw = await assertRawCall(model, call, c.id);
  if (c.output === null) {
    assert.match(c.error ?? "", /^KeyError/);
    return;
  }
  const predicted = new Set(raw.flatMap((list) => list.map((e) => `${e.label.split("<>")[0]?.trim()} <> ${e.label.split("<>")[1]?.trim()} <> ${e.text.trim()}`)));
  const truth = new Set(gold);
  const tp = [...predicted].filter((p) => truth.has(p)).length;
  const precision = predicted.size === 0 ? 0 : tp / predicted.size;
  const recall = truth.size === 0 ? 0 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const output = c.output as Record<string, number>;
  assert.deepEqual(
    { precision, recall, f1, tp, fp: predicted.size - tp, fn: truth.size - tp },
    { precision: output["precision"], recall: output["recall"], f1: output["f1"], tp: output["true positives"], fp: output["false positives"], fn: output["false negatives"] },
  );
  counts.outputs++;
}
