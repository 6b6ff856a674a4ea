/**
 * Documents sent to the queue and not yet collected. Bounded by `--max-pending` (the producer waits for room), so
 * the producer's memory and Redis' stay flat however large the corpus. Holding the raw lines lets the producer
 * send documents again if Redis lost them (a restart without persistence) without rereading the input.
 */
import type { Document, InputLine } from "../batch/documents.js";

export class InFlight {
  private readonly byKey = new Map<string, InputLine>();
  private readonly keyOfLine = new Map<number, string>();
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;

  get size(): number {
    return this.byKey.size;
  }

  add(doc: Document): void {
    this.byKey.set(doc.key, { line: doc.line, raw: doc.raw });
    this.keyOfLine.set(doc.line, doc.key);
  }

  /** A result for `key` arrived (first copy or duplicate alike). */
  settleKey(key: string): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    this.byKey.delete(key);
    this.keyOfLine.delete(entry.line);
    this.wake();
  }

  /** A dead letter for `line` arrived. */
  settleLine(line: number): void {
    const key = this.keyOfLine.get(line);
    if (key !== undefined) this.settleKey(key);
  }

  lines(): InputLine[] {
    return [...this.byKey.values()];
  }

  /** Stops every wait with `error` (a fatal collector or watchdog finding). */
  fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Resolves once fewer than `limit` documents are in flight; rejects if the run failed meanwhile. */
  async waitBelow(limit: number): Promise<void> {
    while (this.failure === undefined && this.byKey.size >= limit) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
