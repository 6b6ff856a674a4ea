/**
 * Names in Redis. BullMQ keeps its queues under `gliner-ts:<queue>:*`; the few keys of our own (run records, the
 * dead-letter hash, worker statistics) live under `gliner-ts-batch:<queue>:*`, apart from BullMQ's job keys.
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { InvalidInputError } from "../errors.js";

export const DEFAULT_QUEUE_NAME = "gliner-ts";
export const BULLMQ_PREFIX = "gliner-ts";

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function checkName(value: string, flag: string): string {
  if (!NAME.test(value)) {
    throw new InvalidInputError(flag, `${flag} must be 1-100 letters, digits, "_", "." or "-"; got "${value}".`);
  }
  return value;
}

/** A run's default id: the same output file on the same host is the same run, so rerunning resumes it. */
export function defaultRunId(output: string): string {
  return `r${createHash("sha256").update(`${hostname()}\0${resolve(output)}`).digest("hex").slice(0, 12)}`;
}

/** The per-run BullMQ queue that carries results from workers back to the collecting `batch` process. */
export function resultsQueueName(queueName: string, run: string): string {
  return `${queueName}-results-${run}`;
}

export const keys = {
  runs: (queue: string) => `gliner-ts-batch:${queue}:runs`,
  run: (queue: string, run: string) => `gliner-ts-batch:${queue}:run:${run}`,
  deadLetters: (queue: string, run: string) => `gliner-ts-batch:${queue}:run:${run}:dead`,
  collector: (queue: string, run: string) => `gliner-ts-batch:${queue}:run:${run}:collector`,
  workers: (queue: string) => `gliner-ts-batch:${queue}:workers`,
};
