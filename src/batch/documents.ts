/**
 * Input lines → documents. A document is one JSONL object; its `id` (or, without one, its line number) keys its
 * result, which is what makes the output exactly-once. A line that cannot be a document becomes a dead letter
 * that carries the line, the reason and the raw input, so nothing is dropped silently.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { type GlinerErrorCode, InvalidInputError } from "../errors.js";

export type JsonObject = { [key: string]: unknown };

/** One non-blank line of the input; `line` is 1-based and counts blank lines, like an editor. */
export interface InputLine {
  readonly line: number;
  readonly raw: string;
}

export interface Document extends InputLine {
  /** The id written with the result: the record's `id`, or its line number. */
  readonly id: string | number;
  /** The exactly-once key: the id as JSON, so `7` and `"7"` stay two documents. */
  readonly key: string;
  readonly record: JsonObject;
}

/** Why a line was set aside: its own fault (bad JSON, bad fields, duplicate id) or a typed model-input error. */
export type DeadLetterCode = "INVALID_JSON" | "INVALID_RECORD" | "DUPLICATE_ID" | GlinerErrorCode;

/** One line of the dead-letter file: everything needed to fix the input and rerun. */
export interface DeadLetter {
  readonly line: number;
  readonly id?: string | number;
  readonly code: DeadLetterCode;
  readonly reason: string;
  /** The input line as read. */
  readonly input: string;
}

/** A document that cannot be processed for a reason of its own; becomes a dead letter, never a crash. */
export class RecordError extends Error {
  override name = "RecordError";
  constructor(
    readonly code: DeadLetterCode,
    message: string,
  ) {
    super(message);
  }
}

export function documentKey(id: string | number): string {
  return JSON.stringify(id);
}

/** Parses one line into a document; throws {@link RecordError} saying what is wrong with it. */
export function parseDocument(input: InputLine): Document {
  let value: unknown;
  try {
    value = JSON.parse(input.raw);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : "";
    throw new RecordError("INVALID_JSON", `line ${input.line} is not valid JSON${detail}.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RecordError("INVALID_RECORD", `line ${input.line} must be a JSON object like {"id": "doc-1", "text": "..."}; got ${kindOf(value)}.`);
  }
  const record = value as JsonObject;
  const id = record["id"] ?? input.line;
  if (typeof id === "number" ? !Number.isFinite(id) : typeof id !== "string") {
    throw new RecordError("INVALID_RECORD", `line ${input.line}: "id" must be a string or a number; got ${kindOf(id)}.`);
  }
  return { ...input, id: id as string | number, key: documentKey(id as string | number), record };
}

/** The dead letter for a line, from a {@link RecordError} or a typed per-document error of the model. */
export function deadLetter(input: InputLine, code: DeadLetterCode, reason: string, id?: string | number): DeadLetter {
  return { line: input.line, ...(id === undefined ? {} : { id }), code, reason, input: input.raw };
}

/** A readable name for a JSON value's type, for messages. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * Streams the non-blank lines of a JSONL file (`-` for stdin) without holding it in memory. A missing file is an
 * {@link InvalidInputError}, not a stream crash.
 */
export async function* readInputLines(path: string): AsyncGenerator<InputLine> {
  const stream = path === "-" ? process.stdin : createReadStream(path, "utf8");
  const opened = new Promise<void>((resolve, reject) => {
    if (stream === process.stdin) return resolve();
    stream.once("open", () => resolve());
    stream.once("error", reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new InvalidInputError("input", `cannot read the input ${path}: ${(error as Error).message}`, { cause: error });
  }
  let line = 0;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (text.trim() !== "") yield { line, raw: text };
  }
}

/** Non-blank lines of a file (the progress bar's total); one streaming pass. */
export async function countInputLines(path: string): Promise<number> {
  let count = 0;
  for await (const _ of readInputLines(path)) count++;
  return count;
}
