/**
 * GLiNER2's `schema` task (docs/gliner2.md): a schema (entities, classifications, structures, relations) run in
 * one pass on each input, answered in the Python `gliner2` JSON shapes under `result`. It runs on a GLiNER2
 * model, whose {@link Gliner2Engine} is `batchExtract` / `batchExtractLong`; the schema's own checks (duplicate
 * fields, bad field specs, ...) are the model's and name the field. Every surface runs it through the registry.
 */
import { InvalidInputError } from "../errors.js";
import { defineTask, RUN_OPTIONS } from "../tasks/spec.js";
import type { JsonSchema } from "../tasks/schema.js";
import type { ExtractResult, Gliner2BatchOptions, Gliner2LongOptions, SchemaInput } from "./types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

/** A GLiNER2 model as the registry sees it. */
export interface Gliner2Engine {
  readonly modelClass: "GLiNER2";
  batchExtract(texts: readonly string[], schemas: readonly SchemaInput[], options: Gliner2BatchOptions): Promise<ExtractResult[]>;
  batchExtractLong(texts: readonly string[], schemas: readonly SchemaInput[], options: Gliner2LongOptions): Promise<ExtractResult[]>;
}

export interface Gliner2TaskOptions {
  threshold?: number;
  includeConfidence?: boolean;
  includeSpans?: boolean;
  offsets?: "utf16" | "codePoints";
  /** Read only the first `maxLength` words of each text (the reference's `max_len`; default: all). Not with chunks. */
  maxLength?: number;
  /** Words per chunk for long texts (extractLong); with chunkOverlap, long texts are read in chunks. */
  chunkSize?: number;
  chunkOverlap?: number;
  batchSize?: number;
  wordSplitter?: string;
}

const name = { type: "string", minLength: 1 } as const;
const names = { type: "array", minItems: 1, items: name } as const;
const threshold = { type: "number", minimum: 0, maximum: 1 } as const;
const dtype = { type: "string", enum: ["str", "list"] } as const;
const validator = {
  type: "object",
  required: ["pattern"],
  additionalProperties: false,
  properties: { pattern: { type: "string" }, mode: { type: "string", enum: ["full", "partial"] }, exclude: { type: "boolean" }, flags: { type: "string" } },
} as const;
const fieldOptions = {
  type: "object",
  additionalProperties: false,
  properties: { name, dtype, choices: names, description: { type: "string" }, threshold, validators: { type: "array", items: validator } },
} as const;
const labelsOrDescriptions = { anyOf: [names, { type: "object", minProperties: 1, additionalProperties: { type: "string" } }] } as const;

/** The JSON form of a GLiNER2 schema (`SchemaInput`). */
export const gliner2SchemaSchema = {
  $id: "Gliner2Schema",
  type: "object",
  description:
    'A GLiNER2 schema: any of entities, classifications, structures, relations, all run in one pass. Field specs are "name::str|list::[a|b]::description" strings or objects.',
  additionalProperties: false,
  minProperties: 1,
  examples: [{ entities: ["person", "company"], classifications: { sentiment: ["positive", "negative"] }, structures: { order: ["id::str", "carrier::[dhl|ups]::str"] }, relations: ["works_for"] }],
  properties: {
    entities: {
      description: "Entity types: a list, or type → description / { description, dtype, threshold }.",
      anyOf: [name, names, { type: "object", minProperties: 1, additionalProperties: { anyOf: [{ type: "string" }, { type: "object", additionalProperties: false, properties: { description: { type: "string" }, dtype, threshold } }] } }],
    },
    classifications: {
      description: "Task → labels (a list or label → description), or task → { labels, multiLabel, clsThreshold, classAct, examples, prompt }.",
      type: "object",
      minProperties: 1,
      additionalProperties: {
        anyOf: [
          labelsOrDescriptions,
          {
            type: "object",
            required: ["labels"],
            additionalProperties: false,
            properties: {
              labels: labelsOrDescriptions,
              multiLabel: { type: "boolean" },
              clsThreshold: threshold,
              classAct: { type: "string", enum: ["auto", "softmax", "sigmoid"] },
              examples: { type: "array", items: { type: "array", minItems: 2, maxItems: 2, items: { type: "string" } } },
              prompt: { type: "string" },
            },
          },
        ],
      },
    },
    structures: {
      description: "Structure → its fields: field specs (strings or { name, ... }), or field name → options.",
      type: "object",
      minProperties: 1,
      additionalProperties: { anyOf: [{ type: "array", minItems: 1, items: { anyOf: [{ type: "string" }, fieldOptions] } }, { type: "object", minProperties: 1, additionalProperties: fieldOptions }] },
    },
    relations: {
      description: "Relation types: a list, or type → description / { description, threshold }.",
      anyOf: [name, names, { type: "object", minProperties: 1, additionalProperties: { anyOf: [{ type: "string" }, { type: "object", additionalProperties: false, properties: { description: { type: "string" }, threshold } }] } }],
    },
  },
} as const;


const resultSchema: JsonSchema = { type: "object", additionalProperties: true, description: "Keys in task order: structures, entities, classifications, then relation_extraction." };

export const schemaTask = defineTask<{ text: string; schema: SchemaInput }, Gliner2TaskOptions, ExtractResult, Gliner2Engine>({
  name: "schema",
  modelClass: "GLiNER2",
  summary: "GLiNER2: entities, classifications, structures and relations of one schema, in one pass",
  description:
    "Runs on a GLiNER2 model (serve --gliner2). chunkSize/chunkOverlap read long texts in word chunks merged as the reference's extract_long. Offsets are UTF-16 unless offsets is codePoints.",
  input: { type: "object", additionalProperties: false, required: ["schema"], properties: { schema: gliner2SchemaSchema } },
  options: {
    type: "object",
    additionalProperties: false,
    properties: {
      threshold: { ...threshold, default: DEFAULT_THRESHOLD, description: `Span probability cut-off (>=). Default ${DEFAULT_THRESHOLD}.` },
      includeConfidence: { type: "boolean", default: false, description: "Results carry confidences." },
      includeSpans: { type: "boolean", default: false, description: "Span results carry start/end offsets." },
      offsets: { type: "string", enum: ["utf16", "codePoints"], default: "utf16", description: "Offsets in UTF-16 code units (default) or code points (Python's)." },
      maxLength: { type: "integer", minimum: 1, description: "Read only the first maxLength words of each text (the reference's max_len). Default: all words; not with chunkSize/chunkOverlap." },
      chunkSize: { type: "integer", minimum: 1, description: "Words per chunk for long texts (extractLong)." },
      chunkOverlap: { type: "integer", minimum: 0, description: "Words shared by consecutive chunks (default 64)." },
      batchSize: { type: "integer", minimum: 1, default: 8, description: "Texts (or chunks) per model call (default 8)." },
      wordSplitter: RUN_OPTIONS.properties["wordSplitter"] as JsonSchema,
    },
  },
  result: { name: "result", schema: resultSchema },
  async run(engine, inputs, options) {
    if (inputs.length === 0) return [];
    const { threshold, includeConfidence, includeSpans, offsets, maxLength, chunkSize, chunkOverlap, batchSize, wordSplitter } = options;
    const settings = { threshold, includeConfidence, includeSpans, offsets, batchSize, ...(wordSplitter === undefined ? {} : { wordSplitter }) };
    const texts = inputs.map((input) => input.text);
    const schemas = inputs.map((input) => input.schema);
    if (chunkSize === undefined && chunkOverlap === undefined) return engine.batchExtract(texts, schemas, { ...settings, ...(maxLength === undefined ? {} : { maxLength }) });
    if (maxLength !== undefined) {
      throw new InvalidInputError("maxLength", "maxLength (read only the first words) and chunkSize/chunkOverlap (read every word, in chunks) exclude each other; give one.");
    }
    return engine.batchExtractLong(texts, schemas, { ...settings, ...(chunkSize === undefined ? {} : { chunkSize }), ...(chunkOverlap === undefined ? {} : { chunkOverlap }) });
  },
});
