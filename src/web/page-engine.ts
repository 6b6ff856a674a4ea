/**
 * The "run in: browser" engine of the server's web page (src/server/page/engine.js imports
 * `/web/page-engine.js` and calls `createEngine`). It answers the page's `/v1/<task>` requests with the model
 * in a Web Worker and the JSON the server would send: no server round-trip once the model is loaded.
 */
import { createGlinerWorker, type GlinerWorker } from "./client.js";
import type { ObjectSchema } from "../index.js";
// The registry itself, not the index: the page engine stays free of model code (the worker has it).
import { getTaskSpec, resultFields } from "../tasks/registry.js";
import type { WorkerLoadOptions } from "./protocol.js";

/** What the server's `GET /v1/model` says about the model it serves. */
export interface ServedModel {
  /** Folder path or `hub:{repo}@{revision}`. */
  source: string;
  onnxFile?: string;
  /** Where the server serves the model's files (local folders only), relative to the page. */
  files?: string;
}

export interface PageEngine {
  readonly name: "browser";
  /** Resolves with the JSON `POST /v1/<task>` would answer for `request`. */
  run(task: string, request: Record<string, unknown>): Promise<Record<string, unknown>>;
  dispose(): Promise<void>;
}

type Answer = Record<string, unknown>;
type Request = Record<string, unknown>;

/** An engine for the served model, or undefined when the browser cannot fetch that model. */
export function createEngine(context: { model: ServedModel | undefined; baseUrl: string }): PageEngine | undefined {
  const location = modelLocation(context.model, context.baseUrl);
  if (location === undefined) return undefined;
  let loading: Promise<GlinerWorker> | undefined;
  // The model is downloaded on the first run in the browser, not when the page opens.
  const ready = () =>
    (loading ??= (async () => {
      const worker = createGlinerWorker();
      try {
        await worker.load(location.source, location.options);
        return worker;
      } catch (error) {
        worker.terminate();
        loading = undefined;
        throw error;
      }
    })());
  return {
    name: "browser",
    async run(task, request) {
      // The page sends one `text` per request; the server's `texts` form has no use here.
      if (typeof request.text !== "string") throw new Error("The browser engine answers requests with one `text`.");
      const worker = await ready();
      return answerRequest(task, request, (name, inputs, options) => worker.run(name, inputs, options));
    },
    async dispose() {
      const current = loading;
      loading = undefined;
      if (current !== undefined) (await current.catch(() => undefined))?.terminate();
    },
  };
}

function modelLocation(model: ServedModel | undefined, baseUrl: string): { source: string; options: WorkerLoadOptions } | undefined {
  if (model === undefined) return undefined;
  const options: WorkerLoadOptions = model.onnxFile === undefined ? {} : { onnxFile: model.onnxFile };
  if (model.files !== undefined) return { source: new URL(model.files, baseUrl).href, options };
  const hub = /^hub:([^@]+)@(.+)$/.exec(model.source);
  if (hub !== null) return { source: hub[1] as string, options: { ...options, revision: hub[2] as string } };
  return undefined;
}

/**
 * One text of a `POST /v1/<task>` request, answered as the server answers it: the task's input fields and options
 * are picked from the request by its schemas, the task runs by name, and `resultFields` shapes the answer.
 */
export async function answerRequest(
  task: string,
  request: Request,
  run: (task: string, inputs: object[], options: object) => Promise<unknown[]>,
): Promise<Answer> {
  const spec = getTaskSpec(task);
  const pick = (schema: ObjectSchema) => Object.fromEntries(Object.keys(schema.properties).filter((k) => request[k] !== undefined).map((k) => [k, request[k]]));
  const [result] = await run(task, [{ ...pick(spec.input), text: request["text"] }], pick(spec.options));
  return resultFields(task, result);
}
