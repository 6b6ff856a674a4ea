/**
 * Drop-in route for clients of the Python reference's server (`gliner.serve`, `GLiNERClient`): the same route
 * (`POST /gliner` by default), the same snake_case payload, the same `{"entities": [...]}` answer, and offsets
 * in code points as Python strings index them. Concurrent single-text requests (the client sends a list of
 * texts as one request per text) are coalesced by the batcher like any other NER request.
 *
 * `relations` are answered with the reference's relex response shape (`head`/`tail` with `entity_idx`). A relex
 * model (its own relation head) answers as the reference's relex server does: entities and relations from one
 * pass, `relations` always present. Other models find relations by prompt-based extraction (the multitask
 * models' way) between the entities found. An `adapter_id` other than the base model is a 400, never ignored.
 */
import type { FastifyInstance } from "fastify";
import type { Entity, Relation, RelationPrediction } from "../index.js";
import { CodePointIndex } from "../text/offsets.js";
import { type ServerContext, checkTextLength, clientGone } from "./context.js";
import { batchGroup, keyOf } from "./groups.js";
import { HttpError } from "./http-errors.js";
import { errorResponses, labelsSchema, thresholdSchema } from "./schemas.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

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

const relationEndSchema = {
  type: "object",
  required: ["start", "end", "text", "type", "entity_idx"],
  properties: {
    start: { type: "integer" },
    end: { type: "integer" },
    text: { type: "string" },
    type: { type: "string", description: "The entity's label." },
    entity_idx: { type: "integer", description: "Index of the entity in `entities`." },
  },
} as const;

const relexRelationSchema = {
  type: "object",
  required: ["head", "tail", "relation", "score"],
  properties: { head: relationEndSchema, tail: relationEndSchema, relation: { type: "string" }, score: { type: "number" } },
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
            relations: nullable({ ...labelsSchema(limits, "Relation types; a relex model answers them with its relation head, other models by prompt-based extraction between the entities found."), minItems: 0 }),
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
            properties: {
              entities: { type: "array", items: compatEntitySchema },
              relations: { type: "array", items: relexRelationSchema, description: "Only when relations were asked for." },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkAdapter(body.adapter_id);
      checkTextLength(body.text, limits.maxTextLength, "text");
      const model = ctx.model();
      const signal = clientGone(reply);
      const settings = { threshold: body.threshold ?? DEFAULT_THRESHOLD, flatNer: body.flat_ner ?? true, multiLabel: body.multi_label ?? false };
      if (model.config.relex) {
        const relexSettings = { ...settings, relationThreshold: body.relation_threshold ?? settings.threshold };
        const group = batchGroup<{ text: string; labels: string[]; relations: string[] }, RelationPrediction>(keyOf("compat-relex", relexSettings), (items, deadline) =>
          model.batchPredictRelations(items.map((i) => i.text), items.map((i) => i.labels), items.map((i) => i.relations), {
            ...relexSettings,
            batchSize: batching.maxBatchSize,
            truncation: "window",
            ...(deadline === undefined ? {} : { signal: deadline }),
          }),
        );
        const found = await ctx.batcher.submit(group, { text: body.text, labels: body.labels, relations: body.relations ?? [] }, signal);
        return relexAnswer(found, new CodePointIndex(body.text));
      }
      const nerGroup = batchGroup<{ text: string; labels: string[] }, Entity[]>(keyOf("ner", settings), (items, deadline) =>
        model.run("ner", items, { ...settings, batchSize: batching.maxBatchSize, truncation: "window" as const, ...(deadline === undefined ? {} : { signal: deadline }) }),
      );
      const entities = await ctx.batcher.submit(nerGroup, { text: body.text, labels: body.labels }, signal);
      const points = new CodePointIndex(body.text);
      const toPoints = (utf16: number) => points.toCodePoint(utf16);
      const answer = { entities: entities.map((e) => ({ ...e, start: toPoints(e.start), end: toPoints(e.end) })) };
      // The reference answers relations only when some were asked for (an empty list counts as none).
      if (body.relations == null || body.relations.length === 0) return answer;
      const relationSettings = { relations: body.relations, relationThreshold: body.relation_threshold ?? DEFAULT_THRESHOLD, labels: body.labels };
      const group = batchGroup<{ text: string; entities: Entity[] }, Relation[]>(keyOf("compat-relations", relationSettings), (items) =>
        model.run("relations", items, {
          relations: relationSettings.relations,
          relationThreshold: relationSettings.relationThreshold,
          batchSize: batching.maxBatchSize,
          truncation: "window",
        }),
      );
      const relations = await ctx.batcher.submit(group, { text: body.text, entities }, signal);
      return { ...answer, relations: relations.map((r) => relexRelation(r, entities, toPoints)) };
    },
  );
}

/** A relation as the reference's relex models report it: head and tail with their entity's index. */
function relexRelation(relation: Relation, entities: readonly Entity[], toPoints: (utf16: number) => number) {
  const end = (e: Entity) => ({
    start: toPoints(e.start),
    end: toPoints(e.end),
    text: e.text,
    type: e.label,
    entity_idx: entities.findIndex((x) => x.start === e.start && x.end === e.end && x.label === e.label),
  });
  return { head: end(relation.source), tail: end(relation.target), relation: relation.relation, score: relation.score };
}

/** A relex model's result in the reference's shape, offsets in code points. */
function relexAnswer(found: RelationPrediction, points: CodePointIndex) {
  const cp = (utf16: number) => points.toCodePoint(utf16);
  return {
    entities: found.entities.map((e) => ({ ...e, start: cp(e.start), end: cp(e.end) })),
    relations: found.relations.map(({ head, tail, relation, score }) => ({
      head: { start: cp(head.start), end: cp(head.end), text: head.text, type: head.type, entity_idx: head.entityIdx },
      tail: { start: cp(tail.start), end: cp(tail.end), text: tail.text, type: tail.type, entity_idx: tail.entityIdx },
      relation,
      score,
    })),
  };
}

function checkAdapter(adapterId: string | null | undefined): void {
  if (adapterId != null && adapterId !== BASE_ADAPTER_ID) {
    throw new HttpError(
      400,
      "UNSUPPORTED",
      `adapter_id "${adapterId}" cannot be loaded: gliner-ts serves one model without LoRA adapters. ` +
        `Omit adapter_id (or send "${BASE_ADAPTER_ID}") to use the served model.`,
    );
  }
}
