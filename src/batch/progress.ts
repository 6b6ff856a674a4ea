/**
 * Progress of a batch on stderr: documents done out of the input's lines, with the rate and ETA measured on this
 * run's own work (documents skipped because an earlier run finished them do not inflate the rate). A bar on a
 * terminal; a line every 30 s otherwise (logs of long runs), never a bar's control codes in a log file.
 */
import { Presets, SingleBar } from "cli-progress";

export interface BatchProgress {
  /** `count` more documents finished (results or dead letters). */
  advance(count: number): void;
  stop(): void;
}

/** `bar`: redrawn on a terminal; `log`: a line every 30 s; `off`: nothing. */
export type ProgressMode = "bar" | "log" | "off";

export interface ProgressOptions {
  /** Non-blank input lines, when known. */
  readonly total?: number;
  /** Documents an earlier run already finished. */
  readonly alreadyDone: number;
  readonly mode: ProgressMode;
  /** What one unit is called (default "docs"). */
  readonly unit?: string;
  /** Prefix of the log lines (default "gliner-ts batch"). */
  readonly name?: string;
  /** Log mode: milliseconds between lines (default 30 s). */
  readonly everyMs?: number;
}

export function batchProgress(options: ProgressOptions): BatchProgress {
  if (options.mode === "off") return { advance: () => {}, stop: () => {} };
  if (options.mode === "log") return logProgress(options, options.everyMs);
  const known = options.total !== undefined;
  const unit = options.unit ?? "docs";
  const bar = new SingleBar(
    {
      format: known
        ? `{bar} {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {remaining}`
        : `{value} ${unit} | {rate} ${unit}/s`,
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

function logProgress(options: ProgressOptions, everyMs = 30_000): BatchProgress {
  const started = Date.now();
  let done = 0;
  const report = () => {
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    const at = options.alreadyDone + done;
    const total = options.total;
    const unit = options.unit ?? "docs";
    const share = total === undefined ? `${at} ${unit}` : `${at}/${total} ${unit} (${((100 * at) / Math.max(1, total)).toFixed(1)}%)`;
    const eta = total === undefined || rate === 0 ? "" : `, ETA ${formatSeconds((total - at) / rate)}`;
    process.stderr.write(`${options.name ?? "gliner-ts batch"}: ${share}, ${rate.toFixed(1)} ${unit}/s${eta}\n`);
  };
  const timer = setInterval(report, everyMs);
  timer.unref();
  return {
    advance: (count) => void (done += count),
    stop: () => clearInterval(timer),
  };
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "…";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
