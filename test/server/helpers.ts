/** Shared pieces of the server tests: JSON injection, a slowed-down model, Python-style JSON bodies. */
import type { LightMyRequestResponse } from "fastify";
import type { GLiNERBase } from "../../src/index.js";
import type { GlinerApp } from "../../src/server/app.js";

export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: LightMyRequestResponse["headers"];
  readonly raw: string;
}

export async function post<T = Record<string, unknown>>(app: GlinerApp, url: string, payload: unknown): Promise<JsonResponse<T>> {
  const response = await app.inject({ method: "POST", url, payload: payload as Record<string, unknown> });
  return { status: response.statusCode, body: response.json() as T, headers: response.headers, raw: response.body };
}

export async function get(app: GlinerApp, url: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: "GET", url });
}

/**
 * The model with every `batchPredictEntities` call delayed by `delayMs` (and counted), to fill queues and
 * pass deadlines on purpose. Everything else is the real model.
 */
export function slowModel(model: GLiNERBase, delayMs: number): GLiNERBase & { calls: number } {
  const slowed = Object.create(model) as GLiNERBase & { calls: number };
  slowed.calls = 0;
  // Every route runs its task through `run`.
  slowed.run = async (task: string, inputs: readonly object[], options?: object) => {
    slowed.calls++;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return model.run(task, inputs, options);
  };
  return slowed;
}

/**
 * `json.dumps(payload)` as Python's standard library writes it (what `GLiNERClient` sends): `", "` and `": "`
 * separators and every non-ASCII character escaped as `\uXXXX` (astral characters as surrogate pairs).
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
  return `{${entries.join(", ")}}`;
}

/** Python's `text[start:end]`: code point indexing. */
export function pythonSlice(text: string, start: number, end: number): string {
  return [...text].slice(start, end).join("");
}
