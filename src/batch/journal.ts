/**
 * A JSONL file that survives being killed at any instant: the durable half of "resumable".
 *
 * Write policy: a group of lines (one chunk of documents) is appended with ONE write() on a file opened with
 * O_APPEND, then fdatasync()ed; only after that does the chunk count as done. A crash can therefore leave at most
 * one torn line, at the very end. Opening repairs that (the torn tail is truncated away; its documents were never
 * counted as done and run again) and hands every complete line to the caller, who collects the ids already done.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { InvalidInputError } from "../errors.js";
import type { JsonObject } from "./documents.js";

export interface OpenedJournal {
  readonly journal: Journal;
  /** Bytes of an unfinished last line that were cut off (0 when the file ended cleanly). */
  readonly tornBytes: number;
}

export class Journal {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Opens (creating) `path` for appending. Every complete line is parsed and passed to `visit` first; a line that
   * is not a JSON object means the file is not one of ours, which is an error rather than a guess.
   */
  static async open(path: string, visit: (record: JsonObject, lineNumber: number) => void): Promise<OpenedJournal> {
    let handle: FileHandle;
    try {
      handle = await open(path, "a+");
    } catch (error) {
      throw new InvalidInputError("output", `cannot open ${path} for writing: ${(error as Error).message}`, { cause: error });
    }
    try {
      const tornBytes = await truncateTornTail(handle);
      await readLines(path, visit);
      return { journal: new Journal(path, handle), tornBytes };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Appends the records as whole lines in one write, then waits until they are on disk. */
  async append(records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return;
    const bytes = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(""), "utf8");
    let offset = 0;
    // write() on a regular file writes everything in practice; the loop covers the rare short write (disk full
    // reports an error instead), so a line is never left half-written by us.
    while (offset < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Cuts the file back to its last newline; returns how many bytes were cut. */
async function truncateTornTail(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat();
  if (size === 0) return 0;
  const block = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    const { bytesRead } = await handle.read(block, 0, end - start, start);
    const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) {
      const keep = start + newline + 1;
      if (keep < size) await handle.truncate(keep);
      return size - keep;
    }
    end = start;
  }
  await handle.truncate(0);
  return size;
}

async function readLines(path: string, visit: (record: JsonObject, lineNumber: number) => void): Promise<void> {
  let lineNumber = 0;
  for await (const raw of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
    lineNumber++;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidInputError(
        "output",
        `${path}:${lineNumber} is not a JSON object line, so this file was not written by gliner-ts batch (or was edited); ` +
          "move it away or fix that line, then rerun.",
      );
    }
    visit(value as JsonObject, lineNumber);
  }
}
