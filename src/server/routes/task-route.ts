/**
 * `POST /v1/<task>` for every task of the registry: `text` or `texts`, the task's input fields (one value for
 * every text) and options, all from the task's own schemas (which are also the OpenAPI document). Requests with
 * equal options share a batch key, so concurrent clients' texts go to the model in one `model.run` call; with
 * `texts`, every field of the answer holds one value per text.
 */
import type { FastifyInstance } from "fastify";
import { type JsonSchema, resultFields, type TaskSpec } from "../../index.js";
import { type ServerContext, clientGone, pickTexts } from "../context.js";
import { batchGroup, keyOf } from "../groups.js";
import { errorResponses, limitSchema, textSchema, textsSchema } from "../schemas.js";
import { RUN_OPTIONS } from "../../tasks/registry.js";

/** Run options a client chooses per request; the server sets batching and long-text handling itself. */
const CLIENT_RUN_OPTIONS = ["wordSplitter"] as const;
const clientRunProperties = Object.fromEntries(CLIENT_RUN_OPTIONS.map((name) => [name, RUN_OPTIONS.properties[name] as JsonSchema]));

/** `schema` for one text, or a list of it for `texts`. */
function perText(schema: unknown) {
  return { anyOf: [schema, { type: "array", items: schema }] };
}

/** The answer's fields and their schemas (one text's). */
function responseFields(spec: TaskSpec): Record<string, JsonSchema> {
  const { name, schema, spread } = spec.result;
  return spread === true ? { ...(schema.properties ?? {}) } : { [name]: schema };
}

export function registerTaskRoute(app: FastifyInstance, ctx: ServerContext, spec: TaskSpec): string {
  const { limits, batching } = ctx.options;
  const inputFields = Object.keys(spec.input.properties);
  const optionFields = [...Object.keys(spec.options.properties), ...CLIENT_RUN_OPTIONS];
  const fields = responseFields(spec);
  const properties = Object.fromEntries(
    Object.entries({ ...spec.input.properties, ...spec.options.properties, ...clientRunProperties }).map(([name, schema]) => [name, limitSchema(schema, limits)]),
  );
  app.post(
    `/v1/${spec.name}`,
    {
      schema: {
        tags: ["tasks"],
        summary: spec.summary,
        description: `${spec.description} Give \`text\` or \`texts\`; with \`texts\`, every field of the answer is a list with one entry per text.`,
        body: {
          type: "object",
          additionalProperties: false,
          required: [...(spec.input.required ?? []), ...(spec.options.required ?? [])],
          properties: { text: textSchema(limits), texts: textsSchema(limits), ...properties },
        },
        response: {
          200: { type: "object", required: Object.keys(fields), properties: Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, perText(s)])) },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown> & { text?: string; texts?: string[] }; // validated above
      const { texts, single } = pickTexts(body, limits.maxTextLength);
      const model = ctx.model();
      const options = pick(body, optionFields);
      const runOptions = { ...options, batchSize: batching.maxBatchSize, truncation: "window" };
      // The batcher's signal aborts a call past its deadline before its next model pass.
      const group = batchGroup<object, unknown>(keyOf(spec.name, options), (items, signal) =>
        model.run(spec.name, items, signal === undefined ? runOptions : { ...runOptions, signal }),
      );
      const shared = pick(body, inputFields);
      const results = await Promise.all(ctx.batcher.submitMany(group, texts.map((text) => ({ ...shared, text })), clientGone(reply)));
      const answers = results.map((result) => resultFields(spec.name, result));
      if (single) return answers[0];
      return Object.fromEntries(Object.keys(fields).map((field) => [field, answers.map((a) => a[field])]));
    },
  );
  return spec.name;
}

function pick(body: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => body[n] !== undefined).map((n) => [n, body[n]]));
}
