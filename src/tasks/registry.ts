/**
 * The registry of tasks: every task any surface runs (library, server, CLI, batch and queue jobs, web worker,
 * page) is listed here, and every surface dispatches by its name through `model.run(task, inputs, options)`.
 *
 * Adding a task (a new family's relations, GLiNER2 schemas, ...):
 * 1. Write its spec in one file with `defineTask` (spec.ts): `name`; `input` (an input's fields besides `text`,
 *    as a JSON schema object); `options` (a JSON schema object whose `default`s are the defaults; it is the only
 *    validator, and the server's OpenAPI document and the CLI's flags are generated from it); `result` (the field
 *    name every surface answers with, and its schema); and `run(engine, inputs, options)`, which turns the
 *    validated inputs into pipeline requests (`engine.predict`, with a task prompt if it has one) and the
 *    predictions into one result per input. Put its TypeScript types in types.ts (or next to the spec).
 * 2. List the spec in `TASK_SPECS` below and its types in {@link TaskTypes}.
 * That is all: `POST /v1/<name>`, `gliner-ts <name>`, `gliner-ts batch --task <name>`, queue jobs, the web
 * worker and the page pick it up. A family whose model call differs from the GLiNER pipeline gives its model
 * class its own {@link TaskEngine}; `run` receives the engine of the model it runs on.
 */
import { InvalidInputError } from "../errors.js";
import type { Entity } from "../types.js";
import { classifyTask } from "./classify.js";
import { extractTask } from "./extract.js";
import { keyphrasesTask } from "./keyphrases.js";
import { nerTask } from "./ner.js";
import { qaTask } from "./qa.js";
import { relationsTask } from "./relations.js";
import { check, type ObjectSchema, objectSchema, validateObject } from "./schema.js";
import { sentimentTask } from "./sentiment.js";
import { RUN_OPTIONS, type TaskEngine, type TaskInput, type TaskSpec } from "./spec.js";
import { summarizeTask } from "./summarize.js";
import type * as T from "./types.js";

/** The options every task takes (long texts, batching, words); other families' routes reuse their schemas. */
export { RUN_OPTIONS } from "./spec.js";

export const TASK_SPECS: readonly TaskSpec[] = [nerTask, relationsTask, qaTask, summarizeTask, classifyTask, extractTask, sentimentTask, keyphrasesTask];

/** Inputs, options and result of each registered task, for a typed `model.run`. */
export interface TaskTypes {
  ner: { input: T.NerInput; options: T.NerOptions; result: Entity[] };
  relations: { input: { text: string; entities?: readonly Entity[] }; options: Omit<T.RelationOptions, "entities">; result: T.Relation[] };
  qa: { input: { text: string; question: string }; options: T.AnswerOptions; result: T.Answer[] };
  summarize: { input: { text: string }; options: T.SummarizeOptions; result: T.Summary };
  classify: { input: { text: string; classes: readonly string[] }; options: T.ClassifyOptions; result: T.Classification[] };
  extract: { input: { text: string; instruction: string }; options: T.ExtractOptions; result: Entity[] };
  sentiment: { input: { text: string }; options: T.SentimentOptions; result: T.SentimentSpan[] };
  keyphrases: { input: { text: string }; options: T.KeyphraseOptions; result: T.Keyphrase[] };
}
export type TaskName = keyof TaskTypes;

const byName = new Map(TASK_SPECS.map((spec) => [spec.name, spec]));

export function taskNames(): string[] {
  return [...byName.keys()];
}

export function getTaskSpec(name: string): TaskSpec {
  const spec = byName.get(name);
  if (spec === undefined) throw new InvalidInputError("task", `unknown task ${JSON.stringify(name)}; choose one of: ${taskNames().join(", ")}.`);
  return spec;
}

/** A task's options with the run options every task takes: what callers may pass. */
export function optionsSchema(spec: TaskSpec): ObjectSchema {
  return { ...spec.options, properties: { ...spec.options.properties, ...RUN_OPTIONS.properties } };
}

/** A task's input: `text` and its own fields. */
export function inputSchema(spec: TaskSpec): ObjectSchema {
  return objectSchema({ text: { type: "string", description: "The text." }, ...spec.input.properties }, ["text", ...(spec.input.required ?? [])]);
}

/** Validates inputs and options (defaults filled in) and runs the task; `results[i]` answers `inputs[i]`. */
export async function runTask(engine: TaskEngine, name: string, inputs: readonly unknown[], options: object = {}): Promise<unknown[]> {
  const spec = getTaskSpec(name);
  if (!Array.isArray(inputs)) throw new InvalidInputError("inputs", `inputs must be an array of { text, ... } objects; got ${typeof inputs}.`);
  // Callbacks, signals and label embeddings (Float32Array) are library-only, so they are not in the JSON schemas.
  const { onTruncate, signal, labelEmbeddings, ...json } = options as { onTruncate?: unknown; signal?: unknown; labelEmbeddings?: unknown };
  const resolved = validateObject(optionsSchema(spec), json);
  if (onTruncate !== undefined) {
    if (typeof onTruncate !== "function") throw new InvalidInputError("onTruncate", "onTruncate must be a function.");
    resolved["onTruncate"] = onTruncate;
  }
  if (signal !== undefined) resolved["signal"] = signal;
  if (labelEmbeddings !== undefined) resolved["labelEmbeddings"] = labelEmbeddings; // checked by the labels encoder
  const schema = inputSchema(spec);
  const checked = inputs.map((input, i) => validateObject(schema, input, inputs.length === 1 ? "" : `inputs[${i}].`, "input") as unknown as TaskInput);
  return spec.run(engine, checked, resolved);
}

/** The JSON fields of one result, the same on every surface: `{ [result.name]: result }`, or its own fields. */
export function resultFields(name: string, result: unknown): Record<string, unknown> {
  const spec = getTaskSpec(name);
  return spec.result.spread === true ? { ...(result as Record<string, unknown>) } : { [spec.result.name]: result };
}

/** Checks some of a task's input fields (e.g. a batch run's default `question`) without the others; `label` names them in messages. */
export function checkInputFields(name: string, fields: Readonly<Record<string, unknown>>, label: (field: string) => string = (f) => f): void {
  const { properties } = getTaskSpec(name).input;
  for (const [field, value] of Object.entries(fields)) {
    const schema = properties[field];
    if (schema !== undefined && value !== undefined) check(schema, value, field, label(field));
  }
}
