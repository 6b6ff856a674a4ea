/**
 * `extractRelations` on a relex model: the model's own relation head (one pass: entities and relations) instead
 * of the prompt pipeline of multitask models. The task options keep their meaning: `entityLabels` (default
 * ["named entity"]), `entityThreshold` and `labelThresholds` (entities and the spans the model pairs), `relationThreshold`, and per
 * relation `pairsFilter` ([headType, tailType]) and `distanceThreshold` (characters between the mentions),
 * applied to the model's relations; repeats and self-relations are dropped as the prompt pipeline's are.
 */
import { InvalidInputError } from "../errors.js";
import type { LoadedModel } from "../model/load.js";
import { DEFAULT_ENTITY_LABELS } from "../tasks/prompts.js";
import { checkRelations, gap } from "../tasks/relation-link.js";
import type { Relation, RelationOptions } from "../tasks/types.js";
import type { Entity } from "../types.js";
import { checkLabels, checkText, describe } from "../validate.js";
import { predictRelationsFor } from "./api.js";
import { DEFAULT_THRESHOLD } from "../defaults.js";

export async function extractRelationsWithHead(
  model: LoadedModel,
  texts: readonly string[],
  options: RelationOptions,
): Promise<Relation[][]> {
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError("options", `extractRelations needs options with at least { relations: [...] }; got ${describe(options)}.`);
  }
  if (options.entities !== undefined) {
    throw new InvalidInputError("entities", "This is a relex model: it finds the entities and their relations in one pass, so entities cannot be given; drop the entities option.");
  }
  if (options.prompt !== undefined) {
    throw new InvalidInputError("prompt", "This is a relex model: it reads relation labels, not a relation prompt; drop the prompt option.");
  }
  const entityLabels = checkLabels(options.entityLabels ?? DEFAULT_ENTITY_LABELS, "entityLabels");
  const relations = checkRelations(options.relations, entityLabels);
  texts.forEach((t, i) => checkText(t, texts.length === 1 ? "text" : `texts[${i}]`));
  const results = await predictRelationsFor(model, texts, entityLabels, relations.map((r) => r.relation), {
    threshold: options.entityThreshold ?? DEFAULT_THRESHOLD,
    ...(options.labelThresholds === undefined ? {} : { labelThresholds: options.labelThresholds }),
    relationThreshold: options.relationThreshold ?? DEFAULT_THRESHOLD,
    flatNer: options.flatNer ?? true,
    multiLabel: options.multiLabel ?? false,
    uniqueRelations: true,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.truncation === undefined ? {} : { truncation: options.truncation }),
    ...(options.window === undefined ? {} : { window: options.window }),
    ...(options.overlap === undefined ? {} : { overlap: options.overlap }),
    ...(options.onTruncate === undefined ? {} : { onTruncate: options.onTruncate }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const specs = new Map(relations.map((r) => [r.relation, r]));
  return results.map(({ entities, relations: found }) =>
    found.flatMap((r): Relation[] => {
      const spec = specs.get(r.relation)!;
      const source = entities[r.head.entityIdx] as Entity;
      const target = entities[r.tail.entityIdx] as Entity;
      if (spec.pairs !== undefined && !spec.pairs.some(([s, t]) => s === source.label && t === target.label)) return [];
      if (spec.distance !== undefined && gap(source, target) > spec.distance) return [];
      return [{ source, relation: r.relation, target, score: r.score }];
    }),
  );
}
