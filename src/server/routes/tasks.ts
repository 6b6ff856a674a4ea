/**
 * The multitask routes, mirroring the library's task methods (`extractRelations`, `answer`, `summarize`,
 * `classify`, `extract`, `extractSentiment`, `extractKeyphrases`) and their options, with the same results
 * (offsets are UTF-16 into the caller's text). Each runs through the task helpers' batch functions, so
 * concurrent requests with equal options share one model call.
 */
import type { FastifyInstance } from "fastify";
import type { Entity } from "../../index.js";
import { classifyTexts } from "../../tasks/classify.js";
import { extractOpen } from "../../tasks/extract.js";
import { extractKeyphraseLists } from "../../tasks/keyphrases.js";
import { answerQuestions } from "../../tasks/qa.js";
import { extractRelationsBatch } from "../../tasks/relations.js";
import { extractSentiments } from "../../tasks/sentiment.js";
import { summarizeTexts } from "../../tasks/summarize.js";
import type { Polarity, RelationSpec } from "../../tasks/types.js";
import type { ServerContext } from "../context.js";
import { taskModel } from "../groups.js";
import { labelSchema, labelsSchema, thresholdSchema } from "../schemas.js";
import { registerTaskRoute } from "./task-route.js";

interface Texts {
  text?: string;
  texts?: string[];
}

const entity = { $ref: "Entity#" };
const spanSchema = (extra: Record<string, unknown> = {}) => ({
  type: "object",
  required: ["text", "start", "end", "score", ...Object.keys(extra)],
  properties: { text: { type: "string" }, start: { type: "integer" }, end: { type: "integer" }, ...extra, score: { type: "number" } },
});
const topKSchema = { type: "integer", minimum: 1, description: "Keep at most this many (best first)." };

/** Registers every task route; returns their names. */
export function registerTaskRoutes(app: FastifyInstance, ctx: ServerContext): string[] {
  const { limits } = ctx.options;
  const label = labelSchema(limits);
  const labels = (description: string) => labelsSchema(limits, description);
  // Long texts are read in windows, as everywhere in the server; the batch is the batcher's.
  const base = (batchSize: number) => ({ batchSize, truncation: "window" as const });

  const relationSpec = {
    anyOf: [
      label,
      {
        type: "object",
        additionalProperties: false,
        required: ["relation"],
        properties: {
          relation: label,
          pairsFilter: { type: "array", minItems: 1, items: { type: "array", minItems: 2, maxItems: 2, items: label }, description: "Allowed [sourceType, targetType] pairs." },
          distanceThreshold: { type: "number", minimum: 0, description: "Largest character gap between the two mentions." },
        },
      },
    ],
  };

  return [
    registerTaskRoute<Texts & { relations: (string | RelationSpec)[]; entityLabels?: string[]; entityThreshold?: number; relationThreshold?: number; flatNer?: boolean; multiLabel?: boolean }, string, unknown[]>(app, ctx, {
      name: "relations",
      summary: "Relations between entities",
      description: "NER with `entityLabels`, then `\"<source> <> <relation>\"` labels on the prompted text; each target is an extracted entity.",
      properties: {
        relations: { type: "array", minItems: 1, maxItems: limits.maxLabels, items: relationSpec, description: 'Relation names or { relation, pairsFilter?, distanceThreshold? }, e.g. ["founder"].' },
        entityLabels: labels('Entity types of the NER step (default ["named entity"]).'),
        entityThreshold: thresholdSchema,
        relationThreshold: thresholdSchema,
        flatNer: { type: "boolean" },
        multiLabel: { type: "boolean" },
      },
      required: ["relations"],
      response: { relations: { type: "array", items: { type: "object", required: ["source", "relation", "target", "score"], properties: { source: entity, relation: { type: "string" }, target: entity, score: { type: "number" } } } } },
      shared: ({ relations, entityLabels, entityThreshold, relationThreshold, flatNer, multiLabel }) => ({ relations, entityLabels, entityThreshold, relationThreshold, flatNer, multiLabel }),
      item: (_body, text) => text,
      run: (model, texts, b, batchSize) =>
        extractRelationsBatch(taskModel(model), texts.map((text) => ({ text })), {
          ...base(batchSize),
          relations: b.relations,
          entityLabels: b.entityLabels,
          entityThreshold: b.entityThreshold,
          relationThreshold: b.relationThreshold,
          flatNer: b.flatNer,
          multiLabel: b.multiLabel,
        }),
      answer: (relations) => ({ relations }),
    }),

    registerTaskRoute<Texts & { question: string; threshold?: number; topK?: number }, { question: string; text: string }, unknown[]>(app, ctx, {
      name: "qa",
      summary: "Question answering",
      description: "Answers to `question` found in the text, best first.",
      properties: { question: { type: "string", minLength: 1, maxLength: limits.maxTextLength, pattern: "\\S" }, threshold: thresholdSchema, topK: topKSchema },
      required: ["question"],
      response: { answers: { type: "array", items: spanSchema() } },
      // Questions differ per text without splitting a batch: each item carries its own.
      shared: ({ threshold, topK }) => ({ threshold, topK }),
      item: (body, text) => ({ question: body.question, text }),
      run: (model, items, b, batchSize) => answerQuestions(taskModel(model), items, { ...base(batchSize), threshold: b.threshold, topK: b.topK }),
      answer: (answers) => ({ answers }),
    }),

    registerTaskRoute<Texts & { threshold?: number }, string, { summary: string; spans: Entity[] }>(app, ctx, {
      name: "summarize",
      summary: "Extractive summary",
      description: "The important spans of the text, in text order, and their texts joined by spaces (default threshold 0.25).",
      properties: { threshold: thresholdSchema },
      response: { summary: { type: "string" }, spans: { type: "array", items: entity } },
      shared: ({ threshold }) => ({ threshold }),
      item: (_body, text) => text,
      run: (model, texts, b, batchSize) => summarizeTexts(taskModel(model), texts, { ...base(batchSize), threshold: b.threshold }),
      answer: ({ summary, spans }) => ({ summary, spans }),
    }),

    registerTaskRoute<Texts & { classes: string[]; threshold?: number; multiLabel?: boolean }, { text: string; classes: string[] }, unknown[]>(app, ctx, {
      name: "classify",
      summary: "Text classification",
      description: 'The class of the text among `classes` (with `multiLabel`, every class found), or "other".',
      properties: { classes: labels('Class names, e.g. ["sports", "politics"].'), threshold: thresholdSchema, multiLabel: { type: "boolean" } },
      required: ["classes"],
      response: { classifications: { type: "array", items: { type: "object", required: ["label", "score"], properties: { label: { type: "string" }, score: { type: "number" } } } } },
      shared: ({ threshold, multiLabel }) => ({ threshold, multiLabel }),
      item: (body, text) => ({ text, classes: body.classes }),
      run: (model, items, b, batchSize) => classifyTexts(taskModel(model), items, { ...base(batchSize), threshold: b.threshold, multiLabel: b.multiLabel }),
      answer: (classifications) => ({ classifications }),
    }),

    registerTaskRoute<Texts & { instruction: string; labels?: string[]; threshold?: number; flatNer?: boolean; multiLabel?: boolean }, { instruction: string; text: string }, Entity[]>(app, ctx, {
      name: "extract",
      summary: "Open extraction",
      description: 'The spans of the text that answer `instruction` (labels default to ["match"]).',
      properties: {
        instruction: { type: "string", maxLength: limits.maxTextLength, description: 'What to find, e.g. "Find every product name:"; may be empty.' },
        labels: labels('Span labels (default ["match"]).'),
        threshold: thresholdSchema,
        flatNer: { type: "boolean" },
        multiLabel: { type: "boolean" },
      },
      required: ["instruction"],
      response: { entities: { type: "array", items: entity } },
      shared: ({ labels: l, threshold, flatNer, multiLabel }) => ({ labels: l, threshold, flatNer, multiLabel }),
      item: (body, text) => ({ instruction: body.instruction, text }),
      run: (model, items, b, batchSize) =>
        extractOpen(taskModel(model), items, { ...base(batchSize), labels: b.labels, threshold: b.threshold, flatNer: b.flatNer, multiLabel: b.multiLabel }),
      answer: (entities) => ({ entities }),
    }),

    registerTaskRoute<Texts & { threshold?: number; polarities?: Polarity[] }, string, unknown[]>(app, ctx, {
      name: "sentiment",
      summary: "Sentiment spans",
      description: "Spans that carry a positive, negative or neutral sentiment.",
      properties: {
        threshold: thresholdSchema,
        polarities: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", enum: ["positive", "negative", "neutral"] }, description: "Polarities to look for (default all three)." },
      },
      response: { spans: { type: "array", items: spanSchema({ polarity: { type: "string", enum: ["positive", "negative", "neutral"] } }) } },
      shared: ({ threshold, polarities }) => ({ threshold, polarities }),
      item: (_body, text) => text,
      run: (model, texts, b, batchSize) => extractSentiments(taskModel(model), texts, { ...base(batchSize), threshold: b.threshold, polarities: b.polarities }),
      answer: (spans) => ({ spans }),
    }),

    registerTaskRoute<Texts & { threshold?: number; topK?: number }, string, unknown[]>(app, ctx, {
      name: "keyphrases",
      summary: "Key phrases",
      description: "Key phrases, best first, each with its mentions (grouped case-insensitively).",
      properties: { threshold: thresholdSchema, topK: topKSchema },
      response: {
        keyphrases: {
          type: "array",
          items: { type: "object", required: ["phrase", "score", "mentions"], properties: { phrase: { type: "string" }, score: { type: "number" }, mentions: { type: "array", items: entity } } },
        },
      },
      shared: ({ threshold, topK }) => ({ threshold, topK }),
      item: (_body, text) => text,
      run: (model, texts, b, batchSize) => extractKeyphraseLists(taskModel(model), texts, { ...base(batchSize), threshold: b.threshold, topK: b.topK }),
      answer: (keyphrases) => ({ keyphrases }),
    }),
  ];
}
