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
