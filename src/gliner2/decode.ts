/**
 * ⑥ Outputs → results in the reference's JSON shapes (`runtime.py` _extract_* + format_results): count gating,
 * spans over threshold (`>=`, float32), the (−score, start, end) greedy for lists, first-by-position for str
 * fields and relation ends, width-0 prefix scores for choice fields, softmax/sigmoid classification.
 * Offsets are UTF-16 into the record's model text.
 */
import type { ClassificationSpec, CompiledSchema, RegExpValidator } from "./schema.js";
import type { EncodedRecord, SchemaTask } from "./sequence.js";
import type { Gliner2Outputs } from "./outputs.js";
import type { ExtractResult, FieldValue, LabelValue, RelationInstance, SpanResult, StructureInstance } from "./types.js";
import { pythonStrip } from "./words.js";
import { setOwn } from "./own-keys.js";

export interface DecodeFlags {
  readonly threshold: number;
  readonly includeConfidence: boolean;
  readonly includeSpans: boolean;
}

export interface RawSpan {
  readonly text: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
}

/** One task's span probabilities for one count slot: `score(field, word, width)` over the real words. */
export type SlotScores = (field: number, word: number, width: number) => number;

export function decodeRecord(
  record: EncodedRecord,
  schema: CompiledSchema,
  outputs: Gliner2Outputs,
  b: number,
  flags: DecodeFlags,
): ExtractResult {
  const result: ExtractResult = {};
  const relations: Record<string, RelationInstance[]> = {};
  record.tasks.forEach((task, t) => {
    if (task.type === "classifications") {
      setOwn(result, task.name, classify(task.classification as ClassificationSpec, outputs.classLogits(b, t, task.fields.length), flags));
      return;
    }
    const count = outputs.count(b, t);
    const slot = (c: number): SlotScores => (f, l, w) => outputs.score(b, t, c, f, record.prefixLength + l, w);
    const prefixScore = (c: number, f: number, l: number) => outputs.score(b, t, c, f, l, 0);
    const ctx = { record, widths: outputs.widths, flags };
    if (task.type === "entities") setOwn(result, task.name, count === 0 ? {} : entities(ctx, schema, task, slot(0)));
    else if (task.type === "relations") setOwn(relations, task.name, relationInstances(ctx, schema, task, count, slot));
    else setOwn(result, task.name, count === 0 ? {} : structures(ctx, schema, task, count, slot, prefixScore));
  });
  if (Object.keys(relations).length > 0) result["relation_extraction"] = relations;
  return result;
}

interface Context {
  readonly record: EncodedRecord;
  readonly widths: number;
  readonly flags: DecodeFlags;
}

/** Spans of one field with probability >= threshold, in (start, width) order; span texts are stripped. */
export function findSpans(record: EncodedRecord, widths: number, scores: (l: number, w: number) => number, threshold: number): RawSpan[] {
  const words = record.words;
  const limit = Math.fround(threshold);
  const spans: RawSpan[] = [];
  for (let l = 0; l < words.length; l++) {
    for (let w = 0; w < widths && l + w < words.length; w++) {
      const score = scores(l, w);
      if (!(score >= limit)) continue;
      const start = (words[l] as { start: number }).start;
      const end = (words[l + w] as { end: number }).end;
      const text = pythonStrip(record.modelText.slice(start, end));
      if (text !== "") spans.push({ text, score, start, end });
    }
  }
  return spans;
}

/** Best first by (−score, start, end), dropping any span that overlaps a kept one; "str" keeps the first. */
export function finalizeSpans(spans: readonly RawSpan[], dtype: "str" | "list" = "list"): RawSpan[] {
  const sorted = [...spans].sort((a, b) => b.score - a.score || a.start - b.start || a.end - b.end);
  const kept: RawSpan[] = [];
  for (const span of sorted) {
    if (kept.some((k) => !(span.end <= k.start || span.start >= k.end))) continue;
    kept.push(span);
  }
  return dtype === "list" ? kept : kept.slice(0, 1);
}

export function shapeSpan(span: RawSpan, flags: Pick<DecodeFlags, "includeConfidence" | "includeSpans">): SpanResult {
  if (!flags.includeConfidence && !flags.includeSpans) return span.text;
  return {
    text: span.text,
    ...(flags.includeConfidence ? { confidence: span.score } : {}),
    ...(flags.includeSpans ? { start: span.start, end: span.end } : {}),
  };
}

/** The reference's list dedup: by lower-cased text, plus offsets when the items carry them. */
export function dedupeSpanList(items: readonly SpanResult[]): SpanResult[] {
  const seen = new Set<string>();
  const out: SpanResult[] = [];
  for (const item of items) {
    const text = typeof item === "string" ? item : item.text;
    if (!text) continue;
    const key =
      typeof item !== "string" && item.start !== undefined && item.end !== undefined
        ? JSON.stringify([text.toLowerCase(), item.start, item.end])
        : JSON.stringify([text.toLowerCase()]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

function entities(ctx: Context, schema: CompiledSchema, task: SchemaTask, scores: SlotScores): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const spec of schema.entities) {
    const f = task.fields.indexOf(spec.name);
    if (f < 0) continue;
    const spans = finalizeSpans(
      findSpans(ctx.record, ctx.widths, (l, w) => scores(f, l, w), spec.threshold ?? ctx.flags.threshold),
      spec.dtype,
    );
    if (spec.dtype === "list") setOwn(out, spec.name, dedupeSpanList(spans.map((s) => shapeSpan(s, ctx.flags))));
    else setOwn(out, spec.name, spans[0] === undefined ? null : shapeSpan(spans[0], ctx.flags));
  }
  return out;
}

function relationInstances(
  ctx: Context,
  schema: CompiledSchema,
  task: SchemaTask,
  count: number,
  slot: (c: number) => SlotScores,
): RelationInstance[] {
  const threshold = schema.relations.find((r) => r.name === task.name)?.threshold ?? ctx.flags.threshold;
  const instances: RelationInstance[] = [];
  for (let c = 0; c < count; c++) {
    const scores = slot(c);
    // Each end is the FIRST passing span in (start, width) order, not the best one (as the reference).
    const [head, tail] = [0, 1].map((f) => findSpans(ctx.record, ctx.widths, (l, w) => scores(f, l, w), threshold)[0]);
    if (head === undefined || tail === undefined) continue;
    const { includeConfidence, includeSpans } = ctx.flags;
    if (!includeConfidence && !includeSpans) instances.push([head.text, tail.text]);
    else instances.push({ head: shapeSpan(head, ctx.flags) as { text: string }, tail: shapeSpan(tail, ctx.flags) as { text: string } });
  }
  return instances;
}

function structures(
  ctx: Context,
  schema: CompiledSchema,
  task: SchemaTask,
  count: number,
  slot: (c: number) => SlotScores,
  prefixScore: (c: number, f: number, l: number) => number,
): StructureInstance[] {
  const spec = schema.structures.find((s) => s.name === task.name);
  if (spec === undefined) return [];
  const prefixTokens = ctx.record.textTokens.slice(0, ctx.record.prefixLength).map((t) => t.toLowerCase());
  const instances: StructureInstance[] = [];
  for (let c = 0; c < count; c++) {
    const scores = slot(c);
    const instance: StructureInstance = {};
    for (const field of spec.fields) {
      const f = task.fields.indexOf(field.name);
      const threshold = field.threshold ?? ctx.flags.threshold;
      if (field.choices !== undefined) {
        const scored = field.choices.flatMap((choice) => {
          const at = prefixTokens.indexOf(choice.toLowerCase());
          return at < 0 ? [] : [{ choice, score: prefixScore(c, f, at) }];
        });
        setOwn(instance, field.name, field.dtype === "list" ? choiceList(scored, threshold, ctx.flags) : bestChoice(scored, threshold, ctx.flags));
        continue;
      }
      const spans = findSpans(ctx.record, ctx.widths, (l, w) => scores(f, l, w), threshold).filter((s) =>
        field.validators.every((v) => validate(v, s.text)),
      );
      if (field.dtype === "list") setOwn(instance, field.name, finalizeSpans(spans).map((s) => shapeSpan(s, ctx.flags)));
      // A str field takes the first passing span by position, not the best one (as the reference).
      else setOwn(instance, field.name, spans[0] === undefined ? null : shapeSpan(spans[0], ctx.flags));
    }
    if (Object.values(instance).some((v) => v !== null && !(Array.isArray(v) && v.length === 0))) {
      instances.push(Object.fromEntries(Object.entries(instance).map(([k, v]) => [k, Array.isArray(v) ? dedupeSpanList(v) : v || null])));
    }
  }
  return instances;
}

function choiceList(scored: Array<{ choice: string; score: number }>, threshold: number, flags: DecodeFlags): SpanResult[] {
  const seen = new Set<string>();
  const out: SpanResult[] = [];
  for (const { choice, score } of scored) {
    if (seen.has(choice) || !(score >= threshold)) continue;
    seen.add(choice);
    out.push(flags.includeConfidence ? { text: choice, confidence: score } : choice);
  }
  return out;
}

function bestChoice(scored: Array<{ choice: string; score: number }>, threshold: number, flags: DecodeFlags): SpanResult | null {
  let best: { choice: string; score: number } | undefined;
  for (const item of scored) if (item.score > (best?.score ?? -1)) best = item;
  if (best === undefined || !(best.score >= threshold)) return null;
  return flags.includeConfidence ? { text: best.choice, confidence: best.score } : best.choice;
}

function validate(validator: RegExpValidator, text: string): boolean {
  validator.regex.lastIndex = 0;
  return validator.regex.test(text) !== validator.exclude;
}

function classify(spec: ClassificationSpec, logits: Float32Array, flags: DecodeFlags): string | LabelValue | Array<string | LabelValue> {
  const sigmoid = spec.classAct === "sigmoid" || (spec.classAct === "auto" && spec.multiLabel);
  const probs = sigmoid ? Array.from(logits, (x) => Math.fround(1 / (1 + Math.exp(-x)))) : softmax32(logits);
  const shape = (i: number): string | LabelValue =>
    flags.includeConfidence ? { label: spec.labels[i] as string, confidence: probs[i] as number } : (spec.labels[i] as string);
  let best = 0;
  probs.forEach((p, i) => {
    if (p > (probs[best] as number)) best = i;
  });
  if (!spec.multiLabel) return shape(best);
  const chosen = probs.flatMap((p, i) => (p >= spec.clsThreshold ? [i] : []));
  return (chosen.length > 0 ? chosen : [best]).map(shape);
}

function softmax32(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => Math.fround(e / sum));
}
