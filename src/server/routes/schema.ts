/**
 * `POST /v1/schema`: GLiNER2's `schema` task (src/gliner2/task.ts) on one text or many, answered in the Python
 * `gliner2` JSON shapes. Registered when the server runs a GLiNER2 model (`serve --gliner2`). The body is the
 * task's input and options from the registry (which are also the OpenAPI document); the schema's own checks
 * (duplicate fields, bad field specs, ...) answer 400 naming the field.
 */
import type { FastifyInstance } from "fastify";
import type { GLiNER2Base } from "../../index.js";
import { gliner2SchemaSchema, schemaTask } from "../../gliner2/task.js";
import { type ServerContext, pickTexts } from "../context.js";
import { HttpError } from "../http-errors.js";
import { errorResponses } from "../schemas.js";

/** The task's options a client chooses per request; the server sets the batch size itself. */
const { batchSize: _serverSet, ...clientOptions } = schemaTask.options.properties;
const resultSchema = schemaTask.result.schema;

interface SchemaBody {
  text?: string;
  texts?: string[];
  schema: Record<string, unknown>;
}

export function registerSchemaRoute(app: FastifyInstance, ctx: ServerContext, model: () => GLiNER2Base): void {
  app.addSchema(gliner2SchemaSchema);
  app.post<{ Body: SchemaBody }>(
    "/v1/schema",
    {
      schema: {
        tags: ["tasks"],
        summary: schemaTask.summary,
        description: `${schemaTask.description} Give text or texts.`,
        body: {
          type: "object",
          required: ["schema"],
          additionalProperties: false,
          properties: {
            text: { type: "string" },
            texts: { type: "array", minItems: 1, items: { type: "string" } },
            schema: { $ref: "Gliner2Schema#" },
            ...clientOptions,
          },
        },
        response: {
          200: {
            type: "object",
            properties: { result: resultSchema, results: { type: "array", items: resultSchema } },
          },
          ...errorResponses,
          503: { $ref: "Error#" },
        },
      },
    },
    async (request) => {
      const { text: _text, texts: _texts, schema, ...options } = request.body;
      const { texts, single } = pickTexts(request.body, ctx.options.limits.maxTextLength);
      if (texts.length > ctx.options.limits.maxTexts) {
        throw new HttpError(413, "TOO_MANY_TEXTS", `${texts.length} texts in one request; this server takes at most ${ctx.options.limits.maxTexts}.`);
      }
      const results = await model().run("schema", texts.map((text) => ({ text, schema })), { ...options, batchSize: ctx.options.batching.maxBatchSize });
      return single ? { result: results[0] } : { results };
    },
  );
}
