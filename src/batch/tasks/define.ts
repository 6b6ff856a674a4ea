/**
 * What a batch task is: a JSONL record → one request, and a batch of requests → one result line's fields per
 * document. The GLiNER tasks are the registry's (../tasks.ts); {@link defineGliner2Task} types GLiNER2's.
 */
import { InvalidInputError } from "../../errors.js";
import type { GLiNER } from "../../gliner.js";
import type { GLiNER2 } from "../../gliner2/model.js";
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
