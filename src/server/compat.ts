/**
 * Drop-in route for clients of the Python reference's server (`gliner.serve`, `GLiNERClient`): the same route
 * (`POST /gliner` by default), the same snake_case payload, the same `{"entities": [...]}` answer, and offsets
 * in code points as Python strings index them. Concurrent single-text requests (the client sends a list of
 * texts as one request per text) are coalesced by the batcher like any other NER request.
 *
 * Where the reference would quietly ignore something (an `adapter_id` it cannot load, `relations` on a model
 * without relation support) this route answers 400 instead.
 */
import type { FastifyInstance } from "fastify";
import { type ServerContext, checkTextLength, clientGone } from "./context.js";
import { HttpError } from "./http-errors.js";
import { nerGroup } from "./groups.js";
import { toCodePoints } from "./offsets.js";
import { errorResponses, labelsSchema, thresholdSchema } from "./schemas.js";

/** PolyLoRA's name for "no adapter" in the reference server: the base model, which is what we serve. */
const BASE_ADAPTER_ID = "__base__";

interface CompatBody {
  text: string;
  labels: string[];
  relations?: string[] | null;
  threshold?: number | null;
  relation_threshold?: number | null;
  flat_ner?: boolean | null;
  multi_label?: boolean | null;
  adapter_id?: string | null;
}

const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: "null" }] });

const compatEntitySchema = {
  type: "object",
  required: ["start", "end", "text", "label", "score"],
  properties: {
    start: { type: "integer", description: "Code point offset (Python string index), inclusive." },
    end: { type: "integer", description: "Code point offset, exclusive." },
    text: { type: "string" },
    label: { type: "string" },
    score: { type: "number" },
  },
} as const;

export function registerCompatRoute(app: FastifyInstance, ctx: ServerContext, route: string): void {
  const { limits, batching } = ctx.options;
  app.post<{ Body: CompatBody }>(
    route,
    {
      schema: {
        tags: ["python-compatible"],
        summary: "Drop-in for Python gliner.serve clients (GLiNERClient)",
        description:
          "The reference server's payload and answer. Offsets are code points (Python), unlike /v1 (UTF-16). " +
          "Unknown fields, adapter ids other than __base__, and relations the model cannot extract are refused with 400.",
        body: {
          type: "object",
          additionalProperties: false,
          required: ["text", "labels"],
          properties: {
            text: { type: "string", description: `At most ${limits.maxTextLength} UTF-16 code units.` },
            labels: labelsSchema(limits, "Entity types."),
            relations: nullable(labelsSchema(limits, "Relation types (needs a model that can extract relations).")),
            threshold: nullable(thresholdSchema),
            relation_threshold: nullable(thresholdSchema),
            flat_ner: nullable({ type: "boolean" }),
            multi_label: nullable({ type: "boolean" }),
            adapter_id: nullable({ type: "string", description: `Only "${BASE_ADAPTER_ID}" (the served model) is accepted.` }),
          },
        },
        response: {
          200: {
            type: "object",
            required: ["entities"],
            properties: { entities: { type: "array", items: compatEntitySchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkUnsupported(body);
      checkTextLength(body.text, limits.maxTextLength, "text");
      const settings = { threshold: body.threshold ?? 0.5, flatNer: body.flat_ner ?? true, multiLabel: body.multi_label ?? false };
      const group = nerGroup(ctx.model(), settings, batching.maxBatchSize);
      const entities = await ctx.batcher.submit(group, { text: body.text, labels: body.labels }, clientGone(reply));
      return { entities: toCodePoints(body.text, entities) };
    },
  );
}

function checkUnsupported(body: CompatBody): void {
  if (body.adapter_id != null && body.adapter_id !== BASE_ADAPTER_ID) {
    throw new HttpError(
      400,
      "UNSUPPORTED",
      `adapter_id "${body.adapter_id}" cannot be loaded: gliner-ts serves one model without LoRA adapters. ` +
        `Omit adapter_id (or send "${BASE_ADAPTER_ID}") to use the served model.`,
    );
  }
  if (body.relations != null && body.relations.length > 0) {
    throw new HttpError(
      400,
      "UNSUPPORTED",
      "relations are not supported on this route yet: the served model is not a GLiNER-relex model. " +
        "Omit relations, or call POST /v1/relations (prompt-based relation extraction for multitask models).",
    );
  }
}
