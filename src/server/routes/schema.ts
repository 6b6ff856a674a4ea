/**
 * `POST /v1/schema`: a GLiNER2 schema (entities, classifications, structures, relations; docs/gliner2.md) on
 * one text or many, answered in the Python `gliner2` JSON shapes. Registered when the server runs a GLiNER2
 * model (`serve --gliner2`). The body's JSON schema below is the one in the OpenAPI document; the schema's own
 * checks (duplicate fields, bad field specs, ...) answer 400 naming the field.
 */
import type { FastifyInstance } from "fastify";
import type { GLiNER2Base } from "../../index.js";
import { type ServerContext, pickTexts } from "../context.js";
import { HttpError } from "../http-errors.js";
import { RUN_OPTIONS } from "../../tasks/registry.js";
import type { WordSplitter } from "../../text/words.js";
import { errorResponses } from "../schemas.js";

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

const resultSchema = { type: "object", additionalProperties: true, description: "Keys in task order: structures, entities, classifications, then relation_extraction." } as const;

interface SchemaBody {
  text?: string;
  texts?: string[];
  schema: Record<string, unknown>;
  threshold?: number;
  includeConfidence?: boolean;
  includeSpans?: boolean;
  offsets?: "utf16" | "codePoints";
  chunkSize?: number;
  chunkOverlap?: number;
  wordSplitter?: WordSplitter;
}

export function registerSchemaRoute(app: FastifyInstance, ctx: ServerContext, model: () => GLiNER2Base): void {
  app.addSchema(gliner2SchemaSchema);
  app.post<{ Body: SchemaBody }>(
    "/v1/schema",
    {
      schema: {
        tags: ["tasks"],
        summary: "GLiNER2: entities, classifications, structures and relations of one schema, in one pass",
        description:
          "Runs on the server's GLiNER2 model (serve --gliner2). Give text or texts. chunkSize/chunkOverlap read long texts in word chunks merged as the reference's extract_long. Offsets are UTF-16 unless offsets is codePoints.",
        body: {
          type: "object",
          required: ["schema"],
          additionalProperties: false,
          properties: {
            text: { type: "string" },
            texts: { type: "array", minItems: 1, items: { type: "string" } },
            schema: { $ref: "Gliner2Schema#" },
            threshold: { ...threshold, default: 0.5, description: "Span probability cut-off (>=). Default 0.5." },
            includeConfidence: { type: "boolean", default: false },
            includeSpans: { type: "boolean", default: false },
            offsets: { type: "string", enum: ["utf16", "codePoints"], default: "utf16" },
            chunkSize: { type: "integer", minimum: 1, description: "Words per chunk for long texts (extractLong)." },
            chunkOverlap: { type: "integer", minimum: 0, description: "Words shared by consecutive chunks (default 64)." },
            wordSplitter: RUN_OPTIONS.properties["wordSplitter"],
          },
        },
        response: {
          200: {
            type: "object",
            properties: { result: resultSchema, results: { type: "array", items: resultSchema } },
          },
          ...errorResponses,
          503: { $ref: "Error#" },
        },
      },
    },
    async (request) => {
      const body = request.body;
      const { texts, single } = pickTexts(body, ctx.options.limits.maxTextLength);
      if (texts.length > ctx.options.limits.maxTexts) {
        throw new HttpError(413, "TOO_MANY_TEXTS", `${texts.length} texts in one request; this server takes at most ${ctx.options.limits.maxTexts}.`);
      }
      const options = {
        threshold: body.threshold ?? 0.5,
        includeConfidence: body.includeConfidence ?? false,
        includeSpans: body.includeSpans ?? false,
        offsets: body.offsets ?? "utf16",
        batchSize: ctx.options.batching.maxBatchSize,
        ...(body.wordSplitter === undefined ? {} : { wordSplitter: body.wordSplitter }),
      };
      const long = body.chunkSize !== undefined || body.chunkOverlap !== undefined;
      const results = long
        ? await model().batchExtractLong(texts, body.schema, { ...options, ...(body.chunkSize === undefined ? {} : { chunkSize: body.chunkSize }), ...(body.chunkOverlap === undefined ? {} : { chunkOverlap: body.chunkOverlap }) })
        : await model().batchExtract(texts, body.schema, options);
      return single ? { result: results[0] } : { results };
    },
  );
}
