/**
 * JSON schemas shared by the routes. They drive request validation, response serialization and the OpenAPI
 * document, so what the docs say is what the server checks.
 */
import { type JsonSchema, LABEL_SCHEMA } from "../index.js";
import type { ServerLimits } from "./options.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export const entitySchema = {
  $id: "Entity",
  type: "object",
  description: "A span of the text. Offsets are UTF-16 code units: text.slice(start, end) === entity.text in JavaScript.",
  required: ["start", "end", "text", "label", "score"],
  properties: {
    start: { type: "integer", description: "Offset of the first character (inclusive)." },
    end: { type: "integer", description: "Offset after the last character (exclusive)." },
    text: { type: "string", description: "The covered text." },
    label: { type: "string" },
    score: { type: "number", description: "Probability in (0, 1)." },
  },
} as const;

export const errorSchema = {
  $id: "Error",
  type: "object",
  description: "Every error response: the HTTP status, a stable code, and a message that says what to fix.",
  required: ["statusCode", "code", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    code: { type: "string", description: "INVALID_INPUT, TEXT_TOO_LONG, BODY_TOO_LARGE, QUEUE_FULL, TIMEOUT, NOT_READY, SHUTTING_DOWN, UNSUPPORTED, NOT_FOUND, INTERNAL…" },
    error: { type: "string", description: "The HTTP reason phrase." },
    message: { type: "string" },
  },
} as const;

/** Error responses every inference route can give. */
export const errorResponses = {
  400: { description: "Invalid request: the message names the field and the fix.", $ref: "Error#" },
  413: { description: "Body or text too long.", $ref: "Error#" },
  415: { description: "Not JSON.", $ref: "Error#" },
  429: { description: "Queue full; see the Retry-After header.", $ref: "Error#" },
  500: { description: "Unexpected failure (details in the server log, never in the response).", $ref: "Error#" },
  503: { description: "Model not loaded yet, shutting down, or timed out; see Retry-After.", $ref: "Error#" },
} as const;

export function labelSchema(limits: ServerLimits) {
  return { type: "string", minLength: 1, maxLength: limits.maxLabelLength, pattern: "\\S" } as const;
}

export function labelsSchema(limits: ServerLimits, description: string) {
  return { type: "array", minItems: 1, maxItems: limits.maxLabels, items: labelSchema(limits), description } as const;
}

export function textSchema(limits: ServerLimits) {
  return { type: "string", description: `The text; longer than the model's window it is read in overlapping windows. At most ${limits.maxTextLength} UTF-16 code units.` } as const;
}

export function textsSchema(limits: ServerLimits) {
  return {
    type: "array",
    minItems: 1,
    maxItems: limits.maxTexts,
    items: { type: "string" },
    description: `Several texts (at most ${limits.maxTexts}); the response lists one result per text, in order.`,
  } as const;
}

export const thresholdSchema = {
  type: "number",
  exclusiveMinimum: 0,
  exclusiveMaximum: 1,
  description: `Keep spans whose probability is above this (default ${DEFAULT_THRESHOLD}).`,
} as const;

/** Refs to the shared schemas; register them once with `app.addSchema`. */
export const sharedSchemas = [entitySchema, errorSchema] as const;

/**
 * A task schema with the server's caps added: labels at most `maxLabelLength` characters and `maxLabels` to a
 * list, other strings at most `maxTextLength`.
 */
export function limitSchema(schema: JsonSchema, limits: ServerLimits): JsonSchema {
  if (schema === LABEL_SCHEMA) return { ...schema, maxLength: limits.maxLabelLength };
  if (schema.$ref !== undefined) return schema;
  const out: Record<string, unknown> = { ...schema };
  if (schema.type === "string" && schema.enum === undefined && schema.maxLength === undefined) out["maxLength"] = limits.maxTextLength;
  if (schema.items !== undefined) {
    out["items"] = limitSchema(schema.items, limits);
    if (schema.items === LABEL_SCHEMA && schema.maxItems === undefined) out["maxItems"] = limits.maxLabels;
  }
  if (schema.properties !== undefined) {
    out["properties"] = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, limitSchema(s, limits)]));
  }
  if (typeof schema.additionalProperties === "object") out["additionalProperties"] = limitSchema(schema.additionalProperties, limits);
  if (schema.anyOf !== undefined) out["anyOf"] = schema.anyOf.map((s) => limitSchema(s, limits));
  return out as JsonSchema;
}
