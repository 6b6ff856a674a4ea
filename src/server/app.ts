/**
 * The HTTP app: `createApp(model, options)` builds a fastify instance with every route, schema, limit and
 * metric, without listening (tests drive it with `inject()`; `serve.ts` listens). The model may be a promise:
 * the app answers `/healthz` at once and `/readyz` only once the model has loaded.
 *
 * Why fastify: JSON-schema validation and serialization are built in, the same schemas produce the OpenAPI
 * document, and `inject()` tests routes without a port.
 */
import cors from "@fastify/cors";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { GLiNERBase } from "../index.js";
import { Batcher } from "./batcher.js";
import { registerCompatRoute } from "./compat.js";
import type { ServerContext } from "./context.js";
import { answerClientError, errorBody, HttpError, installErrorHandlers, toHttpError } from "./http-errors.js";
import { createMetrics } from "./metrics.js";
import { type ResolvedOptions, resolveOptions, type ServerOptions } from "./options.js";
import { registerPage } from "./page.js";
import { registerModelFiles } from "./routes/model-files.js";
import { registerSchemaRoute } from "./routes/schema.js";
import { registerSystemRoutes } from "./routes/system.js";
import { registerTaskRoutes } from "./routes/tasks.js";
import { sharedSchemas } from "./schemas.js";
import { formatValidationErrors } from "./validation.js";

export type { ServerOptions } from "./options.js";

/** At shutdown, the listener closes after this long without a new request (at most SHUTDOWN_QUIET_MAX_MS). */
const SHUTDOWN_QUIET_MS = 100;
const SHUTDOWN_QUIET_MAX_MS = 2000;

/** The fastify instance, plus the batcher (for shutdown and tests). */
export type GlinerApp = FastifyInstance & { readonly batcher: Batcher; readonly settings: ResolvedOptions };

export async function createApp(model: GLiNERBase | Promise<GLiNERBase>, options: ServerOptions = {}): Promise<GlinerApp> {
  const settings = resolveOptions(options);
  let loaded: GLiNERBase | undefined;
  const metrics = createMetrics({ processMetrics: settings.processMetrics, recycling: () => loaded?.sessionRecycling });
  const batcher = new Batcher(settings.batching, metrics.batcher);

  const app = Fastify({
    logger: settings.logger,
    bodyLimit: settings.limits.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    // Unknown fields are refused (not silently removed) and nothing is coerced: "0.5" is not a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    schemaErrorFormatter: formatValidationErrors,
    return503OnClosing: false, // answered by our onRequest hook, in our error shape
    // Errors raised before routing also leave in the one error shape.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, _request, reply) => {
      const http = toHttpError(error);
      void (reply as FastifyReply).status(http.statusCode).send(errorBody(http));
    },
  });

  // Only JSON bodies: a text/plain body would otherwise be parsed and fail validation with a confusing message.
  app.removeContentTypeParser("text/plain");

  let loadError: unknown;
  let closing = false;
  Promise.resolve(model).then(
    (m) => (loaded = m),
    (error: unknown) => {
      loadError = error;
      app.log.error({ err: error }, "model failed to load");
    },
  );
  const ctx: ServerContext = {
    options: settings,
    batcher,
    model() {
      if (loaded !== undefined) return loaded;
      if (loadError !== undefined) throw new HttpError(503, "NOT_READY", "The model failed to load; see the server log.");
      throw new HttpError(503, "NOT_READY", "The model is still loading; retry shortly (GET /readyz says when it is ready).", 2);
    },
    ready: () => loaded !== undefined && !closing,
  };

  for (const schema of sharedSchemas) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "gliner-ts",
        version: "0.1.0",
        description:
          "Zero-shot entity, relation and span extraction with GLiNER models. Offsets under /v1 are UTF-16 code units; " +
          "the Python-compatible route reports code points.",
      },
      tags: [
        { name: "tasks", description: "Inference, micro-batched across clients" },
        { name: "python-compatible", description: "Drop-in for gliner.serve clients" },
        { name: "system", description: "Health, readiness, metrics" },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  if (settings.cors !== false) {
    await app.register(cors, { origin: settings.cors === true ? true : [...settings.cors], methods: ["GET", "POST"] });
  }

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  // Graceful shutdown: from the first moment, new requests get 503 and every response closes its connection
  // (so keep-alive clients do not hold the server open); queued texts go to the model at once instead of
  // waiting for company. The listener closes only once the work is drained and requests have stopped arriving
  // for a moment: node's server.close() destroys idle keep-alive sockets, and a request a client is sending on
  // one at that instant would be reset instead of answered.
  let lastRequestAt = 0;
  app.addHook("preClose", async () => {
    closing = true;
    await batcher.close();
    const until = performance.now() + SHUTDOWN_QUIET_MAX_MS;
    while (performance.now() - lastRequestAt < SHUTDOWN_QUIET_MS && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_QUIET_MS / 4));
    }
  });
  app.addHook("onRequest", async () => {
    lastRequestAt = performance.now();
    if (closing) throw new HttpError(503, "SHUTTING_DOWN", "The server is shutting down; retry on another instance.", 1);
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) void reply.header("connection", "close");
  });
  app.addHook("onClose", async () => batcher.close());

  installErrorHandlers(app);
  const tasks = registerTaskRoutes(app, ctx);
  if (options.gliner2 !== undefined) {
    const gliner2 = loadingModel(options.gliner2, "GLiNER2 model", (error) => app.log.error({ err: error }, "GLiNER2 model failed to load"));
    registerSchemaRoute(app, ctx, gliner2.get);
    tasks.push("schema");
  }
  registerSystemRoutes(app, ctx, metrics, tasks);
  registerModelFiles(app, ctx);
  if (settings.compatRoute !== false) registerCompatRoute(app, ctx, settings.compatRoute);
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  if (settings.page) await registerPage(app, settings.webDir);

  app.decorate("batcher", batcher);
  app.decorate("settings", settings);
  return app as unknown as GlinerApp;
}

/** A model loading in the background: `get()` answers 503 until it is in. */
function loadingModel<T>(model: T | Promise<T>, what: string, onError: (error: unknown) => void): { get: () => T } {
  let loaded: T | undefined;
  let failed = false;
  Promise.resolve(model).then(
    (m) => (loaded = m),
    (error: unknown) => {
      failed = true;
      onError(error);
    },
  );
  return {
    get() {
      if (loaded !== undefined) return loaded;
      if (failed) throw new HttpError(503, "NOT_READY", `The ${what} failed to load; see the server log.`);
      throw new HttpError(503, "NOT_READY", `The ${what} is still loading; retry shortly.`, 2);
    },
  };
}
