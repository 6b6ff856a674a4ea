/**
 * Long texts, as the reference's `extract_long`: overlapping word chunks (`chunkSize` words, step
 * `chunkSize − chunkOverlap`), each read with confidences and offsets, then merged: offsets shifted to the
 * document (span text re-sliced from it), entities deduplicated by (text, start, end) with overlaps removed,
 * relations and structure instances deduplicated by a confidence-free key (the higher confidence wins),
 * classification = the most confident chunk. The flags are applied last.
 */
import { InvalidInputError } from "../errors.js";
import type { Word } from "../text/words.js";
import { splitGliner2Words } from "./words.js";
import { setOwn } from "./own-keys.js";

export interface TextChunk {
  readonly text: string;
  /** UTF-16 offset of the chunk in the document. */
  readonly start: number;
}

export function splitIntoChunks(
  text: string,
  chunkSize: number,
  chunkOverlap: number,
  splitWords: (text: string) => Word[] = splitGliner2Words,
): TextChunk[] {
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new InvalidInputError("chunkSize", `chunkSize must be a positive integer; got ${chunkSize}.`);
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new InvalidInputError("chunkOverlap", `chunkOverlap must be an integer in [0, chunkSize); got ${chunkOverlap} with chunkSize ${chunkSize}.`);
  }
  const words = splitWords(text);
  if (words.length === 0) return [{ text, start: 0 }];
  const chunks: TextChunk[] = [];
  for (let first = 0; ; first += chunkSize - chunkOverlap) {
    const last = Math.min(first + chunkSize, words.length) - 1;
    const start = (words[first] as { start: number }).start;
    chunks.push({ text: text.slice(start, (words[last] as { end: number }).end), start });
    if (last === words.length - 1) return chunks;
  }
}

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Merges the per-chunk results (read with confidences and offsets) of one document. */
export function mergeChunkResults(
  document: string,
  chunks: readonly TextChunk[],
  results: readonly JsonObject[],
  flags: { includeConfidence: boolean; includeSpans: boolean; scalarEntities: ReadonlySet<string> },
): JsonObject {
  const shifted = results.map((r, i) => shiftSpans(r, document, (chunks[i] as TextChunk).start) as JsonObject);
  const merged: JsonObject = {};
  for (const key of orderedKeys(shifted)) {
    const values = shifted.filter((r) => Object.hasOwn(r, key)).map((r) => r[key]);
    if (key === "entities") setOwn(merged, key, mergeLabelMaps(values, true, flags.scalarEntities));
    else if (key === "relation_extraction") setOwn(merged, key, mergeLabelMaps(values, false, new Set()));
    else setOwn(merged, key, mergeValues(values));
  }
  return stripSpanMetadata(merged, flags.includeConfidence, flags.includeSpans) as JsonObject;
}

function shiftSpans(value: Json, document: string, offset: number): Json {
  if (Array.isArray(value)) return value.map((v) => shiftSpans(v, document, offset));
  if (!isObject(value)) return value;
  const out: JsonObject = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftSpans(v, document, offset)]));
  if (isSpan(out)) {
    const start = (out["start"] as number) + offset;
    const end = (out["end"] as number) + offset;
    out["start"] = start;
    out["end"] = end;
    if (0 <= start && start <= end && end <= document.length) out["text"] = document.slice(start, end);
  }
  return out;
}

function mergeLabelMaps(values: readonly Json[], removeOverlaps: boolean, scalar: ReadonlySet<string>): JsonObject {
  const maps = values.filter(isObject);
  const merged: JsonObject = {};
  for (const label of orderedKeys(maps)) {
    const items = maps.filter((m) => Object.hasOwn(m, label)).flatMap((m) => asList(m[label]));
    const deduped = dedupeItems(items, removeOverlaps);
    setOwn(merged, label, scalar.has(label) ? (deduped[0] ?? null) : deduped);
  }
  return merged;
}

function mergeValues(values: readonly Json[]): Json {
  const nonEmpty = values.filter((v) => !(v === null || v === undefined || isEmptyObject(v) || (Array.isArray(v) && v.length === 0)));
  if (nonEmpty.length === 0) return values[0] ?? null;
  if (nonEmpty.every(isClassification)) {
    return nonEmpty.reduce((best, v) => (confidenceOf(v) > confidenceOf(best) ? v : best));
  }
  if (nonEmpty.every((v) => typeof v === "string")) {
    const counts = new Map<Json, number>();
    for (const v of nonEmpty) counts.set(v, (counts.get(v) ?? 0) + 1);
    return nonEmpty.reduce((best, v) => ((counts.get(v) ?? 0) > (counts.get(best) ?? 0) ? v : best));
  }
  if (nonEmpty.every(Array.isArray)) return dedupeItems((nonEmpty as Json[][]).flat(), false);
  if (nonEmpty.every(isObject)) {
    const maps = nonEmpty as JsonObject[];
    return Object.fromEntries(orderedKeys(maps).map((k) => [k, mergeValues(maps.filter((m) => Object.hasOwn(m, k)).map((m) => m[k]))]));
  }
  return nonEmpty[0];
}

function dedupeItems(items: readonly Json[], removeOverlaps: boolean): Json[] {
  const spans = items.filter(isSpan);
  const selected: JsonObject[] = [];
  const seen = new Set<string>();
  // Stable sort, most confident first (Python's sorted(reverse=True) keeps ties in order).
  for (const item of [...spans].sort((a, b) => confidenceOf(b) - confidenceOf(a))) {
    const key = JSON.stringify([String(item["text"]).toLowerCase(), item["start"], item["end"]]);
    if (seen.has(key)) continue;
    if (removeOverlaps && selected.some((s) => !((item["end"] as number) <= (s["start"] as number) || (item["start"] as number) >= (s["end"] as number)))) continue;
    seen.add(key);
    selected.push(item);
  }
  selected.sort(
    (a, b) => (a["start"] as number) - (b["start"] as number) || (a["end"] as number) - (b["end"] as number) || compareCodePoints(String(a["text"]), String(b["text"])),
  );
  const others: Json[] = [];
  const at = new Map<string, number>();
  for (const item of items.filter((i) => !isSpan(i))) {
    const key = canonicalKey(item);
    const index = at.get(key);
    if (index === undefined) {
      at.set(key, others.length);
      others.push(item);
    } else if (representativeConfidence(item) > representativeConfidence(others[index])) others[index] = item;
  }
  return [...selected, ...others];
}

function stripSpanMetadata(value: Json, includeConfidence: boolean, includeSpans: boolean): Json {
  if (Array.isArray(value)) return value.map((v) => stripSpanMetadata(v, includeConfidence, includeSpans));
  if (!isObject(value)) return value;
  if (isSpan(value)) {
    if (!includeConfidence && !includeSpans) return value["text"];
    return {
      text: value["text"],
      ...(includeConfidence && "confidence" in value ? { confidence: value["confidence"] } : {}),
      ...(includeSpans ? { start: value["start"], end: value["end"] } : {}),
    };
  }
  if (isClassification(value)) return includeConfidence ? { label: value["label"], confidence: value["confidence"] } : value["label"];
  if ("text" in value && "confidence" in value && !("start" in value) && !("end" in value)) {
    return includeConfidence ? { text: value["text"], confidence: value["confidence"] } : value["text"];
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSpanMetadata(v, includeConfidence, includeSpans)]));
}

/** A key that ignores confidences, so the same prediction from two chunks collapses. */
function canonicalKey(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(",")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .filter((k) => k !== "confidence")
      .sort(compareCodePoints)
      .map((k) => `${JSON.stringify(k)}:${canonicalKey(value[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

function representativeConfidence(value: Json): number {
  if (isObject(value)) {
    if (typeof value["confidence"] === "number") return value["confidence"];
    return Math.max(0, ...Object.values(value).map(representativeConfidence));
  }
  if (Array.isArray(value)) return Math.max(0, ...value.map(representativeConfidence));
  return 0;
}

function orderedKeys(maps: readonly Json[]): string[] {
  const keys = new Set<string>();
  for (const m of maps) if (isObject(m)) for (const k of Object.keys(m)) keys.add(k);
  return [...keys];
}

function asList(value: Json): Json[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: Json): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}

function isSpan(value: Json): value is JsonObject {
  return isObject(value) && "text" in value && Number.isInteger(value["start"]) && Number.isInteger(value["end"]);
}

function isClassification(value: Json): value is JsonObject {
  return isObject(value) && "label" in value && "confidence" in value;
}

function confidenceOf(value: Json): number {
  return isObject(value) && typeof value["confidence"] === "number" ? value["confidence"] : 0;
}

/** Python's string order (code points), not JavaScript's UTF-16 order. */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
