/**
 * A task command's flags, generated from the task's schemas (the registry's, the same ones the server and its
 * OpenAPI document use): each input field and option `fooBar` is a flag `--foo-bar`, a boolean defaulting to
 * true is `--no-foo-bar`, and the help shows the schema's description, choices and default. Values are parsed
 * from their schema's type and checked by the schema's validator, so a bad value is one line naming the flag.
 */
import type { Command } from "commander";
import { InvalidInputError, type JsonSchema, type TaskSpec } from "../index.js";
import { check, RUN_OPTIONS } from "../tasks/registry.js";

/** Short aliases that the docs and scripts use. */
const SHORT: Readonly<Record<string, string>> = { labels: "l", threshold: "t", batchSize: "b", question: "q", topK: "k", classes: "c", relations: "r", entityLabels: "e" };

/** Run options a task command takes (wordSplitter is a model flag, `--word-splitter`, on every model command). */
const RUN_FLAGS = ["batchSize", "truncation", "window", "overlap", "batchOrder", "tokenScore", "maxPromptTokens"] as const;

export const flagName = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The fields a task command takes as flags: its input fields (one value for every text) and its options. */
export function taskFields(spec: TaskSpec): { input: Record<string, JsonSchema>; options: Record<string, JsonSchema> } {
  const run = Object.fromEntries(RUN_FLAGS.map((name) => [name, RUN_OPTIONS.properties[name] as JsonSchema]));
  return { input: { ...spec.input.properties }, options: { ...spec.options.properties, ...run } };
}

/** Adds one flag per field; commander stores it under the field's own (camelCase) name. */
export function addSchemaFlags(command: Command, fields: Readonly<Record<string, JsonSchema>>): Command {
  for (const [field, schema] of Object.entries(fields)) {
    const short = SHORT[field] === undefined ? "" : `-${SHORT[field]}, `;
    if (schema.type === "boolean") {
      const negated = schema.default === true;
      command.option(`${short}${negated ? flagName(field).replace(/^--/, "--no-") : flagName(field)}`, helpText(schema, false));
      continue;
    }
    command.option(`${short}${flagName(field)} <${placeholder(schema)}>`, helpText(schema, true), (raw: string) => parseFlag(schema, raw, field));
  }
  return command;
}

/** The given flags among `fields` (commander leaves absent ones undefined; the schema fills in the defaults). */
export function givenFields(flags: Readonly<Record<string, unknown>>, fields: Readonly<Record<string, JsonSchema>>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(fields).flatMap((field) => (flags[field] === undefined ? [] : [[field, flags[field]]])));
}

/** Parses a flag's text as its schema's type and checks it with the schema. */
function parseFlag(schema: JsonSchema, raw: string, field: string): unknown {
  const value = parseRaw(schema, raw, field);
  check(schema, value, field, flagName(field));
  return value;
}

function parseRaw(schema: JsonSchema, raw: string, field: string): unknown {
  switch (schema.type) {
    case "string":
      return raw;
    case "number":
    case "integer":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "array":
      return raw.trim().startsWith("[") ? parseJson(raw, field) : raw.split(",").map((v) => v.trim()).filter((v) => v.length > 0);
    case "object":
      return parseJson(raw, field);
    default: // anyOf (e.g. batchSize: an integer or "auto"): a number when it reads as one
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
}

function parseJson(raw: string, field: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InvalidInputError(field, `${flagName(field)} is not valid JSON: ${raw.slice(0, 60)}`);
  }
}

/** `<p>`-style value names: choices, or what the value is. */
function placeholder(schema: JsonSchema): string {
  if (schema.enum !== undefined) return schema.enum.join("|");
  if (schema.anyOf !== undefined) return schema.anyOf.map(placeholder).join("|");
  switch (schema.type) {
    case "integer":
      return "n";
    case "number":
      return "p";
    case "array":
      return schema.items?.type === "string" ? "list" : "list|json";
    case "object":
      return "json";
    default:
      return "text";
  }
}

function helpText(schema: JsonSchema, withDefault: boolean): string {
  const text = schema.description ?? "";
  const shown = Array.isArray(schema.default) ? schema.default.join(",") : JSON.stringify(schema.default);
  return withDefault && schema.default !== undefined && !/default/i.test(text) ? `${text} (default ${shown})` : text;
}
