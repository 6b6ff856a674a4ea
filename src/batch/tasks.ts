/**
 * Batch tasks are the registry's tasks (src/tasks/registry.ts): a JSONL record's `text` and the task's input
 * fields (a record's own `question`, `classes`, `labels`, ... or the run's setting of the same name) become
 * `model.run` inputs; a record may also override the run's options (e.g. its own `relations`), and records with
 * equal options share a call. Result lines are `{ id, ...resultFields(task, result) }`, what every surface
 * answers. Local runs and queue workers both go through here.
 */
import { InvalidInputError, optionsSchema, resultFields, TASK_SPECS, type TaskSpec } from "../index.js";
import { checkInputFields, runTask } from "../tasks/registry.js";
import { kindOf, RecordError } from "./documents.js";
import type { BatchSettings } from "./settings.js";
import type { BatchModel, BatchTask, ResultFields } from "./tasks/define.js";
import { schemaTask } from "./tasks/schema.js";

export { type BatchSettings, DEFAULT_SETTINGS, parseSettings } from "./settings.js";
export type { BatchModel, BatchTask, ResultFields } from "./tasks/define.js";

interface Prepared {
  readonly input: Record<string, unknown>;
  /** The record's own options (overriding the run's), e.g. `relations`. */
  readonly options: Record<string, unknown>;
}

/** Settings every run carries (with defaults), whatever the task: not the user's choice, so never "unused". */
const ALWAYS_SET = new Set(["flatNer", "multiLabel", "batchSize", "truncation"]);
const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const pick = (from: object, names: readonly string[]) =>
  Object.fromEntries(names.filter((n) => (from as Record<string, unknown>)[n] !== undefined).map((n) => [n, (from as Record<string, unknown>)[n]]));

function batchTask(spec: TaskSpec): BatchTask {
  const inputFields = Object.keys(spec.input.properties);
  const optionFields = Object.keys(spec.options.properties);
  // Run options (window, overlap, batchOrder, ...) too: a run's setting of them reaches the model.
  const runFields = Object.keys(optionsSchema(spec).properties);
  const required = spec.input.required ?? [];
  const runOptions = (s: BatchSettings) => ({ ...pick(s, runFields), batchSize: s.batchSize, truncation: s.truncation });
  const resultNames = spec.result.spread === true ? Object.keys(spec.result.schema.properties ?? {}) : [spec.result.name];
  return {
    name: spec.name,
    description: `{"text"${inputFields.map((f) => `, "${f}"${required.includes(f) ? "" : "?"}`).join("")}} → {${resultNames.map((n) => `"${n}"`).join(", ")}}`,
    async checkSettings(settings) {
      // A setting the task does not take would be dropped without a word (`--question` with `--task ner`).
      const unused = Object.keys(settings).filter((k) => settings[k] !== undefined && !ALWAYS_SET.has(k) && !inputFields.includes(k) && !runFields.includes(k));
      if (unused.length > 0) {
        throw new InvalidInputError(
          unused[0] as string,
          `the ${spec.name} task takes no ${unused.map(flag).join(", ")}; its settings are ${[...inputFields, ...runFields].map(flag).join(", ")}. Drop ${unused.length === 1 ? "it" : "them"} or choose the task that uses ${unused.length === 1 ? "it" : "them"}.`,
        );
      }
      checkInputFields(spec.name, pick(settings, inputFields), flag);
      // Zero inputs: the schemas and the task's own checks run, the model is never reached.
      await runTask(UNCALLABLE_ENGINE, spec.name, [], runOptions(settings));
    },
    prepare(record, line, settings): Prepared {
      const text = record["text"];
      if (typeof text !== "string") {
        throw new RecordError("INVALID_RECORD", `line ${line}: "text" must be a string; got ${text === undefined ? "nothing" : kindOf(text)}.`);
      }
      const input: Record<string, unknown> = { text, ...pick(settings, inputFields), ...pick(record, inputFields) };
      for (const field of required) {
        if (input[field] === undefined) {
          throw new RecordError("INVALID_RECORD", `line ${line} has no "${field}" and the run has no ${flag(field)}; add "${field}": ${field.endsWith("s") ? "[...]" : '"..."'} to the line or pass ${flag(field)}.`);
        }
      }
      try {
        checkInputFields(spec.name, pick(record, inputFields), (f) => `"${f}"`);
      } catch (error) {
        if (error instanceof InvalidInputError) throw new RecordError("INVALID_RECORD", `line ${line}: ${error.message}`);
        throw error;
      }
      return { input, options: pick(record, optionFields) };
    },
    async run(batchModel, requests, settings) {
      const model = glinerModel(batchModel, spec.name);
      const prepared = requests as readonly Prepared[];
      const groups = new Map<string, number[]>();
      prepared.forEach((r, i) => {
        const key = JSON.stringify(r.options);
        groups.set(key, [...(groups.get(key) ?? []), i]);
      });
      const out: ResultFields[] = new Array<ResultFields>(prepared.length);
      for (const indices of groups.values()) {
        const options = { ...runOptions(settings), ...(prepared[indices[0] as number] as Prepared).options };
        const results = await model.run(spec.name, indices.map((i) => (prepared[i] as Prepared).input), options);
        indices.forEach((at, j) => (out[at] = resultFields(spec.name, results[j])));
      }
      return out;
    },
  };
}

/** Every task `gliner-ts batch --task` knows, by name: the registry's, and GLiNER2's schema task. */
export const TASKS: Readonly<Record<string, BatchTask>> = Object.fromEntries([...TASK_SPECS.map(batchTask), schemaTask].map((t) => [t.name, t]));

export function getTask(name: string): BatchTask {
  const task = Object.hasOwn(TASKS, name) ? TASKS[name] : undefined; // "constructor" is no task
  if (task === undefined) {
    throw new InvalidInputError("task", `unknown task "${name}"; choose one of: ${Object.keys(TASKS).join(", ")}.`);
  }
  return task;
}

/** A GLiNER task given a GLiNER2 model: a typed error instead of a crash deep inside. */
function glinerModel(model: BatchModel, task: string) {
  if (!("predictEntities" in model)) {
    throw new InvalidInputError("task", `--task ${task} needs a GLiNER model, but a GLiNER2 model was loaded; GLiNER2 runs --task schema.`);
  }
  return model;
}

const touched = () => new Error("settings check touched the model");
const UNCALLABLE_ENGINE = {
  get config(): never {
    throw touched();
  },
  predict: (requests: readonly unknown[]) => (requests.length === 0 ? Promise.resolve([]) : Promise.reject(touched())),
};
