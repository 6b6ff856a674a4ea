/**
 * ③ (text, schema) → the model's sequence, as the reference's processor builds it: tasks
 * `( [P] prompt ( [M] field ... ) )` joined by `[SEP_STRUCT]`, then `[SEP_TEXT]` and the lower-cased words
 * (after the classification prefix of choice fields). Every element is tokenized on its own; no [CLS]/[SEP].
 */
import { ModelLoadError } from "../errors.js";
import type { WordTokenizer } from "../model/tokenizer.js";
import type { Word } from "../text/words.js";
import type { ClassificationSpec, CompiledSchema } from "./schema.js";
import { punctuate, splitGliner2Words } from "./words.js";

export type TaskType = "json_structures" | "entities" | "relations" | "classifications";

export interface SchemaTask {
  readonly type: TaskType;
  /** The result key: structure/relation/classification name, or "entities". */
  readonly name: string;
  readonly fields: readonly string[];
  /** `["(", "[P]", prompt, "(", marker, field, ..., ")", ")"]`. */
  readonly tokens: readonly string[];
  readonly classification?: ClassificationSpec;
}

export interface EncodedRecord {
  /** The text the model read (a "." appended when needed); offsets index it. */
  readonly modelText: string;
  /** The real words (UTF-16 offsets into modelText), after `maxLength`. */
  readonly words: readonly Word[];
  /** Prefix words then the lower-cased real words. */
  readonly textTokens: readonly string[];
  readonly prefixLength: number;
  readonly tasks: readonly SchemaTask[];
  readonly inputIds: readonly number[];
  /** Position of the first sub-token of every text token (prefix included). */
  readonly wordPositions: readonly number[];
  /** Per task: position of its `[P]`, then of each field marker. */
  readonly schemaPositions: readonly (readonly number[])[];
}

export const SPECIAL_TOKENS = ["[SEP_STRUCT]", "[SEP_TEXT]", "[P]", "[C]", "[E]", "[R]", "[L]", "[EXAMPLE]", "[OUTPUT]", "[DESCRIPTION]"] as const;
const MARKERS = ["[P]", "[C]", "[E]", "[R]", "[L]"] as const;

/** The tokenizer plus the ids of GLiNER2's markers, checked once at load. */
export class SequenceEncoder {
  private readonly markerIds: ReadonlySet<number>;

  constructor(readonly tokenizer: WordTokenizer) {
    const missing = SPECIAL_TOKENS.filter((t) => tokenizer.tokenId(t) === undefined);
    if (missing.length > 0) {
      throw new ModelLoadError(`The tokenizer lacks GLiNER2's special tokens ${missing.join(" ")}; this is not a GLiNER2 tokenizer.`);
    }
    this.markerIds = new Set(MARKERS.map((t) => tokenizer.tokenId(t) as number));
  }

  encode(text: string, schema: CompiledSchema, maxLength?: number, splitWords: (text: string) => Word[] = splitGliner2Words): EncodedRecord {
    const modelText = punctuate(text);
    const prefix = classificationPrefix(schema);
    let words = splitWords(modelText);
    if (maxLength !== undefined) words = words.slice(0, maxLength);
    const textTokens = [...prefix, ...words.map((w) => w.text.toLowerCase())];
    const tasks = schemaTasks(schema);

    const inputIds: number[] = [];
    const wordPositions: number[] = [];
    const schemaPositions: number[][] = tasks.map(() => []);
    tasks.forEach((task, t) => {
      if (t > 0) inputIds.push(...this.tokenizer.encodeWord("[SEP_STRUCT]"));
      for (const element of task.tokens) {
        const ids = this.tokenizer.encodeWord(element);
        if (ids.length > 0 && this.markerIds.has(ids[0] as number)) schemaPositions[t]?.push(inputIds.length);
        inputIds.push(...ids);
      }
    });
    inputIds.push(...this.tokenizer.encodeWord("[SEP_TEXT]"));
    for (const token of textTokens) {
      // A word with no sub-tokens keeps the next position, as the reference does.
      wordPositions.push(inputIds.length);
      inputIds.push(...this.tokenizer.encodeWord(token));
    }
    return { modelText, words, textTokens, prefixLength: prefix.length, tasks, inputIds, wordPositions, schemaPositions };
  }
}

/** `( parent: field ( a | b ) , field2 ( ... ) )` for every structure with choice fields, in declaration order. */
export function classificationPrefix(schema: CompiledSchema): string[] {
  const prefix: string[] = [];
  for (const structure of schema.structures) {
    const inner: string[] = [];
    for (const field of structure.fields) {
      if (field.choices === undefined) continue;
      if (inner.length > 0) inner.push(",");
      inner.push(field.name, "(", ...field.choices.flatMap((c, i) => (i > 0 ? ["|", c] : [c])), ")");
    }
    if (inner.length > 0) prefix.push("(", `${structure.name}:`, ...inner, ")");
  }
  return prefix;
}

/** Tasks in the reference's order: structures, entities, relations, classifications. */
export function schemaTasks(schema: CompiledSchema): SchemaTask[] {
  const tasks: SchemaTask[] = [];
  for (const s of schema.structures) {
    const descriptions = new Map(s.fields.flatMap((f) => (f.description === undefined ? [] : [[f.name, f.description] as const])));
    tasks.push(task("json_structures", s.name, s.promptOrder, "[C]", prompt(s.name, descriptions, s.promptOrder)));
  }
  if (schema.entities.length > 0) {
    const names = schema.entities.map((e) => e.name);
    tasks.push(task("entities", "entities", names, "[E]", prompt("entities", schema.entityDescriptions, names)));
  }
  for (const r of schema.relations) tasks.push(task("relations", r.name, ["head", "tail"], "[R]", r.name));
  for (const c of schema.classifications) {
    let text = prompt(c.prompt === undefined ? c.task : `${c.task}: ${c.prompt}`, c.descriptions, c.labels);
    for (const [input, output] of c.examples) if (c.labels.includes(output)) text += ` [EXAMPLE] ${input} [OUTPUT] ${output}`;
    tasks.push({ ...task("classifications", c.task, c.labels, "[L]", text), classification: c });
  }
  return tasks;
}

function prompt(head: string, descriptions: ReadonlyMap<string, string>, fields: readonly string[]): string {
  let text = head;
  for (const [label, description] of descriptions) if (fields.includes(label)) text += ` [DESCRIPTION] ${label}: ${description}`;
  return text;
}

function task(type: TaskType, name: string, fields: readonly string[], marker: string, promptText: string): SchemaTask {
  return { type, name, fields, tokens: ["(", "[P]", promptText, "(", ...fields.flatMap((f) => [marker, f]), ")", ")"] };
}
