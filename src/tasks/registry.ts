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
 * class its own {@link TaskEngine}; `run` receives the engine of the model it runs on. GLiNER2 does: its spec
 * (src/gliner2/task.ts) has `modelClass: "GLiNER2"`, is listed in `GLINER2_TASK_SPECS`, and runs on the
 * {@link Gliner2Engine} of `GLiNER2.run`; its surfaces (`serve --gliner2`'s `/v1/schema`, `gliner-ts schema`,
 * `batch --task schema`) call that `run`. `runTask` refuses a task on the other model class with a typed error.
 */
import { InvalidInputError } from "../errors.js";
import { type Gliner2Engine, type Gliner2TaskOptions, schemaTask } from "../gliner2/task.js";
import type { ExtractResult, SchemaInput } from "../gliner2/types.js";
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
/** The schemas' one validator, for surfaces that check a value on its own (a CLI flag). */
export { check } from "./schema.js";

export const TASK_SPECS: readonly TaskSpec[] = [nerTask, relationsTask, qaTask, summarizeTask, classifyTask, extractTask, sentimentTask, keyphrasesTask];
/** The tasks of GLiNER2 models (`modelClass` "GLiNER2"): `GLiNER2.run`, `POST /v1/schema` (serve --gliner2), `gliner-ts schema`, `batch --task schema`. */
export const GLINER2_TASK_SPECS: readonly TaskSpec[] = [schemaTask];

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

/** Inputs, options and result of each GLiNER2 task, for a typed `GLiNER2.run`. */
export interface Gliner2TaskTypes {
  schema: { input: { text: string; schema: SchemaInput }; options: Gliner2TaskOptions; result: ExtractResult };
}

const byName = new Map([...TASK_SPECS, ...GLINER2_TASK_SPECS].map((spec) => [spec.name, spec]));

/** The registered task names, all or those of one model class. */
export function taskNames(modelClass?: "GLiNER" | "GLiNER2"): string[] {
  return [...byName.values()].filter((spec) => modelClass === undefined || (spec.modelClass ?? "GLiNER") === modelClass).map((spec) => spec.name);
}

export function getTaskSpec(name: string): TaskSpec {
  const spec = byName.get(name);
  if (spec === undefined) throw new InvalidInputError("task", `unknown task ${JSON.stringify(name)}; choose one of: ${taskNames().join(", ")}.`);
  return spec;
}

/** A task's options with the run options every task takes: what callers may pass. */
export function optionsSchema(spec: TaskSpec): ObjectSchema {
  if (spec.modelClass === "GLiNER2") return spec.options;
  return { ...spec.options, properties: { ...spec.options.properties, ...RUN_OPTIONS.properties } };
}

/** A task's input: `text` and its own fields. */
export function inputSchema(spec: TaskSpec): ObjectSchema {
  return objectSchema({ text: { type: "string", description: "The text." }, ...spec.input.properties }, ["text", ...(spec.input.required ?? [])]);
}

/** Validates inputs and options (defaults filled in) and runs the task; `results[i]` answers `inputs[i]`. */
export async function runTask(engine: TaskEngine | Gliner2Engine, name: string, inputs: readonly unknown[], options: object = {}): Promise<unknown[]> {
  const spec = getTaskSpec(name);
  const modelClass = "modelClass" in engine ? engine.modelClass : "GLiNER";
  if ((spec.modelClass ?? "GLiNER") !== modelClass) {
    const other = modelClass === "GLiNER" ? "GLiNER2" : "GLiNER";
    throw new InvalidInputError("task", `task ${JSON.stringify(name)} needs a ${other} model, but this is a ${modelClass} model; its tasks are: ${taskNames(modelClass).join(", ")}.`);
  }
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
  return spec.run(engine as TaskEngine, checked, resolved);
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
