/**
 * Relation extraction. A relex model answers with its own relation head (`TaskModel.relationHead`, src/relex/extract.ts);
 * the other models run a pipeline (the utca design the seed card shows, on the reference's prompt):
 * 1. NER on the bare text with `entityLabels` and `entityThreshold` (the reference's first step);
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
import { checkLabels, checkText, checkThreshold, describe } from "../validate.js";
import { checkPrompt, runOptions } from "./options.js";
import { runPrompted, type PromptedRequest, type TaskModel } from "./prompted.js";
import { DEFAULT_ENTITY_LABELS, RELATION_PROMPT } from "./prompts.js";
import { checkRelations, linkRelations, relationLabels, type RelationLabel } from "./relation-link.js";
import type { Relation, RelationOptions } from "./types.js";

export interface RelationRequest {
  readonly text: string;
  /** Entities of this text already extracted (offsets into it); skips the NER step for it. */
  readonly entities?: readonly Entity[] | undefined;
}

export async function extractRelationsBatch(
  model: TaskModel,
  requests: readonly RelationRequest[],
  options: RelationOptions,
): Promise<Relation[][]> {
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError("options", `extractRelations needs options with at least { relations: [...] }; got ${describe(options)}.`);
  }
  if (model.relationHead) {
    if (requests.some((r) => r.entities !== undefined)) {
      throw new InvalidInputError("entities", "This is a relex model: it finds the entities and their relations in one pass, so entities cannot be given; drop the entities option.");
    }
    return model.relationHead(requests.map((r) => r.text), options);
  }
  const entityLabels = checkLabels(options.entityLabels ?? DEFAULT_ENTITY_LABELS, "entityLabels");
  const everyTextHasEntities = requests.every((r) => r.entities !== undefined);
  const relations = checkRelations(options.relations, everyTextHasEntities && options.entityLabels === undefined ? undefined : entityLabels);
  const prompt = checkPrompt(options.prompt ?? RELATION_PROMPT);
  const relationThreshold = checkThreshold(options.relationThreshold ?? 0.5, "relationThreshold");
  const entityThreshold = checkThreshold(options.entityThreshold ?? 0.5, "entityThreshold");
  requests.forEach((r, i) => {
    const where = requests.length === 1 ? "" : `[${i}]`;
    checkText(r.text, `text${where}`);
    if (r.entities !== undefined) checkEntities(r.text, r.entities, `entities${where}`);
  });

  const entities = await entitiesOf(model, requests, entityLabels, runOptions(options, entityThreshold, "entityThreshold"));
  const labels = entities.map((list) => relationLabels(list, relations));
  const prompted: PromptedRequest[] = [];
  const promptedIndex: (number | undefined)[] = labels.map((list, i) => {
    if (list.length === 0) return undefined; // no source mention: no relation call
    prompted.push({
      prompt,
      text: (requests[i] as RelationRequest).text,
      labels: list.map((l) => l.label),
    });
    return prompted.length - 1;
  });
  const results = await runPrompted(model, prompted, {
    ...runOptions(options, relationThreshold, "relationThreshold"),
    flatNer: options.flatNer,
    multiLabel: options.multiLabel,
  });
  return labels.map((list: RelationLabel[], i) => {
    const at = promptedIndex[i];
    if (at === undefined) return [];
    return linkRelations(results[at]?.entities ?? [], list, entities[i] as Entity[]);
  });
}

/** NER for the texts that need it, in one batched call; given entities are used as they are. */
async function entitiesOf(
  model: TaskModel,
  requests: readonly RelationRequest[],
  entityLabels: readonly string[],
  options: ReturnType<typeof runOptions>,
): Promise<Entity[][]> {
  const missing = requests.map((r, i) => (r.entities === undefined ? i : -1)).filter((i) => i >= 0);
  const found =
    missing.length === 0
      ? []
      : await model.inference(
          missing.map((i) => (requests[i] as RelationRequest).text),
          missing.map(() => entityLabels),
          { ...options, flatNer: true, multiLabel: false },
        );
  return requests.map((r, i) => (r.entities !== undefined ? [...r.entities] : (found[missing.indexOf(i)]?.entities ?? [])));
}

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
