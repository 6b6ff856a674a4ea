/**
 * `GET /model/<file>`: the served model's own files, when it was loaded from a local folder, so the page's
 * browser engine can load the very same model. Only the files a GLiNER model needs are served (never
 * anything else from the folder), streamed because ONNX files can be gigabytes.
 */
import type { FastifyInstance } from "fastify";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { GLiNERBase } from "../../index.js";
import type { ServerContext } from "../context.js";
import { HttpError } from "../http-errors.js";

const METADATA = ["gliner_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "config.json"];

/** The model's folder on disk, or undefined for models that did not come from a local folder. */
export function modelFolder(model: GLiNERBase): string | undefined {
  const folder = resolve(model.source); // a hub source ("org/name@revision") is no folder here
  return existsSync(folder) && statSync(folder).isDirectory() ? folder : undefined;
}

export function registerModelFiles(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { "*": string } }>("/model/*", { schema: { hide: true } }, async (request, reply) => {
    const model = ctx.model();
    const folder = modelFolder(model);
    const name = request.params["*"];
    const allowed = new Set([...METADATA, model.onnxFile, `${model.onnxFile}_data`, `${model.onnxFile}.data`]);
    if (folder === undefined || !allowed.has(name)) {
      throw new HttpError(404, "NOT_FOUND", `No model file "${name}" here; only the served model's own files are available, and only for local model folders.`);
    }
    const path = join(folder, name);
    if (!existsSync(path)) throw new HttpError(404, "NOT_FOUND", `The model has no ${name}.`);
    const type = name.endsWith(".json") ? "application/json; charset=utf-8" : "application/octet-stream";
    return reply.type(type).header("content-length", String(statSync(path).size)).send(createReadStream(path));
  });
}
