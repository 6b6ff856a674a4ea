/**
 * The JSON-schema subset task specs write their inputs and options in, and the one validator of it. The same
 * schema objects are the server's request schema and OpenAPI document and the CLI's flags, so what the docs say
 * is what every surface checks. Errors are {@link InvalidInputError}s that name the field and say what it must be.
 */
import { InvalidInputError } from "../errors.js";
import { describe } from "../validate.js";

export interface JsonSchema {
  readonly type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly $ref?: string;
}

/** An object schema: named properties, some required. */
export interface ObjectSchema extends JsonSchema {
  readonly type: "object";
  readonly properties: Readonly<Record<string, JsonSchema>>;
}

export function objectSchema(properties: Record<string, JsonSchema>, required: readonly string[] = []): ObjectSchema {
  return { type: "object", additionalProperties: false, properties, required };
}

/**
 * Checks `value` against an object schema and returns a copy with the defaults filled in. `argument` names the
 * error's argument (the top-level field); `where` prefixes field paths in messages (e.g. `inputs[2].`).
 */
export function validateObject(schema: ObjectSchema, value: unknown, where = "", what = "options"): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInputError(what, `${where || what} must be an object; got ${describe(value)}.`);
  }
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties)) {
    const given = record[name];
    if (given === undefined) {
      if (schema.required?.includes(name)) throw new InvalidInputError(name, `${where}${name} is required: ${expectation(field, true)}.`);
      if (field.default !== undefined) out[name] = field.default;
      continue;
    }
    check(field, given, name, `${where}${name}`);
    out[name] = given;
  }
  for (const [name, given] of Object.entries(record)) {
    if (name in schema.properties || given === undefined) continue;
    if (schema.additionalProperties === false) {
      const known = Object.keys(schema.properties).join(", ");
      throw new InvalidInputError(name, `${where}${name} is not a known ${what === "options" ? "option" : "field"}; use one of: ${known}.`);
    }
    if (typeof schema.additionalProperties === "object") check(schema.additionalProperties, given, what, `${where}${name}`);
    out[name] = given;
  }
  return out;
}

/** Throws unless `value` fits `schema`; `argument` is the top-level field, `path` the full one for the message. */
export function check(schema: JsonSchema, value: unknown, argument: string, path: string): void {
  if (schema.anyOf !== undefined) {
    for (const option of schema.anyOf) {
      try {
        check(option, value, argument, path);
        return;
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
      }
    }
    fail(schema, value, argument, path);
  }
  if (!fitsType(schema, value)) fail(schema, value, argument, path);
  if (schema.enum !== undefined && !schema.enum.includes(value)) fail(schema, value, argument, path);
  if (typeof value === "string") {
    const tooShort = schema.minLength !== undefined && value.length < schema.minLength;
    const tooLong = schema.maxLength !== undefined && value.length > schema.maxLength;
    if (tooShort || tooLong || (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))) fail(schema, value, argument, path);
  }
  if (typeof value === "number") {
    const { minimum, maximum, exclusiveMinimum: above, exclusiveMaximum: below } = schema;
    const out = (minimum !== undefined && value < minimum) || (maximum !== undefined && value > maximum) ||
      (above !== undefined && value <= above) || (below !== undefined && value >= below);
    if (out) fail(schema, value, argument, path);
  }
  if (Array.isArray(value)) {
    if ((schema.minItems !== undefined && value.length < schema.minItems) || (schema.maxItems !== undefined && value.length > schema.maxItems)) {
      fail(schema, value, argument, path);
    }
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      throw new InvalidInputError(argument, `${path} must not repeat an item; got ${JSON.stringify(value)}.`);
    }
    if (schema.items !== undefined) value.forEach((item, i) => check(schema.items as JsonSchema, item, argument, `${path}[${i}]`));
  }
  if (schema.type === "object") validateObject({ properties: {}, ...schema, type: "object" }, value, `${path}.`, argument);
}

function fitsType(schema: JsonSchema, value: unknown): boolean {
  switch (schema.type) {
    case undefined:
      return true;
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return typeof value === schema.type;
  }
}

function fail(schema: JsonSchema, value: unknown, argument: string, path: string): never {
  throw new InvalidInputError(argument, `${path} must be ${expectation(schema)}; got ${describe(value)}.`);
}

/** What a schema asks for, in words: "a number strictly between 0 and 1", "a non-empty array of non-empty strings". */
export function expectation(schema: JsonSchema, withExample = true): string {
  const example = withExample && schema.examples?.[0] !== undefined ? `, e.g. ${JSON.stringify(schema.examples[0])}` : "";
  if (schema.anyOf !== undefined) return `${schema.anyOf.map((s) => expectation(s, false)).join(" or ")}${example}`;
  if (schema.enum !== undefined) return `one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  switch (schema.type) {
    case "number":
    case "integer":
      return `${numberPhrase(schema)}${example}`;
    case "string":
      return `${schema.pattern !== undefined || (schema.minLength ?? 0) > 0 ? "a non-empty string" : "a string"}${
        schema.maxLength !== undefined ? ` of at most ${schema.maxLength} characters` : ""
      }${example}`;
    case "array": {
      const items = schema.items === undefined ? "items" : plural(expectation(schema.items, false));
      const size = schema.maxItems !== undefined ? ` (at most ${schema.maxItems})` : "";
      return `${(schema.minItems ?? 0) > 0 ? "a non-empty array" : "an array"} of ${items}${size}${example}`;
    }
    case "boolean":
      return "true or false";
    case "object":
      return `an object${schema.required?.length ? ` with ${schema.required.join(", ")}` : ""}${example}`;
    default:
      return `valid${example}`;
  }
}

function numberPhrase(s: JsonSchema): string {
  const kind = s.type === "integer" ? "an integer" : "a number";
  if (s.type === "integer" && s.minimum === 1 && s.maximum === undefined) return "a positive integer";
  if (s.exclusiveMinimum !== undefined && s.exclusiveMaximum !== undefined) return `${kind} strictly between ${s.exclusiveMinimum} and ${s.exclusiveMaximum}`;
  const bounds = [
    s.minimum !== undefined ? `≥ ${s.minimum}` : undefined,
    s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined,
    s.maximum !== undefined ? `≤ ${s.maximum}` : undefined,
    s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : undefined,
  ].filter((b) => b !== undefined);
  return bounds.length === 0 ? kind : `${kind} ${bounds.join(" and ")}`;
}

function plural(phrase: string): string {
  return phrase.replace(/^an? (non-empty )?(\w+)/, (_, empty: string | undefined, noun: string) => `${empty ?? ""}${noun}s`);
}
