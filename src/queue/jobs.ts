/**
 * The two job payloads, versioned so a worker never guesses at a payload from another version.
 * Work jobs carry raw input lines (the worker parses them, so the documents it rejects are dead-lettered with the
 * same reasons as in a local run); result jobs carry a chunk's result lines and dead letters back to the collector.
 */
import { UnrecoverableError } from "bullmq";
import type { DeadLetter, InputLine, JsonObject } from "../batch/documents.js";
import type { ResultLine } from "../batch/process.js";

export const PAYLOAD_VERSION = 1;

export interface WorkJobData {
  readonly v: typeof PAYLOAD_VERSION;
  readonly run: string;
  readonly task: string;
  /** {@link BatchSettings} as JSON; checked again by the worker. */
  readonly settings: JsonObject;
  /** Where the worker sends this chunk's results. */
  readonly resultsQueue: string;
  readonly docs: readonly InputLine[];
}

export interface ResultJobData {
  readonly v: typeof PAYLOAD_VERSION;
  readonly run: string;
  /** The work job these results answer. */
  readonly job: string;
  readonly worker: string;
  readonly results: readonly ResultLine[];
  readonly deadLetters: readonly DeadLetter[];
}

/** A malformed work job cannot succeed on retry: it fails at once, visible in `batch status`. */
export function parseWorkJob(data: unknown): WorkJobData {
  const d = object(data, "work job");
  if (d["v"] !== PAYLOAD_VERSION) throw unrecoverable(`work job payload version ${String(d["v"])} is not ${PAYLOAD_VERSION}; run the same gliner-ts version on batch and workers.`);
  const docs = d["docs"];
  const docsOk = Array.isArray(docs) && docs.every((x) => isObject(x) && typeof x["line"] === "number" && typeof x["raw"] === "string");
  if (typeof d["run"] !== "string" || typeof d["task"] !== "string" || typeof d["resultsQueue"] !== "string" || !isObject(d["settings"]) || !docsOk) {
    throw unrecoverable("work job payload lacks run, task, settings, resultsQueue or docs [{line, raw}].");
  }
  return d as unknown as WorkJobData;
}

export function parseResultJob(data: unknown): ResultJobData {
  const d = object(data, "result job");
  const ok =
    d["v"] === PAYLOAD_VERSION &&
    typeof d["run"] === "string" &&
    typeof d["job"] === "string" &&
    Array.isArray(d["results"]) &&
    d["results"].every((r) => isObject(r) && (typeof r["id"] === "string" || typeof r["id"] === "number")) &&
    Array.isArray(d["deadLetters"]) &&
    d["deadLetters"].every((x) => isObject(x) && typeof x["line"] === "number" && typeof x["reason"] === "string");
  if (!ok) throw unrecoverable("result job payload is malformed (expected v, run, job, results [{id}], deadLetters [{line, reason}]).");
  return d as unknown as ResultJobData;
}

function object(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw unrecoverable(`${what} payload must be an object.`);
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unrecoverable(message: string): UnrecoverableError {
  return new UnrecoverableError(message);
}
