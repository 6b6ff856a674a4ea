/** `POST /v1/ner`: entities of one text (`text`) or several (`texts`), micro-batched across clients. */
import type { FastifyInstance } from "fastify";
import { type ServerContext, clientGone, pickTexts } from "../context.js";
import { nerGroup } from "../groups.js";
import { errorResponses, labelsSchema, textSchema, textsSchema, thresholdSchema } from "../schemas.js";

interface NerBody {
  text?: string;
  texts?: string[];
  labels: string[];
  threshold?: number;
  flatNer?: boolean;
  multiLabel?: boolean;
}

export function registerNerRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { limits, batching } = ctx.options;
  app.post<{ Body: NerBody }>(
    "/v1/ner",
    {
      schema: {
        tags: ["tasks"],
        summary: "Named entities",
        description: "Zero-shot NER: spans of the text that match the labels. Give `text` or `texts`.",
        body: {
          type: "object",
          additionalProperties: false,
          required: ["labels"],
          properties: {
            text: textSchema(limits),
            texts: textsSchema(limits),
            labels: labelsSchema(limits, 'Entity types, e.g. ["person", "organization"].'),
            threshold: thresholdSchema,
            flatNer: { type: "boolean", description: "No overlapping entities (default true)." },
            multiLabel: { type: "boolean", description: "Allow several labels on one span (default false)." },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["entities"],
            properties: {
              entities: {
                description: "For `text`: the entities. For `texts`: one list of entities per text.",
                anyOf: [
                  { type: "array", items: { $ref: "Entity#" } },
                  { type: "array", items: { type: "array", items: { $ref: "Entity#" } } },
                ],
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { texts, single } = pickTexts(body, limits.maxTextLength);
      const settings = { threshold: body.threshold ?? 0.5, flatNer: body.flatNer ?? true, multiLabel: body.multiLabel ?? false };
      const group = nerGroup(ctx.model(), settings, batching.maxBatchSize);
      const items = texts.map((text) => ({ text, labels: body.labels }));
      const results = await Promise.all(ctx.batcher.submitMany(group, items, clientGone(reply)));
      return { entities: single ? results[0] : results };
    },
  );
}
