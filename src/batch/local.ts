/**
 * Local batch: stream the input, run it chunk by chunk in this process, append each chunk's results durably.
 * Memory stays flat in the corpus size (one chunk of texts at a time, plus the ids needed for exactly-once).
 * Killed at any point, the same command resumes where the files on disk say it stopped.
 */
import { countInputLines, type DeadLetter, type Document } from "./documents.js";
import { pendingWork, type ScanCounts } from "./input.js";
import { type BatchOutputs, openOutputs } from "./outputs.js";
import { processChunk } from "./process.js";
import { batchProgress, type ProgressMode } from "./progress.js";
import type { BatchModel, BatchSettings, BatchTask } from "./tasks.js";

/** What a batch run reads, writes and runs, in-process or through the queue. */
export interface BatchRunOptions {
  readonly task: BatchTask;
  readonly settings: BatchSettings;
  /** JSONL input file (`-` for stdin). */
  readonly input: string;
  readonly output: string;
  /** Default: the output's name with `.dead-letters.jsonl`. */
  readonly deadLetters?: string;
  /** Documents per durable write locally, per job in distributed mode. */
  readonly chunkSize: number;
  /** Progress on stderr: a bar, a line every 30 s, or nothing. */
  readonly progress: ProgressMode;
}

export interface LocalBatchOptions extends BatchRunOptions {
  readonly model: BatchModel;
}

export interface BatchSummary {
  /** Non-blank input lines. */
  readonly lines: number;
  /** Lines an earlier run had already finished. */
  readonly skipped: number;
  /** Results and dead letters written by this run. */
  readonly results: number;
  readonly deadLetters: number;
  readonly seconds: number;
  readonly outputPath: string;
  readonly deadLetterPath: string;
  /** Bytes of a torn last line removed on start (an earlier run was killed mid-write). */
  readonly repairedBytes: number;
}

export async function runLocalBatch(options: LocalBatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  await options.task.checkSettings(options.settings);
  const outputs = await openOutputs(options.output, options.deadLetters);
  const counts: ScanCounts = { lines: 0, skipped: 0 };
  let written = { results: 0, deadLetters: 0 };
  try {
    const total = options.progress !== "off" && options.input !== "-" ? await countInputLines(options.input) : undefined;
    const progress = batchProgress({
      ...(total === undefined ? {} : { total }),
      alreadyDone: outputs.done.results.size + outputs.done.deadLines.size,
      mode: options.progress,
    });
    const documents: Document[] = [];
    const rejected: DeadLetter[] = [];
    const flush = async () => {
      const outcome = await processChunk(options.model, options.task, options.settings, documents);
      const fresh = await outputs.write(outcome.results, [...rejected, ...outcome.deadLetters]);
      written = { results: written.results + fresh.results, deadLetters: written.deadLetters + fresh.deadLetters };
      progress.advance(documents.length + rejected.length);
      documents.length = 0;
      rejected.length = 0;
    };
    try {
      for await (const item of pendingWork(options.input, options.task, options.settings, outputs.done, counts)) {
        if (item.kind === "document") documents.push(item.doc);
        else rejected.push(item.letter);
        if (documents.length + rejected.length >= options.chunkSize) await flush();
      }
      await flush();
    } finally {
      progress.stop();
    }
  } finally {
    await outputs.close();
  }
  return batchSummary(counts, written, started, outputs);
}

/** The summary of a finished run, local or distributed. */
export function batchSummary(
  counts: ScanCounts,
  written: { results: number; deadLetters: number },
  started: number,
  outputs: Pick<BatchOutputs, "outputPath" | "deadLetterPath" | "repairedBytes">,
): BatchSummary {
  return {
    lines: counts.lines,
    skipped: counts.skipped,
    ...written,
    seconds: (Date.now() - started) / 1000,
    outputPath: outputs.outputPath,
    deadLetterPath: outputs.deadLetterPath,
    repairedBytes: outputs.repairedBytes,
  };
}
