/**
 * Shared CLI plumbing: JSONL input (stdin or file), JSONL output (stdout or file), progress on stderr (a bar on
 * a terminal, lines otherwise), and model loading from the common flags.
 */
import type { WordSplitter } from "../text/words.js";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { batchProgress, formatSeconds } from "../batch/progress.js";
import { InvalidInputError } from "../errors.js";
import { GLiNER, GLiNER2, type OrtLogLevel, type SessionOptions } from "../node.js";

export const DEFAULT_MODEL = "onnx-community/gliner-multitask-large-v0.5";

export interface ModelFlags {
  model: string;
  dtype?: string;
  onnxFile?: string;
  revision?: string;
  cacheDir?: string;
  offline?: boolean;
  threads?: number;
  workers?: number;
  labelCacheSize?: number;
  wordSplitter?: string;
  logLevel?: string;
  maxLength?: number;
}

export const DEFAULT_GLINER2_MODEL = "fastino/gliner2-base-v1";

export async function loadModelFromFlags(flags: ModelFlags, extra: Pick<SessionOptions, "offMainThread" | "recycleAfterMb" | "recycleIdleMs"> = {}): Promise<GLiNER> {
  const options = modelLoadOptions(flags);
  return GLiNER.fromPretrained(flags.model, { ...options, session: { ...options.session, ...extra } });
}

/** A GLiNER2 model from the same flags (converted on first use when the checkpoint has no ONNX). */
export async function loadGliner2FromFlags(flags: ModelFlags): Promise<GLiNER2> {
  if (flags.maxLength !== undefined) {
    // GLiNER2 reads every word unless a call says otherwise: `schema` and `batch --task schema` pass it per call.
    throw new InvalidInputError("maxLength", "--max-length is a per-call setting for GLiNER2 models: pass maxLength in the request (POST /v1/schema), or use it with `gliner-ts schema` / `batch --task schema`.");
  }
  return GLiNER2.fromPretrained(flags.model, modelLoadOptions(flags));
}

function modelLoadOptions(flags: ModelFlags) {
  return {
    ...(flags.dtype === undefined ? {} : { dtype: flags.dtype }),
    ...(flags.onnxFile === undefined ? {} : { onnxFile: flags.onnxFile }),
    ...(flags.revision === undefined ? {} : { revision: flags.revision }),
    ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
    ...(flags.offline ? { localFilesOnly: true } : {}),
    ...(flags.labelCacheSize === undefined ? {} : { labelCacheSize: flags.labelCacheSize }),
    ...(flags.maxLength === undefined ? {} : { maxLength: flags.maxLength }),
    // Checked (with a message naming the choices) when the model loads.
    ...(flags.wordSplitter === undefined ? {} : { wordSplitter: flags.wordSplitter as WordSplitter }),
    session: {
      ...(flags.threads === undefined ? {} : { intraOpNumThreads: flags.threads }),
      ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      // Checked (with a message naming the levels) when the session is created.
      ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel as OrtLogLevel }),
    },
  };
}

/** Adds the model flags every model command takes. */
export function withModelFlags<T extends import("commander").Command>(command: T, defaultModel = DEFAULT_MODEL): T {
  return command
    .option("-m, --model <id|dir>", "model folder or Hugging Face repo id", defaultModel)
    .option("--dtype <dtype>", "ONNX variant: fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4")
    .option("--onnx-file <file>", "explicit ONNX file inside the model folder")
    .option("--revision <rev>", "hub revision (branch, tag or commit)")
    .option("--cache-dir <dir>", "hub cache folder (default: huggingface_hub's)")
    .option("--offline", "never touch the network; use the cache only")
    .option("--threads <n>", "ONNX Runtime intra-op threads", parseInteger)
    .option("--workers <n>", "ONNX sessions in worker threads, batches run in parallel (one model copy each)", parseInteger)
    .option("--max-length <n>", "words per model pass (default: the config's max_len); longer texts are windowed", parseInteger)
    .option("--label-cache-size <n>", "bi-encoders: label embeddings kept across calls (default 10000; 0: off)", parseInteger)
    .option("--log-level <level>", "ONNX Runtime's own log lines on stderr from this level: verbose, info, warning, error, fatal (default fatal)")
    .option("--word-splitter <name>", "words: whitespace (the reference's), intl or auto (Intl.Segmenter for Chinese, Japanese, Thai…), optionally with a locale, e.g. intl:ja (default: the model's)") as T;
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidInputError("flag", `expected an integer, got "${value}"`);
  return n;
}

export function parseNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidInputError("flag", `expected a number, got "${value}"`);
  return n;
}

export function parseList(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** Exactly one of a text argument, `--file` and `--input` (or JSONL piped on stdin); returns how many were given. */
export function checkInputSources(text: string | undefined, flags: { file?: string; input?: string }): number {
  const sources = [text !== undefined, flags.file !== undefined, flags.input !== undefined].filter(Boolean).length;
  if (sources > 1) throw new InvalidInputError("input", "give the text as an argument, --file or --input, not several.");
  if (sources === 0 && process.stdin.isTTY) {
    throw new InvalidInputError("input", "no input: give a text, --file <path>, --input <file.jsonl>, or pipe JSONL on stdin.");
  }
  return sources;
}

/** One JSONL record: `{ "id"?, "text", ... }`. */
export interface InputRecord {
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Reads JSONL records from a file or stdin; a malformed line is an error naming the line. */
export async function* readJsonl(path: string | undefined): AsyncGenerator<InputRecord> {
  const stream = path === undefined || path === "-" ? process.stdin : createReadStream(path, "utf8");
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidInputError("input", `line ${line} is not valid JSON.`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidInputError("input", `line ${line} must be a JSON object like {"text": "..."}.`);
    }
    yield { line, value: value as Record<string, unknown> };
  }
}

export interface LineWriter {
  write(value: unknown): Promise<void>;
  close(): Promise<void>;
}

export function jsonlWriter(path: string | undefined): LineWriter {
  const stream = path === undefined || path === "-" ? process.stdout : createWriteStream(path, { flags: "w" });
  return {
    write: (value) =>
      new Promise((resolve, reject) => {
        stream.write(`${JSON.stringify(value)}\n`, (error) => (error ? reject(error) : resolve()));
      }),
    close: () =>
      new Promise((resolve) => {
        if (stream === process.stdout) resolve();
        else stream.end(() => resolve());
      }),
  };
}

/** Seconds between progress lines when stderr is not a terminal (a log, a pipe, CI). */
export const PROGRESS_LINE_EVERY_MS = 5000;

/**
 * Progress of a JSONL run on stderr: a bar on a terminal, otherwise a line every few seconds; a summary line
 * at the end either way. `enabled: false` (--no-progress) prints nothing.
 */
export function progressBar(total: number | undefined, enabled = true, name = "gliner-ts", terminal = process.stderr.isTTY === true) {
  if (!enabled) return { increment: (_n?: number) => {}, stop: () => {} };
  const progress = batchProgress({
    total,
    alreadyDone: 0,
    mode: terminal ? "bar" : "log",
    unit: "texts",
    name,
    everyMs: PROGRESS_LINE_EVERY_MS,
  });
  const started = Date.now();
  let done = 0;
  return {
    increment: (n = 1) => {
      done += n;
      progress.advance(n);
    },
    stop: () => {
      progress.stop();
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`${name}: done, ${done} texts in ${formatSeconds(seconds)} (${(done / Math.max(0.001, seconds)).toFixed(1)} texts/s)\n`);
    },
  };
}

/** Non-empty lines of a file (for the progress bar's total). */
export async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const _ of readJsonlLines(path)) count++;
  return count;
}

async function* readJsonlLines(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  for await (const raw of lines) if (raw.trim() !== "") yield raw;
}
