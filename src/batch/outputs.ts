/**
 * The two files a batch writes: results (`{"id", <field>: ...}` per document) and dead letters (`{"line", "id"?,
 * "code", "reason", "input"}` per rejected line). Opening them takes the output lock, repairs torn tails and reads
 * back what is done; exactly-once is then a matter of never writing a key or line that is already there.
 */
import { resolve } from "node:path";
import { InvalidInputError } from "../errors.js";
import type { DeadLetter } from "./documents.js";
import { collectDone, type DoneState } from "./input.js";
import { Journal } from "./journal.js";
import { lockOutput } from "./lock.js";
import type { ResultLine } from "./process.js";

export interface BatchOutputs {
  readonly done: DoneState;
  readonly outputPath: string;
  readonly deadLetterPath: string;
  /** Bytes of torn last lines removed from the output and the dead-letter file. */
  readonly repairedBytes: number;
  /** Writes results and dead letters not written before; returns how many of each were new. */
  write(results: readonly ResultLine[], deadLetters: readonly DeadLetter[]): Promise<{ results: number; deadLetters: number }>;
  close(): Promise<void>;
}

/** `results.jsonl` → `results.dead-letters.jsonl`. */
export function defaultDeadLetterPath(output: string): string {
  return `${output.replace(/\.jsonl?$/i, "")}.dead-letters.jsonl`;
}

export async function openOutputs(output: string, deadLetterPath = defaultDeadLetterPath(output)): Promise<BatchOutputs> {
  if (output === "-") throw new InvalidInputError("output", "batch needs --output <file>: resuming reads back what is done, which stdout cannot give.");
  if (resolve(output) === resolve(deadLetterPath)) {
    throw new InvalidInputError("deadLetters", `the dead-letter file must differ from the output (${output}).`);
  }
  const lock = await lockOutput(output);
  const done: DoneState = { results: new Set(), deadLines: new Set() };
  const collect = collectDone(done);
  let results: Journal | undefined;
  try {
    const openedResults = await Journal.open(output, collect.result);
    results = openedResults.journal;
    const openedDead = await Journal.open(deadLetterPath, collect.dead);
    const dead = openedDead.journal;
    // Callers may write concurrently (a queue collector and the producer's own dead letters): one at a time.
    let queue: Promise<unknown> = Promise.resolve();
    const serialized = <T>(step: () => Promise<T>): Promise<T> => {
      const next = queue.then(step, step);
      queue = next.catch(() => undefined);
      return next;
    };
    return {
      done,
      outputPath: output,
      deadLetterPath,
      repairedBytes: openedResults.tornBytes + openedDead.tornBytes,
      write: (newResults, newDeadLetters) => serialized(async () => {
        // Duplicates come from at-least-once delivery (a retried chunk); the first copy written wins.
        const freshResults = newResults.filter((r) => {
          const key = JSON.stringify(r.id);
          if (done.results.has(key)) return false;
          done.results.add(key);
          return true;
        });
        const freshDead = newDeadLetters
          .filter((d) => {
            if (done.deadLines.has(d.line)) return false;
            done.deadLines.add(d.line);
            return true;
          })
          .sort((a, b) => a.line - b.line);
        await (results as Journal).append(freshResults);
        await dead.append(freshDead);
        return { results: freshResults.length, deadLetters: freshDead.length };
      }),
      async close() {
        await (results as Journal).close();
        await dead.close();
        await lock.release();
      },
    };
  } catch (error) {
    await results?.close();
    await lock.release();
    throw error;
  }
}
