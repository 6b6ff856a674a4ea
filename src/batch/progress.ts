/**
 * Progress of a batch on stderr: documents done out of the input's lines, with the rate and ETA measured on this
 * run's own work (documents skipped because an earlier run finished them do not inflate the rate).
 */
import { Presets, SingleBar } from "cli-progress";

export interface BatchProgress {
  /** `count` more documents finished (results or dead letters). */
  advance(count: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Non-blank input lines, when known. */
  readonly total?: number;
  /** Documents an earlier run already finished. */
  readonly alreadyDone: number;
  readonly enabled: boolean;
}

export function batchProgress(options: ProgressOptions): BatchProgress {
  if (!options.enabled) return { advance: () => {}, stop: () => {} };
  const known = options.total !== undefined;
  const bar = new SingleBar(
    {
      format: known
        ? "{bar} {percentage}% | {value}/{total} docs | {rate} docs/s | ETA {remaining}"
        : "{value} docs | {rate} docs/s",
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 1,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  let done = 0;
  const total = options.total ?? 0;
  bar.start(Math.max(total, options.alreadyDone), options.alreadyDone, { rate: "0.0", remaining: "…" });
  return {
    advance(count) {
      done += count;
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      const left = Math.max(0, total - options.alreadyDone - done);
      bar.increment(count, { rate: rate.toFixed(1), remaining: rate > 0 ? formatSeconds(left / rate) : "…" });
    },
    stop: () => bar.stop(),
  };
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "…";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
