/**
 * A run's settings: the flags of `gliner-ts batch` as JSON, because they travel with every queued job and are
 * checked again by each worker. A setting the chosen task does not take is refused when the run starts; per-record fields (a record's own
 * `labels`, `question`, `classes`, ...) override the matching setting for that document. Besides the fields
 * below, any registered task's option or input field may be set (e.g. `labelThresholds`, `window`); the chosen
 * task's schema checks it when the run starts. Other names are refused.
 */
import { InvalidInputError, optionsSchema, TASK_SPECS } from "../index.js";
import { GLINER2_TASK_SPECS } from "../tasks/registry.js";
import type { RelationSpec } from "../tasks/types.js";
import type { Truncation } from "../types.js";
import { checkOneOf, checkPositiveInteger, checkThreshold } from "../validate.js";
import { type JsonObject, kindOf } from "./documents.js";

export interface BatchSettings {
  /** Probability threshold; absent means the task's own default (0.5 for most, 0.25 for summarize). */
  readonly threshold?: number;
  /** No overlapping spans (default true). */
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
  /** Passes per model call, or "auto" (GLiNER tasks: sized by sub-tokens). */
  readonly batchSize: number | "auto";
  readonly truncation: Truncation;
  /** ner: labels; extract: span labels (default ["match"]). */
  readonly labels?: readonly string[];
  /** relations, qa, summarize, sentiment, keyphrases: the task prompt or template. */
  readonly prompt?: string;
  readonly relations?: readonly (string | RelationSpec)[];
  readonly entityLabels?: readonly string[];
  readonly entityThreshold?: number;
  readonly relationThreshold?: number;
  readonly question?: string;
  readonly topK?: number;
  readonly classes?: readonly string[];
  readonly instruction?: string;
  readonly polarities?: readonly string[];
  /** schema (GLiNER2): the schema for documents without their own "schema" (docs/gliner2.md). */
  readonly schema?: JsonObject;
  /** schema: results carry confidences / span offsets. */
  readonly includeConfidence?: boolean;
  readonly includeSpans?: boolean;
  /** Other task fields, checked by the task's schema. */
  readonly [field: string]: unknown;
}

export const DEFAULT_SETTINGS: BatchSettings = { flatNer: true, multiLabel: false, batchSize: 8, truncation: "window" };

/** Settings from flags or a job payload, checked field by field; throws {@link InvalidInputError}. */
export function parseSettings(value: unknown): BatchSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInputError("settings", `batch settings must be an object; got ${kindOf(value)}.`);
  }
  const v = value as JsonObject;
  const flag = (name: string): boolean => {
    if (typeof v[name] !== "boolean") throw new InvalidInputError(name, `${name} must be true or false; got ${kindOf(v[name])}.`);
    return v[name] as boolean;
  };
  const optional = <T>(name: string, check: (x: unknown, name: string) => T): { [key: string]: T } =>
    v[name] === undefined ? {} : { [name]: check(v[name], name) };
  return {
    flatNer: flag("flatNer"),
    multiLabel: flag("multiLabel"),
    batchSize: v["batchSize"] === "auto" ? "auto" : checkPositiveInteger(v["batchSize"], "batchSize"),
    truncation: checkOneOf(v["truncation"], ["window", "truncate", "error"], "truncation"),
    ...optional("threshold", checkThreshold),
    ...optional("entityThreshold", checkThreshold),
    ...optional("relationThreshold", checkThreshold),
    ...optional("topK", checkPositiveInteger),
    ...optional("labels", stringList),
    ...optional("entityLabels", stringList),
    ...optional("classes", stringList),
    ...optional("polarities", stringList),
    ...optional("prompt", string),
    ...optional("question", string),
    ...optional("instruction", string),
    ...optional("relations", relationList),
    ...optional("schema", object),
    ...optional("includeConfidence", boolean),
    ...optional("includeSpans", boolean),
    ...otherTaskFields(v),
  };
}

/** The fields with their own checks above; the rest must be a registered task's field. */
const TYPED = new Set(["flatNer", "multiLabel", "batchSize", "truncation", "threshold", "entityThreshold", "relationThreshold", "topK", "labels", "entityLabels", "classes", "polarities", "prompt", "question", "instruction", "relations", "schema", "includeConfidence", "includeSpans"]);

function otherTaskFields(v: JsonObject): JsonObject {
  const known = new Set([...TASK_SPECS, ...GLINER2_TASK_SPECS].flatMap((spec) => [...Object.keys(spec.input.properties), ...Object.keys(optionsSchema(spec).properties)]));
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(v)) {
    if (TYPED.has(name) || value === undefined) continue;
    if (!known.has(name)) throw new InvalidInputError(name, `unknown batch setting "${name}"; settings are the tasks' fields: ${[...known].sort().join(", ")}.`);
    out[name] = value;
  }
  return out;
}

function string(value: unknown, name: string): string {
  if (typeof value !== "string") throw new InvalidInputError(name, `${name} must be a string; got ${kindOf(value)}.`);
  return value;
}

function object(value: unknown, name: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InvalidInputError(name, `${name} must be a JSON object; got ${kindOf(value)}.`);
  return value as JsonObject;
}

function boolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean") throw new InvalidInputError(name, `${name} must be true or false; got ${kindOf(value)}.`);
  return value;
}

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === "string" && x.trim() !== "")) {
    throw new InvalidInputError(name, `${name} must be a non-empty list of non-empty strings, e.g. person,organization; got ${kindOf(value)}.`);
  }
  return value as string[];
}

/** The shape only; the relations task checks the rest (pair filters, distances) with its own messages. */
function relationList(value: unknown, name: string): (string | RelationSpec)[] {
  const ok = Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === "string" || (typeof x === "object" && x !== null && !Array.isArray(x)));
  if (!ok) throw new InvalidInputError(name, `${name} must be a non-empty list of relation names or {relation, pairsFilter?, distanceThreshold?} objects.`);
  return value as (string | RelationSpec)[];
}
