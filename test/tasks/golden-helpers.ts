/**
 * Golden checks of the prompted helpers (QA, summarization, classification, open extraction): each makes the
 * reference's model call, the reference's rule on the raw entities gives the reference's output, and our
 * output is that rule after the documented deviations (spans in the prompt dropped, offsets into the text;
 * classification: only class names count).
 */
import assert from "node:assert/strict";
import type { GLiNER } from "../../src/node.js";
import { CLASSIFY_PROMPT, QA_PROMPT, SUMMARY_PROMPT } from "../../src/tasks/prompts.js";
import type { TaskEngine } from "../../src/tasks/spec.js";
import type { Answer, Classification, Summary } from "../../src/tasks/types.js";
import type { Entity } from "../../src/types.js";
import { run } from "./fake-model.js";
import { toUtf16 } from "../helpers/entities.js";
import {
  assertRawCall,
  assertSameCall,
  assertScoresClose,
  counts,
  inUserText,
  recordingModel,
  type TaskCall,
  type TaskModelCall,
  textsOf,
  textStartIn,
} from "./support.js";

const quiet = { truncation: "truncate" as const, onTruncate: () => {} };
const byScore = (list: readonly Entity[]) => [...list].sort((a, b) => b.score - a.score);
const byStart = (list: readonly Entity[]) => [...list].sort((a, b) => a.start - b.start);
const pythonTemplate = (template: string) => template.replace(/\{\w+\}/, "{}");
const answerQuestions = (m: TaskEngine, inputs: object[], o: object) => run<Answer[]>(m, "qa", inputs, o);
const summarizeTexts = (m: TaskEngine, texts: string[], o: object) => run<Summary>(m, "summarize", texts.map((text) => ({ text })), o);
const classifyTexts = (m: TaskEngine, inputs: object[], o: object) => run<Classification[]>(m, "classify", inputs, o);
const extractOpen = (m: TaskEngine, inputs: object[], o: object) => run<Entity[]>(m, "extract", inputs, o);

function assertSpans(actual: readonly Pick<Entity, "start" | "end" | "text" | "score">[], expected: readonly Entity[], context: string): void {
  assert.deepEqual(
    actual.map(({ start, end, text }) => ({ start, end, text })),
    expected.map(({ start, end, text }) => ({ start, end, text })),
    `${context}: spans`,
  );
  actual.forEach((a, i) => assertScoresClose(a.score, (expected[i] as Entity).score, `${context}[${i}]`));
}

function firstCall(c: TaskCall): TaskModelCall {
  assert.equal(c.model_calls.length, 1, `${c.id}: one model call`);
  return c.model_calls[0] as TaskModelCall;
}

export async function checkQuestionAnswerer(model: GLiNER, c: TaskCall): Promise<void> {
  assert.equal(c.prompt_template, pythonTemplate(QA_PROMPT), "the reference's QA prompt");
  const texts = textsOf(c);
  const questions = c.call["questions"] as string | string[];
  // The reference's prepare_texts uses questions[0] for every text; the same calls are made here by asking it.
  const question = typeof questions === "string" ? questions : (questions[0] as string);
  const { taskModel, calls } = recordingModel(model);
  const ours = await answerQuestions(taskModel, texts.map((text) => ({ question, text })), {
    threshold: (c.call["threshold"] as number | undefined) ?? 0.5,
    ...quiet,
  });
  const call = firstCall(c);
  assertSameCall(calls[0], call, c.id);
  const raw = await assertRawCall(model, call, c.id);
  const referenceRule = raw.map((list) => byScore(list).map((e) => ({ answer: e.text, score: e.score })));
  assertOutput(referenceRule, c.output as { answer: string; score: number }[][], c.id, "answer");
  texts.forEach((text, i) => {
    const expected = byScore(inUserText(raw[i] ?? [], textStartIn(call.texts[i] as string, text)));
    assertSpans(ours[i] ?? [], expected, `${c.id} answers ${i}`);
  });
  counts.outputs++;
}

export async function checkSummarizer(model: GLiNER, c: TaskCall): Promise<void> {
  assert.equal(c.prompt_template, SUMMARY_PROMPT, "the reference's summarization prompt");
  const texts = textsOf(c);
  const { taskModel, calls } = recordingModel(model);
  const ours = await summarizeTexts(taskModel, texts, { ...(c.call["threshold"] === undefined ? {} : { threshold: c.call["threshold"] as number }), ...quiet });
  const call = firstCall(c);
  assertSameCall(calls[0], call, c.id); // threshold 0.25 by default, as the reference
  const raw = await assertRawCall(model, call, c.id);
  assert.deepEqual(raw.map((list) => byStart(list).map((e) => e.text).join(" ")), c.output, `${c.id}: reference rule`);
  texts.forEach((text, i) => {
    const expected = byStart(inUserText(raw[i] ?? [], textStartIn(call.texts[i] as string, text)));
    assertSpans(ours[i]?.spans ?? [], expected, `${c.id} summary ${i}`);
    assert.equal(ours[i]?.summary, expected.map((e) => e.text).join(" "), `${c.id} summary ${i}: joined text`);
  });
  counts.outputs++;
}

/** torch.softmax(scores)[0] for scores sorted descending. */
const softmaxFirst = (scores: readonly number[]) => 1 / scores.reduce((sum, s) => sum + Math.exp(s - (scores[0] as number)), 0);

function classificationRule(spans: readonly { label: string; score: number }[], multiLabel: boolean) {
  const sorted = [...spans].sort((a, b) => b.score - a.score);
  if (sorted.length === 0) return [{ label: "other", score: 1 }];
  if (multiLabel) return sorted;
  return [{ label: (sorted[0] as { label: string }).label, score: softmaxFirst(sorted.map((s) => s.score)) }];
}

export async function checkClassifier(model: GLiNER, c: TaskCall, found: string[]): Promise<void> {
  assert.equal(c.prompt_template, pythonTemplate(CLASSIFY_PROMPT), "the reference's classification prompt");
  if (c.method === "evaluate") {
    // The reference's evaluate() raises before any model call (inverted if/else at HEAD); gliner-ts has no
    // classifier evaluate. What we return for the same row: a class name or "other", never a text span.
    assert.match(c.error ?? "", /^ValueError: Either 'dataset_id' or 'dataset' must be provided/);
    assert.equal(c.model_calls.length, 0);
    const rows = c.dataset_rows ?? [];
    const classes = ["positive", "negative", "neutral"];
    const results = await classifyTexts(recordingModel(model).taskModel, rows.map((r) => ({ text: r["text"] as string, classes })), quiet);
    for (const [result] of results) assert.ok(result && [...classes, "other"].includes(result.label), `${c.id}: ${result?.label} is a class`);
    counts.referenceErrorsAnswered++;
    return;
  }
  const texts = textsOf(c);
  const classes = c.call["classes"] as string[];
  const multiLabel = c.call["multi_label"] === true;
  const { taskModel, calls } = recordingModel(model);
  const ours = await classifyTexts(taskModel, texts.map((text) => ({ text, classes })), {
    multiLabel,
    threshold: (c.call["threshold"] as number | undefined) ?? 0.5,
    ...quiet,
  });
  const call = firstCall(c);
  assertSameCall(calls[0], call, c.id); // multi_label is post-processing only: the model call is flat, single-label
  const raw = await assertRawCall(model, call, c.id);
  const referenceRule = raw.map((list) => classificationRule(list.map((e) => ({ label: e.text, score: e.score })), multiLabel));
  assertOutput(referenceRule, c.output as { label: string; score: number }[][], c.id, "label");
  texts.forEach((text, i) => {
    const textStart = textStartIn(call.texts[i] as string, text);
    const listStart = (call.texts[i] as string).indexOf(classes.join(", "));
    // Deviation: only prompt spans that are exactly a class name (", " separators trimmed) count.
    const named = (raw[i] ?? [])
      .filter((e) => e.end <= textStart && e.start >= listStart)
      .map((e) => ({ label: e.text.replace(/^[,\s]+|[,\s]+$/g, ""), score: e.score }))
      .filter((e) => classes.includes(e.label));
    found.push(...named.map((n) => n.label));
    const expected = classificationRule(named, multiLabel);
    assert.deepEqual(ours[i]?.map((r) => r.label), expected.map((r) => r.label), `${c.id} text ${i}: classes`);
    ours[i]?.forEach((r, j) => assertScoresClose(r.score, (expected[j] as { score: number }).score, `${c.id} text ${i} class ${j}`));
  });
  counts.outputs++;
}

export async function checkOpenExtractor(model: GLiNER, c: TaskCall): Promise<void> {
  const instruction = (c.constructor["prompt"] as string | undefined) ?? "";
  assert.equal(c.prompt_template, instruction, "the instruction is the prompt (default '')");
  const texts = textsOf(c);
  const labels = c.call["labels"] as string[] | undefined;
  const { taskModel, calls } = recordingModel(model);
  const ours = await extractOpen(taskModel, texts.map((text) => ({ instruction, text })), {
    ...(labels === undefined ? {} : { labels }),
    threshold: (c.call["threshold"] as number | undefined) ?? 0.5,
    ...quiet,
  });
  const call = firstCall(c);
  assertSameCall(calls[0], call, c.id); // default labels ["match"], as the reference
  const raw = await assertRawCall(model, call, c.id);
  const output = (c.output as Entity[][]).map((list, i) => toUtf16(call.texts[i] as string, list));
  assert.deepEqual(output.map((l) => l.map((e) => e.text)), raw.map((l) => l.map((e) => e.text)), `${c.id}: the reference returns the raw entities`);
  texts.forEach((text, i) => {
    const expected = inUserText(raw[i] ?? [], textStartIn(call.texts[i] as string, text));
    assertSpans(ours[i] ?? [], expected, `${c.id} text ${i}`);
    assert.deepEqual(ours[i]?.map((e) => e.label), expected.map((e) => e.label), `${c.id} text ${i}: labels`);
    for (const e of ours[i] ?? []) assert.equal(text.slice(e.start, e.end), e.text, "offsets into the caller's text");
  });
  counts.outputs++;
}

function assertOutput<K extends string>(
  actual: readonly (readonly ({ score: number } & Record<K, string>)[])[],
  expected: readonly (readonly ({ score: number } & Record<K, string>)[])[],
  context: string,
  key: K,
): void {
  assert.deepEqual(actual.map((l) => l.map((x) => x[key])), expected.map((l) => l.map((x) => x[key])), `${context}: reference rule`);
  actual.forEach((l, i) => l.forEach((x, j) => assertScoresClose(x.score, ((expected[i] ?? [])[j] as { score: number }).score, `${context}: reference rule`)));
}
