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

/**
 * The fields of several tasks as one set of flags (`gliner-ts batch --task <any>`), without `exclude` (flags the
 * command defines itself). A field several tasks take is one flag; its help names those tasks, and it shows a
 * default and is checked as it is parsed only where every task's schema agrees — otherwise the chosen task's
 * schema checks it when the run starts. Returns the flag schemas and the fields left unchecked.
 */
export function sharedTaskFields(specs: readonly TaskSpec[], exclude: readonly string[]): { fields: Record<string, JsonSchema>; unchecked: Set<string> } {
  const byField = new Map<string, { schemas: JsonSchema[]; tasks: string[] }>();
  for (const spec of specs) {
    const { input, options } = taskFields(spec);
    for (const [field, schema] of Object.entries({ ...input, ...options })) {
      if (exclude.includes(field)) continue;
      const seen = byField.get(field) ?? { schemas: [], tasks: [] };
      seen.schemas.push(schema);
      seen.tasks.push(spec.name);
      byField.set(field, seen);
    }
  }
  const fields: Record<string, JsonSchema> = {};
  const unchecked = new Set<string>();
  for (const [field, { schemas, tasks }] of byField) {
    const first = schemas[0] as JsonSchema;
    const sameRules = schemas.every((s) => JSON.stringify(rules(s)) === JSON.stringify(rules(first)));
    const sameDefault = schemas.every((s) => JSON.stringify(s.default) === JSON.stringify(first.default));
    if (!sameRules) unchecked.add(field);
    const who = tasks.length === specs.length ? "" : `${tasks.join("/")}: `;
    const texts = new Set(schemas.map((s) => withoutDefault(s.description ?? "")));
    const text = texts.size === 1 ? withoutDefault(first.description ?? "") : `the task's ${field} (each task's help: gliner-ts <task> --help).`;
    const description = sameDefault ? (texts.size === 1 ? first.description ?? "" : text) : `${text} (default: the task's)`;
    const { default: _default, ...rest } = first;
    fields[field] = { ...(sameDefault ? first : rest), description: `${who}${description}` };
  }
  return { fields, unchecked };
}

/** A schema's validation rules: all but its documentation and default. */
function rules(schema: JsonSchema): JsonSchema {
  const { description: _d, default: _v, examples: _e, ...rest } = schema;
  return rest;
}

/** A description without its "Default 0.5." sentence or "(default …)" remark. */
const withoutDefault = (text: string): string => text.replace(/\s*\(default\b[^)]*\)|\s*\bDefault\s+\S+?\.(?=\s|$)/gi, "").trim();

/** Adds one flag per field; commander stores it under the field's own (camelCase) name. Fields in `unchecked` are parsed, not checked. */
export function addSchemaFlags(command: Command, fields: Readonly<Record<string, JsonSchema>>, unchecked: ReadonlySet<string> = new Set()): Command {
  for (const [field, schema] of Object.entries(fields)) {
    const short = SHORT[field] === undefined ? "" : `-${SHORT[field]}, `;
    if (schema.type === "boolean") {
      const negated = schema.default === true;
      command.option(`${short}${negated ? flagName(field).replace(/^--/, "--no-") : flagName(field)}`, helpText(schema, false));
      continue;
    }
    const parse = unchecked.has(field) ? (raw: string) => parseRaw(schema, raw, field) : (raw: string) => parseFlag(schema, raw, field);
    command.option(`${short}${flagName(field)} <${placeholder(schema)}>`, helpText(schema, true), parse);
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
