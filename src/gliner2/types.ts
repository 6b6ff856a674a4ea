/**
 * Public GLiNER2 types: the schema as plain data (what the CLI, server and page take as JSON), the call
 * options, and the results in the reference's JSON shapes (keys as the Python `gliner2` returns them).
 */
import type { WordSplitter } from "../text/words.js";

export type FieldDtype = "str" | "list";

/** A regex filter on the span text of a structure field, like the reference's `RegexValidator`. */
export interface RegexValidatorSpec {
  /** A JavaScript regular expression source (or RegExp); matched case-insensitively unless `flags` says otherwise. */
  pattern: string | RegExp;
  /** "full" (default): the whole span text must match; "partial": a match anywhere. */
  mode?: "full" | "partial";
  /** Keep spans that do NOT match. */
  exclude?: boolean;
  /** RegExp flags (default "i", the reference's re.IGNORECASE). */
  flags?: string;
}

export interface EntityTypeOptions {
  description?: string;
  /** "list" (default): every span; "str": the best span only. */
  dtype?: FieldDtype;
  /** Overrides the call's threshold for this type, in [0, 1]. */
  threshold?: number;
}

/** Entity types: one name, a list of names, or name → description / options. */
export type EntityTypes = string | readonly string[] | Readonly<Record<string, string | EntityTypeOptions>>;

export interface ClassificationOptions {
  /** Several labels may apply (sigmoid per label, `clsThreshold`); default false (softmax, the best label). */
  multiLabel?: boolean;
  /** Multi-label cut-off (default 0.5). */
  clsThreshold?: number;
  /** "auto" (default): softmax unless multiLabel, else sigmoid. */
  classAct?: "auto" | "softmax" | "sigmoid";
  /** Few-shot examples `[input, label]`, written into the prompt. */
  examples?: ReadonlyArray<readonly [string, string]>;
  /** Extra instruction appended to the task name in the prompt. */
  prompt?: string;
}

/** Labels as a list, or label → description. */
export type ClassificationLabels = readonly string[] | Readonly<Record<string, string>>;

/** Classification tasks as `classifyText` takes them: task → labels, or task → `{ labels, ...options }`. */
export type ClassificationTasks = Readonly<
  Record<string, ClassificationLabels | (ClassificationOptions & { labels: ClassificationLabels })>
>;

export interface FieldOptions {
  /** "list" (default; "str" when `choices` are given): every span / the first span. */
  dtype?: FieldDtype;
  /** A closed set of values: the field is classified among them instead of extracted. */
  choices?: readonly string[];
  description?: string;
  threshold?: number;
  validators?: readonly RegexValidatorSpec[];
}

/**
 * A structure's fields: `"name::str|list::[a|b|c]::description"` strings (as the reference's `extract_json`),
 * `{ name, ...FieldOptions }` objects, or an object field name → options.
 */
export type StructureFields =
  | ReadonlyArray<string | (FieldOptions & { name: string })>
  | Readonly<Record<string, FieldOptions>>;

/** Structures as `extractJson` takes them: structure name → its fields. */
export type StructureSpecs = Readonly<Record<string, StructureFields>>;

export interface RelationTypeOptions {
  /** Accepted like the reference, which never uses relation descriptions. */
  description?: string;
  threshold?: number;
}

export type RelationTypes = string | readonly string[] | Readonly<Record<string, string | RelationTypeOptions>>;

/**
 * A whole schema as plain JSON: any combination of the four tasks, run in one pass. This is the format of
 * `gliner-ts schema --schema file.json`, of the server's `/v1/schema` body and of the page's Schema task.
 * @example
 * { "entities": ["person", "company"], "classifications": { "sentiment": ["positive", "negative"] },
 *   "structures": { "order": ["id::str", "carrier::[dhl|ups]::str"] }, "relations": ["works_for"] }
 */
export interface SchemaInput {
  entities?: EntityTypes;
  classifications?: ClassificationTasks;
  structures?: StructureSpecs;
  relations?: RelationTypes;
}

export interface Gliner2Options {
  /** Span probability cut-off (`>=`, default 0.5), overridden per entity type/field/relation. */
  threshold?: number;
  /** Results carry `confidence` (spans, choices and labels). */
  includeConfidence?: boolean;
  /** Span results carry `start`/`end` offsets into the text. */
  includeSpans?: boolean;
  /**
   * Offsets unit: "utf16" (default; `text.slice(start, end)` holds) or "codePoints" (Python string indices,
   * identical to the reference's offsets).
   */
  offsets?: "utf16" | "codePoints";
  /** Read only the first `maxLength` words of the text, like the reference's `max_len` (default: all words). */
  maxLength?: number;
  /**
   * How the text is cut into words: "whitespace" (the reference's rule), "intl" or "auto" (Intl.Segmenter for
   * Chinese, Japanese, Thai, …), optionally with a locale ("intl:ja"). Default: the model's (load option).
   */
  wordSplitter?: WordSplitter;
}

export interface Gliner2BatchOptions extends Gliner2Options {
  /** Texts per model call (default 8). Texts are grouped by length first; results keep the input order. */
  batchSize?: number;
  /** Called after each model call with the texts done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface Gliner2LongOptions extends Omit<Gliner2BatchOptions, "maxLength"> {
  /** Words per chunk (default 384). */
  chunkSize?: number;
  /** Words shared by consecutive chunks (default 64; smaller than chunkSize). */
  chunkOverlap?: number;
}

/** A span result: text, and `confidence` / `start`+`end` when asked for. */
export interface SpanValue {
  text: string;
  confidence?: number;
  start?: number;
  end?: number;
}

/** A classification result with confidence. */
export interface LabelValue {
  label: string;
  confidence: number;
}

/** A span as a plain string (no flags) or a {@link SpanValue}. */
export type SpanResult = string | SpanValue;

/** A relation instance: `[head, tail]` texts (no flags) or head/tail span objects. */
export type RelationInstance = [string, string] | { head: SpanValue; tail: SpanValue };

/** One value of a structure instance or entity type: a list (dtype "list"), one span (dtype "str") or null. */
export type FieldValue = SpanResult[] | SpanResult | null;

export type StructureInstance = Record<string, FieldValue>;

/**
 * Result values, by key: `entities` (type → spans; `{}` when the model counts no entity), a classification
 * task (label, `{label, confidence}` or a list of them when multi-label), a structure (list of instances;
 * `{}` when the model counts none, as the reference returns), `relation_extraction` (relation → instances).
 */
export type ResultValue =
  | Record<string, FieldValue>
  | string
  | LabelValue
  | Array<string | LabelValue>
  | StructureInstance[]
  | Record<string, RelationInstance[]>;

/** The result of one text: keys in task order (structures, entities, classifications), relations last. */
export type ExtractResult = Record<string, ResultValue>;
