/**
 * One helper for every `/v1/<task>` route: `text` or `texts`, the task's own fields, a batch key from the
 * options the texts must share, per-text items into the batcher, and an answer where, with `texts`, every
 * field holds one value per text.
 */
import type { FastifyInstance } from "fastify";
import type { GLiNERBase } from "../../index.js";
import { type ServerContext, clientGone, pickTexts } from "../context.js";
import { batchGroup, keyOf } from "../groups.js";
import { errorResponses, textSchema, textsSchema } from "../schemas.js";

export interface TaskRoute<Body, Item, Result> {
  /** The path after /v1/, also the batch-key prefix and the metrics' task label. */
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  /** Body properties besides `text` and `texts`. */
  readonly properties: Record<string, unknown>;
  readonly required?: readonly string[];
  /** Response fields (one text's answer); with `texts` each becomes a list. */
  readonly response: Record<string, unknown>;
  /** The options every text of a model call must share. */
  shared(body: Body): unknown;
  /** One text's work item. */
  item(body: Body, text: string): Item;
  /** Runs a batch of items (all with equal `shared` options) as one model call. */
  run(model: GLiNERBase, items: readonly Item[], body: Body, batchSize: number): Promise<readonly Result[]>;
  /** One text's answer fields. */
  answer(result: Result): Record<string, unknown>;
}

/** `schema` for one text, or a list of it for `texts`. */
function perText(schema: unknown) {
  return { anyOf: [schema, { type: "array", items: schema }] };
}

export function registerTaskRoute<Body extends { text?: string; texts?: string[] }, Item, Result>(
  app: FastifyInstance,
  ctx: ServerContext,
  route: TaskRoute<Body, Item, Result>,
): string {
  const { limits, batching } = ctx.options;
  const responseFields = Object.fromEntries(Object.entries(route.response).map(([name, schema]) => [name, perText(schema)]));
  app.post(
    `/v1/${route.name}`,
    {
      schema: {
        tags: ["tasks"],
        summary: route.summary,
        description: `${route.description} Give \`text\` or \`texts\`; with \`texts\`, every field of the answer is a list with one entry per text.`,
        body: {
          type: "object",
          additionalProperties: false,
          required: [...(route.required ?? [])],
          properties: { text: textSchema(limits), texts: textsSchema(limits), ...route.properties },
        },
        response: {
          200: { type: "object", required: Object.keys(route.response), properties: responseFields },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as Body; // validated against the schema above
      const { texts, single } = pickTexts(body, limits.maxTextLength);
      const model = ctx.model();
      const group = batchGroup<Item, Result>(keyOf(route.name, route.shared(body)), (items) => route.run(model, items, body, batching.maxBatchSize));
      const items = texts.map((text) => route.item(body, text));
      const results = await Promise.all(ctx.batcher.submitMany(group, items, clientGone(reply)));
      const answers = results.map((result) => route.answer(result));
      if (single) return answers[0];
      return Object.fromEntries(Object.keys(route.response).map((field) => [field, answers.map((a) => a[field])]));
    },
  );
  return route.name;
}
