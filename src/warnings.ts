import type { TextPrediction, TruncationInfo } from "./types.js";

/** Warnings the library gives itself: `process.emitWarning` in Node (so `--no-warnings` silences them), else console. */

const given = new Set<string>();

export function emitWarning(message: string, type: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, type: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, type);
  else console.warn(message);
}

/** {@link emitWarning}, at most once per message in this process. */
export function emitWarningOnce(message: string, type: string): void {
  if (given.has(message)) return;
  given.add(message);
  emitWarning(message, type);
}

/** A text read only in part (`truncation: "truncate"`): told to `onTruncate`, else as a process warning — never silently. */
export function reportTruncation(index: number, result: Pick<TextPrediction, "truncated" | "words" | "modelWords">, onTruncate?: (info: TruncationInfo) => void): void {
  if (!result.truncated) return;
  const info = { index, words: result.words, keptWords: result.modelWords };
  if (onTruncate) onTruncate(info);
  else emitWarning(`gliner-ts: text ${index} has ${info.words} words; only the first ${info.keptWords} were read (truncation: "truncate").`, "GlinerTruncationWarning");
}
