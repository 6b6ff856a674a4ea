/**
 * Messages between the page (web/client.ts) and the Web Worker (web/worker.ts). Every request carries an id;
 * the worker answers it with progress events (loads only), then exactly one `result` or `error`.
 */
import {
  GlinerError,
  type GlinerErrorCode,
  HubError,
  InferenceError,
  InvalidInputError,
  ModelLoadError,
  TextTooLongError,
} from "../errors.js";
import type { LoadOptions } from "../model/load.js";
import type { ModelConfig } from "../model/config.js";
import type { WebBackend, WebRuntimeOptions } from "../runtime/web.js";
import type { DownloadProgress } from "../runtime/runtime.js";
import type { PredictOptions, TextPrediction } from "../types.js";
import type { ModelBytes } from "./sources.js";

/** Load options that can cross to a worker: no callbacks, no custom fetch or runtime. */
export type WorkerLoadOptions = Omit<LoadOptions, "onProgress"> & Omit<WebRuntimeOptions, "fetch">;
/** Predict options that can cross to a worker; truncation reports come back in each `TextPrediction`. */
export type WorkerPredictOptions = Omit<PredictOptions, "onTruncate">;

export interface ModelInfo {
  /** Where the model came from, e.g. `hub:org/name@main` or the folder URL. */
  source: string;
  onnxFile: string;
  config: ModelConfig;
  backend: WebBackend;
}

export type WorkerRequest =
  | { id: number; type: "load"; source: string | ModelBytes; options: WorkerLoadOptions }
  | {
      id: number;
      type: "predict";
      texts: string[];
      labels: readonly string[] | readonly (readonly string[])[];
      options: WorkerPredictOptions;
    }
  /** `model.run(task, inputs, options)`: any registered task by name (src/tasks/registry.ts). */
  | { id: number; type: "run"; task: string; inputs: object[]; options: object }
  | { id: number; type: "dispose" };

/** What each request type resolves to. */
export interface WorkerResults {
  load: ModelInfo;
  predict: TextPrediction[];
  run: unknown[];
  dispose: undefined;
}

export type WorkerResponse =
  | { id: number; type: "progress"; progress: DownloadProgress }
  | { id: number; type: "result"; value: WorkerResults[keyof WorkerResults] }
  | { id: number; type: "error"; error: SerializedError };

/** An error as plain data: structured clone drops the subclass and custom fields of errors. */
export interface SerializedError {
  name: string;
  message: string;
  code?: GlinerErrorCode;
  argument?: string;
  status?: number;
  url?: string;
  words?: number;
  maxLength?: number;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const out: SerializedError = { name: error.name, message: error.message };
  if (!(error instanceof GlinerError)) return out;
  out.code = error.code;
  if (error instanceof InvalidInputError) out.argument = error.argument;
  if (error instanceof HubError) {
    if (error.status !== undefined) out.status = error.status;
    if (error.url !== undefined) out.url = error.url;
  }
  if (error instanceof TextTooLongError) {
    out.words = error.words;
    out.maxLength = error.maxLength;
  }
  return out;
}

/** Rebuilds the typed error on the page, so `instanceof` and `isGlinerError` work as they do in-thread. */
export function deserializeError(data: SerializedError): Error {
  switch (data.code) {
    case "INVALID_INPUT":
      return new InvalidInputError(data.argument ?? "", data.message);
    case "MODEL_LOAD":
      return new ModelLoadError(data.message);
    case "HUB":
      return new HubError(data.message, { status: data.status, url: data.url });
    case "INFERENCE":
      return new InferenceError(data.message);
    case "TEXT_TOO_LONG": {
      const error = new TextTooLongError(data.words ?? 0, data.maxLength ?? 0);
      error.message = data.message;
      return error;
    }
    case undefined: {
      const error = new Error(data.message);
      error.name = data.name;
      return error;
    }
    default: {
      // UNSUPPORTED and the rest: the code and message are what callers act on.
      const error = new GlinerError(data.code, data.message);
      error.name = data.name;
      return error;
    }
  }
}
