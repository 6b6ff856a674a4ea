/**
 * Runs one chunk of documents through a task: the unit of work of both the local loop and a queue worker.
 * A document that fails for its own reasons (bad fields, a typed input error from the model) becomes a dead
 * letter; the others still get results. Anything else (the model or machine failing) is thrown, so the chunk is
 * retried as a whole rather than its documents being written off.
 */
import { isGlinerError, TextTooLongError } from "../errors.js";
import { type DeadLetter, deadLetter, type Document, RecordError } from "./documents.js";
import type { BatchModel, BatchSettings, BatchTask } from "./tasks.js";

/** One output line: the document's id and the task's result under the task's field. */
export type ResultLine = { id: string | number } & Record<string, unknown>;

export interface ChunkOutcome {
  readonly results: ResultLine[];
  readonly deadLetters: DeadLetter[];
}

export async function processChunk(
  model: BatchModel,
  task: BatchTask,
  settings: BatchSettings,
  documents: readonly Document[],
): Promise<ChunkOutcome> {
  const deadLetters: DeadLetter[] = [];
  const ready: { doc: Document; request: unknown }[] = [];
  for (const doc of documents) {
    try {
      ready.push({ doc, request: task.prepare(doc.record, doc.line, settings) });
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      deadLetters.push(deadLetter(doc, error.code, error.message, doc.id));
    }
  }
  const outputs = await runIsolatingFaults(model, task, settings, ready, deadLetters);
  const results: ResultLine[] = [];
  ready.forEach(({ doc }, i) => {
    const fields = outputs[i];
    if (fields !== SKIPPED) results.push({ id: doc.id, ...(fields as Record<string, unknown>) });
  });
  return { results, deadLetters };
}

const SKIPPED = Symbol("skipped");

/**
 * One batched call; if a document's own fault makes the batch throw, each document is run alone to find which
 * ones are at fault. Batched and single calls give identical results, so the good documents lose nothing.
 */
async function runIsolatingFaults(
  model: BatchModel,
  task: BatchTask,
  settings: BatchSettings,
  ready: readonly { doc: Document; request: unknown }[],
  deadLetters: DeadLetter[],
): Promise<unknown[]> {
  if (ready.length === 0) return [];
  try {
    return await task.run(model, ready.map((r) => r.request), settings);
  } catch (error) {
    if (!isDocumentFault(error)) throw error;
  }
  const outputs: unknown[] = [];
  for (const { doc, request } of ready) {
    try {
      const [output] = await task.run(model, [request], settings);
      outputs.push(output);
    } catch (error) {
      if (!isDocumentFault(error)) throw error;
      deadLetters.push(deadLetter(doc, error.code, `line ${doc.line}: ${describeFault(error)}`, doc.id));
      outputs.push(SKIPPED);
    }
  }
  return outputs;
}

/** The model's message speaks of "text 0" of a one-text call; the batch user needs the line and the flag. */
function describeFault(error: { code: string; message: string }): string {
  if (error instanceof TextTooLongError) {
    return `the text has ${error.words} words but the model reads at most ${error.maxLength} per pass; use --truncation window (the default) or truncate.`;
  }
  return error.message;
}

/** Errors that follow the document wherever it runs: retrying cannot help, so they are dead-lettered. */
function isDocumentFault(error: unknown): error is { code: "INVALID_INPUT" | "TEXT_TOO_LONG"; message: string } {
  return isGlinerError(error) && (error.code === "INVALID_INPUT" || error.code === "TEXT_TOO_LONG");
}
