/**
 * What a batch task is: a JSONL record → one request, and a batch of requests → one result line's fields per
 * document. {@link defineTask} types a task end to end and derives its settings check.
 */
import { InvalidInputError, isGlinerError } from "../../errors.js";
import type { GLiNER } from "../../gliner.js";
import type { GLiNER2 } from "../../gliner2/model.js";
import { runTask } from "../../tasks/registry.js";
import type { TaskEngine } from "../../tasks/spec.js";
import type { JsonObject } from "../documents.js";
import type { BatchSettings } from "../settings.js";

/** The model a batch runs on: a GLiNER model, or a GLiNER2 model for the `schema` task. */
export type BatchModel = GLiNER | GLiNER2;

/** The fields a result line carries besides `id`, e.g. `{ entities: [...] }`. */
export type ResultFields = Record<string, unknown>;

export interface BatchTask {
  readonly name: string;
  /** One line for `--help`: the record's fields and the result's. */
  readonly description: string;
  /** The model class the task runs on (default "GLiNER"). */
  readonly modelClass?: "GLiNER" | "GLiNER2";
  /** Throws an {@link InvalidInputError} when the settings cannot work (before any document runs). */
  checkSettings(settings: BatchSettings): Promise<void>;
  /** Validates one record; throws a RecordError that names the field and the fix. */
  prepare(record: JsonObject, line: number, settings: BatchSettings): unknown;
  /** Runs prepared requests; `results[i]` answers `requests[i]`. Per-document faults are typed GlinerErrors. */
  run(model: BatchModel, requests: readonly unknown[], settings: BatchSettings): Promise<ResultFields[]>;
}

export interface TaskSpec<Request> {
  readonly name: string;
  readonly description: string;
  prepare(record: JsonObject, line: number, settings: BatchSettings): Request;
  run(model: GLiNER, requests: readonly Request[], settings: BatchSettings): Promise<ResultFields[]>;
  /**
   * Checks without a model. Default: run zero requests against a model that must not be called, which makes the
   * task helpers check their options (they do before touching a text); tasks that group requests need their own.
   */
  checkSettings?(settings: BatchSettings): void;
}

/** Types a task's request end to end; the registry only sees `unknown` requests made by the same task. */
export function defineTask<Request>(spec: TaskSpec<Request>): BatchTask {
  return {
    name: spec.name,
    description: spec.description,
    prepare: spec.prepare,
    run: (model, requests, settings) => spec.run(glinerModel(model, spec.name), requests as readonly Request[], settings),
    async checkSettings(settings) {
      if (spec.checkSettings !== undefined) return spec.checkSettings(settings);
      // The task helpers check their options before touching a text, so zero texts check the settings alone.
      try {
        await spec.run(UNCALLABLE_MODEL, [], settings);
      } catch (error) {
        if (isGlinerError(error)) throw error;
      }
    },
  };
}

/** Checks options through the registry (schemas, then the task's own checks) with zero inputs; no model call. */
const UNCALLABLE_MODEL = new Proxy({} as GLiNER, {
  get: (_target, property) => {
    if (property === "run") return (task: string, inputs: readonly object[], options: object) => runTask(UNCALLABLE_ENGINE, task, inputs, options);
    throw new Error("settings check touched the model");
  },
});

const UNCALLABLE_ENGINE: TaskEngine = {
  get config(): never {
    throw new Error("settings check touched the model");
  },
  predict: () => Promise.reject(new Error("settings check touched the model")),
};

/** A GLiNER task given a GLiNER2 model: a typed error instead of a crash deep inside. */
function glinerModel(model: BatchModel, task: string): GLiNER {
  if (!("predictEntities" in model)) {
    throw new InvalidInputError("task", `--task ${task} needs a GLiNER model, but a GLiNER2 model was loaded; GLiNER2 runs --task schema.`);
  }
  return model;
}

export interface Gliner2TaskSpec<Request> {
  readonly name: string;
  readonly description: string;
  prepare(record: JsonObject, line: number, settings: BatchSettings): Request;
  run(model: GLiNER2, requests: readonly Request[], settings: BatchSettings): Promise<ResultFields[]>;
  checkSettings(settings: BatchSettings): void;
}

/** A task that runs on a GLiNER2 model (`--task schema`). */
export function defineGliner2Task<Request>(spec: Gliner2TaskSpec<Request>): BatchTask {
  return {
    name: spec.name,
    description: spec.description,
    modelClass: "GLiNER2",
    prepare: spec.prepare,
    run: (model, requests, settings) => {
      if ("predictEntities" in model) {
        throw new InvalidInputError("task", `--task ${spec.name} needs a GLiNER2 model (e.g. fastino/gliner2-base-v1), but a GLiNER model was loaded.`);
      }
      return spec.run(model, requests as readonly Request[], settings);
    },
    checkSettings: async (settings) => spec.checkSettings(settings),
  };
}
