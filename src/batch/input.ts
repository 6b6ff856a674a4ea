/**
 * The input as work to do: every line becomes a document to run or a dead letter, minus what an earlier run
 * already finished. Shared by the local loop and the queue producer, so both skip, key and reject lines alike.
 */
import { type DeadLetter, deadLetter, type Document, type InputLine, parseDocument, readInputLines, RecordError } from "./documents.js";
import type { BatchSettings, BatchTask } from "./tasks.js";

/** What is already on disk: result keys from the output, line numbers from the dead-letter file. */
export interface DoneState {
  readonly results: Set<string>;
  readonly deadLines: Set<number>;
}

export type WorkItem = { readonly kind: "document"; readonly doc: Document } | { readonly kind: "dead"; readonly letter: DeadLetter };

export interface ScanCounts {
  /** Non-blank lines read so far. */
  lines: number;
  /** Lines skipped because an earlier run finished them. */
  skipped: number;
}

/**
 * Yields the lines still to do. Ids must be unique, since results are matched to documents by id: a later line
 * reusing an id is a `DUPLICATE_ID` dead letter naming the first line. Memory: one entry per id seen (ids only,
 * never texts), which is what exactly-once across restarts costs.
 */
export async function* pendingWork(
  input: string,
  task: BatchTask,
  settings: BatchSettings,
  done: DoneState,
  counts: ScanCounts = { lines: 0, skipped: 0 },
): AsyncGenerator<WorkItem> {
  const firstLineOfId = new Map<string, number>();
  for await (const line of readInputLines(input)) {
    counts.lines++;
    const item = classify(line, task, settings, firstLineOfId);
    const finished = done.deadLines.has(line.line) || (item.kind === "document" && done.results.has(item.doc.key));
    if (finished) counts.skipped++;
    else yield item;
  }
}

function classify(line: InputLine, task: BatchTask, settings: BatchSettings, firstLineOfId: Map<string, number>): WorkItem {
  let doc: Document | undefined;
  try {
    doc = parseDocument(line);
    task.prepare(doc.record, doc.line, settings);
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    return { kind: "dead", letter: deadLetter(line, error.code, error.message, doc?.id) };
  }
  const first = firstLineOfId.get(doc.key);
  if (first !== undefined) {
    const reason = `line ${line.line}: duplicate id ${doc.key} (first used on line ${first}); ids must be unique because results are matched to documents by id.`;
    return { kind: "dead", letter: deadLetter(line, "DUPLICATE_ID", reason, doc.id) };
  }
  firstLineOfId.set(doc.key, line.line);
  return { kind: "document", doc };
}

/** Collects done keys/lines from the output and dead-letter journals as they are opened. */
export function collectDone(done: DoneState) {
  return {
    result: (record: Record<string, unknown>) => {
      const id = record["id"];
      if (typeof id === "string" || typeof id === "number") done.results.add(JSON.stringify(id));
    },
    dead: (record: Record<string, unknown>) => {
      const line = record["line"];
      if (typeof line === "number") done.deadLines.add(line);
    },
  };
}
