/**
 * The batch task registry: a task name + one JSONL record → one model call's input, and a batch of those → results.
 * Local runs and queue workers both go through this table, so a task behaves the same in both modes.
 *
 * Adding a task: write its spec with {@link defineTask} (what the record must contain, how a batch runs, the
 * field its result is written under) and list it in {@link TASKS}.
 */
import { InvalidInputError } from "../errors.js";
import type { GLiNER } from "../gliner.js";
import type { Entity, PredictOptions, Truncation } from "../types.js";
import { checkLabels, checkOneOf, checkPositiveInteger, checkThreshold } from "../validate.js";
import { type JsonObject, kindOf, RecordError } from "./documents.js";

/** The run-wide settings; JSON, because they travel with every queued job. */
export interface BatchSettings {
  /** Labels for records that carry no `labels` of their own. */
  readonly labels?: readonly string[];
  readonly threshold: number;
  readonly flatNer: boolean;
  readonly multiLabel: boolean;
  /** Texts per model call. */
  readonly batchSize: number;
  readonly truncation: Truncation;
}

export const DEFAULT_SETTINGS: BatchSettings = { threshold: 0.5, flatNer: true, multiLabel: false, batchSize: 8, truncation: "window" };

export interface BatchTask {
  readonly name: string;
  readonly description: string;
  /** The result line is `{ "id": ..., [resultField]: result }`. */
  readonly resultField: string;
  /** Throws an {@link InvalidInputError} when the settings cannot work for this task (before any document runs). */
  checkSettings(settings: BatchSettings): void;
  /** Validates one record; throws a {@link RecordError} that names the field and the fix. */
  prepare(record: JsonObject, line: number, settings: BatchSettings): unknown;
  /** Runs prepared requests; `results[i]` answers `requests[i]`. Per-document faults are typed GlinerErrors. */
  run(model: GLiNER, requests: readonly unknown[], settings: BatchSettings): Promise<unknown[]>;
}

interface TaskSpec<Request> {
  readonly name: string;
  readonly description: string;
  readonly resultField: string;
  checkSettings(settings: BatchSettings): void;
  prepare(record: JsonObject, line: number, settings: BatchSettings): Request;
  run(model: GLiNER, requests: readonly Request[], settings: BatchSettings): Promise<unknown[]>;
}

/** Types a task's request end to end; the registry only sees `unknown` requests made by the same task. */
export function defineTask<Request>(spec: TaskSpec<Request>): BatchTask {
  return { ...spec, run: (model, requests, settings) => spec.run(model, requests as readonly Request[], settings) };
}

interface NerRequest {
  readonly text: string;
  readonly labels: readonly string[];
}

const ner = defineTask<NerRequest>({
  name: "ner",
  description: 'entities: {"text", "labels"?} → {"entities": [{start, end, text, label, score}]}',
  resultField: "entities",
  checkSettings(settings) {
    if (settings.labels !== undefined) checkLabels(settings.labels, "--labels");
  },
  prepare(record, line, settings) {
    const text = requireString(record, "text", line);
    const own = record["labels"];
    if (own === undefined && settings.labels === undefined) {
      throw new RecordError("INVALID_RECORD", `line ${line} has no "labels" and the run has no default labels; add "labels": [...] to the line or pass --labels.`);
    }
    return { text, labels: own === undefined ? (settings.labels as readonly string[]) : requireLabels(own, line) };
  },
  async run(model, requests, settings): Promise<Entity[][]> {
    const options: PredictOptions = {
      threshold: settings.threshold,
      flatNer: settings.flatNer,
      multiLabel: settings.multiLabel,
      batchSize: settings.batchSize,
      truncation: settings.truncation,
    };
    return model.batchPredictEntities(
      requests.map((r) => r.text),
      requests.map((r) => r.labels),
      options,
    );
  },
});

/** Every task `gliner-ts batch --task` knows, by name. */
export const TASKS: Readonly<Record<string, BatchTask>> = { ner };

export function getTask(name: string): BatchTask {
  const task = TASKS[name];
  if (task === undefined) {
    throw new InvalidInputError("task", `unknown task "${name}"; choose one of: ${Object.keys(TASKS).join(", ")}.`);
  }
  return task;
}

/** Settings from a job payload or flags, checked field by field; throws {@link InvalidInputError}. */
export function parseSettings(value: unknown): BatchSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInputError("settings", `batch settings must be an object; got ${kindOf(value)}.`);
  }
  const v = value as JsonObject;
  const flag = (name: string): boolean => {
    if (typeof v[name] !== "boolean") throw new InvalidInputError(name, `${name} must be true or false; got ${kindOf(v[name])}.`);
    return v[name] as boolean;
  };
  return {
    ...(v["labels"] === undefined ? {} : { labels: checkLabels(v["labels"], "labels") }),
    threshold: checkThreshold(v["threshold"]),
    flatNer: flag("flatNer"),
    multiLabel: flag("multiLabel"),
    batchSize: checkPositiveInteger(v["batchSize"], "batchSize"),
    truncation: checkOneOf(v["truncation"], ["window", "truncate", "error"], "truncation"),
  };
}

function requireString(record: JsonObject, field: string, line: number): string {
  const value = record[field];
  if (typeof value !== "string") {
    throw new RecordError("INVALID_RECORD", `line ${line}: "${field}" must be a string; got ${value === undefined ? "nothing" : kindOf(value)}.`);
  }
  return value;
}

function requireLabels(value: unknown, line: number): string[] {
  const fix = 'must be a non-empty array of non-empty strings, e.g. ["person"]';
  if (!Array.isArray(value)) throw new RecordError("INVALID_RECORD", `line ${line}: "labels" ${fix}; got ${kindOf(value)}.`);
  if (value.length === 0) throw new RecordError("INVALID_RECORD", `line ${line}: "labels" ${fix}; got an empty array.`);
  const bad = value.findIndex((l) => typeof l !== "string" || l.trim() === "");
  if (bad >= 0) {
    const got = typeof value[bad] === "string" ? "an empty string" : kindOf(value[bad]);
    throw new RecordError("INVALID_RECORD", `line ${line}: "labels" ${fix}; item ${bad} is ${got}.`);
  }
  return value as string[];
}
