/** Liveness, readiness, Prometheus metrics, and what model is being served. */
import { basename, posix, win32 } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { errorBody, HttpError } from "../http-errors.js";
import type { ServerMetrics } from "../metrics.js";
import { modelFolder } from "./model-files.js";

const statusSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string" }, queued: { type: "integer" }, inFlight: { type: "integer" } },
} as const;

/** `tasks`: the task routes this server has (`ner`, `relations`, ...), listed by `/v1/model` for the page. */
export function registerSystemRoutes(app: FastifyInstance, ctx: ServerContext, metrics: ServerMetrics, tasks: readonly string[]): void {
  app.get(
    "/healthz",
    { schema: { tags: ["system"], summary: "Liveness: the process answers", response: { 200: statusSchema } } },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["system"],
        summary: "Readiness: the model is loaded and the server is not shutting down",
        response: { 200: statusSchema, 503: { $ref: "Error#" } },
      },
    },
    async (_request, reply) => {
      if (ctx.ready()) return { status: "ready", queued: ctx.batcher.depth, inFlight: ctx.batcher.inFlight };
      const message = ctx.batcher.isClosed ? "The server is shutting down." : "The model is still loading.";
      return reply.status(503).send(errorBody(new HttpError(503, ctx.batcher.isClosed ? "SHUTTING_DOWN" : "NOT_READY", message)));
    },
  );

  app.get(
    "/metrics",
    { schema: { tags: ["system"], summary: "Prometheus metrics (text exposition format)", produces: ["text/plain"] } },
    async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );

  app.get(
    "/v1/model",
    {
      schema: {
        tags: ["system"],
        summary: "The model being served",
        response: {
          200: {
            type: "object",
            required: ["source", "family", "mode", "maxLength"],
            properties: {
              source: { type: "string", description: "Model folder or hub id@revision." },
              onnxFile: { type: "string" },
              family: { type: "string", description: "The GLiNER architecture, as the reference's _get_gliner_class: uni-span, uni-token, bi-span, bi-token, ..." },
              mode: { type: "string", enum: ["span", "token"], description: "Span-level or token-level GLiNER." },
              maxLength: { type: "integer", description: "Words per model pass (the config's max_len, or the maxLength load option); longer texts are windowed." },
              labelCache: {
                type: "object",
                description: "Bi-encoders: the label-embedding cache, shared by every request (hits and misses since start).",
                properties: { hits: { type: "integer" }, misses: { type: "integer" }, size: { type: "integer" }, capacity: { type: "integer" } },
              },
              sessionRecycling: {
                type: "object",
                description: "With the memory policy (--recycle-after-mb): the growth that triggers a re-creation (thresholdMb), ONNX session re-creations since start (count, failures, lastMs), and whether one is under way.",
                properties: { thresholdMb: { type: "number" }, count: { type: "integer" }, failures: { type: "integer" }, lastMs: { type: "number" }, recreating: { type: "boolean" } },
              },
              tasks: { type: "array", items: { type: "string" }, description: "Task routes under /v1." },
              files: { type: "string", description: "Where the model's files are served (local model folders only), for the page's browser engine." },
            },
          },
          503: { $ref: "Error#" },
        },
      },
    },
    async () => {
      const model = ctx.model();
      const files = modelFolder(model) === undefined ? {} : { files: "./model/" };
      const labelCache = model.labelCache === undefined ? {} : { labelCache: model.labelCache };
      const recycling = model.sessionRecycling;
      const sessionRecycling = recycling === undefined ? {} : { sessionRecycling: recycling };
      return { source: publicSource(model.source), onnxFile: model.onnxFile, family: model.config.family, mode: model.config.mode, maxLength: model.config.maxLength, tasks, ...labelCache, ...sessionRecycling, ...files };
    },
  );
}

/** A local model folder is shown by its name only: absolute paths of the host never leave the server. */
export function publicSource(source: string): string {
  return posix.isAbsolute(source) || win32.isAbsolute(source) ? (basename(source.replace(/[\\/]+$/, "").replace(/\\/g, "/")) || "model") : source;
}
