/**
 * Open information extraction, as the reference's `GLiNEROpenExtractor`: the model reads
 * `"{instruction} \n {text}"` with the labels (default "match") and returns the spans. Unlike the reference,
 * spans inside the instruction are dropped and offsets are into the caller's text, not the prompted text.
 */
import type { Entity } from "../types.js";
import { OPEN_IE_LABELS } from "./prompts.js";
import { objectSchema } from "./schema.js";
import { defineTask, entitySchema, flatNer, labels, multiLabel, threshold } from "./spec.js";
import { nerTask } from "./ner.js";
import type { ExtractOptions } from "./types.js";

export const extractTask = defineTask<{ text: string; instruction: string }, ExtractOptions, Entity[]>({
  name: "extract",
  summary: "Open extraction",
  description: 'The spans of the text that answer `instruction` (labels default to ["match"]).',
  input: objectSchema({ instruction: { type: "string", description: "What to find; may be empty.", examples: ["Find every product name:"] } }, ["instruction"]),
  options: objectSchema({
    labels: { ...labels("Span labels (default match)."), default: OPEN_IE_LABELS },
    threshold: threshold(),
    labelThresholds: nerTask.options.properties["labelThresholds"] as object,
    flatNer,
    multiLabel,
  }),
  result: { name: "entities", schema: { type: "array", items: entitySchema } },
  async run(engine, inputs, options) {
    const requests = inputs.map(({ instruction, text }) => ({ prompt: instruction, text, labels: options.labels as readonly string[] }));
    return (await engine.predict(requests, options)).map((p) => p.entities);
  },
});
