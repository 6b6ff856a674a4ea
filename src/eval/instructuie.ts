/**
 * The raw layout GLiNER's own benchmark reads (InstructUIE "NER_datasets", e.g. the `training` branch of
 * urchade/GLiNER, `data/NER_datasets/<name>/test.json`): a JSON list of
 * `{"sentence", "entities": [{"name", "type", "pos": [startChar, endChar]}]}`.
 *
 * Converted as the reference's `process()` does: words = `sentence.split()`; an entity's word boundaries are
 * found by walking the words with offsets that assume single spaces; a boundary that falls inside a word is
 * kept as "none" (here -1), so that gold entity can never be matched but still counts, exactly as in the
 * published numbers (e.g. 95 mit-movie entities). Types are lowercased.
 */
import { InvalidInputError } from "../errors.js";
import type { GoldSpan, NerSentence } from "./ner-data.js";

/** Word index of a boundary the reference could not align (Python's None). */
export const UNALIGNED = -1;

export function parseInstructUie(content: string, path: string, limit?: number): NerSentence[] {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new InvalidInputError("data", `${path} is not valid JSON.`);
  }
  if (!Array.isArray(value)) {
    throw new InvalidInputError("data", `${path} must be a JSON list of {"sentence", "entities": [{"type", "pos": [start, end]}]}.`);
  }
  const records = limit === undefined ? value : value.slice(0, limit);
  return records.map((record: unknown, i) => {
    const where = `${path} item ${i}`;
    const r = (typeof record === "object" && record !== null ? record : {}) as Record<string, unknown>;
    if (typeof r["sentence"] !== "string") throw new InvalidInputError("data", `${where} has no "sentence" string.`);
    const tokens = splitLikePython(r["sentence"]);
    const entities = Array.isArray(r["entities"]) ? r["entities"] : [];
    return { tokens, entities: entities.map((e: unknown, k) => alignEntity(e, tokens, `${where}, entity ${k}`)) };
  });
}

function alignEntity(value: unknown, tokens: readonly string[], where: string): GoldSpan {
  const e = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const pos = e["pos"];
  if (typeof e["type"] !== "string" || !Array.isArray(pos) || pos.length !== 2 || !pos.every(Number.isInteger)) {
    throw new InvalidInputError("data", `${where} must be {"type": string, "pos": [startChar, endChar]}.`);
  }
  const [startChar, endChar] = pos as [number, number];
  let start = UNALIGNED;
  let end = UNALIGNED;
  let offset = 0; // where word i starts if the words were joined by single spaces
  for (let i = 0; i < tokens.length; i++) {
    const length = [...(tokens[i] as string)].length; // Python counts code points
    if (offset === startChar) start = i;
    if (offset + length === endChar) {
      end = i;
      break;
    }
    offset += length + 1;
  }
  return { start, end, label: e["type"].toLowerCase() };
}

/** Python's `str.split()`: runs of Unicode whitespace (str.isspace), no empty words. */
function splitLikePython(text: string): string[] {
  return text.split(/[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u).filter((w) => w !== "");
}
