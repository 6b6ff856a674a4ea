/**
 * Relation extraction. A relex model answers with its own relation head (`TaskModel.relationHead`, src/relex/extract.ts);
 * the other models run a pipeline (the utca design the seed card shows, on the reference's prompt):
 * 1. NER on the bare text with `entityLabels` and `entityThreshold` / `labelThresholds` (the reference's first step);
 * 2. for each relation, labels `"<source text> <> <relation>"` for the mentions pairsFilter allows as sources,
 *    run on `"Extract relationships between entities from the text:  \n <text>"` with `relationThreshold`
 *    (the reference's second step), all in one call per text (the core splits a label prompt longer than
 *    its 512 sub-token budget into label groups and merges them as one call);
 * 3. each predicted target span is linked to an extracted entity (relation-link.ts).
 * Unlike utca, thresholds are applied, mentions (not equal strings) are linked, and triples are deduplicated;
 * unlike the reference, targets inside the prompt or outside every extracted entity give no relation.
 */
import { InvalidInputError } from "../errors.js";
import type { Entity } from "../types.js";
import { describe } from "../validate.js";
import { nerTask } from "./ner.js";
import { DEFAULT_ENTITY_LABELS, RELATION_PROMPT } from "./prompts.js";
import { checkRelations, linkRelations, relationLabels } from "./relation-link.js";
import { objectSchema } from "./schema.js";
import { defineTask, entitySchema, flatNer, label, labels, multiLabel, threshold, type TaskRequest } from "./spec.js";
import type { Relation, RelationOptions } from "./types.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export interface RelationInput {
  readonly text: string;
  /** Entities of this text already extracted (offsets into it); skips the NER step for it. */
  readonly entities?: readonly Entity[] | undefined;
}

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
} as const;

export const relationsTask = defineTask<RelationInput, Omit<RelationOptions, "entities">, Relation[]>({
  name: "relations",
  summary: "Relations between entities",
  description: 'NER with `entityLabels`, then `"<source> <> <relation>"` labels on the prompted text; each target is an extracted entity.',
  input: objectSchema({ entities: { type: "array", items: entitySchema, description: "Entities already extracted from this text (skips the NER step)." } }),
  options: objectSchema(
    {
      relations: { type: "array", minItems: 1, items: relationSpec, description: "Relation names or { relation, pairsFilter?, distanceThreshold? }.", examples: [["founder"]] },
      entityLabels: labels('Entity types of the NER step (default ["named entity"]).'),
      entityThreshold: threshold(DEFAULT_THRESHOLD, "NER threshold."),
      labelThresholds: { ...(nerTask.options.properties["labelThresholds"] as object), description: "NER thresholds of single entity labels, overriding entityThreshold." },
      relationThreshold: threshold(DEFAULT_THRESHOLD, "Threshold of the relation step's target spans."),
      // No schema default: relex models (own relation head) refuse a prompt, so "not given" must stay visible.
      prompt: { type: "string", description: "Prompt before the text in the relation step (default: the reference's)." },
      flatNer,
      multiLabel,
    },
    ["relations"],
  ),
  result: {
    name: "relations",
    schema: { type: "array", items: { type: "object", required: ["source", "relation", "target", "score"], properties: { source: entitySchema, relation: { type: "string" }, target: entitySchema, score: { type: "number" } } } },
  },
  async run(engine, inputs, options) {
    if (engine.relationHead !== undefined) {
      const given = inputs.find((r) => r.entities !== undefined)?.entities;
      return engine.relationHead(inputs.map((r) => r.text), given === undefined ? options : { ...options, entities: given });
    }
    const entityLabels = [...new Set(options.entityLabels ?? DEFAULT_ENTITY_LABELS)];
    const everyTextHasEntities = inputs.every((r) => r.entities !== undefined);
    const relations = checkRelations(options.relations, everyTextHasEntities && options.entityLabels === undefined ? undefined : entityLabels);
    inputs.forEach((r, i) => {
      if (r.entities !== undefined) checkEntities(r.text, r.entities, inputs.length === 1 ? "entities" : `inputs[${i}].entities`);
    });

    // NER for the texts that need it, in one batched call; given entities are used as they are.
    const missing = inputs.map((r, i) => (r.entities === undefined ? i : -1)).filter((i) => i >= 0);
    const nerOptions = { ...options, threshold: options.entityThreshold, flatNer: true, multiLabel: false };
    const found = missing.length === 0 ? [] : await engine.predict(missing.map((i) => ({ text: (inputs[i] as RelationInput).text, labels: entityLabels })), nerOptions);
    const entities = inputs.map((r, i) => (r.entities !== undefined ? [...r.entities] : (found[missing.indexOf(i)]?.entities ?? [])));

    const labelLists = entities.map((list) => relationLabels(list, relations));
    const requests: TaskRequest[] = [];
    const at = labelLists.map((list, i) => {
      if (list.length === 0) return undefined; // no source mention: no relation call
      requests.push({ prompt: options.prompt ?? RELATION_PROMPT, text: (inputs[i] as RelationInput).text, labels: list.map((l) => l.label) });
      return requests.length - 1;
    });
    const { labelThresholds: _entityOnly, ...relationStep } = options; // entity labels' thresholds; the relation step's labels are "<source> <> <relation>"
    const predictions = requests.length === 0 ? [] : await engine.predict(requests, { ...relationStep, threshold: options.relationThreshold });
    return labelLists.map((list, i) => {
      const index = at[i];
      return index === undefined ? [] : linkRelations(predictions[index]?.entities ?? [], list, entities[i] as Entity[]);
    });
  },
});

function checkEntities(text: string, entities: unknown, argument: string): void {
  if (!Array.isArray(entities)) throw new InvalidInputError(argument, `${argument} must be an array of entities; got ${describe(entities)}.`);
  entities.forEach((e: Partial<Entity> | null, j) => {
    const ok =
      typeof e === "object" && e !== null &&
      Number.isInteger(e.start) && Number.isInteger(e.end) && typeof e.label === "string" && typeof e.text === "string" &&
      text.slice(e.start, e.end) === e.text && (e.start as number) < (e.end as number);
    if (!ok) {
      throw new InvalidInputError(argument, `${argument}[${j}] must be { start, end, text, label, score } with text.slice(start, end) === text; got ${JSON.stringify(e)}.`);
    }
  });
}
